"""The centre console's live view (实时交易): one answer with every lot of my centres that trades now or today or
closed in the last 24 hours, for the console's table refreshed every two seconds. It carries no reserve price."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, request_user
from auctions.api.work import ERRORS, MONEY
from auctions.models import Lot, LotResult
from auctions.selectors_console import centre_trading

TAGS = ["auctions: work"]


class LiveResultOutput(serializers.Serializer):
    outcome = serializers.CharField(help_text="deal | failed | terminated")
    source = serializers.CharField(help_text="online | offline (recorded by staff)")  # type: ignore[assignment]
    winner = serializers.CharField(
        source="winner.bidder_number", allow_null=True, help_text="the winner's bidder number"
    )
    price_wan = serializers.DecimalField(**MONEY, allow_null=True)
    decided_at = serializers.DateTimeField()
    revoked = serializers.SerializerMethodField(help_text="true: the deal was revoked")

    class Meta:
        ref_name = "LiveLotResult"

    def get_revoked(self, result: LotResult) -> bool:
        return result.revoked_at is not None


class LiveLotOutput(serializers.Serializer):
    id = serializers.IntegerField(source="lot.pk")
    number = serializers.CharField(source="lot.number")
    title = serializers.CharField(source="lot.title")
    status = serializers.ChoiceField(source="lot.status", choices=Lot.Status.choices)
    trading_mode = serializers.CharField(source="lot.trading_mode")
    process = serializers.CharField(source="lot.process")
    trading_starts_at = serializers.DateTimeField(
        source="starts_at", allow_null=True, help_text="the listing's or the auction's start"
    )
    phase = serializers.CharField(source="phase.name", help_text="as the trading state API names it")
    deadline = serializers.DateTimeField(source="phase.deadline", allow_null=True, help_text="the running deadline")
    highest_wan = serializers.DecimalField(source="trading.highest_bid.amount_wan", **MONEY, allow_null=True)
    highest_bidder = serializers.CharField(
        source="trading.highest_bid.qualification.bidder_number", allow_null=True, help_text="its bidder number"
    )
    bid_count = serializers.IntegerField(source="trading.bid_count")
    suspended_reason = serializers.CharField(source="trading.suspended_reason")
    result = LiveResultOutput(allow_null=True, help_text="once decided: the close's, staff's record or a termination")

    class Meta:
        ref_name = "LiveLot"


class CentreTradingOutput(serializers.Serializer):
    server_time = serializers.DateTimeField(help_text="the database clock: count deadlines down from it")
    lots = LiveLotOutput(many=True)


class CentreTradingApi(APIView):
    """The live view of my centres' trading (centre staff, administrators): phase, highest bid and bidder number,
    bid count, the running deadline with the server's time, the suspension's reason and the result; never the
    reserve price. Lots of other centres do not appear."""

    permission_classes = [IsCentreStaff]

    @extend_schema(tags=TAGS, operation_id="centre_trading", responses={200: CentreTradingOutput, **ERRORS})
    def get(self, request: Request) -> Response:
        now, rows = centre_trading(user=request_user(request))
        return Response(CentreTradingOutput({"server_time": now, "lots": rows}).data)
