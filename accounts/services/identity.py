"""Identity: registration, login (its limits: login_limits), SMS code requests, passwords, phone, e-mail, profile."""

from django.contrib.auth import SESSION_KEY, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.selectors import is_staff_member
from accounts.services.captcha import captcha_verify
from accounts.services.login_limits import (
    STAFF_LIMITS,
    USER_LIMITS,
    login_failed,
    login_limits_lift,
    login_must_wait,
    login_needs_captcha,
    login_succeeded,
)
from accounts.services.sms import SmsPurpose, sms_code_decoy, sms_code_send, sms_code_verify
from core.errors import ApplicationError, FieldErrors, InvalidInput, PermissionDenied, ServiceUnavailable

EMAIL_TOKEN_MAX_AGE = 24 * 60 * 60
EMAIL_TOKEN_SALT = "accounts.email.confirm"  # noqa: S105 (a signing salt, not a secret)


class InvalidCredentials(ApplicationError):
    """The one answer for an unknown phone, a wrong password and an attempt that must wait (see login_limits)."""

    status_code = 401
    default_code = "invalid_credentials"
    default_message = _(
        "The phone number or password is wrong; after several wrong tries, wait a while before the next."
    )


class CaptchaRequired(InvalidInput):
    default_code = "captcha_required"
    default_message = _(
        "Several wrong passwords were entered for this phone number: solve the image captcha to sign in."
    )

    def __init__(self) -> None:
        message = str(self.default_message)
        fields: FieldErrors = {"captcha_answer": [{"code": self.default_code, "message": message}]}
        super().__init__(message, fields=fields)


class SecondFactorRequired(ApplicationError):
    """A staff account's password was right; the SMS code sent to its phone is still needed."""

    status_code = 401
    default_code = "sms_code_required"
    default_message = _("Staff accounts sign in with an SMS code too: enter the code just sent to the phone.")

    def __init__(self) -> None:
        message = str(self.default_message)
        super().__init__(message, fields={"sms_code": [{"code": self.default_code, "message": message}]})


def _field_errors(errors: FieldErrors) -> InvalidInput:
    """One error naming every field; its code is the field's when only one thing is wrong."""
    flat = [error for field_errors in errors.values() for error in field_errors]
    if len(flat) == 1:
        return InvalidInput(flat[0]["message"], code=flat[0]["code"], fields=errors)
    return InvalidInput(fields=errors)


def _field_error(field: str, code: str, message: str) -> InvalidInput:
    return _field_errors({field: [{"code": code, "message": str(message)}]})


def _password_errors(
    *, password: str, confirm: str, user: User, field: str = "password", confirm_field: str = "password_confirm"
) -> FieldErrors:
    errors: FieldErrors = {}
    if password != confirm:
        errors[confirm_field] = [{"code": "password_mismatch", "message": gettext("The two passwords differ.")}]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors[field] = [
            {"code": error.code or "invalid", "message": " ".join(error.messages)} for error in exc.error_list
        ]
    return errors


# ------------------------------------------------------------------------------ passwords and lockout


def _password_check(*, phone: str, password: str, address: str, captcha_solved: bool) -> User:
    """The active user with this phone and password, under accounts.services.login_limits.

    An unknown phone, a wrong password and an attempt that must wait all answer InvalidCredentials after running the
    password hasher once, so neither the answer nor its time tells them apart. Past a few failures of the phone, an
    attempt without a solved captcha is refused first (CaptchaRequired), whoever owns the phone.
    """
    user = User.objects.filter(phone=phone, is_active=True).first()
    limits = STAFF_LIMITS if user is not None and is_staff_member(user) else USER_LIMITS
    if not captcha_solved and login_needs_captcha(phone=phone, limits=limits):
        raise CaptchaRequired()
    if login_must_wait(phone=phone, address=address):
        User().set_password(password)  # the same hashing time as a checked password
        raise InvalidCredentials()
    if user is None:
        User().set_password(password)
        right = False
    else:
        right = user.check_password(password)
    if not right or user is None:
        login_failed(phone=phone, address=address, limits=limits)
        raise InvalidCredentials()
    return user


def _session_start(*, request: HttpRequest, user: User) -> Token:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    token, _created = Token.objects.get_or_create(user=user)
    return token


def token_obtain(
    *,
    phone: str,
    password: str,
    address: str,
    sms_code: str = "",
    captcha_key: str = "",
    captcha_answer: str = "",
) -> Token:
    """The user's API token, created on first use (no session).

    The same limits as the login; the captcha fields are needed only once login_limits asks for them. A staff member
    (accounts.selectors.is_staff_member) also needs an SMS code: a right password without one sends the code to the
    phone and answers SecondFactorRequired, so only someone who knows the password learns that a code is needed.
    """
    if captcha_key or captcha_answer:
        captcha_verify(key=captcha_key, answer=captcha_answer)
    user = _password_check(phone=phone, password=password, address=address, captcha_solved=bool(captcha_key))
    if is_staff_member(user):
        if not sms_code:
            sms_code_send(phone=phone, purpose=SmsPurpose.LOGIN, client_ip=address)
            raise SecondFactorRequired()
        sms_code_verify(phone=phone, purpose=SmsPurpose.LOGIN, code=sms_code)
    login_succeeded(phone=phone, address=address)
    token, _created = Token.objects.get_or_create(user=user)
    return token


def user_login(
    *,
    request: HttpRequest,
    phone: str,
    password: str,
    sms_code: str,
    captcha_key: str,
    captcha_answer: str,
    address: str,
) -> Token:
    """Sign in (session) with phone, password, image captcha and an SMS code of purpose login; returns the API token.

    The captcha is checked (and used up) first, then the password (under login_limits), then the SMS code, so a
    mistyped password does not burn the SMS code. Every account needs the SMS code here, staff included.
    """
    captcha_verify(key=captcha_key, answer=captcha_answer)
    user = _password_check(phone=phone, password=password, address=address, captcha_solved=True)
    sms_code_verify(phone=phone, purpose=SmsPurpose.LOGIN, code=sms_code)
    login_succeeded(phone=phone, address=address)
    return _session_start(request=request, user=user)


def user_logout(*, request: HttpRequest, user: User | None, token_used: bool) -> None:
    """End the session; a client that signed the request with its token also loses the token."""
    if user is not None and token_used:
        Token.objects.filter(user=user).delete()
    logout(request)


# ------------------------------------------------------------------------------ SMS code requests


def sms_code_request(
    *,
    phone: str,
    purpose: str,
    captcha_key: str,
    captcha_answer: str,
    client_ip: str | None = None,
    acting_user: User | None = None,
) -> None:
    """Send an SMS code after the image captcha, following each purpose's account rules.

    register: the phone must be free (phone_taken). login, reset_password: a phone without an account gets the same
    answer and limits but no message (sms_code_decoy), so accounts cannot be discovered. bind_phone: for a signed-in
    user, to a new phone that is free. grant_lookup: any phone.
    """
    captcha_verify(key=captcha_key, answer=captcha_answer)
    if purpose == SmsPurpose.REGISTER and User.objects.filter(phone=phone).exists():
        raise _field_error("phone", "phone_taken", gettext("This phone number is already registered."))
    if purpose == SmsPurpose.BIND_PHONE:
        if acting_user is None:
            raise PermissionDenied(_("Sign in to bind a new phone number."), code="not_authenticated")
        if User.objects.filter(phone=phone).exists():
            raise _field_error("phone", "phone_taken", gettext("This phone number is already registered."))
    if purpose in (SmsPurpose.LOGIN, SmsPurpose.RESET_PASSWORD) and (
        not User.objects.filter(phone=phone, is_active=True).exists()
    ):
        sms_code_decoy(phone=phone, purpose=purpose, client_ip=client_ip)
        return
    sms_code_send(phone=phone, purpose=purpose, client_ip=client_ip)


# ------------------------------------------------------------------------------ registration and passwords


def user_register(
    *,
    request: HttpRequest,
    kind: str,
    phone: str,
    password: str,
    password_confirm: str,
    agree_terms: bool,
    sms_code: str,
    captcha_key: str,
    captcha_answer: str,
) -> Token:
    """Register an individual or enterprise user by phone (an SMS code of purpose register proves it) and sign in.

    Order: the captcha; then every field rule at once (terms accepted, passwords equal and strong enough, phone
    free), so the SMS code is not used up by a form error; then the SMS code.
    """
    captcha_verify(key=captcha_key, answer=captcha_answer)
    errors: FieldErrors = {}
    if agree_terms is not True:
        errors["agree_terms"] = [
            {"code": "terms_not_accepted", "message": gettext("Accept the platform's service agreement to register.")}
        ]
    errors.update(_password_errors(password=password, confirm=password_confirm, user=User(phone=phone, kind=kind)))
    if User.objects.filter(phone=phone).exists():
        errors["phone"] = [{"code": "phone_taken", "message": gettext("This phone number is already registered.")}]
    if errors:
        raise _field_errors(errors)
    sms_code_verify(phone=phone, purpose=SmsPurpose.REGISTER, code=sms_code)
    try:
        with transaction.atomic():
            user = User.objects.create_user(phone=phone, password=password, kind=kind)
    except IntegrityError:  # registered a moment ago by another request
        raise _field_error("phone", "phone_taken", gettext("This phone number is already registered.")) from None
    return _session_start(request=request, user=user)


def password_reset(
    *,
    phone: str,
    sms_code: str,
    new_password: str,
    new_password_confirm: str,
    captcha_key: str,
    captcha_answer: str,
) -> None:
    """Forgotten password: an SMS code of purpose reset_password sets a new one, lifts the lockout and revokes the
    user's API token (sessions end by themselves: their hash no longer matches)."""
    captcha_verify(key=captcha_key, answer=captcha_answer)
    user = User.objects.filter(phone=phone, is_active=True).first()
    errors = _password_errors(
        password=new_password,
        confirm=new_password_confirm,
        user=user or User(phone=phone),
        field="new_password",
        confirm_field="new_password_confirm",
    )
    if errors:
        raise _field_errors(errors)
    sms_code_verify(phone=phone, purpose=SmsPurpose.RESET_PASSWORD, code=sms_code)
    if user is None:  # only a decoy code exists for such a phone; no one can know it
        raise _field_error("sms_code", "sms_code_invalid", gettext("The SMS verification code is wrong."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        Token.objects.filter(user=user).delete()
    login_limits_lift(phone=phone)


@transaction.atomic
def password_change(
    *, request: HttpRequest, user: User, old_password: str, new_password: str, new_password_confirm: str
) -> Token:
    """Change the password of the signed-in user: every other session and the old API token stop working; this
    session stays signed in, and the answer carries the new API token."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise _field_error("old_password", "password_incorrect", gettext("The current password is wrong."))
    errors = _password_errors(
        password=new_password,
        confirm=new_password_confirm,
        user=user,
        field="new_password",
        confirm_field="new_password_confirm",
    )
    if errors:
        raise _field_errors(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    if request.session.get(SESSION_KEY) == str(user.pk):
        update_session_auth_hash(request, user)
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


# ------------------------------------------------------------------------------ phone, e-mail, profile


def phone_change(*, user: User, new_phone: str, sms_code: str, password: str) -> User:
    """Bind a new phone number (the login) proved by an SMS code of purpose bind_phone sent to it."""
    if not user.check_password(password):
        raise _field_error("password", "password_incorrect", gettext("The current password is wrong."))
    if new_phone == user.phone or User.objects.filter(phone=new_phone).exists():
        raise _field_error("new_phone", "phone_taken", gettext("This phone number is already registered."))
    sms_code_verify(phone=new_phone, purpose=SmsPurpose.BIND_PHONE, code=sms_code)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            user.phone = new_phone
            user.save(update_fields=["phone"])
    except IntegrityError:
        raise _field_error("new_phone", "phone_taken", gettext("This phone number is already registered.")) from None
    return user


def email_confirmation_send(*, user: User, email: str, confirm_url: str) -> None:
    """Mail a link to confirm the address; its signed token is valid for 24 hours and only while the account's
    e-mail is still what it was when the link was sent (so a used link cannot be replayed)."""
    token = signing.dumps({"user": user.pk, "email": email, "was": user.email}, salt=EMAIL_TOKEN_SALT, compress=True)
    link = f"{confirm_url}?email_token={token}"
    try:
        send_mail(
            subject=gettext("Confirm your e-mail address"),
            message=gettext(
                "Open this link within 24 hours to confirm %(email)s as the e-mail address of your account:\n%(link)s\n"
                "\nIf you did not ask for this, ignore this message."
            )
            % {"email": email, "link": link},
            from_email=None,
            recipient_list=[email],
        )
    except OSError as exc:  # smtplib.SMTPException and connection errors
        raise ServiceUnavailable(_("The e-mail could not be sent; try again later."), code="email_unavailable") from exc


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Set the e-mail address a confirmation link was sent for, and mark it confirmed now."""
    try:
        payload = signing.loads(token, salt=EMAIL_TOKEN_SALT, max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise _field_error(
            "token", "email_token_expired", gettext("The confirmation link has expired; ask for a new one.")
        ) from None
    except signing.BadSignature:
        raise _field_error("token", "email_token_invalid", gettext("The confirmation link is not valid.")) from None
    user = User.objects.select_for_update().filter(pk=payload.get("user"), is_active=True).first()
    if user is None or user.email != payload.get("was"):
        raise _field_error("token", "email_token_invalid", gettext("The confirmation link is not valid."))
    user.email = payload["email"]
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    return user


def user_profile_update(*, user: User, contact_address: str | None = None) -> User:
    """Change the contact address (stored as typed: it is text, never markup)."""
    if contact_address is not None:
        user.contact_address = contact_address
        user.save(update_fields=["contact_address"])
    return user
