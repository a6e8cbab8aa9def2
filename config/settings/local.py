"""Settings for one machine (`make run`): debug on, the browsable API, generated secrets from var/stack.env."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# scripts/stack generates a key into var/stack.env; without it, a per-process key (sessions end on restart).
SECRET_KEY = env("DJANGO_SECRET_KEY", default=get_random_secret_key())
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "core.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
