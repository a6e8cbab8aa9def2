"""The trading API: bids (idempotent by the client's bid id, refused with the rule's code), the lot's trading state
by the server's clock, the timed-bidding entry, the sealed reserve's entry (never echoed) and staff's suspension."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.signing import SignedSerializer, session_certificate, signed_of
from accounts.permissions import IsCentreStaff, IsVerified, request_user
from auctions.anomalies import refusal_note
from auctions.api.work import ERRORS, ReasonInput
from auctions.models import Bid, Lot, LotTrading, Qualification
from auctions.services import trading
from core.clock import db_now
from core.errors import NotFound
from core.serializers import ErrorOutput
from core.throttling import ScopedRateThrottle

TAGS = ["auctions: trading"]
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class BidInput(serializers.Serializer):
    client_bid_id = serializers.UUIDField(help_text="the client's id of this bid: a retry with it is answered once")
    amount_wan = serializers.CharField(max_length=20, help_text='万元, at most four decimals, e.g. "1250.5"')
    signed = SignedSerializer(
        required=False, help_text="the bid signed by the bidder's certificate (docs/signing.md); required by some rules"
    )


class BidOutput(serializers.Serializer):
    seq = serializers.IntegerField(source="bid.evidence_seq", help_text="the bid's number in the evidence log")
    amount_wan = serializers.DecimalField(source="bid.amount_wan", **MONEY)
    stage = serializers.CharField(source="bid.stage")
    arrived_at = serializers.DateTimeField(source="bid.arrived_at", help_text="the server's time of arrival")
    deadline = serializers.DateTimeField(allow_null=True, help_text="the deadline the bid left (countdown restarted)")
    replayed = serializers.BooleanField(help_text="true: a retry of a bid already accepted")


class HistoryOutput(serializers.Serializer):
    seq = serializers.IntegerField(source="evidence_seq")
    bidder = serializers.CharField(source="qualification.bidder_number", help_text="竞买号, no identity")
    amount_wan = serializers.DecimalField(**MONEY)
    stage = serializers.CharField()
    arrived_at = serializers.DateTimeField()


class StateOutput(serializers.Serializer):
    phase = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    server_time = serializers.DateTimeField()
    highest_wan = serializers.DecimalField(**MONEY, allow_null=True)
    highest_bidder = serializers.CharField(allow_null=True, help_text="the highest bid's bidder number")
    bid_count = serializers.IntegerField()
    outcome = serializers.CharField(allow_blank=True, help_text="deal | failed once closed")
    reserve_wan = serializers.DecimalField(**MONEY, allow_null=True, help_text="shown only after the close")
    my_bidder_number = serializers.CharField(allow_null=True)
    history = HistoryOutput(many=True)
    min_next_wan = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="the least bid the rules take next; null when no bid is taken now"
    )
    increment_wan = serializers.DecimalField(**MONEY, help_text="the lot's increment")
    raise_cap_increments = serializers.IntegerField(
        allow_null=True, help_text="the most increments one bid may raise the highest bid by; null: no cap"
    )
    multiples = serializers.BooleanField(help_text="true: a raise must be a whole multiple of the increment")
    certificates_required = serializers.BooleanField(
        help_text="true: every bid must be signed with the certificate the session signed in with (docs/signing.md)"
    )
    next_amounts = serializers.ListField(
        child=serializers.DecimalField(**MONEY),
        help_text="valid next bids to offer as buttons: the least one and its multiples up to the raise cap (at most "
        "ten); empty when no bid is taken now",
    )


SUGGESTED = 5  # amounts offered where the rules set no raise cap
MOST_SUGGESTED = 10  # buttons a page offers at most


def next_amounts(lot: Lot, highest: Decimal | None) -> list[Decimal]:
    """The next valid bids a page offers: the least one (the start price first, then the highest plus the
    increment) and the next multiples of the increment, up to the raise cap (the cap does not bind a first bid),
    at most ten. Each passes the price rules of `trading._check_price`."""
    cap = lot.rules.raise_cap_increments
    count = min(cap or SUGGESTED, MOST_SUGGESTED) if highest is not None else SUGGESTED
    base, first = (lot.start_price_wan, 0) if highest is None else (highest, 1)
    return [base + step * lot.increment_wan for step in range(first, first + count)]


class BidThrottle(ScopedRateThrottle):
    """Bids per bidder (signed-in user), per the `bids` rate."""


class BidApi(APIView):
    """Place a bid (qualified bidders). 201: accepted with its server time, evidence number and the new deadline;
    200: a retry of an accepted bid; 409 with the rule's code: refused, nothing changed."""

    permission_classes = [IsVerified]
    throttle_classes = [BidThrottle]
    throttle_scope = "bids"

    @extend_schema(
        tags=TAGS,
        operation_id="bid_place",
        parameters=[LOT_ID],
        request=BidInput,
        responses={201: BidOutput, 200: BidOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = BidInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        try:
            signed = signed_of(data.validated_data)
            placed = trading.bid_place(
                user=user,
                lot_id=lot_id,
                signed=signed,
                session_certificate_id=session_certificate(request),
                **data.validated_data,
            )
        except trading.BidRefused as refused:  # counted for supervision after the bid's transaction rolled back
            refusal_note(user=user, lot_id=lot_id, code=refused.code)
            raise
        code = status.HTTP_200_OK if placed.replayed else status.HTTP_201_CREATED
        return Response(BidOutput(placed).data, status=code)


class TradingStateApi(APIView):
    """The lot's trading state by the server's clock: phase, deadline, server time, the highest bid by bidder
    number, the history without identities, and the caller's own bidder number. Public for announced lots."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS, operation_id="trading_state", parameters=[LOT_ID], responses={200: StateOutput, 404: ErrorOutput}
    )
    def get(self, request: Request, lot_id: int) -> Response:
        lot = Lot.objects.select_related("rules").filter(pk=lot_id, status__in=("announced", "terminated")).first()
        if lot is None:
            raise NotFound()
        state = LotTrading.objects.filter(lot=lot).first() or LotTrading(lot=lot)
        now = db_now()
        phase = trading.phase_at(lot, state, now)
        highest = (
            Bid.objects.select_related("qualification").filter(pk=state.highest_bid_id).first()
            if state.highest_bid_id
            else None
        )
        mine = None
        if request.user.is_authenticated:
            mine = (
                Qualification.objects.filter(lot=lot, application__applicant=request_user(request).principal)
                .values_list("bidder_number", flat=True)
                .first()
            )
        history = Bid.objects.filter(lot=lot).select_related("qualification").order_by("-evidence_seq")[:50]
        amounts = next_amounts(lot, highest.amount_wan if highest else None) if phase.stage else []
        body = {
            "phase": phase.name,
            "deadline": phase.deadline,
            "server_time": now,
            "highest_wan": highest.amount_wan if highest else None,
            "highest_bidder": highest.qualification.bidder_number if highest else None,
            "bid_count": state.bid_count,
            "outcome": state.outcome,
            "reserve_wan": state.reserve_revealed_wan if state.closed_at else None,
            "my_bidder_number": mine,
            "history": history,
            "min_next_wan": amounts[0] if amounts else None,
            "increment_wan": lot.increment_wan,
            "raise_cap_increments": lot.rules.raise_cap_increments or None,
            "multiples": lot.rules.increment_multiples,
            "certificates_required": lot.rules.certificates_required,
            "next_amounts": amounts,
        }
        return Response(StateOutput(body).data)


class TimedEntryApi(APIView):
    """Confirm entering timed bidding in its window (where the lot's rules ask for it)."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="timed_entry_confirm",
        parameters=[LOT_ID],
        request=None,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        trading.timed_entry_confirm(user=request_user(request), lot_id=lot_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReserveApi(APIView):
    """Enter the sealed reserve price (底价): the grantor of a primary-market lot, the transferor of an entrusted
    one, before the rules' deadline. 204: sealed; nothing in any answer carries the amount."""

    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        amount_wan = serializers.CharField(max_length=20, help_text="万元, at most four decimals")
        salt = serializers.CharField(
            max_length=64,
            required=False,
            allow_blank=True,
            help_text="signed entries only: the 16-byte salt (32 hex) of the commitment the browser signed",
        )
        signed = SignedSerializer(
            required=False,
            help_text="{lot, commitment} signed by the seller's certificate (docs/signing.md); required by some rules",
        )

        class Meta:
            ref_name = "ReserveInput"

    @extend_schema(
        tags=TAGS, operation_id="reserve_enter", parameters=[LOT_ID], request=Input, responses={204: None, **ERRORS}
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        trading.reserve_enter(
            user=request_user(request),
            lot_id=lot_id,
            amount_wan=data.validated_data["amount_wan"],
            salt=data.validated_data.get("salt"),
            signed=signed_of(data.validated_data),
            session_certificate_id=session_certificate(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuspendApi(APIView):
    """Suspend trading (中止) with the reason (the lot's centre's staff); no bid is accepted until it resumes."""

    permission_classes = [IsCentreStaff]

    class Input(ReasonInput):
        signed = SignedSerializer(
            required=False,
            help_text="{lot, reason} signed by the staff member's certificate (docs/signing.md); required by some "
            "rules",
        )

        class Meta:
            ref_name = "SuspendInput"

    @extend_schema(
        tags=TAGS,
        operation_id="trading_suspend",
        parameters=[LOT_ID],
        request=Input,
        responses={204: None, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        trading.trading_suspend(
            user=request_user(request),
            lot_id=lot_id,
            reason=data.validated_data["reason"],
            signed=signed_of(data.validated_data),
            session_certificate_id=session_certificate(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResumeApi(APIView):
    """Resume trading: the period grows by the frozen time, a countdown restarts in full."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS, operation_id="trading_resume", parameters=[LOT_ID], request=None, responses={204: None, **ERRORS}
    )
    def post(self, request: Request, lot_id: int) -> Response:
        trading.trading_resume(user=request_user(request), lot_id=lot_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
