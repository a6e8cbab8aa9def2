"""Digital certificates (CA数字证书): mine (list, bind, unbind), an enterprise's staff certificates (list, withdraw)
and the CAs the platform trusts."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.certificate_requirements import certificate_requirement
from accounts.certificates import (
    certificate_bind,
    certificate_unbind,
    staff_certificate_withdraw,
    staff_certificates,
)
from accounts.models import TrustedCa, UserCertificate
from accounts.permissions import request_user
from core.serializers import ErrorOutput

TAGS = ["accounts"]


class TrustedCaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    certificate = serializers.CharField(help_text="the CA's certificate (PEM)")
    subject = serializers.CharField()
    fingerprint_sha256 = serializers.CharField()
    crl_url = serializers.CharField()
    ocsp_url = serializers.CharField()


class CertificateIssuerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    issuer = CertificateIssuerOutput()
    certificate = serializers.CharField(help_text="PEM")
    serial = serializers.CharField(help_text="hexadecimal")
    subject = serializers.CharField(help_text="RFC 4514: CN = the verified name, serialNumber = the ID number or code")
    fingerprint_sha256 = serializers.CharField()
    key_algorithm = serializers.CharField(help_text="ec-p256 or rsa")
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=UserCertificate.Status.choices)
    bound_at = serializers.DateTimeField()
    checked_at = serializers.DateTimeField(help_text="when its revocation status was last asked")
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_reason = serializers.CharField()


class CertificateListApi(APIView):
    """GET: my certificates, newest first, the one this session signed in with (if any), and whether I must sign in
    with a certificate (docs/certificates.md, "The sign-in requirement"). POST: bind a
    certificate to my account: it must chain to a trusted CA, be valid now, carry my verified name and ID number
    (or credit code) and an ECDSA P-256 or RSA ≥ 2048 key, and its CA must say it is not revoked."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        certificate = serializers.CharField(help_text="the certificate in PEM", max_length=20000, trim_whitespace=True)

        class Meta:
            ref_name = "CertificateBind"

    class Output(serializers.Serializer):
        certificates = CertificateOutput(many=True)
        session_certificate_id = serializers.IntegerField(
            allow_null=True, help_text="the certificate this session signed in with, or null"
        )
        certificate_required = serializers.BooleanField(
            help_text="whether I must sign in with a certificate (a lot I work on or bid for requires certificates)"
        )
        required_because = serializers.CharField(
            help_text='why: "centre_staff", "grantor" or "bidder"; empty when not required'
        )

        class Meta:
            ref_name = "CertificateList"

    @extend_schema(tags=TAGS, operation_id="certificate_list", responses={200: Output})
    def get(self, request: Request) -> Response:
        user = request_user(request)
        certificates = UserCertificate.objects.select_related("issuer").filter(user=user)
        session_certificate = request.session.get("certificate_id") if hasattr(request, "session") else None
        because = certificate_requirement(user)
        body = {
            "certificates": certificates,
            "session_certificate_id": session_certificate,
            "certificate_required": bool(because),
            "required_because": because,
        }
        return Response(self.Output(body).data)

    @extend_schema(
        tags=TAGS,
        operation_id="certificate_bind",
        request=Input,
        responses={201: CertificateOutput, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput, 503: ErrorOutput},
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = certificate_bind(user=request_user(request), pem=data.validated_data["certificate"])
        return Response(CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)


class CertificateUnbindApi(APIView):
    """Unbind one of my certificates: it no longer signs for my account (someone else's answers 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="certificate_unbind",
        request=None,
        responses={200: CertificateOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, certificate_id: int) -> Response:
        certificate = certificate_unbind(user=request_user(request), certificate_id=certificate_id)
        return Response(CertificateOutput(certificate).data)


class StaffCertificateHolderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="real_name", help_text="the sub-account's name, the certificate's CN")


class StaffCertificateOutput(CertificateOutput):
    holder = StaffCertificateHolderOutput(source="user", help_text="the sub-account the certificate is bound to")


class StaffCertificateListApi(APIView):
    """My enterprise's staff certificates: those bound to its sub-accounts, newest first (the enterprise only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="staff_certificate_list",
        responses={200: StaffCertificateOutput(many=True), 403: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        certificates = staff_certificates(enterprise=request_user(request))
        return Response(StaffCertificateOutput(certificates, many=True).data)


class StaffCertificateWithdrawApi(APIView):
    """Withdraw a staff member's certificate: it no longer signs for my enterprise (the enterprise only; a
    certificate of anyone else's staff answers 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="staff_certificate_withdraw",
        request=None,
        responses={200: StaffCertificateOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
    )
    def post(self, request: Request, certificate_id: int) -> Response:
        certificate = staff_certificate_withdraw(enterprise=request_user(request), certificate_id=certificate_id)
        return Response(StaffCertificateOutput(certificate).data)


class TrustedCaListApi(APIView):
    """The certificate authorities the platform trusts, with where they publish revocation: public, so anyone can
    check a signature offline (a short list, not paged)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=TAGS, operation_id="trusted_ca_list", responses={200: TrustedCaOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(TrustedCaOutput(TrustedCa.objects.filter(active=True), many=True).data)


urlpatterns = [
    path("certificates/", CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/<int:certificate_id>/unbind/", CertificateUnbindApi.as_view(), name="certificate-unbind"),
    path("enterprise/certificates/", StaffCertificateListApi.as_view(), name="staff-certificate-list"),
    path(
        "enterprise/certificates/<int:certificate_id>/withdraw/",
        StaffCertificateWithdrawApi.as_view(),
        name="staff-certificate-withdraw",
    ),
    path("trusted-cas/", TrustedCaListApi.as_view(), name="trusted-ca-list"),
]
