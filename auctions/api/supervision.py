"""Supervision (监管): read-only views of the trading of a supervisor's regions — every lot in any state, the
submitted entrustments, the trail of who did what and when, and the warnings (anomalies) noted in its trades."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsSupervisor, WatchesTrading, request_user
from auctions.api.work import ERRORS, EntrustmentOutput, EntrustmentQuery, LotWorkOutput, _paged
from auctions.models import Anomaly, Lot, TradingEvent
from auctions.selectors import (
    supervised_anomalies,
    supervised_entrustments,
    supervised_events,
    supervised_lots,
    watched_lot,
)
from auctions.selectors_evidence import chain_check
from core.pagination import PageNumberPagination

TAGS = ["auctions: supervision"]


class TradingEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="e.g. entrustment.accepted, lot.registered, announcement.change")
    lot = serializers.IntegerField(source="lot_id", allow_null=True)
    entrustment = serializers.IntegerField(source="entrustment_id", allow_null=True)
    announcement = serializers.IntegerField(source="announcement_id", allow_null=True)
    region = serializers.CharField(source="region_id", allow_null=True)
    actor = serializers.SerializerMethodField(help_text="who acted: name and role")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_actor(self, event: TradingEvent) -> dict[str, str]:
        return {"name": event.actor.real_name or event.actor.phone, "role": event.actor.role}


class SupervisedLotOutput(LotWorkOutput):
    anomalies = serializers.IntegerField(source="anomaly_count", help_text="the warnings noted in the lot's trade")

    class Meta:
        ref_name = "SupervisedLot"


class SupervisedLotsApi(APIView):
    """Every lot of my regions, in any state, with the count of its warnings."""

    permission_classes = [IsSupervisor]
    pagination_class = PageNumberPagination

    class Query(serializers.Serializer):
        status = serializers.ChoiceField(choices=Lot.Status.choices, required=False)
        q = serializers.CharField(
            required=False, allow_blank=True, max_length=100, help_text="words of the lot's number, title or address"
        )

        class Meta:
            ref_name = "SupervisedLotsQuery"

    @extend_schema(
        tags=TAGS,
        operation_id="supervision_lots",
        parameters=[Query],
        responses={200: SupervisedLotOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = supervised_lots(
            user=request_user(request),
            status=query.validated_data.get("status", ""),
            q=query.validated_data.get("q", "").strip(),
        )
        return _paged(request, self, found.select_related("trading").prefetch_related("documents"), SupervisedLotOutput)


class SupervisedEntrustmentsApi(APIView):
    """The submitted entrustments of my regions."""

    permission_classes = [IsSupervisor]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="supervision_entrustments",
        parameters=[EntrustmentQuery],
        responses={200: EntrustmentOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = EntrustmentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = supervised_entrustments(user=request_user(request), filters=query.filters())
        return _paged(request, self, found.prefetch_related("attachments"), EntrustmentOutput)


class SupervisedEventsApi(APIView):
    """The trading trail of my regions: who did what to which entrustment, lot or announcement, and when."""

    permission_classes = [IsSupervisor]
    pagination_class = PageNumberPagination

    class Query(serializers.Serializer):
        lot = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        entrustment = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

        class Meta:
            ref_name = "SupervisedEventsQuery"

    @extend_schema(
        tags=TAGS,
        operation_id="supervision_events",
        parameters=[Query],
        responses={200: TradingEventOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = supervised_events(
            user=request_user(request),
            lot_id=query.validated_data.get("lot"),
            entrustment_id=query.validated_data.get("entrustment"),
        )
        return _paged(request, self, found, TradingEventOutput)


class AnomalyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    lot = serializers.IntegerField(source="lot_id")
    lot_number = serializers.CharField(source="lot.number")
    lot_title = serializers.CharField(source="lot.title")
    kind = serializers.ChoiceField(choices=Anomaly.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    detail = serializers.JSONField(
        help_text="refusals: bidder_number (null for someone not qualified), refusals, window_seconds, last_code; "
        "connection_storm: opened, refused, window_seconds; late_close: deadline, closed_at, seconds_late"
    )
    created_at = serializers.DateTimeField()


class SupervisedAnomaliesApi(APIView):
    """The warnings (监管预警) noted in the trades of my regions, newest first: a bidder refused many times within a
    minute, a storm of live connections, a close that ran late. 404 for a lot outside my regions."""

    permission_classes = [IsSupervisor]
    pagination_class = PageNumberPagination

    class Query(serializers.Serializer):
        lot = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
        kind = serializers.ChoiceField(choices=Anomaly.Kind.choices, required=False)

        class Meta:
            ref_name = "SupervisedAnomaliesQuery"

    @extend_schema(
        tags=TAGS,
        operation_id="supervision_anomalies",
        parameters=[Query],
        responses={200: AnomalyOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = supervised_anomalies(
            user=request_user(request),
            lot_id=query.validated_data.get("lot"),
            kind=query.validated_data.get("kind", ""),
        )
        return _paged(request, self, found, AnomalyOutput)


class ChainFailureOutput(serializers.Serializer):
    seq = serializers.IntegerField(help_text="the first entry that breaks the chain")
    reason = serializers.ChoiceField(choices=["gap", "link", "content"])
    detail = serializers.CharField()

    class Meta:
        ref_name = "EvidenceChainFailure"


class ChainRootOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text="the newest published root (/api/auctions/roots/)")
    signed_at = serializers.CharField()
    seq = serializers.IntegerField(help_text="the lot's entry the root holds: its head when the root was signed")
    matches = serializers.BooleanField(help_text="whether that entry's stored hash is the root's leaf")

    class Meta:
        ref_name = "EvidenceChainRoot"


class ChainCheckOutput(serializers.Serializer):
    ok = serializers.BooleanField(help_text="every entry's number, link and hash check out")
    entries = serializers.IntegerField()
    head = serializers.CharField(allow_null=True, help_text="the last entry's hash")
    failure = ChainFailureOutput(allow_null=True)
    root = ChainRootOutput(allow_null=True, help_text="null while no published root holds the lot's chain")

    class Meta:
        ref_name = "EvidenceChainCheck"


class LotEvidenceCheckApi(APIView):
    """The lot's evidence chain recomputed by the server from its stored entries, and whether the newest published
    root holds it: for the lot's centre staff and the supervisors of its region (404 to anyone else)."""

    permission_classes = [WatchesTrading]

    @extend_schema(tags=TAGS, operation_id="lot_evidence_check", responses={200: ChainCheckOutput, **ERRORS})
    def get(self, request: Request, lot_id: int) -> Response:
        lot = watched_lot(user=request_user(request), lot_id=lot_id)
        return Response(ChainCheckOutput(chain_check(lot.pk)).data)
