"""Digital certificates (CA数字证书): mine (list, bind, unbind) and the CAs the platform trusts."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.certificates import certificate_bind, certificate_unbind
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
    """GET: my certificates, newest first, and the one this session signed in with (if any). POST: bind a
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

        class Meta:
            ref_name = "CertificateList"

    @extend_schema(tags=TAGS, operation_id="certificate_list", responses={200: Output})
    def get(self, request: Request) -> Response:
        certificates = UserCertificate.objects.select_related("issuer").filter(user=request_user(request))
        session_certificate = request.session.get("certificate_id") if hasattr(request, "session") else None
        body = {"certificates": certificates, "session_certificate_id": session_certificate}
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
    path("trusted-cas/", TrustedCaListApi.as_view(), name="trusted-ca-list"),
]
