"""The published roots over the evidence chains, for anyone (docs/evidence.md, "Published roots"): the signed roots,
newest first, and the public key that checks their signatures."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auctions.selectors_roots import root_public, roots_published
from auctions.services.roots import public_key_pem
from core.pagination import PageNumberPagination
from core.serializers import ErrorOutput

TAGS = ["auctions: roots"]


class SignedRootOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tree_size = serializers.IntegerField(help_text="the number of chains (lots with an evidence log) it covers")
    # `root` is also a Serializer's property; the metaclass takes the field out of the class, so it is only a name here
    root = serializers.CharField(help_text="hex SHA-256 Merkle root (RFC 6962 hashing)")  # type: ignore[assignment]
    signed_at = serializers.CharField(help_text="UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ: the text the signature covers")
    signature = serializers.CharField(help_text="hex Ed25519 signature of the root's statement")
    key_id = serializers.CharField(help_text="first 16 hex digits of SHA-256 of the raw public key")

    class Meta:
        ref_name = "SignedRoot"


class RootsApi(APIView):
    """Every signed root, newest first, paginated; anyone."""

    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        tags=TAGS, operation_id="auctions_roots_list", responses={200: SignedRootOutput(many=True), 400: ErrorOutput}
    )
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(roots_published(), request, view=self) or []
        return paginator.get_paginated_response(SignedRootOutput([root_public(root) for root in page], many=True).data)


class RootsPublicKeyApi(APIView):
    """The Ed25519 public key that checks the roots' signatures, as PEM; anyone. 503 when none is configured."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="auctions_roots_public_key",
        responses={(200, "application/x-pem-file"): OpenApiTypes.STR, 503: ErrorOutput},
    )
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(public_key_pem(), content_type="application/x-pem-file")
        response["Content-Disposition"] = 'inline; filename="roots_public.pem"'
        return response
