"""Operational endpoints: /health (public liveness), /health/details (staff and localhost), the API docs pages."""

import ipaddress

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import is_staff_member
from core.errors import PermissionDenied, error_body
from core.health import liveness, run_checks
from core.net import client_address
from core.throttling import ScopedRateThrottle


def may_see_health_details(request: HttpRequest) -> bool:
    """Staff (any staff role or a superuser), or a caller on this machine (the stack script, a local probe)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_staff_member(user):
        return True
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@method_decorator(never_cache, name="dispatch")
@extend_schema(exclude=True)
class HealthApi(APIView):
    """GET /health: {"status": "ok"} 200 while the database answers, {"status": "down"} 503 otherwise. Public and
    throttled (scope "health"); no session or token is read, no other server is asked, nothing is named."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "health"

    def get(self, request: Request) -> Response:
        report = liveness()
        return Response(report, status=200 if report["status"] == "ok" else 503)


@never_cache
@require_GET
def health_details(request: HttpRequest) -> JsonResponse:
    """GET /health/details: every component with its versions, workers and latency; 200 when all are up, 503 naming
    what is down otherwise. Staff or localhost only (403 with the error body for anyone else)."""
    if not may_see_health_details(request):
        error = PermissionDenied()
        body = error_body(error.code, error.message)
        return JsonResponse(body, status=error.status_code, json_dumps_params={"ensure_ascii": False})
    report = run_checks()
    return JsonResponse(
        report, status=200 if report["status"] == "ok" else 503, json_dumps_params={"ensure_ascii": False}
    )


# Swagger UI and ReDoc: their scripts are files (the split view serves Swagger's set-up script as one), but both
# style their pages with inline <style> (ReDoc's styled-components at run time): style-src widens on these pages only.
DOCS_CSP = {"style-src": [UNSAFE_INLINE]}  # added to the policy's 'self'
swagger_ui = csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="schema"))
redoc = csp_update(DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"))
