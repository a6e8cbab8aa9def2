"""Pages, and the 404/500 handlers (JSON under /api/, HTML elsewhere)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import has_role
from core.api import may_see_health_details
from core.errors import error_body
from geo.models import ImportJob
from geo.selectors_imports import import_jobs_recent
from web.views_search import home_search_context


def home(request: HttpRequest) -> HttpResponse:
    """The status box reads /health/details for staff and callers on this machine, the public /health otherwise."""
    health_url = reverse("health-details" if may_see_health_details(request) else "health")
    return render(request, "web/home.html", home_search_context() | {"health_url": health_url})


@login_required
def geo_import(request: HttpRequest) -> HttpResponse:
    """GIS staff upload boundary, parcel and amenity files and follow their imports."""
    user = request.user
    if not has_role(user, User.Role.GIS_STAFF):  # type: ignore[arg-type]
        raise PermissionDenied()
    jobs = import_jobs_recent(user=user)  # type: ignore[arg-type]
    return render(request, "web/geo_import.html", {"jobs": jobs, "kinds": ImportJob.Kind.choices})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/ogc/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "web/error.html", {"status": 404, "message": _("Page not found.")}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("server_error", _("Internal server error; it has been logged.")), status=500)
    return render(request, "web/error.html", {"status": 500, "message": _("Internal server error.")}, status=500)
