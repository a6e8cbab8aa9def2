"""Account API routes, joined from the API's areas."""

from accounts.api import identity, messages, verification

app_name = "accounts"
urlpatterns = identity.urlpatterns + verification.urlpatterns + messages.urlpatterns
