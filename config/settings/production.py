"""Production settings: secrets and hosts have no defaults, HTTPS only, hashed static files."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# SMS codes go to the provider and mail to a real server; neither has a default.
SMS_BACKEND = env("SMS_BACKEND", default="http")
if SMS_BACKEND == "http":
    SMS_PROVIDER_URL = env("SMS_PROVIDER_URL")
    SMS_PROVIDER_KEY = env("SMS_PROVIDER_KEY")
vars().update(env.email_url("EMAIL_URL"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=False)  # the admin site is off unless asked for
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Browsers keep to HTTPS for a year after each visit. Subdomains and the preload list are the deployer's decision:
# turn subdomains off when a subdomain still serves plain HTTP; preload only once sure (it is hard to undo).
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
