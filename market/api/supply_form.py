"""Market API: what the supply form (发布地源) offers before saving: the reviewing institutions of a place and the
applicant's verified identity."""

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import ErrorOutput
from geo.services_listing import county_get
from market.models import OwnerNature
from market.services.institutions import institution_options
from market.services.supply_identity import owner_identity

TAGS = ["supply"]


class InstitutionListApi(APIView):
    """The reviewing institutions (审核机构) a listing in a county may name, nearest first (the county's, its city's,
    its province's as configured; else one computed name); the first is the default."""

    permission_classes = [AllowAny]

    class Input(serializers.Serializer):
        region = serializers.CharField(max_length=6, help_text="county code (GB/T 2260), e.g. 510104")

        class Meta:
            ref_name = "SupplyInstitutionFilter"

        def validate_region(self, value: str) -> str:
            if county_get(code=value) is None:
                raise serializers.ValidationError(_("Choose a county-level region that exists."), code="invalid")
            return value

    class Output(serializers.Serializer):
        region = serializers.CharField()
        options = serializers.ListField(child=serializers.CharField())

        class Meta:
            ref_name = "SupplyInstitutions"

    @extend_schema(
        tags=TAGS,
        operation_id="supply_institutions",
        parameters=[Input],
        responses={200: Output, 400: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        county = county_get(code=data.validated_data["region"])
        assert county is not None  # noqa: S101 - checked by the input
        return Response(self.Output({"region": county.code, "options": institution_options(county=county)}).data)


class IdentityFieldsOutput(serializers.Serializer):
    owner_nature = serializers.ChoiceField(choices=OwnerNature.choices)
    owner_name = serializers.CharField()
    owner_phone = serializers.CharField()
    owner_id_type = serializers.CharField(required=False)
    owner_id_number = serializers.CharField(required=False)

    class Meta:
        ref_name = "SupplyIdentityFields"


class IdentityApi(APIView):
    """The applicant (申请人) as the caller's principal is real-name verified: the owner fields the form shows
    read-only and the server writes into every listing, whatever is sent; `verified` false and no fields otherwise."""

    permission_classes = [IsAuthenticated]

    class Output(serializers.Serializer):
        verified = serializers.BooleanField()
        verification = serializers.IntegerField(allow_null=True, help_text="the approved application they come from")
        identity = IdentityFieldsOutput(allow_null=True, help_text="the owner fields, as verified")

        class Meta:
            ref_name = "SupplyIdentity"

    @extend_schema(tags=TAGS, operation_id="supply_identity", responses={200: Output, 401: ErrorOutput})
    def get(self, request: Request) -> Response:
        identity = owner_identity(user=request.user)  # type: ignore[arg-type]
        body = {
            "verified": identity is not None,
            "verification": identity.verification_id if identity else None,
            "identity": identity.fields if identity else None,
        }
        return Response(self.Output(body).data)


urlpatterns: list[URLPattern] = [
    path("supply/institutions/", InstitutionListApi.as_view(), name="supply-institutions"),
    path("supply/identity/", IdentityApi.as_view(), name="supply-identity"),
]
