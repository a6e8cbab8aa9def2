"""Pages, and the 404/500 handlers (JSON under /api/, HTML elsewhere)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import has_role
from auctions.selectors_home import home_broadcast
from core.api import may_see_health_details
from core.errors import error_body
from geo.models import ImportJob
from geo.selectors_imports import import_jobs_recent
from market.selectors.home import home_figures, home_newest
from web.views_search import home_search_context


def home(request: HttpRequest) -> HttpResponse:
    """What a visitor came for: the search box, the newest listings and demands, the market's figures, notices."""
    listings, demands = home_newest()
    context = {"listings": listings, "demands": demands, "figures": home_figures(), "broadcast": home_broadcast()}
    return render(request, "web/home.html", home_search_context() | context)


def status(request: HttpRequest) -> HttpResponse:
    """The platform's components, live from /health/details: for staff, and for callers on this machine."""
    if not may_see_health_details(request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied()
    return render(request, "web/status.html", {"health_url": reverse("health-details")})


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
