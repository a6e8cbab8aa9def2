"""Deposit movements API: a lot's refunds and the winner's conversion for its centre's staff, and their retry of a
movement the bank refused. (Bidders see their own arrivals' movements in their applications: auctions/api/bidding.py.)
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, request_user
from auctions.api.work import ERRORS, _paged
from auctions.models import DepositMovement
from auctions.services.refunds import movement_list, movement_retry
from core.pagination import PageNumberPagination

TAGS = ["auctions: deposits"]
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")
ARRIVAL_ID = OpenApiParameter("arrival_id", int, OpenApiParameter.PATH, description="the deposit arrival's id")
YUAN: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


class MovementOutput(serializers.Serializer):
    arrival = serializers.IntegerField(source="arrival_id", help_text="the arrival's id (one movement per arrival)")
    serial = serializers.CharField(source="arrival.serial", help_text="the bank's serial: the order's key")
    bank = serializers.CharField(source="arrival.bank.code")
    application = serializers.IntegerField(source="arrival.account.application_id", allow_null=True)
    applicant = serializers.SerializerMethodField(help_text="the bidder's verified name")
    bidder_number = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=DepositMovement.Kind.choices)
    cause = serializers.CharField(help_text="lost | failed | terminated | flagged | revoked | won")
    amount_yuan = serializers.DecimalField(**YUAN)
    to_account = serializers.CharField(help_text="a refund's account (the payer's); empty: where the money came from")
    status = serializers.ChoiceField(choices=DepositMovement.Status.choices)
    bank_ref = serializers.CharField(help_text="the bank's reference, once it booked the order")
    attempts = serializers.IntegerField()
    last_error = serializers.CharField(help_text="the last failure's code, for staff")
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "DepositMovement"

    def get_applicant(self, movement: DepositMovement) -> str | None:
        account = movement.arrival.account
        return account.application.applicant.real_name if account is not None else None

    def get_bidder_number(self, movement: DepositMovement) -> str | None:
        account = movement.arrival.account
        qualification = getattr(account.application, "qualification", None) if account is not None else None
        return qualification.bidder_number if qualification is not None else None


class LotMovementListApi(APIView):
    """The lot's deposit movements (refunds, the winner's conversion) and where each stands at the bank: the lot's
    centre staff only (404 to anyone else)."""

    permission_classes = [IsCentreStaff]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="lot_deposit_movements",
        parameters=[LOT_ID],
        responses={200: MovementOutput(many=True), **ERRORS},
    )
    def get(self, request: Request, lot_id: int) -> Response:
        return _paged(request, self, movement_list(user=request_user(request), lot_id=lot_id), MovementOutput)


class MovementRetryApi(APIView):
    """Send a failed movement again once the bank's refusal has been looked into (pending, sent after the commit)."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="lot_deposit_movement_retry",
        parameters=[LOT_ID, ARRIVAL_ID],
        request=None,
        responses={200: MovementOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int, arrival_id: int) -> Response:
        user = request_user(request)
        movement_retry(user=user, lot_id=lot_id, arrival_id=arrival_id)
        return Response(MovementOutput(movement_list(user=user, lot_id=lot_id).get(pk=arrival_id)).data)
