"""The contracts API of the parties (我的合同): list and create, read and edit, attachments, and the steps between
party A and party B (send, recall, confirm, return, the signed copy, offline submission, cancel, revocation). Who may
do what is decided by the services (contracts/services/); a contract the caller may not see is 404."""

from collections.abc import Mapping
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.signing import SignedSerializer, session_certificate, signed_of
from accounts.permissions import IsVerified, request_user
from accounts.signing import SignedInput
from contracts.api.serializers import AttachmentOutput, ContractOutput, RevocationOutput
from contracts.models import Contract, ContractAttachment
from contracts.selectors import attachment_get, contract_get, contract_list_mine, revocation_document_get
from contracts.services import drafting, revocations, signing
from core.errors import InvalidInput, NotFound
from core.files import stored_file_response
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput

TAGS = ["contracts"]
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
CONTRACT_ID = OpenApiParameter("contract_id", int, OpenApiParameter.PATH, description="the contract's id")
ATTACHMENT_ID = OpenApiParameter(
    "contract_attachment_id", int, OpenApiParameter.PATH, description="the attachment's id"
)
DOCUMENT_ID = OpenApiParameter(
    "revocation_document_id", int, OpenApiParameter.PATH, description="the revocation document's id"
)
FILE = {(200, "*/*"): OpenApiTypes.BINARY, 404: OpenApiResponse(ErrorOutput)}


def contract_response(request: Request, contract_id: int, code: int = status.HTTP_200_OK) -> Response:
    """The contract as the caller sees it (404 when they may not)."""
    user = request_user(request)
    contract = contract_get(user=user, contract_id=contract_id)
    return Response(ContractOutput(contract, context={"user": user}).data, status=code)


class StepSignedInput(serializers.Serializer):
    """The body of a contract step that may be signed (confirm, approve)."""

    signed = SignedSerializer(required=False)

    class Meta:
        ref_name = "ContractSignedInput"


def signed_block(request: Request) -> SignedInput | None:
    """The `signed` member of the request's body (docs/signing.md), None when absent; a 400 naming it when
    malformed."""
    body = body_object(request)
    data = StepSignedInput(data={"signed": body["signed"]} if body.get("signed") is not None else {})
    data.is_valid(raise_exception=True)
    return signed_of(data.validated_data)


def body_object(request: Request) -> Mapping[str, Any]:
    """The request's body as a mapping (a JSON object or a form's fields, each its last value); a 400 otherwise."""
    if not isinstance(request.data, Mapping):
        raise InvalidInput(fields={"non_field_errors": [{"code": "invalid", "message": _("Send a JSON object.")}]})
    return request.data


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="required")

    class Meta:
        ref_name = "ContractReasonInput"


class ContractQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Contract.Status.choices, required=False)
    role = serializers.ChoiceField(choices=["a", "b"], required=False, help_text="a: I started it; b: I am party B")


class ContractCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Contract.Kind.choices, required=False, help_text="from scratch")
    origin = serializers.ChoiceField(choices=Contract.Origin.choices, default=Contract.Origin.ONLINE)
    listing = serializers.IntegerField(required=False, help_text="a published listing of mine")
    lot = serializers.IntegerField(required=False, help_text="a lot I sold, with a deal that stands")


class ContractFieldsInput(serializers.Serializer):
    """The fields of step 1 party A edits; each optional (only the given ones change)."""

    a_name = serializers.CharField(required=False)
    a_id_number = serializers.CharField(required=False)
    a_phone = serializers.CharField(required=False, help_text="mainland mobile number")
    a_address = serializers.CharField(required=False)
    a_postcode = serializers.CharField(required=False, help_text="6 digits")
    a_fax = serializers.CharField(required=False)
    a_bank = serializers.CharField(required=False)
    a_account = serializers.CharField(required=False)
    a_publish_price = serializers.BooleanField(required=False)
    b_name = serializers.CharField(required=False, help_text="party B's verified name")
    b_id_number = serializers.CharField(required=False)
    b_phone = serializers.CharField(required=False, help_text="party B's registered mobile number")
    b_address = serializers.CharField(required=False)
    b_postcode = serializers.CharField(required=False)
    b_fax = serializers.CharField(required=False)
    b_bank = serializers.CharField(required=False)
    b_account = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    region = serializers.CharField(required=False, help_text="a county-level region code")
    plane_boundary = serializers.CharField(required=False)
    upper_boundary = serializers.CharField(required=False)
    lower_boundary = serializers.CharField(required=False)
    height_difference_m = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    use_right_type = serializers.CharField(required=False)
    land_use = serializers.CharField(required=False, help_text="GB/T 21010-2017 second level, e.g. 0501")
    land_nature = serializers.CharField(required=False)
    certificate_type = serializers.CharField(required=False)
    certificate_number = serializers.CharField(required=False)
    unit_numbers = serializers.CharField(required=False, help_text="28 characters each, separated by commas")
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    location = serializers.ListField(child=serializers.FloatField(), required=False, help_text="[lon, lat]")
    price_wan = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, help_text="transfer")
    rent_wan_per_year = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, help_text="lease")
    payment_schedule = serializers.CharField(required=False)
    term_years = serializers.IntegerField(required=False)
    delivery_date = serializers.DateField(required=False)
    institution = serializers.CharField(required=False)


class ContractListApi(APIView):
    """我的合同 (GET: as party A or B, ?status= &role=a|b, paged) and new drafts (POST: from a published listing of
    mine, a lot I sold, or from scratch)."""

    permission_classes = [IsVerified]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="contracts_mine",
        parameters=[ContractQuery],
        responses={200: ContractOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = ContractQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request_user(request)
        found = contract_list_mine(user=user, **query.validated_data)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(ContractOutput(page, many=True, context={"user": user}).data)

    @extend_schema(
        tags=TAGS,
        operation_id="contract_create",
        request=ContractCreateInput,
        responses={201: ContractOutput, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = body_object(request)
        created = drafting.contract_create(
            user=request_user(request),
            kind=data.get("kind"),
            origin=data.get("origin", Contract.Origin.ONLINE),
            listing=data.get("listing"),
            lot=data.get("lot"),
        )
        return contract_response(request, created.pk, status.HTTP_201_CREATED)


class ContractDetailApi(APIView):
    """One contract (GET: its parties, the authority of its region once in review); PATCH: party A saves fields of a
    draft, returned or rejected contract, every bad field named in one 400."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="contract_retrieve",
        parameters=[CONTRACT_ID],
        responses={200: ContractOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, contract_id: int) -> Response:
        return contract_response(request, contract_id)

    @extend_schema(
        tags=TAGS,
        operation_id="contract_update",
        parameters=[CONTRACT_ID],
        request=ContractFieldsInput,
        responses={200: ContractOutput, **ERRORS},
    )
    def patch(self, request: Request, contract_id: int) -> Response:
        drafting.contract_update(user=request_user(request), contract_id=contract_id, fields=dict(body_object(request)))
        return contract_response(request, contract_id)


class AttachmentAddApi(APIView):
    """Party A attaches a document (rar/zip/doc/docx/pdf/jpg, ≤ 16 MB, checked by content), multipart {kind, file},
    to a draft, returned or rejected contract."""

    permission_classes = [IsVerified]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ContractAttachment.Kind.choices)
        file = serializers.FileField()

        class Meta:
            ref_name = "ContractAttachmentInput"

    @extend_schema(
        tags=TAGS,
        operation_id="contract_attachment_add",
        parameters=[CONTRACT_ID],
        request={"multipart/form-data": Input},
        responses={201: AttachmentOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        attachment = drafting.attachment_add(
            user=request_user(request),
            contract_id=contract_id,
            kind=str(body_object(request).get("kind", "")),
            file=request.FILES.get("file"),
        )
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentApi(APIView):
    """A document of a contract: its parties and its authority download it (GET); party A removes it from a draft,
    returned or rejected contract (DELETE)."""

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "GET" else [IsVerified()]

    @extend_schema(tags=TAGS, operation_id="contract_attachment_file", parameters=[ATTACHMENT_ID], responses=FILE)
    def get(self, request: Request, contract_attachment_id: int) -> FileResponse:
        attachment = attachment_get(user=request_user(request), attachment_id=contract_attachment_id)
        return stored_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type, private=True
        )

    @extend_schema(
        tags=TAGS,
        operation_id="contract_attachment_delete",
        parameters=[ATTACHMENT_ID],
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, contract_attachment_id: int) -> Response:
        drafting.attachment_delete(user=request_user(request), attachment_id=contract_attachment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _step(name: str, doc: str, call: Any, *, reason: bool = False) -> type[APIView]:
    """A view of one step: POST runs the service as the caller (with the body's reason when `reason`) and answers
    the contract as the caller sees it afterwards."""

    class StepApi(APIView):
        permission_classes = [IsVerified]

        @extend_schema(
            tags=TAGS,
            operation_id=f"contract_{name}",
            parameters=[CONTRACT_ID],
            request=ReasonInput if reason else None,
            responses={200: ContractOutput, **ERRORS},
        )
        def post(self, request: Request, contract_id: int) -> Response:
            extra = {"reason": body_object(request).get("reason")} if reason else {}
            call(user=request_user(request), contract_id=contract_id, **extra)
            return contract_response(request, contract_id)

    StepApi.__doc__ = doc
    StepApi.__name__ = StepApi.__qualname__ = f"Contract{name.title().replace('_', '')}Api"
    return StepApi


ContractSendApi = _step("send", "Online: party A sends the complete contract to party B.", signing.contract_send)
ContractRecallApi = _step("recall", "Party A takes a sent contract back to the draft.", signing.contract_recall)
ContractReturnApi = _step("return", "Party B returns the content with a reason.", signing.contract_return, reason=True)
SignedCopyConfirmApi = _step(
    "signed_copy_confirm", "Party B confirms the signed copy: the contract goes to review.", signing.signed_copy_confirm
)
SignedCopyDisputeApi = _step(
    "signed_copy_dispute",
    "Party B disputes the signed copy with a reason; party A uploads a new one.",
    signing.signed_copy_dispute,
    reason=True,
)
ContractSubmitApi = _step(
    "submit", "Offline: party A submits the data, documents and signed copy for coding.", signing.contract_submit
)
ContractCancelApi = _step("cancel", "Party A cancels the contract before the review.", signing.contract_cancel)


class ContractConfirmApi(APIView):
    """Step 2: party B confirms the content; {"publish_price": false} keeps the price out of the 直接交易 list."""

    permission_classes = [IsVerified]

    class Input(serializers.Serializer):
        publish_price = serializers.BooleanField(required=False, help_text="party B publishes the price (default)")
        signed = SignedSerializer(
            required=False,
            help_text='{contract, action: "confirm"} signed by party B\'s certificate (docs/signing.md); required '
            "when CONTRACTS_SIGNATURE_REQUIRED",
        )

        class Meta:
            ref_name = "ContractConfirmInput"

    @extend_schema(
        tags=TAGS,
        operation_id="contract_confirm",
        parameters=[CONTRACT_ID],
        request=Input,
        responses={200: ContractOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        body = body_object(request)
        signing.contract_confirm(
            user=request_user(request),
            contract_id=contract_id,
            publish_price=body.get("publish_price"),
            signed=signed_block(request),
            session_certificate_id=session_certificate(request),
        )
        return contract_response(request, contract_id)


class SignedCopyApi(APIView):
    """The signed, sealed copy: party A uploads it (POST multipart {file}: pdf, jpg or png by content, ≤ 16 MB;
    online once party B confirmed the content, offline before submission); the parties and the authority download
    it (GET)."""

    parser_classes = [MultiPartParser]

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "GET" else [IsVerified()]

    class Input(serializers.Serializer):
        file = serializers.FileField()

        class Meta:
            ref_name = "ContractSignedCopyInput"

    @extend_schema(tags=TAGS, operation_id="contract_signed_copy_file", parameters=[CONTRACT_ID], responses=FILE)
    def get(self, request: Request, contract_id: int) -> FileResponse:
        contract = contract_get(user=request_user(request), contract_id=contract_id)
        if not contract.signed_scan:
            raise NotFound(_("This contract has no signed copy yet."))
        return stored_file_response(
            contract.signed_scan,
            filename=contract.signed_scan_name,
            content_type=contract.signed_scan_content_type,
            private=True,
        )

    @extend_schema(
        tags=TAGS,
        operation_id="contract_signed_copy_upload",
        parameters=[CONTRACT_ID],
        request={"multipart/form-data": Input},
        responses={200: ContractOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        signing.signed_copy_upload(user=request_user(request), contract_id=contract_id, file=request.FILES.get("file"))
        return contract_response(request, contract_id)


class RevocationApplyApi(APIView):
    """Party A or B applies to revoke a coded contract: multipart {reason, documents (one to ten pdf/jpg/png)}."""

    permission_classes = [IsVerified]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)
        documents = serializers.ListField(child=serializers.FileField())

        class Meta:
            ref_name = "ContractRevocationInput"

    @extend_schema(
        tags=TAGS,
        operation_id="contract_revocation_apply",
        parameters=[CONTRACT_ID],
        request={"multipart/form-data": Input},
        responses={201: RevocationOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        revocation = revocations.revocation_apply(
            user=request_user(request),
            contract_id=contract_id,
            reason=body_object(request).get("reason"),
            documents=request.FILES.getlist("documents"),
        )
        return Response(RevocationOutput(revocation).data, status=status.HTTP_201_CREATED)


class RevocationDocumentApi(APIView):
    """A document of a revocation application: the contract's parties and its authority download it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS, operation_id="contract_revocation_document_file", parameters=[DOCUMENT_ID], responses=FILE
    )
    def get(self, request: Request, revocation_document_id: int) -> FileResponse:
        document = revocation_document_get(user=request_user(request), document_id=revocation_document_id)
        return stored_file_response(
            document.file, filename=document.original_name, content_type=document.content_type, private=True
        )
