"""Django's model permissions follow the role: an administrator holds every permission (the admin site's models),
anyone else none through this backend. No sign-in happens here."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from accounts.models import User
from accounts.selectors import is_administrator


class AdministratorPermissions(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return isinstance(user_obj, User) and is_administrator(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return isinstance(user_obj, User) and is_administrator(user_obj)
