"""Identity: captchas, SMS codes, registration, login and logout, tokens, passwords, phone and e-mail, who am I."""

import base64
import hashlib
from typing import Any

from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import CSRFCheck, TokenAuthentication
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User, phone_validator
from accounts.services.captcha import captcha_create, captcha_image
from accounts.services.identity import (
    email_confirm,
    email_confirmation_send,
    password_change,
    password_reset,
    phone_change,
    sms_code_request,
    token_obtain,
    user_login,
    user_logout,
    user_profile_update,
    user_register,
)
from accounts.services.sms import RESEND_AFTER_SECONDS, SmsPurpose
from core.errors import PermissionDenied
from core.net import client_address
from core.throttling import ScopedKeyRateThrottle, ScopedRateThrottle


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    phone = serializers.CharField()
    kind = serializers.CharField()
    role = serializers.CharField()
    real_name = serializers.CharField()
    is_verified = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    email = serializers.CharField()
    email_verified_at = serializers.DateTimeField(allow_null=True)
    contact_address = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)


class SignedInOutput(serializers.Serializer):
    token = serializers.CharField()
    user = UserOutput()


def _phone_field() -> serializers.CharField:
    return serializers.CharField(max_length=11, validators=[phone_validator])


def _password_field() -> serializers.CharField:
    return serializers.CharField(max_length=128, trim_whitespace=False)


class CaptchaInput(serializers.Serializer):
    """The image captcha every anonymous identity form carries (a new one for each submission)."""

    captcha_key = serializers.CharField(max_length=64)
    captcha_answer = serializers.CharField(max_length=16)


def _sms_code_field() -> serializers.CharField:
    return serializers.CharField(max_length=16)


class SameSiteOnly(BasePermission):
    """Django's CSRF check for an endpoint that starts a session, even for an anonymous caller (DRF checks CSRF
    only for session-authenticated requests): another site's form cannot sign a visitor in. Runs before the
    throttles and before any work; the site's pages send the csrftoken cookie back in X-CSRFToken."""

    def has_permission(self, request: Request, view: Any) -> bool:
        check = CSRFCheck(lambda _request: None)  # type: ignore[arg-type]
        check.process_request(request)
        reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
        if reason:
            raise PermissionDenied(_("Sign in from this site's own page (the CSRF check failed)."), code="csrf_failed")
        return True


class EmailRecipientThrottle(ScopedKeyRateThrottle):
    """Confirmation mails to one address, whoever asks for them (rate `<scope>_recipient`)."""

    suffix = "_recipient"

    def caller(self, request: Request) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


# ------------------------------------------------------------------------------ captcha and SMS codes


class CaptchaCreateApi(APIView):
    """A new image captcha (图像验证码): its key and the image as a data URL; the answer lives 5 minutes, used once."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "Captcha"

        key = serializers.CharField()
        image = serializers.CharField(help_text="data:image/png;base64,…")

    @extend_schema(request=None, responses={201: Output})
    def post(self, request: Request) -> Response:
        key, png = captcha_create()
        image = "data:image/png;base64," + base64.b64encode(png).decode()
        return Response(self.Output({"key": key, "image": image}).data, status=status.HTTP_201_CREATED)


class CaptchaImageApi(APIView):
    """The captcha's image as PNG (for an <img src>), while the captcha is live."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="expired")})
    def get(self, request: Request, key: str) -> HttpResponse:
        response = HttpResponse(captcha_image(key=key), content_type="image/png")
        response["Cache-Control"] = "no-store"
        return response


class SmsCodeSendApi(APIView):
    """Send an SMS verification code (短信验证码) for a purpose, after the image captcha.

    bind_phone needs a signed-in user; for login and reset_password a phone without an account gets the same answer.
    """

    permission_classes = [AllowAny]

    class Input(CaptchaInput):
        class Meta:
            ref_name = "SmsCodeSendInput"

        phone = _phone_field()
        purpose = serializers.ChoiceField(choices=SmsPurpose.choices)

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "SmsCodeSent"

        sent = serializers.BooleanField()
        resend_after = serializers.IntegerField(help_text="seconds before another code may be requested")

    @extend_schema(request=Input, responses={202: Output})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        sms_code_request(
            **data.validated_data,
            client_ip=client_address(request),
            acting_user=request.user if request.user.is_authenticated else None,
        )
        return Response(
            self.Output({"sent": True, "resend_after": RESEND_AFTER_SECONDS}).data, status=status.HTTP_202_ACCEPTED
        )


# ------------------------------------------------------------------------------ registration, login, tokens


class RegisterApi(APIView):
    """Register an individual or enterprise user (用户注册) and sign in: session cookie and API token."""

    permission_classes = [SameSiteOnly]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(CaptchaInput):
        class Meta:
            ref_name = "RegisterInput"

        kind = serializers.ChoiceField(choices=User.Kind.choices)
        phone = _phone_field()
        password = _password_field()
        password_confirm = _password_field()
        sms_code = _sms_code_field()
        agree_terms = serializers.BooleanField()

    @extend_schema(request=Input, responses={201: SignedInOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        token = user_register(request=request._request, **data.validated_data)
        return Response(SignedInOutput({"token": token.key, "user": token.user}).data, status=status.HTTP_201_CREATED)


class LoginApi(APIView):
    """Sign in (用户登录) with phone, password, image captcha and SMS code: session cookie and API token.

    Only from the site's own pages (Django's CSRF check). Wrong passwords make later attempts wait (see
    accounts/services/login_limits.py); an unknown phone, a wrong password and a wait all answer 401
    invalid_credentials.
    """

    permission_classes = [SameSiteOnly]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(CaptchaInput):
        class Meta:
            ref_name = "LoginInput"

        phone = _phone_field()
        password = _password_field()
        sms_code = _sms_code_field()

    @extend_schema(request=Input, responses={200: SignedInOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        token = user_login(request=request._request, **data.validated_data, address=client_address(request))
        return Response(SignedInOutput({"token": token.key, "user": token.user}).data)


class LogoutApi(APIView):
    """Sign out: end the session; a request signed with a token also revokes that token."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        user = request.user if request.user.is_authenticated else None
        token_used = isinstance(request.successful_authenticator, TokenAuthentication)
        user_logout(request=request._request, user=user, token_used=token_used)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenObtainApi(APIView):
    """Exchange a phone number and password for an API token (send it as `Authorization: Token <key>`); no session.

    For API clients; the login's limits apply. After several wrong passwords for the phone the answer is 400
    captcha_required: get a captcha from /api/auth/captcha/ and send captcha_key and captcha_answer too. A staff
    account's right password without sms_code sends an SMS code to its phone and answers 401 sms_code_required; send
    the same request again with sms_code.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "TokenObtainInput"

        phone = serializers.CharField(max_length=11)
        password = _password_field()
        sms_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
        captcha_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
        captcha_answer = serializers.CharField(max_length=16, required=False, allow_blank=True)

    @extend_schema(request=Input, responses={200: SignedInOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        token = token_obtain(**data.validated_data, address=client_address(request))
        return Response(SignedInOutput({"token": token.key, "user": token.user}).data)


# ------------------------------------------------------------------------------ passwords


class PasswordResetApi(APIView):
    """Forgotten password (忘记密码): an SMS code of purpose reset_password sets a new password and lifts a lockout."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(CaptchaInput):
        class Meta:
            ref_name = "PasswordResetInput"

        phone = _phone_field()
        sms_code = _sms_code_field()
        new_password = _password_field()
        new_password_confirm = _password_field()

    @extend_schema(request=Input, responses={204: None})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    """Change the password (修改登录密码): other sessions and the old token stop working; the answer has a new token."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "PasswordChangeInput"

        old_password = _password_field()
        new_password = _password_field()
        new_password_confirm = _password_field()

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "PasswordChanged"

        token = serializers.CharField()

    @extend_schema(request=Input, responses={200: Output})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        token = password_change(request=request._request, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(self.Output({"token": token.key}).data)


# ------------------------------------------------------------------------------ account settings (账户设置)


class PhoneChangeApi(APIView):
    """Bind a new phone number (手机绑定), which becomes the login: an SMS code sent to it (purpose bind_phone)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "PhoneChangeInput"

        new_phone = _phone_field()
        sms_code = _sms_code_field()
        password = _password_field()

    @extend_schema(request=Input, responses={200: UserOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = phone_change(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(UserOutput(user).data)


class EmailApi(APIView):
    """Bind an e-mail address (邮箱绑定): mails a confirmation link valid for 24 hours.

    Rates of its own: `email` per user, `email_address` per caller address, `email_recipient` per address mailed.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle, ScopedKeyRateThrottle, EmailRecipientThrottle]
    throttle_scope = "email"

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "EmailBindInput"

        email = serializers.EmailField(max_length=254)

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "EmailConfirmationSent"

        sent = serializers.BooleanField()

    @extend_schema(request=Input, responses={202: Output})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        email_confirmation_send(
            user=request.user,  # type: ignore[arg-type]
            email=data.validated_data["email"],
            confirm_url=request.build_absolute_uri(reverse("web:me")),
        )
        return Response(self.Output({"sent": True}).data, status=status.HTTP_202_ACCEPTED)


class EmailConfirmApi(APIView):
    """Confirm an e-mail address with the token from the link; the token alone identifies the account."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "EmailConfirmInput"

        token = serializers.CharField(max_length=1000)

    @extend_schema(request=Input, responses={200: UserOutput})
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(UserOutput(email_confirm(token=data.validated_data["token"])).data)


class MeApi(APIView):
    """The signed-in user; PATCH changes the contact address (联系地址设置)."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "ProfileUpdateInput"

        contact_address = serializers.CharField(max_length=255, allow_blank=True, required=False)

    @extend_schema(responses={200: UserOutput})
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)

    @extend_schema(request=Input, responses={200: UserOutput})
    def patch(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_profile_update(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(UserOutput(user).data)


urlpatterns = [
    path("captcha/", CaptchaCreateApi.as_view(), name="captcha-create"),
    path("captcha/<slug:key>.png", CaptchaImageApi.as_view(), name="captcha-image"),
    path("sms-codes/", SmsCodeSendApi.as_view(), name="sms-code-send"),
    path("register/", RegisterApi.as_view(), name="register"),
    path("login/", LoginApi.as_view(), name="login"),
    path("logout/", LogoutApi.as_view(), name="logout"),
    path("token/", TokenObtainApi.as_view(), name="token-obtain"),
    path("password/reset/", PasswordResetApi.as_view(), name="password-reset"),
    path("password/change/", PasswordChangeApi.as_view(), name="password-change"),
    path("phone/", PhoneChangeApi.as_view(), name="phone-change"),
    path("email/", EmailApi.as_view(), name="email"),
    path("email/confirm/", EmailConfirmApi.as_view(), name="email-confirm"),
    path("me/", MeApi.as_view(), name="me"),
]
