"""The staff procedures that end or undo a trade (auctions/services/closing.py), for the lot's centre's staff: what
the console needs to offer them, a semi-process lot's result recorded after its on-site bidding, a deal's revocation,
and a suspension published with its supplementary announcement. Staff of another centre get 404."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.signing import session_certificate, signed_of
from accounts.permissions import IsCentreStaff, request_user
from auctions.api.work import ERRORS, LOT_ID
from auctions.services import closing

TAGS = ["auctions: closing"]
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class ResultOutput(serializers.Serializer):
    outcome = serializers.CharField(help_text="deal | failed | terminated")
    # "source" shadows Field.source only for the type checker: DRF collects declared fields off the class.
    source = serializers.CharField(help_text="online | offline (recorded by staff)")  # type: ignore[assignment]
    winner = serializers.CharField(source="winner.bidder_number", allow_null=True, help_text="the winner's 竞买号")
    price_wan = serializers.DecimalField(**MONEY, allow_null=True)
    price_public = serializers.BooleanField()
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField()
    confirmation_sha256 = serializers.CharField(help_text="the signed confirmation's scan, if recorded by staff")
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField()
    revocation_sha256 = serializers.CharField(help_text="the revocation decision's SHA-256")

    class Meta:
        ref_name = "ClosingResultOutput"


class ClosingOutput(serializers.Serializer):
    phase = serializers.CharField(help_text="the trading phase now (offline: a semi-process lot, bid for on site)")
    suspended_reason = serializers.CharField()
    trading_time = serializers.DateTimeField(help_text="the auction's start or the listing's end")
    recordable = serializers.BooleanField(help_text="true: a semi-process lot whose result staff may record now")
    result = ResultOutput(allow_null=True)


class ResultInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=16, help_text="deal (成交) | failed (流拍)")
    bidder_number = serializers.CharField(max_length=16, required=False, allow_blank=True, help_text="deal: 竞买号")
    price_wan = serializers.CharField(max_length=20, required=False, allow_blank=True, help_text="deal: 万元")
    confirmation = serializers.FileField(required=False, help_text="deal: the signed confirmation's scan (pdf/jpg/png)")
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="failed: required")
    signed = serializers.JSONField(
        required=False,
        help_text='a form field holding the signature block as JSON text, {"certificate_id", "nonce", "signature"}: '
        "{lot, outcome, winner, price_wan} signed by the staff member's certificate (docs/signing.md); required by "
        "some rules",
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="at most 500 chars")
    document = serializers.FileField(required=False, help_text="the revocation decision (pdf)")


class SuspensionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    announcement_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    announcement_body = serializers.CharField(max_length=50_000, required=False, allow_blank=True)
    signed = serializers.JSONField(
        required=False,
        help_text="the signature block ({certificate_id, nonce, signature}; JSON text in a form) of {lot, reason} "
        "by the staff member's certificate (docs/signing.md); required by some rules",
    )


class SuspensionOutput(serializers.Serializer):
    suspended_at = serializers.DateTimeField(source="trading.suspended_at")
    announcement_id = serializers.IntegerField(source="announcement.pk", allow_null=True)
    announcement_number = serializers.CharField(source="announcement.number", allow_null=True)


class ClosingApi(APIView):
    """What the console offers for a lot (GET): its phase, whether its on-site result may be recorded now, and its
    result if any. Record a semi-process lot's result (POST, multipart {outcome, bidder_number, price_wan,
    confirmation, reason}): once, after the trading time; every wrong field named, nothing stored."""

    permission_classes = [IsCentreStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS, operation_id="closing_state", parameters=[LOT_ID], responses={200: ClosingOutput, **ERRORS}
    )
    def get(self, request: Request, lot_id: int) -> Response:
        state = closing.closing_state(user=request_user(request), lot_id=lot_id)
        return Response(ClosingOutput(state).data)

    @extend_schema(
        tags=TAGS,
        operation_id="result_record",
        parameters=[LOT_ID],
        request={"multipart/form-data": ResultInput},
        responses={201: ResultOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = ResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        signed = signed_of(data.validated_data)
        entered = closing.OfflineResult(**data.validated_data)
        result = closing.result_record(
            user=request_user(request),
            lot_id=lot_id,
            entered=entered,
            signed=signed,
            session_certificate_id=session_certificate(request),
        )
        return Response(ResultOutput(result).data, status=status.HTTP_201_CREATED)


class RevokeApi(APIView):
    """Revoke a deal (撤销成交结果), multipart {reason, document}: the reason (≤ 500 characters) and the decision
    (pdf, checked by its content, kept with its SHA-256). A result is revoked once."""

    permission_classes = [IsCentreStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="result_revoke",
        parameters=[LOT_ID],
        request={"multipart/form-data": RevokeInput},
        responses={200: ResultOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = closing.result_revoke(
            user=request_user(request),
            lot_id=lot_id,
            reason=data.validated_data.get("reason", ""),
            document=data.validated_data.get("document"),
        )
        return Response(ResultOutput(result).data)


class SuspensionApi(APIView):
    """Suspend trading (中止) with the reason and, given a title and a text, publish the supplementary announcement
    (a change announcement superseding the current one) in the same transaction."""

    permission_classes = [IsCentreStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        operation_id="trading_suspend_announced",
        parameters=[LOT_ID],
        request=SuspensionInput,
        responses={200: SuspensionOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = SuspensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        suspended = closing.trading_suspend_announced(
            user=request_user(request),
            lot_id=lot_id,
            reason=data.validated_data.get("reason", ""),
            announcement_title=data.validated_data.get("announcement_title", ""),
            announcement_body=data.validated_data.get("announcement_body", ""),
            signed=signed_of(data.validated_data),
            session_certificate_id=session_certificate(request),
        )
        return Response(SuspensionOutput(suspended).data)
