"""What every page's footer shows: the operator and its contacts, from settings (SITE_*)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site": settings.SITE}
