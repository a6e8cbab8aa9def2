"""Settings shared by every environment; every value comes from an environment variable (django-environ)."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
# scripts/stack writes the URLs of the servers it started (and generated local secrets) to var/stack.env;
# variables already set in the environment win over that file.
STACK_ENV_FILE = BASE_DIR / "var" / "stack.env"
if STACK_ENV_FILE.exists():
    env.read_env(str(STACK_ENV_FILE))

# ------------------------------------------------------------------------------ core
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Debian's GDAL 3.6 cannot block file/network access when parsing spatial references; we never hand user input to
# Django's GDAL bindings (imported files are read by pyogrio's bundled GDAL, CRSs are parsed by pyproj).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # sign-in by phone and password
    "accounts.backends.AdministratorPermissions",  # the admin site's model permissions follow the admin role
]
LOGIN_URL = "/login/"

DJANGO_APPS = [
    "config.admin.AdministratorAdminConfig",  # django.contrib.admin for administrators only (accounts/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_elasticsearch_dsl",
]
# Dependency direction: contracts -> auctions -> market -> geo; all may use core and accounts;
# search and tiles read from the others and nothing imports them back.
LOCAL_APPS = [
    "core",
    "accounts",
    "geo",
    "market",
    "auctions",
    "contracts",
    "search",
    "tiles",
    "web",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: see the block at the end of this file
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SyncBoundaryMiddleware",  # last: every middleware above runs in the request's thread, no hops
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.site",
            ],
        },
    },
]

# ------------------------------------------------------------------------------ database
# postgis://user:password@host:port/name; no default: scripts/stack provides it for one machine.
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A pool of connections per process (psycopg-pool): under ASGI (uvicorn) Django serves each request in a new thread
# context, so a persistent connection is never reused and every request would connect anew (about 100 ms for a tile
# where rendering it takes 1 ms). DATABASE_POOL_MAX_SIZE=0 turns the pool off and keeps connections
# DATABASE_CONN_MAX_AGE seconds instead (e.g. behind PgBouncer in transaction mode).
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
if DATABASE_POOL_MAX_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    # psycopg's default: statements that ask for it (search.selectors' row query) are prepared on the server, once per
    # pooled connection. Django's own queries use client-side binding and are never prepared. Off without the pool,
    # as PgBouncer in transaction mode may not keep them.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# ------------------------------------------------------------------------------ i18n and time
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Stored in UTC, shown in Asia/Shanghai.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# ------------------------------------------------------------------------------ static and media
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# ------------------------------------------------------------------------------ Redis: cache, Celery, throttling
# Empty REDIS_URL means "not available": the cache is per-process and Celery runs tasks eagerly (logged loudly).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "land",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL.startswith(("redis", "rediss"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "max_retries": 2}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "market-expire-listings": {"task": "market.tasks.expire_listings", "schedule": 15 * 60},
}

# --- trading engine (auctions/services/trading.py) -------------------------------------------------------------
# The close task runs every few seconds; being late only delays the result page, never lets a bid in.
CELERY_IMPORTS = ["auctions.trading_tasks"]
CELERY_BEAT_SCHEDULE["auctions-close-due-lots"] = {"task": "auctions.trading.close_due_lots", "schedule": 5}
# The sealed reserve (底价): every web process has the public key; the private key is given only to the process that
# closes lots (the Celery worker), never to web processes. PEM files; see docs/trading-engine.md.
RESERVE_PUBLIC_KEY_FILE = env("RESERVE_PUBLIC_KEY_FILE", default="")
RESERVE_PRIVATE_KEY_FILE = env("RESERVE_PRIVATE_KEY_FILE", default="")
CLOCK_SHIFT_ALLOWED = False  # only the test settings may shift the trading clock (core.clock.shifted)
# Published roots over the evidence chains (auctions/services/roots.py, docs/evidence.md): signed at each result and
# once a day by the worker, which alone gets the Ed25519 private key; every process publishes the public key. PEM.
ROOTS_SIGNING_KEY_FILE = env("ROOTS_SIGNING_KEY_FILE", default="")
ROOTS_PUBLIC_KEY_FILE = env("ROOTS_PUBLIC_KEY_FILE", default="")
# Supervision's warnings (auctions/anomalies.py, docs/supervision.md): a bidder refused this many times within 60 s;
# a close that ran more than this many seconds after the deadline.
SUPERVISION_REFUSALS_PER_MINUTE = env.int("SUPERVISION_REFUSALS_PER_MINUTE", default=5)
SUPERVISION_LATE_CLOSE_SECONDS = env.float("SUPERVISION_LATE_CLOSE_SECONDS", default=5.0)
CELERY_IMPORTS += ["auctions.roots_tasks"]
CELERY_BEAT_SCHEDULE["auctions-roots-daily"] = {
    "task": "auctions.roots.sign_daily",
    "schedule": crontab(hour=0, minute=10),  # each night, after the day's last closes
}
# --- end of trading engine

# ------------------------------------------------------------------------------ Elasticsearch
# Empty ELASTICSEARCH_URL means "not available": search answers from the database backend (logged loudly).
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_DSL = {
    "default": {
        "hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200",
        "request_timeout": env.float("ELASTICSEARCH_TIMEOUT", default=5.0),
    }
}
ELASTICSEARCH_DSL_AUTOSYNC = False  # indexing follows writes through Celery, never in the request path
ELASTICSEARCH_DSL_AUTO_REFRESH = False
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="land")
SEARCH_INDEXING = env.bool("SEARCH_INDEXING", default=True)  # writes queue index changes (the outbox)

# Search indexing: every committed write of a listing leaves an IndexChange row (search/signals.py); this task indexes
# them (and, when Elasticsearch was away, catches up), the sweep re-indexes heat changed through QuerySet.update().
ELASTICSEARCH_TIMEOUT = ELASTICSEARCH_DSL["default"]["request_timeout"]  # seconds, for every search request
SEARCH_HIGHLIGHT_PRE_TAG = env("SEARCH_HIGHLIGHT_PRE_TAG", default="<em>")
SEARCH_HIGHLIGHT_POST_TAG = env("SEARCH_HIGHLIGHT_POST_TAG", default="</em>")
CELERY_BEAT_SCHEDULE["search-index-changes"] = {"task": "search.tasks.index_changes", "schedule": 60}
CELERY_BEAT_SCHEDULE["search-heat-sweep"] = {"task": "search.tasks.heat_sweep", "schedule": 60 * 60}

# ------------------------------------------------------------------------------ API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"],  # orjson: see core/renderers.py
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",  # drf-spectacular's, with the error answers (core/schema.py)
    "NUM_PROXIES": 0,  # DRF's own reading of X-Forwarded-For: never (core.net.client_address decides)
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",  # DRF's rates, counted in sliding windows: see core/throttling.py
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        "login": env("API_THROTTLE_LOGIN", default="10/min"),
        # e-mail confirmation mails, per user, per caller address, per address mailed
        "email": env("API_THROTTLE_EMAIL", default="5/hour"),
        "email_address": env("API_THROTTLE_EMAIL_ADDRESS", default="20/hour"),
        "email_recipient": env("API_THROTTLE_EMAIL_RECIPIENT", default="3/hour"),
        "ogc": env("API_THROTTLE_OGC", default="1200/min"),
        "search": env("API_THROTTLE_SEARCH", default="600/min"),
        "health": env("API_THROTTLE_HEALTH", default="60/min"),  # the public /health, per client address
    },
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["bids"] = env("API_THROTTLE_BIDS", default="120/min")  # type: ignore[index]
# The live channel of a lot (auctions/live.py, docs/live.md): a tick every LIVE_TICK_SECONDS in timed bidding or an
# auction, every LIVE_SLOW_TICK_SECONDS otherwise; the reconnect delay browsers are told; open streams per client and
# per process; the streams opened on one lot within a minute that make a connection-storm anomaly.
LIVE_TICK_SECONDS = env.float("LIVE_TICK_SECONDS", default=1.0)
LIVE_SLOW_TICK_SECONDS = env.float("LIVE_SLOW_TICK_SECONDS", default=5.0)
LIVE_RETRY_MS = env.int("LIVE_RETRY_MS", default=2000)
LIVE_MAX_CONNECTIONS_PER_CLIENT = env.int("LIVE_MAX_CONNECTIONS_PER_CLIENT", default=8)
LIVE_MAX_CONNECTIONS = env.int("LIVE_MAX_CONNECTIONS", default=5000)
LIVE_STORM_OPENS = env.int("LIVE_STORM_OPENS", default=1000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Land secondary market API (土地二级市场)",
    "DESCRIPTION": "Map search, supply and demand, online trading and contract coding. "
    'Every error has the body {"error": {"code", "message", "fields"}}.',
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "geo.models.Region.Level",
        "AmenityCategoryEnum": "geo.models.Amenity.Category",
        "UserKindEnum": "accounts.models.User.Kind",
        "UserRoleEnum": "accounts.models.User.Role",
        "VerificationStatusEnum": "accounts.models.RealNameVerification.Status",
        "MessageCategoryEnum": "accounts.models.Message.Category",
        "ListingStatusEnum": "market.models.SupplyListing.Status",
        "ListingModeEnum": "market.models.SupplyListing.Mode",
        "AttachmentKindEnum": "market.models.SupplyAttachment.Kind",
        "DemandKindEnum": "market.models.Demand.Kind",
        "DemandStatusEnum": "market.models.Demand.Status",
        "PreAnnouncementStatusEnum": "market.models.PreAnnouncement.Status",
        "PolicyCategoryEnum": "market.models.PolicyDocument.Category",
        "FavouriteTargetEnum": "market.models.Favourite.Target",
        # the notices and the public reads of the trading half (search/notice_serializers.py, auctions/api/public.py)
        "AnnouncementKindEnum": "auctions.models.Announcement.Kind",
        "NoticeStatusEnum": ["published", "superseded"],
        "LotKindEnum": "auctions.models.Lot.Kind",
        "LotTransferEnum": "auctions.models.Lot.Transfer",
        "LotTradingModeEnum": "auctions.models.Lot.TradingMode",
        "LotProcessEnum": "auctions.models.Lot.Process",
        "LotStatusEnum": "auctions.models.Lot.Status",
        # contracts (contracts/api/)
        "ContractKindEnum": "contracts.models.Contract.Kind",
        "ContractOriginEnum": "contracts.models.Contract.Origin",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "ContractAttachmentKindEnum": "contracts.models.ContractAttachment.Kind",
        "ContractRevocationStatusEnum": "contracts.models.Revocation.Status",
        "ContractPartyEnum": ["a", "b", "authority"],
    },
}

# ------------------------------------------------------------------------------ security
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the pages' scripts send it back in X-CSRFToken
# Trusted proxies (core/net.py client_address) and the admin site
# X-Forwarded-For is believed only as far as our own proxies wrote it: DJANGO_TRUSTED_PROXY_COUNT proxies in front
# (the socket peer is the first) and/or proxies inside DJANGO_TRUSTED_PROXIES (addresses or CIDRs). Neither set: the
# socket peer is the caller, whatever the header says.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# Django's admin (administrators only, through the site's own sign-in); production turns it off by default.
ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------ geo
# Radii (m) of the surroundings of a parcel (周边配套) when the request names none.
GEO_SURROUNDING_RADII_M = env.list("GEO_SURROUNDING_RADII_M", cast=int, default=[500, 1000, 3000])
GEO_IMPORT_MAX_UPLOAD_BYTES = env.int("GEO_IMPORT_MAX_UPLOAD_BYTES", default=2 * 1024**3)

# ------------------------------------------------------------------------------ Digital certificates
# The development CA (tests/fakes/ca.py), set only by scripts/stack for development and demos; empty in production.
# When set, the personal centre offers a demo certificate: the server forwards the browser's CSR to DEV_CA_URL/csr.
DEV_CA_URL = env("DEV_CA_URL", default="")
# Contract steps (party B's confirmation, the authority's approval) must be signed with the actor's certificate, from
# a session signed in with it (docs/signing.md); unsigned steps are refused with signature_required.
CONTRACTS_SIGNATURE_REQUIRED = env.bool("CONTRACTS_SIGNATURE_REQUIRED", default=False)

# ------------------------------------------------------------------------------ Grant registry (pre-announcements)
# Where a pre-announcement looks up its primary-market grant (一级市场供地): "local" reads the PrimaryGrant table
# (loaded by `manage.py load_grants`), "http" asks the registry's API at GRANT_REGISTRY_URL with a bearer key.
GRANT_REGISTRY = env("GRANT_REGISTRY", default="local")
GRANT_REGISTRY_URL = env("GRANT_REGISTRY_URL", default="")
GRANT_REGISTRY_KEY = env("GRANT_REGISTRY_KEY", default="")
GRANT_REGISTRY_TIMEOUT = env.float("GRANT_REGISTRY_TIMEOUT", default=5.0)  # seconds
# How long the signed answer of a grant lookup may be used to create a pre-announcement (seconds).
GRANT_LOOKUP_TOKEN_MAX_AGE = env.int("GRANT_LOOKUP_TOKEN_MAX_AGE", default=30 * 60)

# ------------------------------------------------------------------------------ Market uploads and listings
# Uploads larger than this go to a temporary file instead of memory; raw chunk bodies are streamed to storage.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# A published supply listing expires after this many days (the seed: six months).
MARKET_LISTING_LIFETIME_DAYS = env.int("MARKET_LISTING_LIFETIME_DAYS", default=183)
MARKET_PHOTO_MAX_BYTES = env.int("MARKET_PHOTO_MAX_BYTES", default=8 * 1024**2)
MARKET_PHOTO_MAX_COUNT = env.int("MARKET_PHOTO_MAX_COUNT", default=5)
MARKET_VIDEO_MAX_BYTES = env.int("MARKET_VIDEO_MAX_BYTES", default=300 * 1024**2)
MARKET_VIDEO_MAX_COUNT = env.int("MARKET_VIDEO_MAX_COUNT", default=3)
MARKET_DOCUMENT_MAX_BYTES = env.int("MARKET_DOCUMENT_MAX_BYTES", default=50 * 1024**2)
MARKET_DOCUMENT_MAX_COUNT = env.int("MARKET_DOCUMENT_MAX_COUNT", default=10)  # per kind of document
MARKET_UPLOAD_CHUNK_MAX_BYTES = env.int("MARKET_UPLOAD_CHUNK_MAX_BYTES", default=8 * 1024**2)

# ------------------------------------------------------------------------------ archive uploads (core/archives.py)
# Uploaded ZIP/DOCX/RAR documents are judged by their directories, never inflated in the request: refused above these
# declared totals (archives inside included), per-member compression ratio (members over 1 MiB; deflate tops out near
# 1032), member count, and total size of the ZIPs inside, which are inflated to be checked (one level deep).
UPLOAD_ARCHIVE_MAX_TOTAL_BYTES = env.int("UPLOAD_ARCHIVE_MAX_TOTAL_BYTES", default=512 * 1024**2)
UPLOAD_ARCHIVE_MAX_RATIO = env.int("UPLOAD_ARCHIVE_MAX_RATIO", default=100)
UPLOAD_ARCHIVE_MAX_MEMBERS = env.int("UPLOAD_ARCHIVE_MAX_MEMBERS", default=1000)
UPLOAD_ARCHIVE_MAX_NESTED_BYTES = env.int("UPLOAD_ARCHIVE_MAX_NESTED_BYTES", default=32 * 1024**2)
# Zipped GIS files (geo imports): larger, with more members (a layer per county), and DBF tables of blank padding
# that compress ~100×; unpacked in the worker with the same check and a bound on what comes out.
GEO_IMPORT_MAX_UNZIPPED_BYTES = env.int("GEO_IMPORT_MAX_UNZIPPED_BYTES", default=8 * GEO_IMPORT_MAX_UPLOAD_BYTES)
GEO_IMPORT_ARCHIVE_MAX_RATIO = env.int("GEO_IMPORT_ARCHIVE_MAX_RATIO", default=1000)
GEO_IMPORT_ARCHIVE_MAX_MEMBERS = env.int("GEO_IMPORT_ARCHIVE_MAX_MEMBERS", default=50_000)
# ------------------------------------------------------------------------------ end of archive uploads

# ------------------------------------------------------------------------------ health
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=1.0)

# ------------------------------------------------------------------------------ SMS and captcha
# SMS_BACKEND "console" only logs the message (development only: the code never reaches a phone); "http" posts it to
# the SMS provider (production's default, where the provider's URL and key have no default). SMS_TEMPLATES maps an
# SMS purpose (register, login, ...) to the provider's template id (default: the purpose), e.g.
# SMS_TEMPLATES=register=SMS_1001,login=SMS_1002.
SMS_BACKEND = env("SMS_BACKEND", default="console")
SMS_PROVIDER_URL = env("SMS_PROVIDER_URL", default="")
SMS_PROVIDER_KEY = env("SMS_PROVIDER_KEY", default="")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="土地二级市场")
SMS_TEMPLATES = env.dict("SMS_TEMPLATES", default={})
SMS_PROVIDER_TIMEOUT = env.float("SMS_PROVIDER_TIMEOUT", default=5.0)
# E-mail (address confirmation links) from EMAIL_URL: consolemail:// here, smtp+tls://user:password@host:587 ...;
# production has no default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# ------------------------------------------------------------------------------ banks (deposits; docs/banks.md)
# BANKS is JSON: {"ICBC": {"url": "https://bank.example/api", "key_env": "BANK_KEY_ICBC"}, ...}; each bank's shared
# key is read from the environment variable it names, never from a file in the repository. `scripts/stack up` points
# the demo banks at the development bank (var/stack.env). The webhook refuses notices whose X-Bank-Timestamp is more
# than BANK_WEBHOOK_TOLERANCE seconds away from the database clock.
BANKS: dict[str, dict[str, str]] = env.json("BANKS", default={})
BANK_TIMEOUT = env.float("BANK_TIMEOUT", default=10.0)  # seconds, every call to a bank
BANK_WEBHOOK_TOLERANCE = env.int("BANK_WEBHOOK_TOLERANCE", default=300)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["bank"] = env("API_THROTTLE_BANK", default="600/min")  # type: ignore[index]
CELERY_BEAT_SCHEDULE["auctions-bank-reconcile"] = {
    "task": "auctions.tasks.reconcile_yesterday",
    "schedule": crontab(hour=6, minute=0),  # the banks' statements of the day before, each morning
}
# Deposits after the trade: refunds and the winner's conversion not yet confirmed by the bank are sent again when
# their backoff has passed (auctions/services/refunds.py), and what an on-commit task missed is planned.
CELERY_BEAT_SCHEDULE["auctions-refunds-send-due"] = {"task": "auctions.refunds.send_due", "schedule": 60}
# ------------------------------------------------------------------------------ end of banks

# ------------------------------------------------------------------------------ logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # it narrates its CSS parsing at INFO
        "fontTools": {"level": "WARNING"},
    },
}

# ------------------------------------------------------------------------------ map page (地图找地)
# MapLibre GL JS comes from npm (package.json; scripts/setup runs `npm ci`), served as static files under
# /static/vendor/maplibre-gl/: no CDN, the machines may have no internet.
STATICFILES_DIRS = [("vendor/maplibre-gl", BASE_DIR / "node_modules" / "maplibre-gl" / "dist")]
# --- the supply form's map picker (docs/publishing.md): Terra Draw and its MapLibre adapter (UMD builds), GeographicLib
STATICFILES_DIRS += [
    ("vendor/terra-draw", BASE_DIR / "node_modules" / "terra-draw" / "dist"),
    ("vendor/terra-draw-maplibre-gl-adapter", BASE_DIR / "node_modules" / "terra-draw-maplibre-gl-adapter" / "dist"),
    ("vendor/geographiclib-geodesic", BASE_DIR / "node_modules" / "geographiclib-geodesic"),
]
# An external raster basemap under our own layers, off when empty: an XYZ URL template in Web Mercator, where
# {0-7} picks one of several hosts, e.g. 天地图 https://t{0-7}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile
# &VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY
MAP_BASEMAP_TILES = env("MAP_BASEMAP_TILES", default="")
MAP_BASEMAP_ATTRIBUTION = env("MAP_BASEMAP_ATTRIBUTION", default="")
# --- basemaps (docs/maps.md): without these the map draws the offline basemap (tile layer `basemap`, from
# `manage.py load_basemap`). TIANDITU_KEY, a 天地图 browser key (it travels in every tile URL: restrict it to this
# site's domain in 天地图's console), adds 天地图's vector and imagery WMTS tiles (Web Mercator, `_w`) and a switcher;
# with a key, MAP_BASEMAP_TILES is ignored. Without a key no request ever goes to 天地图. TIANDITU_URL: the tile URL
# template ({0-7} hosts, {layer} vec|cva|img|cia, {key}, {z}/{x}/{y}); tests point it at a local fake.
TIANDITU_KEY = env("TIANDITU_KEY", default="")
TIANDITU_URL = env(
    "TIANDITU_URL",
    default="https://t{0-7}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}",
)
# --- end of basemaps
# The first view of /map/ without a region or view in the address: a region code to fit (e.g. 510000), else the
# centre (lon,lat in degrees) and zoom below.
MAP_INITIAL_REGION = env("MAP_INITIAL_REGION", default="")
MAP_INITIAL_CENTER = [float(value) for value in env.list("MAP_INITIAL_CENTER", default=["104.0", "35.0"])]
MAP_INITIAL_ZOOM = env.float("MAP_INITIAL_ZOOM", default=3.5)

# ------------------------------------------------------------------------------ tiles (vector tiles, tiles/)
# Tiles are answered for zooms 0…TILES_MAX_ZOOM; TileJSON advertises TILES_SOURCE_MAX_ZOOM (the map over-zooms
# beyond it). Below a layer's minimum zoom a tile is empty (204).
TILES_MAX_ZOOM = env.int("TILES_MAX_ZOOM", default=22)
TILES_SOURCE_MAX_ZOOM = env.int("TILES_SOURCE_MAX_ZOOM", default=16)
TILES_PARCELS_MIN_ZOOM = env.int("TILES_PARCELS_MIN_ZOOM", default=12)
TILES_AMENITIES_MIN_ZOOM = env.int("TILES_AMENITIES_MIN_ZOOM", default=12)
# Supply and demand points are aggregated into clusters at zooms up to this one (a grid of TILES_CLUSTER_CELLS ×
# TILES_CLUSTER_CELLS cells per tile), shown one by one above it.
TILES_CLUSTER_MAX_ZOOM = env.int("TILES_CLUSTER_MAX_ZOOM", default=10)
TILES_CLUSTER_CELLS = env.int("TILES_CLUSTER_CELLS", default=16)
# Lots on the map (tiles `lots`): from this zoom a lot with a parcel or a mining right's area is drawn as its outline.
TILES_LOTS_OUTLINE_MIN_ZOOM = env.int("TILES_LOTS_OUTLINE_MIN_ZOOM", default=14)
# Which region levels a `regions` tile draws at which zooms (inclusive), and up to which zoom the stored simplified
# boundaries are used.
TILES_REGION_ZOOMS = {"province": (0, 8), "city": (5, 8), "county": (7, 22)}
TILES_REGIONS_SIMPLIFIED_MAX_ZOOM = env.int("TILES_REGIONS_SIMPLIFIED_MAX_ZOOM", default=6)
# Parcels smaller than this many screen pixels (a tile drawn 512 pixels wide) are left out of a tile.
TILES_PARCELS_MIN_PIXELS = env.float("TILES_PARCELS_MIN_PIXELS", default=1.0)
# At most this many features per tile (largest parcels first, newest listings first, biggest clusters first); a
# tile still above TILES_MAX_BYTES (uncompressed) is rendered again with fewer features until it fits.
TILES_FEATURE_CAPS = {"regions": 3000, "parcels": 6000, "supply": 5000, "demand": 5000, "amenities": 4000}
TILES_MAX_BYTES = env.int("TILES_MAX_BYTES", default=500_000)
# Browsers and proxies keep a tile this many seconds (Cache-Control); the server-side cache (Redis) keeps rendered
# tiles this long, invalidated earlier by a per-layer data version whenever the rows a layer draws change.
TILES_MAX_AGE = env.int("TILES_MAX_AGE", default=60)
TILES_CACHE_TIMEOUT = env.int("TILES_CACHE_TIMEOUT", default=7 * 24 * 3600)
# Tile requests per client (IP address) and minute; empty: no limit. A map view asks for dozens of tiles at once.
TILES_THROTTLE_RATE = env("TILES_THROTTLE_RATE", default="6000/min") or None
# TileJSON's bounds when a layer has no data: China (west, south, east, north, degrees).
TILES_DEFAULT_BOUNDS = (73.4, 18.1, 135.1, 53.6)

# ------------------------------------------------------------------------------ Content-Security-Policy (django-csp)
# Scripts only from this site, inline ones only with the response's nonce (`nonce="{{ request.csp_nonce }}"`);
# MapLibre's workers are blob: URLs; the raster basemap's hosts (TIANDITU_URL with a TIANDITU_KEY, else
# MAP_BASEMAP_TILES) may be drawn and fetched. The API docs (core/api.py) widen style-src for their own pages only.
_basemap_template = TIANDITU_URL if TIANDITU_KEY else MAP_BASEMAP_TILES
_hosts = re.search(r"\{(\d+)-(\d+)\}", _basemap_template)  # t{0-7}: one host per number
_basemap_urls = (
    [_basemap_template.replace(_hosts[0], str(n)) for n in range(int(_hosts[1]), int(_hosts[2]) + 1)]
    if _hosts
    else [_basemap_template]
)
MAP_BASEMAP_ORIGINS = sorted({f"{url.scheme}://{url.netloc}" for url in map(urlsplit, _basemap_urls) if url.netloc})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *MAP_BASEMAP_ORIGINS],
        "connect-src": [SELF, *MAP_BASEMAP_ORIGINS],
        "worker-src": [SELF, "blob:"],
        "child-src": [SELF, "blob:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ------------------------------------------------------------------------------ the operator (every page's footer)
# Who runs this deployment and how to reach it; the ICP filing number (ICP备案号) is required of sites served in China.
SITE = {
    "operator": env("SITE_OPERATOR", default=""),
    "icp": env("SITE_ICP_NUMBER", default=""),
    "phone": env("SITE_CONTACT_PHONE", default=""),
    "email": env("SITE_CONTACT_EMAIL", default=""),
    "address": env("SITE_CONTACT_ADDRESS", default=""),
}
