"""A trading centre's own details for its staff: read them and keep the contact details, bond account and banks."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, request_user
from auctions.api.work import ERRORS, BankOutput, CentreOutput
from auctions.models import Bank, TradingCentre
from auctions.selectors import centre_staff_covers
from auctions.services.centres import centre_update
from core.errors import NotFound

TAGS = ["auctions: work"]
CENTRE_ID = OpenApiParameter("centre_id", int, OpenApiParameter.PATH, description="the trading centre's id")


class CentreStaffOutput(CentreOutput):
    bank_choices = serializers.SerializerMethodField(help_text="every bank the centre may choose")

    class Meta:
        ref_name = "TradingCentreForStaff"

    @extend_schema_field(BankOutput(many=True))
    def get_bank_choices(self, centre: TradingCentre) -> list[dict[str, Any]]:
        return list(BankOutput(Bank.objects.all(), many=True).data)


class CentreInput(serializers.Serializer):
    address = serializers.CharField(required=False, max_length=255)
    phone = serializers.CharField(required=False, max_length=32)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=64)
    bond_payee = serializers.CharField(required=False, allow_blank=True, max_length=128)
    bond_bank = serializers.CharField(required=False, allow_blank=True, max_length=128)
    bond_account = serializers.CharField(required=False, allow_blank=True, max_length=40)
    banks = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=50, help_text="bank codes, e.g. ICBC"
    )


class CentreApi(APIView):
    """The centre's details (its staff, administrators); its staff change the contact details, the performance
    bond's account and the banks; the name, region, rule profile and staff stay with administrators."""

    permission_classes = [IsCentreStaff]

    def _centre(self, request: Request, centre_id: int) -> TradingCentre:
        centre = TradingCentre.objects.select_related("rule_profile").filter(pk=centre_id).first()
        if centre is None or not centre_staff_covers(request_user(request), centre):
            raise NotFound()
        return centre

    @extend_schema(
        tags=TAGS, operation_id="centre_detail", parameters=[CENTRE_ID], responses={200: CentreStaffOutput, **ERRORS}
    )
    def get(self, request: Request, centre_id: int) -> Response:
        return Response(CentreStaffOutput(self._centre(request, centre_id)).data)

    @extend_schema(
        tags=TAGS,
        operation_id="centre_update",
        parameters=[CENTRE_ID],
        request=CentreInput,
        responses={200: CentreStaffOutput, **ERRORS},
    )
    def patch(self, request: Request, centre_id: int) -> Response:
        data = CentreInput(data=request.data)
        data.is_valid(raise_exception=True)
        centre_update(user=request_user(request), centre_id=centre_id, **data.validated_data)
        return Response(CentreStaffOutput(self._centre(request, centre_id)).data)
