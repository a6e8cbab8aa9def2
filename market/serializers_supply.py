"""Serializers of the supply API: the form's fields as input (types only: the services check the values), the public
and the full view of a listing, attachments, changes and the review trail."""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.selectors import audience_of
from core.classification import Audience
from geo.reference import LAND_USE_MAJOR, land_use_name
from geo.serializers import GeoJsonGeometryField, LonLatField
from geo.services_listing import region_full_name
from market.models import (
    CertificateType,
    LandNature,
    LandType,
    OwnerNature,
    SupplyAttachment,
    SupplyChange,
    SupplyListing,
    UseRightType,
)
from market.selectors.supply import MEDIA_KINDS, supply_actions
from market.services.supply import remaining_years


def _char(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def _choice(choices: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True)


def _decimal(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True, help_text=help_text
    )


class SupplyFieldsInput(serializers.Serializer):
    """The fields of the seed's form (发布地源), all optional: a draft may be saved half-filled."""

    land_nature = _choice(LandNature.choices)
    region = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="county code (GB/T 2260), e.g. 510104"
    )
    use_right_type = _choice(UseRightType.choices)
    land_type = _choice(LandType.choices)
    land_use = _char(help_text="GB/T 21010-2017 second-level code, e.g. 0501")
    area_m2 = _decimal("area in m², more than 0 and less than 10¹²")
    right_end_date = serializers.DateField(required=False, allow_null=True, help_text="after today")
    lease_term_years = serializers.IntegerField(required=False, allow_null=True, help_text="1–70")
    address = _char(help_text="坐落")
    parcel_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, help_text="a parcel picked on the map"
    )
    outline = serializers.JSONField(
        required=False, allow_null=True, help_text="a drawn GeoJSON Polygon or MultiPolygon (lon/lat)"
    )
    location = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        required=False,
        allow_null=True,
        help_text="[longitude, latitude]; without a parcel or outline, the parcel under it is linked",
    )
    boundary_east = _char()
    boundary_west = _char()
    boundary_south = _char()
    boundary_north = _char()
    price_wan = _decimal("total price in 10,000 yuan; null: 面议")
    certificate_type = _choice(CertificateType.choices)
    certificate_number = _char()
    registration_authority = _char()
    unit_numbers = serializers.ListField(child=serializers.CharField(), required=False, help_text="28 characters each")
    with_buildings = serializers.BooleanField(required=False, allow_null=True)
    investment_over_25 = serializers.BooleanField(required=False, allow_null=True)
    building_area_m2 = _decimal("m²")
    building_structure = _char()
    height_limit_m = _decimal("m")
    green_ratio = _decimal("%, 0–100")
    building_density = _decimal("%, 0–100")
    floor_area_ratio = _decimal("≥ 0")
    notes = _char(help_text="at most 1000 characters", trim_whitespace=False)
    institution = _char()
    owner_nature = _choice(OwnerNature.choices)
    owner_name = _char()
    owner_id_type = _char()
    owner_id_number = _char()
    owner_address = _char()
    owner_phone = _char()
    agent_name = _char()
    agent_id_number = _char(help_text="resident ID number (GB 11643)")
    agent_phone = _char()
    agent_address = _char()

    class Meta:
        ref_name = "SupplyFieldsInput"


def mask_phone(phone: str) -> str:
    """138****8000: the first three and last four characters of a phone number."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def phone_for_viewer(context: Mapping[str, Any], *, phone: str, owner_id: int, region_code: str | None) -> str:
    """A contact phone in full for its owner and the reviewers of its region, masked for anyone else (the rule of a
    listing's agent phone); the viewer is the context's request's user, the public without one."""
    request = context.get("request")
    viewer = audience_of(
        request.user if request else AnonymousUser(),
        owner_id=owner_id,
        region_code=region_code,
        roles=(User.Role.REVIEWER,),
    )
    return phone if viewer >= Audience.OWNER else mask_phone(phone)


def attachment_url(attachment: SupplyAttachment) -> str:
    return reverse("market:supply-attachment", args=[attachment.pk])


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SupplyAttachment.Kind.choices)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "SupplyAttachment"

    def get_url(self, attachment: SupplyAttachment) -> str:
        return attachment_url(attachment)


class SupplyChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    listing = serializers.IntegerField(source="listing_id")
    changes = serializers.DictField()
    status = serializers.ChoiceField(choices=SupplyChange.Status.choices)
    reason = serializers.CharField()
    requested_by = serializers.IntegerField(source="requested_by_id")
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "SupplyChange"


class ReviewEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "SupplyReviewEvent"


class HeatOutput(serializers.Serializer):
    views = serializers.IntegerField(source="view_count")
    favourites = serializers.IntegerField(source="favourite_count")
    quotes = serializers.IntegerField(source="quote_count")
    appointments = serializers.IntegerField(source="appointment_count")
    total = serializers.IntegerField(source="heat")

    class Meta:
        ref_name = "SupplyHeat"


class SupplyItemOutput(serializers.Serializer):
    """A listing as lists show it (public fields only)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    mode = serializers.ChoiceField(choices=SupplyListing.Mode.choices)
    status = serializers.ChoiceField(choices=SupplyListing.Status.choices)
    certification = serializers.SerializerMethodField(help_text="certified (属地认证) or uncertified (属地未认证)")
    region = serializers.CharField(source="region_id", allow_null=True)
    region_name = serializers.SerializerMethodField(help_text="province + city + county")
    land_use = serializers.CharField()
    land_use_name = serializers.SerializerMethodField()
    land_use_major_name = serializers.SerializerMethodField(help_text="the GB/T 21010 first-level class")
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    price_wan = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, help_text="null: 面议")
    unit_price_wan = serializers.SerializerMethodField(help_text="10,000 yuan per m²")
    right_end_date = serializers.DateField(allow_null=True)
    remaining_years = serializers.SerializerMethodField(help_text="whole years from today to right_end_date")
    lease_term_years = serializers.IntegerField(allow_null=True)
    address = serializers.CharField()
    location = LonLatField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    certified_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    heat = HeatOutput(source="*")
    photos = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SupplyItem"

    def get_certification(self, listing: SupplyListing) -> str:
        return "certified" if listing.status == SupplyListing.Status.CERTIFIED else "uncertified"

    def get_region_name(self, listing: SupplyListing) -> str:
        return region_full_name(listing.region)

    def get_land_use_name(self, listing: SupplyListing) -> str | None:
        return land_use_name(listing.land_use) if listing.land_use else None

    def get_land_use_major_name(self, listing: SupplyListing) -> str | None:
        return LAND_USE_MAJOR.get(listing.land_use[:2]) if listing.land_use else None

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True))
    def get_unit_price_wan(self, listing: SupplyListing) -> str | None:
        if listing.price_wan is None or not listing.area_m2:
            return None
        return str((listing.price_wan / listing.area_m2).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_remaining_years(self, listing: SupplyListing) -> int | None:
        return remaining_years(listing.right_end_date)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, listing: SupplyListing) -> list[str]:
        photos = getattr(listing, "photos", None)
        if photos is None:
            photos = listing.attachments.filter(kind=SupplyAttachment.Kind.PHOTO)
        return [attachment_url(photo) for photo in photos]


class SupplyPublicOutput(SupplyItemOutput):
    """A public listing as anyone sees it: its public fields (core.classification), the agent's phone masked; no
    parcel link, certificate, registration authority or unit numbers, no owner's identity or phone."""

    land_nature = serializers.CharField()
    use_right_type = serializers.CharField()
    land_type = serializers.CharField()
    boundary_east = serializers.CharField()
    boundary_west = serializers.CharField()
    boundary_south = serializers.CharField()
    boundary_north = serializers.CharField()
    certificate_type = serializers.CharField()
    with_buildings = serializers.BooleanField(allow_null=True)
    investment_over_25 = serializers.BooleanField(allow_null=True)
    building_area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    building_structure = serializers.CharField()
    height_limit_m = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    green_ratio = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    building_density = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    floor_area_ratio = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    notes = serializers.CharField()
    institution = serializers.CharField()
    outline = serializers.SerializerMethodField(help_text="the drawn outline, else its parcel's; null: a point only")
    agent_name = serializers.CharField()
    agent_phone_masked = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SupplyPublic"

    def get_agent_phone_masked(self, listing: SupplyListing) -> str:
        return mask_phone(listing.agent_phone)

    @extend_schema_field(GeoJsonGeometryField(allow_null=True))
    def get_outline(self, listing: SupplyListing) -> dict[str, Any] | None:
        """Where the listing is as an area: `place_outline` when the selector gave it (market.selectors.supply)."""
        outline = getattr(listing, "place_outline", listing.outline)
        return None if outline is None else GeoJsonGeometryField().to_representation(outline)

    @extend_schema_field(AttachmentOutput(many=True))
    def get_attachments(self, listing: SupplyListing) -> Any:
        media = [a for a in listing.attachments.all() if a.kind in MEDIA_KINDS]
        return AttachmentOutput(media, many=True).data


class SupplyFullOutput(SupplyPublicOutput):
    """Everything, for the owner and the reviewers of the listing's region, in any state."""

    parcel_id = serializers.IntegerField(allow_null=True)
    certificate_number = serializers.CharField()
    registration_authority = serializers.CharField()
    unit_numbers = serializers.ListField(child=serializers.CharField())
    owner_nature = serializers.CharField()
    owner_name = serializers.CharField()
    owner_id_type = serializers.CharField()
    owner_id_number = serializers.CharField()
    owner_address = serializers.CharField()
    owner_phone = serializers.CharField()
    agent_id_number = serializers.CharField()
    agent_phone = serializers.CharField()
    agent_address = serializers.CharField()
    reason = serializers.CharField(help_text="why it was rejected or delisted")
    owner = serializers.IntegerField(source="owner_id")
    created_by = serializers.IntegerField(source="created_by_id")
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    actions = serializers.SerializerMethodField(help_text="what the owner may do in this state")
    pending_change = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SupplyFull"

    @extend_schema_field(AttachmentOutput(many=True))
    def get_attachments(self, listing: SupplyListing) -> Any:
        return AttachmentOutput(listing.attachments.all(), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, listing: SupplyListing) -> list[str]:
        return supply_actions(listing)

    @extend_schema_field(SupplyChangeOutput(allow_null=True))
    def get_pending_change(self, listing: SupplyListing) -> Any:
        pending = getattr(listing, "pending", None)
        if pending is None:
            pending = list(listing.changes.filter(status=SupplyChange.Status.PENDING))
        return SupplyChangeOutput(pending[0]).data if pending else None


class MySupplyItemOutput(SupplyItemOutput):
    """A row of 我的供给: the public fields plus the state's actions and the last reason."""

    actions = serializers.SerializerMethodField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.IntegerField(source="created_by_id")
    created_by_phone = serializers.CharField(source="created_by.phone", help_text="the account that created it")

    class Meta:
        ref_name = "MySupplyItem"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, listing: SupplyListing) -> list[str]:
        return supply_actions(listing)


class ReviewItemOutput(SupplyItemOutput):
    """A row of the review console, with the pending change when there is one."""

    submitted_at = serializers.DateTimeField(allow_null=True)
    pending_change = serializers.SerializerMethodField()

    class Meta:
        ref_name = "SupplyReviewItem"

    @extend_schema_field(SupplyChangeOutput(allow_null=True))
    def get_pending_change(self, listing: SupplyListing) -> Any:
        pending = getattr(listing, "pending", [])
        return SupplyChangeOutput(pending[0]).data if pending else None
