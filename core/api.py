"""Operational endpoints: /health."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when every component is up, 503 otherwise; the body names what is down."""
    report = run_checks()
    return JsonResponse(
        report, status=200 if report["status"] == "ok" else 503, json_dumps_params={"ensure_ascii": False}
    )
