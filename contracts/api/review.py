"""The contracts API of the authority (属地审核: reviewers of the contract's region, administrators): the queue of
contracts in review, approve (coded) or reject; the queue of revocation applications, approve (revoked) or reject.
Another role is 403; a contract or application of another region is 404."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.signing import session_certificate
from accounts.permissions import IsReviewer, request_user
from contracts.api.parties import (
    CONTRACT_ID,
    ERRORS,
    TAGS,
    ReasonInput,
    StepSignedInput,
    body_object,
    contract_response,
    signed_block,
)
from contracts.api.serializers import ContractOutput, RevocationOutput
from contracts.models import Contract
from contracts.selectors import REVIEWED_STATES, review_queue, revocation_queue
from contracts.services import review, revocations
from core.pagination import PageNumberPagination

REVOCATION_ID = OpenApiParameter("revocation_id", int, OpenApiParameter.PATH, description="the application's id")


class ReviewQuery(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(state, Contract.Status(state).label) for state in REVIEWED_STATES],
        required=False,
        help_text="default in_review",
    )

    class Meta:
        ref_name = "ContractReviewQuery"


class ReviewQueueApi(APIView):
    """The contracts of my regions in review (or ?status= rejected, coded, revoked), oldest first, paged."""

    permission_classes = [IsReviewer]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS,
        operation_id="contracts_review_queue",
        parameters=[ReviewQuery],
        responses={200: ContractOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = ReviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request_user(request)
        found = review_queue(user=user, status=query.validated_data.get("status"))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(ContractOutput(page, many=True, context={"user": user}).data)


class ContractApproveApi(APIView):
    """Approve a contract in review: it is coded with the next number of its county, kind and year."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="contract_approve",
        parameters=[CONTRACT_ID],
        request=StepSignedInput,
        responses={200: ContractOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        review.contract_approve(
            user=request_user(request),
            contract_id=contract_id,
            signed=signed_block(request),
            session_certificate_id=session_certificate(request),
        )
        return contract_response(request, contract_id)


class ContractRejectApi(APIView):
    """Reject a contract in review with a reason; party A corrects it and sends or submits it again."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="contract_reject",
        parameters=[CONTRACT_ID],
        request=ReasonInput,
        responses={200: ContractOutput, **ERRORS},
    )
    def post(self, request: Request, contract_id: int) -> Response:
        review.contract_reject(
            user=request_user(request), contract_id=contract_id, reason=body_object(request).get("reason")
        )
        return contract_response(request, contract_id)


class RevocationQueueApi(APIView):
    """The pending revocation applications of contracts in my regions, oldest first, paged; each with its contract's
    number."""

    permission_classes = [IsReviewer]
    pagination_class = PageNumberPagination

    class Output(RevocationOutput):
        number = serializers.CharField(source="contract.number")
        address = serializers.CharField(source="contract.address")

        class Meta:
            ref_name = "ContractRevocationQueued"

    @extend_schema(tags=TAGS, operation_id="contract_revocations_queue", responses={200: Output(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(revocation_queue(user=request_user(request)), request, view=self)
        return paginator.get_paginated_response(self.Output(page, many=True).data)


class RevocationApproveApi(APIView):
    """Approve a revocation: the contract is revoked and keeps its number."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="contract_revocation_approve",
        parameters=[REVOCATION_ID],
        request=None,
        responses={200: RevocationOutput, **ERRORS},
    )
    def post(self, request: Request, revocation_id: int) -> Response:
        revocation = revocations.revocation_approve(user=request_user(request), revocation_id=revocation_id)
        return Response(RevocationOutput(revocation).data)


class RevocationRejectApi(APIView):
    """Reject a revocation with a reason; the contract stays coded."""

    permission_classes = [IsReviewer]

    @extend_schema(
        tags=TAGS,
        operation_id="contract_revocation_reject",
        parameters=[REVOCATION_ID],
        request=ReasonInput,
        responses={200: RevocationOutput, **ERRORS},
    )
    def post(self, request: Request, revocation_id: int) -> Response:
        revocation = revocations.revocation_reject(
            user=request_user(request), revocation_id=revocation_id, reason=body_object(request).get("reason")
        )
        return Response(RevocationOutput(revocation).data)
