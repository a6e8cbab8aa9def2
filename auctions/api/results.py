"""A trade's result for its parties and everyone: the 成交确认书 PDF (the winner and the lot's centre staff) and the
protocol download (anyone once the trade is closed; the lot's centre staff and the supervisors of its region at any
time). docs/results.md."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import request_user
from auctions.pdf import confirmation_pdf
from auctions.selectors_results import confirmation_get, protocol_get
from core.serializers import ErrorOutput

TAGS = ["auctions: results"]
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")


def _file_name(number: str, lot_id: int, stem: str, suffix: str) -> str:
    """An ASCII file name: the lot number's letters and digits (川DZR[2026]0001 → DZR20260001), else its id."""
    safe = "".join(ch for ch in number if ch.isascii() and ch.isalnum()) or str(lot_id)
    return f"{stem}-{safe}.{suffix}"


class ConfirmationPdfApi(APIView):
    """The 成交确认书 of a deal as a PDF: for the winner (the applicant of the winning qualification) and the lot's
    centre staff; 404 for anyone else, before a deal and after a revocation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_result_confirmation_pdf",
        parameters=[LOT_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: ErrorOutput, 404: OpenApiResponse(ErrorOutput)},
    )
    def get(self, request: Request, lot_id: int) -> HttpResponse:
        result = confirmation_get(user=request_user(request), lot_id=lot_id)
        response = HttpResponse(confirmation_pdf(result), content_type="application/pdf")
        name = _file_name(result.lot.number, lot_id, "confirmation", "pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ProtocolEntryOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.CharField(help_text="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ")
    # the entry's key is `data`, which a Serializer also names its output: this class only documents the schema
    data = serializers.JSONField(help_text="the entry's content: bidders by bidder number only")  # type: ignore[assignment]
    prev_hash = serializers.CharField()
    hash = serializers.CharField()

    class Meta:
        ref_name = "ProtocolEntry"


class ProtocolWinnerOutput(serializers.Serializer):
    bidder_number = serializers.CharField()
    name = serializers.CharField(help_text="the winner's published name (verified name)")

    class Meta:
        ref_name = "ProtocolWinner"


class ProtocolResultOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["deal", "failed", "terminated"])
    decided_at = serializers.DateTimeField()
    revoked = serializers.BooleanField()
    winner = ProtocolWinnerOutput(allow_null=True, help_text="a deal that is not revoked only")

    class Meta:
        ref_name = "ProtocolResult"


class ProtocolLeafOutput(serializers.Serializer):
    lot = serializers.IntegerField()
    seq = serializers.IntegerField()
    hash = serializers.CharField()

    class Meta:
        ref_name = "ProtocolRootLeaf"


class ProtocolRootOutput(serializers.Serializer):
    """The newest published root covering the lot's chain at or after its close (docs/evidence.md)."""

    tree_size = serializers.IntegerField()
    # `root` is also a Serializer's property; the metaclass takes the field out of the class, so it is only a name here
    root = serializers.CharField(help_text="hex Merkle root (RFC 6962 hashing)")  # type: ignore[assignment]
    signed_at = serializers.CharField(help_text="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ: the text the signature covers")
    signature = serializers.CharField(help_text="hex Ed25519 signature")
    key_id = serializers.CharField()
    leaf = ProtocolLeafOutput(help_text="the lot's chain head as the root holds it: an entry of the chain")
    index = serializers.IntegerField(help_text="the leaf's position in the tree (0-based)")
    proof = serializers.ListField(child=serializers.CharField(), help_text="the inclusion proof, hex, leaf to root")

    class Meta:
        ref_name = "ProtocolRoot"


class ProtocolOutput(serializers.Serializer):
    """The lot's evidence log for scripts/verify_evidence.py (docs/evidence.md), with the result once there is one."""

    format = serializers.CharField(help_text="land-evidence/1")
    lot = serializers.IntegerField()
    lot_number = serializers.CharField()
    entries = ProtocolEntryOutput(many=True)
    result = ProtocolResultOutput(required=False, help_text="once the trade has a result")
    root = ProtocolRootOutput(required=False, help_text="once a published root covers the lot's close")
    signers = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text="the lot's centre staff and supervisors only: who signed each signed entry, by its record hash "
        '(data.signature): {"name", "subject", "serial", "ca"}',
    )

    class Meta:
        ref_name = "Protocol"


class ProtocolApi(APIView):
    """The lot's protocol as a JSON attachment: anyone once the trade is closed (it has a result); the lot's centre
    staff and the supervisors of its region at any time; 404 otherwise."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_lot_protocol",
        parameters=[LOT_ID],
        responses={200: ProtocolOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, lot_id: int) -> HttpResponse:
        user = request.user if isinstance(request.user, User) else None
        protocol = protocol_get(user=user, lot_id=lot_id)
        body = json.dumps(protocol, ensure_ascii=False, indent=1)
        response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
        name = _file_name(protocol["lot_number"], lot_id, "protocol", "json")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
