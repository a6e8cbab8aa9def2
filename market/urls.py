"""Market API routes, joined from the API's areas."""

from market.api import (
    appointments,
    comparison,
    demand,
    favourites,
    policies,
    pre_announcements,
    quotes,
    review,
    statistics,
    supply,
)

app_name = "market"
urlpatterns = (
    supply.urlpatterns
    + demand.urlpatterns
    + pre_announcements.urlpatterns
    + quotes.urlpatterns
    + appointments.urlpatterns
    + favourites.urlpatterns
    + comparison.urlpatterns
    + policies.urlpatterns
    + statistics.urlpatterns
    + review.urlpatterns
)
