"""Market API routes, joined from the API's areas."""

from market.api import demand, interactions, policies, pre_announcements, statistics, supply

app_name = "market"
urlpatterns = (
    supply.urlpatterns
    + demand.urlpatterns
    + pre_announcements.urlpatterns
    + interactions.urlpatterns
    + policies.urlpatterns
    + statistics.urlpatterns
)
