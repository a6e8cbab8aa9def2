"""Market API of the review console: where a listing under review lies, against its parcel and other listings."""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ReadsReviews, request_user
from core.serializers import ErrorOutput
from geo.models import Parcel
from geo.reference import land_use_name
from geo.serializers import GeoJsonGeometryField, LonLatField
from market.selectors.review import ReviewPlace, supply_review_place

TAGS = ["supply"]


class _LandUseNamed(serializers.Serializer):
    land_use_name = serializers.SerializerMethodField(help_text="GB/T 21010-2017 name of the land use")

    def get_land_use_name(self, item: Any) -> str | None:
        return land_use_name(item.land_use) if item.land_use else None


class ReviewDeclaredOutput(_LandUseNamed):
    """What the owner declared about the land and its certificate."""

    certificate_type = serializers.CharField()
    certificate_number = serializers.CharField()
    registration_authority = serializers.CharField()
    unit_numbers = serializers.ListField(child=serializers.CharField())
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    land_use = serializers.CharField()
    land_nature = serializers.CharField()
    use_right_type = serializers.CharField()
    address = serializers.CharField()
    boundary_east = serializers.CharField()
    boundary_west = serializers.CharField()
    boundary_south = serializers.CharField()
    boundary_north = serializers.CharField()

    class Meta:
        ref_name = "ReviewDeclared"


class ReviewParcelOutput(_LandUseNamed):
    """The linked parcel's stored attributes: its public fields, and its certificate fields for staff in scope
    (core.classification; absent for others)."""

    code = serializers.CharField()
    page = serializers.SerializerMethodField(help_text="the parcel's page on this site")
    region_code = serializers.CharField(source="region_id", allow_null=True)
    region_name = serializers.CharField(source="region.name", allow_null=True)
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    land_use = serializers.CharField()
    land_nature = serializers.CharField()
    use_right_type = serializers.CharField()
    certificate_type = serializers.CharField()
    address = serializers.CharField()
    boundary_east = serializers.CharField()
    boundary_west = serializers.CharField()
    boundary_south = serializers.CharField()
    boundary_north = serializers.CharField()
    certificate_number = serializers.CharField(required=False, help_text="staff in scope only")
    registration_authority = serializers.CharField(required=False, help_text="staff in scope only")
    unit_numbers = serializers.ListField(child=serializers.CharField(), required=False, help_text="staff in scope only")

    class Meta:
        ref_name = "ReviewParcel"

    def get_page(self, parcel: Parcel) -> str:
        return f"/parcels/{parcel.code}/"

    def to_representation(self, instance: Parcel) -> dict[str, Any]:
        data = super().to_representation(instance)
        shown = self.context["parcel_fields"]
        restricted = ("certificate_number", "registration_authority", "unit_numbers")
        return {name: value for name, value in data.items() if name not in restricted or name in shown}


class ReviewOverlapOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    region_name = serializers.CharField(source="region.name")
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, help_text="declared")
    overlap_m2 = serializers.FloatField(
        allow_null=True, help_text="the shared area in m² on the CGCS2000 ellipsoid; null when this place is a point"
    )

    class Meta:
        ref_name = "ReviewOverlap"


class ReviewPlaceOutput(serializers.Serializer):
    listing = serializers.IntegerField(source="listing.pk")
    outline = serializers.SerializerMethodField(help_text="the drawn outline, else the parcel's; null: a point only")
    location = LonLatField(source="listing.location", allow_null=True)
    declared = ReviewDeclaredOutput(source="listing")
    parcel = serializers.SerializerMethodField(help_text="null when the listing names no parcel")
    differences = serializers.ListField(
        child=serializers.CharField(), help_text="declared fields that disagree with the parcel's stored ones"
    )
    overlaps = ReviewOverlapOutput(many=True, help_text="listings in review or public sharing this place")

    class Meta:
        ref_name = "ReviewPlace"

    @extend_schema_field(GeoJsonGeometryField(allow_null=True))
    def get_outline(self, place: ReviewPlace) -> dict[str, Any] | None:
        outline = place.listing.place_outline  # type: ignore[attr-defined]
        return None if outline is None else GeoJsonGeometryField().to_representation(outline)

    @extend_schema_field(ReviewParcelOutput(allow_null=True))
    def get_parcel(self, place: ReviewPlace) -> dict[str, Any] | None:
        if place.parcel is None:
            return None
        return ReviewParcelOutput(place.parcel, context={"parcel_fields": place.parcel_fields}).data


class ReviewPlaceApi(APIView):
    """Where a listing lies, for the reviewers (and supervisors) of its region (404 for others): its outline or point,
    the declared certificate and land data beside its parcel's stored attributes with the disagreements named, and
    the listings in review or public whose outline (or parcel) overlaps it, with the shared area in m²."""

    permission_classes = [ReadsReviews]

    @extend_schema(
        tags=TAGS,
        operation_id="supply_review_place",
        parameters=[OpenApiParameter("listing_id", int, OpenApiParameter.PATH, description="supply listing id")],
        responses={200: ReviewPlaceOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput},
    )
    def get(self, request: Request, listing_id: int) -> Response:
        place = supply_review_place(listing_id=listing_id, user=request_user(request))
        return Response(ReviewPlaceOutput(place).data)


urlpatterns: list[URLPattern] = [
    path("review/supply/<int:listing_id>/place/", ReviewPlaceApi.as_view(), name="supply-review-place"),
]
