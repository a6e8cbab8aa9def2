"""Account API routes, joined from the API's areas."""

from accounts.api import certificate_login, certificates, identity, messages, verification

app_name = "accounts"
urlpatterns = (
    identity.urlpatterns
    + verification.urlpatterns
    + messages.urlpatterns
    + certificates.urlpatterns
    + certificate_login.urlpatterns
)
