"""Market API: supply listings (地源): the public list and detail, drafts, files, submission, review, delisting,
changes (信息变更), my supply (我的供给) and the review console."""

import uuid
from typing import Any

from django.http import FileResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsReviewer, IsVerified, ReadsReviews
from core.errors import NotFound
from core.net import client_address
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput
from geo.api import RegionCodeField
from geo.reference import is_valid_land_use
from market.api import supply_form
from market.api.schema import SupplyDetailOutput
from market.models import ChunkedUpload, SupplyAttachment, SupplyListing
from market.selectors.supply import (
    MEDIA_KINDS,
    attachment_get_for_download,
    supply_get,
    supply_history,
    supply_my_list,
    supply_public_list,
    supply_review_queue,
)
from market.serializers_supply import (
    AttachmentOutput,
    MySupplyItemOutput,
    ReviewEventOutput,
    ReviewItemOutput,
    SupplyChangeOutput,
    SupplyFieldsInput,
    SupplyFullOutput,
    SupplyItemOutput,
    SupplyPublicOutput,
)
from market.services.supply import (
    is_owner,
    supply_approve_initial,
    supply_certify,
    supply_change_approve,
    supply_change_reject,
    supply_change_request,
    supply_create,
    supply_delete,
    supply_delist,
    supply_reject,
    supply_submit,
    supply_update,
    supply_view_record,
)
from market.services.uploads import (
    attachment_add,
    attachment_delete,
    chunked_upload_append,
    chunked_upload_start,
    refuse_oversized_request,
)

TAGS = ["supply"]
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput}
LISTING_ID = OpenApiParameter("listing_id", int, OpenApiParameter.PATH, description="supply listing id")


def _detail(request: Request, listing_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    """The listing as the caller may see it: everything for the owner and reviewers in scope, else public."""
    listing, full = supply_get(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
    output = SupplyFullOutput if full else SupplyPublicOutput
    return Response(output(listing).data, status=code)


def _paged(request: Request, view: APIView, queryset: Any, output: type[serializers.Serializer]) -> Response:
    """One page in the pagination envelope; the view sets `pagination_class` so that its schema says so."""
    paginator = PageNumberPagination()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    class Meta:
        ref_name = "SupplyReasonInput"


STEP_HELP = "the form's step being completed (1 land, 2 applicant): nothing is saved unless its fields are valid"


class SupplyCreateInput(SupplyFieldsInput):
    mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, help_text="transfer (转让) or lease (出租)")
    step = serializers.ChoiceField(choices=[1, 2], required=False, help_text=STEP_HELP)

    class Meta:
        ref_name = "SupplyCreateInput"


class SupplyUpdateInput(SupplyFieldsInput):
    mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, required=False)

    class Meta:
        ref_name = "SupplyUpdateInput"


class SupplyDraftUpdateInput(SupplyUpdateInput):
    step = serializers.ChoiceField(choices=[1, 2], required=False, help_text=STEP_HELP)

    class Meta:
        ref_name = "SupplyDraftUpdateInput"


class SupplyListApi(APIView):
    """Public supply (GET: published and certified, newest first) and new drafts (POST: verified users)."""

    class FilterInput(serializers.Serializer):
        region = RegionCodeField(required=False, help_text="a province, city or county code")
        mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, required=False)
        land_use = serializers.CharField(required=False, help_text="GB/T 21010: 05 (first level) or 0501")
        certified = serializers.BooleanField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "SupplyListFilter"

        def validate_land_use(self, value: str) -> str:
            if not is_valid_land_use(value):
                raise serializers.ValidationError(_("Not a GB/T 21010-2017 land-use class."), code="invalid")
            return value

    pagination_class = PageNumberPagination  # the schema then declares the GET's paginated envelope

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsVerified()]

    @extend_schema(
        tags=TAGS, operation_id="supply_list", parameters=[FilterInput], responses={200: SupplyItemOutput(many=True)}
    )
    def get(self, request: Request) -> Response:
        data = self.FilterInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        return _paged(request, self, supply_public_list(**data.validated_data), SupplyItemOutput)

    @extend_schema(
        tags=TAGS, operation_id="supply_create", request=SupplyCreateInput, responses={201: SupplyFullOutput, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        data = SupplyCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        listing = supply_create(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, listing.pk, code=status.HTTP_201_CREATED)


class SupplyDetailApi(APIView):
    """One listing (GET: public ones to anyone, any state to the owner and reviewers in scope; a view is counted);
    PATCH: save fields of a draft or rejected listing; DELETE: delete a draft, rejected, delisted or expired one."""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsVerified()]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_retrieve",
        parameters=[LISTING_ID],
        responses={200: SupplyDetailOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        listing, full = supply_get(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        owner = is_owner(listing, request.user)  # type: ignore[arg-type]
        if listing.status in SupplyListing.PUBLIC_STATUSES and not owner:
            viewer = f"u{request.user.pk}" if request.user.is_authenticated else f"ip{client_address(request)}"
            supply_view_record(listing=listing, viewer=viewer)
        output = SupplyFullOutput if full else SupplyPublicOutput
        return Response(output(listing).data)

    @extend_schema(
        tags=TAGS,
        operation_id="supply_update",
        parameters=[LISTING_ID],
        request=SupplyDraftUpdateInput,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def patch(self, request: Request, listing_id: int) -> Response:
        data = SupplyDraftUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        supply_update(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, listing_id)

    @extend_schema(tags=TAGS, operation_id="supply_delete", parameters=[LISTING_ID], responses={204: None, **ERRORS})
    def delete(self, request: Request, listing_id: int) -> Response:
        supply_delete(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupplySubmitApi(APIView):
    """Submit a draft or rejected listing for review; every missing field is named in one 400."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_submit",
        parameters=[LISTING_ID],
        request=None,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        supply_submit(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        return _detail(request, listing_id)


class SupplyDelistApi(APIView):
    """Delist (下架) a published listing: its owner (reason optional) or a reviewer of its region (reason required)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_delist",
        parameters=[LISTING_ID],
        request=ReasonInput,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        supply_delist(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, listing_id)


class SupplyHistoryApi(APIView):
    """The review trail of a listing (submitted, approved, rejected …), for its owner and reviewers in scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_history",
        parameters=[LISTING_ID],
        responses={200: ReviewEventOutput(many=True), 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        events = supply_history(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        return Response(ReviewEventOutput(events, many=True).data)


class SupplyChangeRequestApi(APIView):
    """Ask to change a published listing (信息变更): the changed fields wait for a reviewer; one at a time."""

    permission_classes = [IsVerified]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_change_request",
        parameters=[LISTING_ID],
        request=SupplyUpdateInput,
        responses={201: SupplyChangeOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = SupplyUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        change = supply_change_request(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(SupplyChangeOutput(change).data, status=status.HTTP_201_CREATED)


# ------------------------------------------------------------------------------------------------ files


class AttachmentAddApi(APIView):
    """Attach one photo (JPG/PNG/GIF, ≤ 8 MB, at most 5) or document (rar/zip/doc/docx/pdf/jpg, ≤ 50 MB) to a draft
    or rejected listing, multipart {kind, file}; checked by content. Videos go through …/uploads/."""

    permission_classes = [IsVerified]
    parser_classes = [MultiPartParser]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=SupplyAttachment.Kind.choices)
        file = serializers.FileField()

        class Meta:
            ref_name = "SupplyAttachmentInput"

    @extend_schema(
        tags=TAGS,
        operation_id="supply_attachment_add",
        parameters=[LISTING_ID],
        request={"multipart/form-data": Input},
        responses={201: AttachmentOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        refuse_oversized_request(content_length=request.META.get("CONTENT_LENGTH"))
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = attachment_add(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentApi(APIView):
    """GET the file (the owner and reviewers in scope any; anyone the photos and videos of a public listing);
    DELETE it from a draft or rejected listing (the owner)."""

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "GET" else [IsVerified()]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_attachment_file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorOutput},
    )
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = attachment_get_for_download(attachment_id=attachment_id, user=request.user)  # type: ignore[arg-type]
        try:
            content = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotFound(_("No attachment has this id.")) from None
        return FileResponse(
            content,
            content_type=attachment.content_type,
            as_attachment=attachment.kind not in MEDIA_KINDS,
            filename=attachment.original_name,
        )

    @extend_schema(tags=TAGS, operation_id="supply_attachment_delete", responses={204: None, **ERRORS})
    def delete(self, request: Request, attachment_id: int) -> Response:
        attachment_delete(attachment_id=attachment_id, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChunkedUploadOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    received = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ChunkedUpload.Status.choices)
    attachment = AttachmentOutput(allow_null=True, required=False)

    class Meta:
        ref_name = "SupplyChunkedUpload"


class ChunkedUploadStartApi(APIView):
    """Announce a video (MP4, ≤ 300 MB, at most 3) of a draft or rejected listing; then PUT its chunks in order."""

    permission_classes = [IsVerified]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=[SupplyAttachment.Kind.VIDEO])
        filename = serializers.CharField(max_length=255)
        size = serializers.IntegerField(min_value=1, max_value=2**62, help_text="bytes")

        class Meta:
            ref_name = "SupplyChunkedUploadInput"

    @extend_schema(
        tags=TAGS,
        operation_id="supply_upload_start",
        parameters=[LISTING_ID],
        request=Input,
        responses={201: ChunkedUploadOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = chunked_upload_start(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(ChunkedUploadOutput(upload).data, status=status.HTTP_201_CREATED)


class RawBodyParser(BaseParser):
    """Names the raw chunk body for the schema; the view streams the body itself and never parses it."""

    media_type = "*/*"


class ChunkedUploadApi(APIView):
    """PUT the next chunk of a video: the raw bytes as the body (≤ 8 MB) and `Content-Range: bytes start-end/total`;
    chunks in order (409 otherwise). The last chunk completes the upload: the video is checked and attached, or
    deleted with a 400."""

    permission_classes = [IsVerified]
    parser_classes = [RawBodyParser]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_upload_chunk",
        parameters=[
            OpenApiParameter(
                "Content-Range", str, OpenApiParameter.HEADER, required=True, description="bytes start-end/total"
            )
        ],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={200: ChunkedUploadOutput, **ERRORS},
    )
    def put(self, request: Request, upload_id: uuid.UUID) -> Response:
        length = request.META.get("CONTENT_LENGTH")
        result = chunked_upload_append(
            upload_id=upload_id,
            user=request.user,  # type: ignore[arg-type]
            content_range=request.headers.get("Content-Range"),
            body=request._request,  # the WSGI/ASGI body stream, read in blocks
            length=int(length) if length and length.isdigit() else None,
        )
        output = ChunkedUploadOutput(result.upload).data
        output["attachment"] = AttachmentOutput(result.attachment).data if result.attachment else None
        return Response(output)


# ------------------------------------------------------------------------------------------------ my supply, review


class MySupplyApi(APIView):
    """我的供给: the caller's (or their enterprise's) listings with the actions each state allows."""

    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        group = serializers.ChoiceField(choices=["unpublished", "published"], required=False)
        title = serializers.CharField(required=False, max_length=200)
        mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices, required=False)

        class Meta:
            ref_name = "MySupplyFilter"

    @extend_schema(
        tags=TAGS, operation_id="supply_mine", parameters=[Input], responses={200: MySupplyItemOutput(many=True)}
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        return _paged(request, self, supply_my_list(user=request.user, **data.validated_data), MySupplyItemOutput)  # type: ignore[arg-type]


class ReviewQueueApi(APIView):
    """The review console (reviewers; supervisors read it): listings of the caller's regions waiting for the initial
    review, the final review (certification) or a change review."""

    permission_classes = [ReadsReviews]
    pagination_class = PageNumberPagination

    class Input(serializers.Serializer):
        stage = serializers.ChoiceField(choices=["initial", "final", "changes"], default="initial")
        region = RegionCodeField(required=False)

        class Meta:
            ref_name = "SupplyReviewFilter"

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_queue",
        parameters=[Input],
        responses={200: ReviewItemOutput(many=True), 403: ErrorOutput},
    )
    def get(self, request: Request) -> Response:
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        queue = supply_review_queue(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _paged(request, self, queue, ReviewItemOutput)


class ReviewApproveApi(APIView):
    """Initial review passed: in review → published (属地未认证), expiring after six months."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_approve",
        parameters=[LISTING_ID],
        request=None,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        supply_approve_initial(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        return _detail(request, listing_id)


class ReviewRejectApi(APIView):
    """Initial review failed: in review → rejected, with the reason (required)."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_reject",
        parameters=[LISTING_ID],
        request=ReasonInput,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        supply_reject(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, listing_id)


class ReviewCertifyApi(APIView):
    """Final review passed: published → certified (属地认证)."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_certify",
        parameters=[LISTING_ID],
        request=None,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        supply_certify(listing_id=listing_id, user=request.user)  # type: ignore[arg-type]
        return _detail(request, listing_id)


class ReviewDelistApi(APIView):
    """A reviewer delists a published or certified listing of their region, with the reason (required)."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_delist",
        parameters=[LISTING_ID],
        request=ReasonInput,
        responses={200: SupplyFullOutput, **ERRORS},
    )
    def post(self, request: Request, listing_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        supply_delist(listing_id=listing_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return _detail(request, listing_id)


CHANGE_ID = OpenApiParameter("change_id", int, OpenApiParameter.PATH, description="listing change id")


class ReviewChangeApproveApi(APIView):
    """Apply a pending change to its listing (the title regenerated)."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_change_approve",
        parameters=[CHANGE_ID],
        request=None,
        responses={200: SupplyChangeOutput, **ERRORS},
    )
    def post(self, request: Request, change_id: int) -> Response:
        change = supply_change_approve(change_id=change_id, user=request.user)  # type: ignore[arg-type]
        return Response(SupplyChangeOutput(change).data)


class ReviewChangeRejectApi(APIView):
    """Refuse a pending change, with the reason (required); the listing stays as it is."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_change_reject",
        parameters=[CHANGE_ID],
        request=ReasonInput,
        responses={200: SupplyChangeOutput, **ERRORS},
    )
    def post(self, request: Request, change_id: int) -> Response:
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        change = supply_change_reject(change_id=change_id, user=request.user, **data.validated_data)  # type: ignore[arg-type]
        return Response(SupplyChangeOutput(change).data)


urlpatterns: list[URLPattern] = [
    path("supply/", SupplyListApi.as_view(), name="supply-list"),
    path("supply/<int:listing_id>/", SupplyDetailApi.as_view(), name="supply-detail"),
    path("supply/<int:listing_id>/submit/", SupplySubmitApi.as_view(), name="supply-submit"),
    path("supply/<int:listing_id>/delist/", SupplyDelistApi.as_view(), name="supply-delist"),
    path("supply/<int:listing_id>/history/", SupplyHistoryApi.as_view(), name="supply-history"),
    path("supply/<int:listing_id>/changes/", SupplyChangeRequestApi.as_view(), name="supply-change-request"),
    path("supply/<int:listing_id>/attachments/", AttachmentAddApi.as_view(), name="supply-attachment-add"),
    path("supply/<int:listing_id>/uploads/", ChunkedUploadStartApi.as_view(), name="supply-upload-start"),
    path("supply/attachments/<int:attachment_id>/", AttachmentApi.as_view(), name="supply-attachment"),
    path("uploads/<uuid:upload_id>/", ChunkedUploadApi.as_view(), name="supply-upload"),
    path("my/supply/", MySupplyApi.as_view(), name="supply-mine"),
    path("review/supply/", ReviewQueueApi.as_view(), name="supply-review-queue"),
    path("review/supply/<int:listing_id>/approve/", ReviewApproveApi.as_view(), name="supply-review-approve"),
    path("review/supply/<int:listing_id>/reject/", ReviewRejectApi.as_view(), name="supply-review-reject"),
    path("review/supply/<int:listing_id>/certify/", ReviewCertifyApi.as_view(), name="supply-review-certify"),
    path("review/supply/<int:listing_id>/delist/", ReviewDelistApi.as_view(), name="supply-review-delist"),
    path("review/changes/<int:change_id>/approve/", ReviewChangeApproveApi.as_view(), name="supply-change-approve"),
    path("review/changes/<int:change_id>/reject/", ReviewChangeRejectApi.as_view(), name="supply-change-reject"),
    *supply_form.urlpatterns,
]
