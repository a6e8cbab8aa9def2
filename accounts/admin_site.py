"""Django's admin for administrators only, signed in through the site's own login (captcha, SMS code, limits)."""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.selectors import is_administrator


class AdministratorAdminSite(admin.AdminSite):
    """The admin site: open to accounts.selectors.is_administrator; its own password form is never shown, a
    visitor is sent to the site's /login/ and back."""

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)  # type: ignore[arg-type]

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated:  # signed in, but not an administrator
            raise PermissionDenied
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url=settings.LOGIN_URL)
