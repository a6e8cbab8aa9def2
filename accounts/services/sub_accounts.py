"""Enterprise sub-accounts (子账号): a verified enterprise keeps up to three logins that act in its name."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from accounts.models import User, phone_validator
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound, PermissionDenied

SUB_ACCOUNT_LIMIT = 3
NAME_MAX_LENGTH = User._meta.get_field("real_name").max_length or 128


def _errors(error: DjangoValidationError) -> list[dict[str, str]]:
    return [{"code": e.code or "invalid", "message": " ".join(str(m) for m in e.messages)} for e in error.error_list]


def _check_enterprise(enterprise: User) -> None:
    if enterprise.kind != User.Kind.ENTERPRISE or enterprise.parent_id is not None:
        raise PermissionDenied(_("Only an enterprise account has sub-accounts."), code="enterprise_only")


def _check_new_sub_account(*, phone: str, password: str, name: str) -> str:
    """The name, trimmed, once the phone number, password and name are all acceptable; else one 400 naming each."""
    fields: FieldErrors = {}
    name = (name or "").strip()
    if not name:
        fields["name"] = [{"code": "required", "message": _("Enter the name of the person using the account.")}]
    elif len(name) > NAME_MAX_LENGTH:
        fields["name"] = [
            {"code": "max_length", "message": _("Use at most %(count)d characters.") % {"count": NAME_MAX_LENGTH}}
        ]
    try:
        phone_validator(phone)
        if not (phone.isascii() and len(phone) == 11):  # the validator's \d and $ also let other digits and "\n" by
            raise DjangoValidationError(phone_validator.message, code=phone_validator.code)
    except DjangoValidationError as error:
        fields["phone"] = _errors(error)
    try:
        validate_password(password, user=User(phone=phone, real_name=name))
    except DjangoValidationError as error:
        fields["password"] = _errors(error)
    if fields:
        raise InvalidInput(fields=fields)
    return name


def _phone_taken() -> Conflict:
    message = _("This phone number is already registered.")
    return Conflict(message, code="phone_taken", fields={"phone": [{"code": "phone_taken", "message": message}]})


@transaction.atomic
def sub_account_create(*, enterprise: User, phone: str, password: str, name: str) -> User:
    """Create a sub-account of a verified enterprise (at most three, disabled ones included) that logs in with
    its own phone number and password."""
    _check_enterprise(enterprise)
    enterprise = User.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.verified_at is None:
        raise PermissionDenied(
            _("Complete real-name verification before you create sub-accounts."),
            code="verification_required",
        )
    name = _check_new_sub_account(phone=phone, password=password, name=name)
    if User.objects.filter(parent=enterprise).count() >= SUB_ACCOUNT_LIMIT:
        raise Conflict(
            _("An enterprise may have at most %(count)d sub-accounts.") % {"count": SUB_ACCOUNT_LIMIT},
            code="sub_account_limit",
        )
    if User.objects.filter(phone=phone).exists():
        raise _phone_taken()
    try:
        with transaction.atomic():
            return User.objects.create_user(
                phone=phone, password=password, kind=User.Kind.ENTERPRISE, parent=enterprise, real_name=name
            )
    except IntegrityError:  # registered by someone else since the check above
        raise _phone_taken() from None


def _sub_account_locked(*, enterprise: User, sub_account_id: int) -> User:
    """One of the enterprise's sub-accounts, locked; anyone else's answers 404."""
    _check_enterprise(enterprise)
    sub_account = User.objects.select_for_update().filter(pk=sub_account_id, parent=enterprise).first()
    if sub_account is None:
        raise NotFound()
    return sub_account


@transaction.atomic
def sub_account_set_active(*, enterprise: User, sub_account_id: int, is_active: bool) -> User:
    """Disable a sub-account (it can no longer sign in or act) or enable it again."""
    sub_account = _sub_account_locked(enterprise=enterprise, sub_account_id=sub_account_id)
    if sub_account.is_active != is_active:
        sub_account.is_active = is_active
        sub_account.save(update_fields=["is_active"])
    return sub_account


@transaction.atomic
def sub_account_delete(*, enterprise: User, sub_account_id: int) -> None:
    """Delete a sub-account, which frees its place; one that records still refer to is refused (disable it)."""
    sub_account = _sub_account_locked(enterprise=enterprise, sub_account_id=sub_account_id)
    try:
        with transaction.atomic():
            sub_account.delete()
    except (ProtectedError, RestrictedError):
        raise Conflict(
            _("Records still refer to this sub-account; disable it instead."), code="sub_account_in_use"
        ) from None
