"""The banks' side of the API: the signed arrival webhook (server to server, no session) and the staff's read of the
daily reconciliation's differences. See docs/banks.md."""

import json
import logging
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCentreStaff, request_user
from auctions.banks import bank_key, signature_valid
from auctions.services.deposits import Notice, arrival_record
from auctions.services.reconciliation import difference_list
from core.clock import db_now
from core.errors import ApplicationError, InvalidInput
from core.serializers import ErrorOutput
from core.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)
TAGS = ["auctions: bank"]


class NoticeRefused(ApplicationError):
    """The notice is not the bank's (no key, no or a wrong signature) or not fresh: nothing is recorded."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "signature_invalid"
    default_message = gettext_lazy("The notice's signature is missing or wrong.")


class ArrivalInput(serializers.Serializer):
    serial = serializers.CharField(max_length=64)
    account_number = serializers.CharField(max_length=32)
    amount = serializers.CharField(max_length=32, help_text="yuan, a string with at most 2 decimals, e.g. 100000.00")
    payer_name = serializers.CharField(max_length=128)
    payer_account = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    channel = serializers.ChoiceField(choices=["transfer", "cash"])
    arrived_at = serializers.CharField(help_text="the bank's time, ISO 8601 with its zone")

    def validate_arrived_at(self, value: str) -> Any:
        moment = parse_datetime(value)
        if moment is None or moment.tzinfo is None:
            raise serializers.ValidationError(_("Give times with their time zone."), code="naive_time")
        return moment


class ArrivalOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["recorded", "duplicate"])
    counted = serializers.BooleanField()
    flag = serializers.CharField(help_text="empty when counted, else why not (unknown_account, late, ...)")


def _authenticate(bank_code: str, request: Request) -> None:
    key = bank_key(bank_code)
    timestamp = request.headers.get("X-Bank-Timestamp", "")
    given = request.headers.get("X-Bank-Signature", "")
    if not key:
        raise NoticeRefused(_("No bank with this code sends notices here."), code="unknown_bank")
    if not timestamp or not given:
        raise NoticeRefused(_("The notice is not signed."), code="signature_missing")
    if not signature_valid(key, timestamp, request.body, given):
        raise NoticeRefused()
    try:
        sent = int(timestamp)
    except ValueError:
        raise NoticeRefused(_("The notice's timestamp is not a number."), code="timestamp_invalid") from None
    if abs(db_now().timestamp() - sent) > settings.BANK_WEBHOOK_TOLERANCE:
        raise NoticeRefused(_("The notice's timestamp is too far from our clock."), code="timestamp_stale")


class BankArrivalApi(APIView):
    """A bank's arrival notice, JSON signed with the bank's key (X-Bank-Timestamp, X-Bank-Signature = hex
    HMAC-SHA256(key, timestamp + "." + body)); recorded once per serial and counted when it may be."""

    authentication_classes: list[Any] = []  # server to server: the signature authenticates (no session, no CSRF)
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bank"

    @extend_schema(
        tags=TAGS,
        operation_id="bank_arrival_notify",
        request=ArrivalInput,
        responses={200: ArrivalOutput, 400: ErrorOutput, 401: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput},
        auth=[],
        parameters=[OpenApiParameter("bank_code", str, OpenApiParameter.PATH, description="the bank's code")],
    )
    def post(self, request: Request, bank_code: str) -> Response:
        _authenticate(bank_code, request)
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_("The body is not JSON."), code="invalid_json") from None
        data = ArrivalInput(data=payload if isinstance(payload, dict) else {})
        data.is_valid(raise_exception=True)
        arrival, created = arrival_record(Notice(bank_code=bank_code, **data.validated_data))
        logger.info(
            "bank %s: arrival %s %s (counted=%s flag=%s)",
            bank_code,
            arrival.serial,
            "recorded" if created else "duplicate",
            arrival.counted,
            arrival.flag or "-",
        )
        answer = {"status": "recorded" if created else "duplicate", "counted": arrival.counted, "flag": arrival.flag}
        return Response(ArrivalOutput(answer).data)


class DifferenceArrivalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account_number = serializers.CharField()
    amount_yuan = serializers.DecimalField(max_digits=16, decimal_places=2)
    payer_name = serializers.CharField(help_text="the payer's account name as the bank reported it (staff only)")
    arrived_at = serializers.DateTimeField()
    counted = serializers.BooleanField()
    flag = serializers.CharField()


class DifferenceOutput(serializers.Serializer):
    bank = serializers.CharField(source="bank.code")
    day = serializers.DateField()
    kind = serializers.CharField(help_text="from_statement | not_at_bank | conflict")
    serial = serializers.CharField()
    arrival = DifferenceArrivalOutput(allow_null=True)
    found_at = serializers.DateTimeField()


class ReconciliationApi(APIView):
    """The differences the reconciliation found on a day, for the banks of the caller's centres (centre staff,
    administrators)."""

    permission_classes = [IsCentreStaff]

    class Query(serializers.Serializer):
        day = serializers.DateField()

    @extend_schema(
        tags=TAGS,
        operation_id="bank_reconciliation_list",
        parameters=[Query],
        responses={200: DifferenceOutput(many=True), 400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = difference_list(user=request_user(request), day=query.validated_data["day"])
        return Response(DifferenceOutput(found, many=True).data)
