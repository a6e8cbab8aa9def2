"""Bid applications API (竞买申请): the bidder's application, documents and 竞买资格确认书; the centre staff's review,
deposits per lot and manual qualification. One bidder's application is never another's to see (404)."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.signing import SignedSerializer, session_certificate, signed_of
from accounts.models import User
from accounts.permissions import IsCentreStaff, IsVerified, request_user
from auctions.api.work import ERRORS, ReasonInput, _paged
from auctions.models import BidApplication, DepositArrival, Lot, LotResult, LotTrading, Qualification
from auctions.pdf import qualification_pdf
from auctions.selectors import centre_staff_covers
from auctions.services.applications import (
    application_approve,
    application_reject,
    application_submit,
    document_add,
    form_from,
)
from auctions.services.deposits import counted_yuan, qualification_issue_manual, required_yuan
from core.errors import NotFound
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput

TAGS = ["auctions: bidding"]
LOT_ID = OpenApiParameter("lot_id", int, OpenApiParameter.PATH, description="the lot's id")
APPLICATION_ID = OpenApiParameter("application_id", int, OpenApiParameter.PATH, description="the application's id")
YUAN: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}


def _applications() -> QuerySet[BidApplication]:
    return BidApplication.objects.select_related(
        "lot__centre", "bank", "deposit_account", "qualification", "applicant"
    ).prefetch_related(
        "documents",
        Prefetch(
            "deposit_account__arrivals",
            queryset=DepositArrival.objects.select_related("movement").order_by("arrived_at", "id"),
        ),
    )


def _mine(user: User, application_id: int) -> BidApplication:
    found = _applications().filter(pk=application_id, applicant=user.principal).first()
    if found is None:
        raise NotFound(_("No application has this id."))
    return found


# ------------------------------------------------------------------------------------------------ output


class ApplicationLotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    centre = serializers.CharField(source="centre.name")
    deposit_deadline = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()

    class Meta:
        ref_name = "BidApplicationLot"


class ArrivalMovementOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["refund", "conversion"], help_text="refund, or converted into the price")
    status = serializers.ChoiceField(choices=["pending", "sent", "done", "failed"])
    amount_yuan = serializers.DecimalField(**YUAN)
    bank_ref = serializers.CharField(help_text="the bank's reference, once it booked the order")
    sent_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "BidDepositMovement"


class ArrivalOutput(serializers.Serializer):
    amount_yuan = serializers.DecimalField(**YUAN)
    payer_name = serializers.CharField()
    channel = serializers.CharField()
    arrived_at = serializers.DateTimeField(help_text="the bank's time")
    counted = serializers.BooleanField()
    flag = serializers.CharField(help_text="why it is not counted (unknown_account, cash, payer_mismatch, late …)")
    refund_status = serializers.CharField(help_text="due | requested | done, converted for the winner's deposit")
    movement = serializers.SerializerMethodField(help_text="its refund or conversion (after the trade, or the flag)")

    class Meta:
        ref_name = "BidDepositArrival"

    @extend_schema_field(ArrivalMovementOutput(allow_null=True))
    def get_movement(self, arrival: DepositArrival) -> dict[str, Any] | None:
        movement = getattr(arrival, "movement", None)
        return ArrivalMovementOutput(movement).data if movement is not None else None


class QualificationOutput(serializers.Serializer):
    bidder_number = serializers.CharField()
    manual = serializers.BooleanField()
    issued_at = serializers.DateTimeField()
    confirmation = serializers.SerializerMethodField(
        help_text="the 成交确认书 (PDF) once this bidder won a deal that is not revoked; null otherwise"
    )

    class Meta:
        ref_name = "BidQualification"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confirmation(self, qualification: Qualification) -> str | None:
        won = LotResult.objects.filter(
            winner=qualification, outcome=LotTrading.Outcome.DEAL, revoked_at__isnull=True
        ).exists()
        return reverse("auctions:result-confirmation", args=[qualification.lot_id]) if won else None


class ApplicationDocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "BidApplicationDocument"


class BankChoiceOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "BidBank"


class PartnerOutput(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()

    class Meta:
        ref_name = "BidPartner"


class ApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    lot = ApplicationLotOutput()
    status = serializers.ChoiceField(choices=BidApplication.Status.choices)
    reason = serializers.CharField(help_text="the centre's reason for a rejection")
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    address = serializers.CharField()
    statement = serializers.CharField()
    joint = serializers.BooleanField()
    partners = PartnerOutput(many=True)
    publish_price = serializers.BooleanField(help_text="whether the price may be published if this bidder wins")
    bank = BankChoiceOutput(allow_null=True)
    account_number = serializers.SerializerMethodField(help_text="the deposit sub-account to transfer to")
    arrivals = serializers.SerializerMethodField()
    counted_yuan = serializers.SerializerMethodField(help_text="the deposit counted so far, 元")
    required_yuan = serializers.SerializerMethodField(help_text="the deposit the lot requires, 元")
    qualification = serializers.SerializerMethodField()
    documents = ApplicationDocumentOutput(many=True, source="documents.all")
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "BidApplication"

    def get_account_number(self, application: BidApplication) -> str | None:
        account = getattr(application, "deposit_account", None)
        return account.number if account is not None else None

    @extend_schema_field(ArrivalOutput(many=True))
    def get_arrivals(self, application: BidApplication) -> list[dict[str, Any]]:
        account = getattr(application, "deposit_account", None)
        return ArrivalOutput(account.arrivals.all() if account else [], many=True).data  # type: ignore[return-value]

    @extend_schema_field(serializers.DecimalField(**YUAN))
    def get_counted_yuan(self, application: BidApplication) -> str:
        return f"{counted_yuan(application):.2f}"

    @extend_schema_field(serializers.DecimalField(**YUAN))
    def get_required_yuan(self, application: BidApplication) -> str:
        return f"{required_yuan(application.lot):.2f}"

    @extend_schema_field(QualificationOutput(allow_null=True))
    def get_qualification(self, application: BidApplication) -> dict[str, Any] | None:
        qualification = getattr(application, "qualification", None)
        return QualificationOutput(qualification).data if qualification is not None else None


class StaffApplicationOutput(ApplicationOutput):
    applicant = serializers.CharField(source="applicant.real_name", help_text="the bidder's verified name")

    class Meta:
        ref_name = "BidApplicationForStaff"


# ------------------------------------------------------------------------------------------------ bidder


class PartnerInput(serializers.Serializer):
    name = serializers.CharField(max_length=128)
    id_number = serializers.CharField(max_length=18, help_text="a resident ID number or a credit code")

    class Meta:
        ref_name = "BidPartnerInput"


class ApplicationInput(serializers.Serializer):
    contact_name = serializers.CharField(max_length=64)
    contact_phone = serializers.CharField(max_length=20)
    address = serializers.CharField(max_length=255)
    bank = serializers.CharField(max_length=16, help_text="the code of one of the centre's banks")
    statement = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    joint = serializers.BooleanField(required=False, default=False, help_text="联合竞买")
    partners = PartnerInput(many=True, required=False, default=list)
    publish_price = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false: if this bidder wins, the result publicity hides the price when the seller also opted out",
    )
    signed = SignedSerializer(
        required=False,
        help_text="{lot, bank_code, contact_name, contact_phone, address, joint} signed by the bidder's certificate "
        "(docs/signing.md); required by some rules",
    )

    class Meta:
        ref_name = "BidApplicationInput"


class LotApplicationApi(APIView):
    """Apply for a lot (竞买申请) in the caller's name while its window is open: 201 with the deposit account, or
    200 with the existing application (the same account) when there is one."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_submit",
        parameters=[LOT_ID],
        request=ApplicationInput,
        responses={201: ApplicationOutput, 200: ApplicationOutput, **ERRORS},
    )
    def post(self, request: Request, lot_id: int) -> Response:
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        signed = signed_of(data.validated_data)
        application, created = application_submit(
            user=user,
            lot_id=lot_id,
            form=form_from(data.validated_data),
            signed=signed,
            session_certificate_id=session_certificate(request),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ApplicationOutput(_mine(user, application.pk)).data, status=code)


class MyApplicationListApi(APIView):
    """我的竞买: the caller's applications, newest first."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(tags=TAGS, operation_id="bid_applications_mine", responses={200: ApplicationOutput(many=True)})
    def get(self, request: Request) -> Response:
        found = _applications().filter(applicant=request_user(request).principal)
        return _paged(request, self, found, ApplicationOutput)


class MyApplicationApi(APIView):
    """One of the caller's applications: status, account, arrivals, counted deposit and qualification."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_mine",
        parameters=[APPLICATION_ID],
        responses={200: ApplicationOutput, **ERRORS},
    )
    def get(self, request: Request, application_id: int) -> Response:
        return Response(ApplicationOutput(_mine(request_user(request), application_id)).data)


class ApplicationDocumentAddApi(APIView):
    """Add a document (pdf/jpg/png/zip/rar/doc/docx, ≤ 50 MB, checked by content), multipart {title, file}, to my
    application awaiting review or rejected."""

    permission_classes = [IsVerified]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=128)
        file = serializers.FileField()

        class Meta:
            ref_name = "ApplicationDocumentInput"

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_document_add",
        parameters=[APPLICATION_ID],
        request={"multipart/form-data": Input},
        responses={201: ApplicationDocumentOutput, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        document = document_add(user=request_user(request), application_id=application_id, **data.validated_data)
        return Response(ApplicationDocumentOutput(document).data, status=status.HTTP_201_CREATED)


class QualificationPdfApi(APIView):
    """The 竞买资格确认书 of a qualified application as a PDF: the bidder's own, or to the lot's centre staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="bid_qualification_pdf",
        parameters=[APPLICATION_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 401: ErrorOutput, 404: OpenApiResponse(ErrorOutput)},
    )
    def get(self, request: Request, application_id: int) -> HttpResponse:
        user = request_user(request)
        application = _applications().filter(pk=application_id).first()
        allowed = application is not None and (
            application.applicant_id == user.principal.pk or centre_staff_covers(user, application.lot.centre)
        )
        if application is None or not allowed or not hasattr(application, "qualification"):
            raise NotFound(_("No qualification has this id."))
        response = HttpResponse(qualification_pdf(application), content_type="application/pdf")
        name = f"qualification-{application.lot.number or application.lot_id}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# ------------------------------------------------------------------------------------------------ centre staff


class CentreLotApplicationListApi(APIView):
    """The applications for a lot of the caller's centre, with their documents and deposits (centre staff)."""

    permission_classes = [IsCentreStaff]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="centre_lot_applications",
        parameters=[LOT_ID],
        responses={200: StaffApplicationOutput(many=True), **ERRORS},
    )
    def get(self, request: Request, lot_id: int) -> Response:
        lot = Lot.objects.select_related("centre").filter(pk=lot_id).first()
        if lot is None or not centre_staff_covers(request_user(request), lot.centre):
            raise NotFound(_("No lot has this id."))
        return _paged(request, self, _applications().filter(lot=lot), StaffApplicationOutput)


def _staff_answer(request: Request, application_id: int) -> Response:
    return Response(StaffApplicationOutput(_applications().get(pk=application_id)).data)


class ApplicationApproveApi(APIView):
    """Approve a submitted application (the bidder is qualified at once if the deposit is already counted)."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_approve",
        parameters=[APPLICATION_ID],
        request=None,
        responses={200: StaffApplicationOutput, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        application_approve(user=request_user(request), application_id=application_id)
        return _staff_answer(request, application_id)


class ApplicationRejectApi(APIView):
    """Reject a submitted application with the reason; the bidder may correct it and apply again in the window."""

    permission_classes = [IsCentreStaff]

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_reject",
        parameters=[APPLICATION_ID],
        request=ReasonInput,
        responses={200: StaffApplicationOutput, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        application_reject(user=request_user(request), application_id=application_id, **data.validated_data)
        return _staff_answer(request, application_id)


class ApplicationQualifyApi(APIView):
    """Qualify an approved bidder by hand on the bank's proof of arrival (pdf/jpg/png, ≤ 10 MB), multipart
    {reason, proof}."""

    permission_classes = [IsCentreStaff]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=500)
        proof = serializers.FileField()

        class Meta:
            ref_name = "QualifyInput"

    @extend_schema(
        tags=TAGS,
        operation_id="bid_application_qualify",
        parameters=[APPLICATION_ID],
        request={"multipart/form-data": Input},
        responses={200: StaffApplicationOutput, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        qualification_issue_manual(user=request_user(request), application_id=application_id, **data.validated_data)
        return _staff_answer(request, application_id)
