"""Settings for the test run: the real servers from scripts/stack, kept apart from the demo's data."""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, REDIS_URL, REST_FRAMEWORK, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-key-not-used-anywhere-else")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests use their own Redis database, so the demo's Celery worker never takes a test's task (and vice versa);
# Elasticsearch indices get their own prefix; PostgreSQL gets pytest-django's test_<name> database.
if REDIS_URL:
    REDIS_URL = env("TEST_REDIS_URL", default=urlsplit(REDIS_URL)._replace(path="/15").geturl())
    CACHES["default"]["LOCATION"] = REDIS_URL
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STATIC_ROOT = None  # tests serve static files from the apps' folders (finders), no collectstatic
WHITENOISE_USE_FINDERS = True
# Parallel test runs on one cluster each need their own database name.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
if "pool" in DATABASES["default"].get("OPTIONS", {}):  # race tests hold up to 14 connections at once, in threads
    DATABASES["default"]["OPTIONS"]["pool"]["max_size"] = max(DATABASES["default"]["OPTIONS"]["pool"]["max_size"], 20)
SEARCH_INDEX_PREFIX = env("TEST_SEARCH_INDEX_PREFIX", default="test_land")
# Scenario tests move the trading clock (core.clock.shifted); production never can.
CLOCK_SHIFT_ALLOWED = True
# The evidence log refuses TRUNCATE unless the session allows it: pytest's flush after a transactional test needs it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c land.evidence_truncate=allowed"

REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # type: ignore[dict-item]
    "anon": "10000/min",
    "user": "10000/min",
    "login": "10/min",
    "search": "10000/min",
}

# ------------------------------------------------------------------------------ SMS and captcha
# Codes are only logged unless a test takes the `sms_inbox` fixture, which points the "http" backend at a local fake.
SMS_BACKEND = "console"
SMS_PROVIDER_URL = ""
SMS_PROVIDER_KEY = ""

# Writes queue no index changes except in search's own tests (search/tests/conftest.py turns it on): other apps'
# tests would otherwise leave indexing tasks for whichever test next runs a Celery worker.
SEARCH_INDEXING = False

# No development CA unless a test starts its own (accounts/tests/conftest.py `local_ca` points DEV_CA_URL at it):
# the development CA of var/stack.env is not the tests'.
DEV_CA_URL = ""
