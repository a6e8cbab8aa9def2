"""Sign-in with a certificate (证书登录) after the password, and demo certificates from the development CA."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.certificate_login import (
    CHALLENGE_SECONDS,
    LOGIN_PREFIX,
    certificate_challenge_create,
    certificate_demo_request,
    certificate_demo_subject,
    certificate_login,
)
from core.serializers import ErrorOutput
from core.throttling import ScopedRateThrottle

TAGS = ["certificates"]


class CertificateDemoRequestApi(APIView):
    """A demo certificate (演示证书) from the development CA, for a CSR made in the browser.

    GET: the subject the CSR must carry (the caller's verified name and ID number or credit code; for an enterprise's
    staff, the sub-account's name, the enterprise's credit code and its name as O). POST {csr}: the
    CSR is forwarded to the development CA and its certificate returned, to be bound next. Both 404 when the platform
    has no development CA (DEV_CA_URL empty, as in production)."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "CertificateDemoRequestInput"

        csr = serializers.CharField(max_length=20000, help_text="a PEM PKCS#10 certificate signing request")

    class SubjectOutput(serializers.Serializer):
        class Meta:
            ref_name = "CertificateDemoSubject"

        common_name = serializers.CharField(help_text="CN: the verified name")
        serial_number = serializers.CharField(help_text="serialNumber (2.5.4.5): the verified ID number or credit code")
        organization_name = serializers.CharField(
            help_text="O (2.5.4.10): the enterprise's verified name for its staff (a sub-account), else empty"
        )

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "CertificateDemoIssued"

        certificate = serializers.CharField(help_text="the PEM certificate")

    @extend_schema(
        tags=TAGS,
        operation_id="certificate_demo_subject",
        responses={200: SubjectOutput, 403: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        identity = certificate_demo_subject(user=request.user)  # type: ignore[arg-type]
        subject = {
            "common_name": identity.name,
            "serial_number": identity.id_number,
            "organization_name": identity.organization,
        }
        return Response(self.SubjectOutput(subject).data)

    @extend_schema(
        tags=TAGS,
        operation_id="certificate_demo_request",
        request=Input,
        responses={201: Output, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 503: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pem = certificate_demo_request(user=request.user, csr=data.validated_data["csr"])  # type: ignore[arg-type]
        return Response(self.Output({"certificate": pem}).data, status=status.HTTP_201_CREATED)


class CertificateChallengeApi(APIView):
    """A challenge for signing in with the certificate, after the password: sign the ASCII bytes of
    `land-certificate-login:<challenge>` with the certificate's key and send it to certificate-login/ within two
    minutes; good once. 409 no_active_certificate when the caller has no active certificate."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "CertificateChallenge"

        challenge = serializers.CharField(help_text="32 random bytes, base64url without padding")
        signed_prefix = serializers.CharField(help_text="what comes before the challenge in the signed bytes")
        expires_in = serializers.IntegerField(help_text="seconds")
        certificate_id = serializers.IntegerField()
        spki_sha256 = serializers.CharField(help_text="SHA-256 of the certificate's public key (SPKI DER), hex")

    @extend_schema(tags=TAGS, request=None, responses={201: Output, 400: ErrorOutput, 409: ErrorOutput})
    def post(self, request: Request) -> Response:
        challenge, certificate, key_id = certificate_challenge_create(user=request.user)  # type: ignore[arg-type]
        out = {
            "challenge": challenge,
            "signed_prefix": LOGIN_PREFIX,
            "expires_in": CHALLENGE_SECONDS,
            "certificate_id": certificate.pk,
            "spki_sha256": key_id,
        }
        return Response(self.Output(out).data, status=status.HTTP_201_CREATED)


class CertificateLoginOutput(serializers.Serializer):
    certificate_id = serializers.IntegerField(help_text="the certificate this session is now signed in with")


class CertificateLoginApi(APIView):
    """Sign in with the certificate: the challenge and its signature (base64; ECDSA P-256 raw r‖s as WebCrypto
    gives it, or DER; RSA PKCS#1 v1.5 SHA-256). The certificate is checked now (validity, revocation); refusals:
    challenge_invalid, no_active_certificate, bad_signature and the certificate's own (revoked, expired, …)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "CertificateLoginInput"

        challenge = serializers.RegexField(r"^[A-Za-z0-9_-]{43}$", help_text="as certificate-challenge/ gave it")
        signature = serializers.RegexField(r"^[A-Za-z0-9+/_-]{1,1400}={0,2}$", help_text="base64 or base64url")

    @extend_schema(
        tags=TAGS,
        request=Input,
        responses={200: CertificateLoginOutput, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput, 503: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = certificate_login(user=request.user, session=request.session, **data.validated_data)  # type: ignore[arg-type]
        return Response(CertificateLoginOutput({"certificate_id": certificate.pk}).data)


urlpatterns = [
    path("certificates/demo-request/", CertificateDemoRequestApi.as_view(), name="certificate-demo-request"),
    path("certificate-challenge/", CertificateChallengeApi.as_view(), name="certificate-challenge"),
    path("certificate-login/", CertificateLoginApi.as_view(), name="certificate-login"),
]
