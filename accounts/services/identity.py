"""Writes on accounts: every state change goes through here."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from core.errors import ApplicationError


class InvalidCredentials(ApplicationError):
    status_code = 401
    default_code = "invalid_credentials"
    default_message = _("The phone number or password is wrong.")


@transaction.atomic
def token_obtain(*, request: HttpRequest | None, phone: str, password: str) -> Token:
    """The user's API token, created on first use; refuses wrong or inactive credentials."""
    user = authenticate(request, phone=phone, password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    token, _created = Token.objects.get_or_create(user=user)
    return token
