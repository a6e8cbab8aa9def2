"""Public reads of contracts, for anyone: the verification of a coded or revoked contract by the token of its QR code
(GET /api/contracts/verify/<token>/) and one direct transaction (直接交易) by its coding number
(GET /api/contracts/direct/<number>/). The public projection only (contracts/selectors_public.py): never a party's
name, ID number or phone; the price or rent only when both parties publish it. The search of the direct transactions
is search/api_direct.py (GET /api/contracts/direct/)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.selectors_public import ContractPublic, contract_public, contract_verify_get, direct_deal_get
from core.serializers import ErrorOutput
from geo.serializers import GeoJsonGeometryField
from geo.services_listing import region_full_name

TAGS = ["contracts: public"]
TOKEN = OpenApiParameter("token", str, OpenApiParameter.PATH, description="the verification code of the contract's QR")
NUMBER = OpenApiParameter(
    "number", str, OpenApiParameter.PATH, description="the coding number, e.g. 川510104ZR2026000001"
)


class ContractRegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    full_name = serializers.CharField(help_text="province, city and county, e.g. 四川省成都市锦江区")

    class Meta:
        ref_name = "ContractRegion"


def _region(contract: ContractPublic) -> dict[str, str] | None:
    region = contract.region
    if region is None:
        return None
    return {"code": region.code, "name": region.name, "full_name": region_full_name(region)}


class ContractVerifyOutput(serializers.Serializer):
    """What the verification page shows of a coded or revoked contract."""

    number = serializers.CharField(help_text="the coding number")
    kind = serializers.ChoiceField(choices=["transfer", "lease"])
    kind_name = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "revoked"], help_text="valid (有效) or revoked (已撤销)")
    address = serializers.CharField(help_text="the parcel's location (坐落)")
    region = serializers.SerializerMethodField()
    coded_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    signed_scan_sha256 = serializers.CharField(help_text="hex SHA-256 of the signed copy, to check a copy against")

    class Meta:
        ref_name = "ContractVerification"

    @extend_schema_field(ContractRegionOutput(allow_null=True))
    def get_region(self, contract: ContractPublic) -> dict[str, str] | None:
        return _region(contract)


class DirectDealOutput(serializers.Serializer):
    """A direct transaction (直接交易) in the list: the parcel, its use and area, the mode, the price or rent unless a
    party opted out (then null and price_public false), the coding date."""

    number = serializers.CharField(help_text="the coding number")
    kind = serializers.ChoiceField(choices=["transfer", "lease"], help_text="the mode: transfer (转让) or lease (出租)")
    kind_name = serializers.CharField()
    address = serializers.CharField(help_text="the parcel's location (坐落)")
    region = serializers.SerializerMethodField()
    land_use = serializers.CharField(help_text="GB/T 21010 code")
    land_use_name = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    price_public = serializers.BooleanField(help_text="false when a party opted out of publishing the price")
    price_wan = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, help_text="a transfer's price, 10,000 yuan (万元)"
    )
    rent_wan_per_year = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, help_text="a lease's annual rent, 10,000 yuan (万元)"
    )
    coded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="its public page")

    class Meta:
        ref_name = "DirectDeal"

    @extend_schema_field(ContractRegionOutput(allow_null=True))
    def get_region(self, contract: ContractPublic) -> dict[str, str] | None:
        return _region(contract)

    def get_url(self, contract: ContractPublic) -> str:
        return reverse("web:direct-deal-detail", args=[contract.number])


class DirectDealDetailOutput(DirectDealOutput):
    """A direct transaction with the parcel's nature, use-right type and place for the small map."""

    land_nature = serializers.CharField()
    use_right_type = serializers.CharField()
    location = GeoJsonGeometryField(allow_null=True, help_text="GeoJSON Point, CGCS2000 lon/lat")
    outline = GeoJsonGeometryField(allow_null=True, help_text="GeoJSON MultiPolygon, CGCS2000 lon/lat")

    class Meta:
        ref_name = "DirectDealDetail"


class ContractVerifyApi(APIView):
    """Check a contract by the code of its QR: its number, kind, status (valid or revoked), the parcel's location,
    the coding and revocation dates and the signed copy's SHA-256. 404 for an unknown code and for a contract not
    coded yet."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="contracts_verify",
        parameters=[TOKEN],
        responses={200: ContractVerifyOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, token: str) -> Response:
        data: dict[str, Any] = ContractVerifyOutput(contract_public(contract_verify_get(token=token))).data
        return Response(data, headers={"Cache-Control": "no-store"})


class DirectDealApi(APIView):
    """One direct transaction (直接交易) by its coding number; a revoked one, one from a lot and an unknown number are
    not found."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="contracts_direct_deal",
        parameters=[NUMBER],
        responses={200: DirectDealDetailOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(DirectDealDetailOutput(contract_public(direct_deal_get(number=number))).data)
