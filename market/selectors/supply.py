"""Reads on supply listings: the public list and detail, my supply with its actions, the review queue, the review
history and the files each caller may fetch."""

from typing import Any

from django.contrib.gis.db.models import MultiPolygonField
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import REVIEW_READERS, scope_covers, scope_filter
from core.errors import NotFound
from geo.models import SRID
from geo.selectors import region_code_prefix
from market.models import ReviewEvent, SupplyAttachment, SupplyChange, SupplyListing
from market.services.supply import is_owner

S = SupplyListing.Status
K = SupplyAttachment.Kind
MEDIA_KINDS = (K.PHOTO, K.VIDEO)  # the files the public may see on a public listing
_GEOMETRIES = ("boundary", "boundary_simplified")
_REGION_PATHS = ("region", "region__parent", "region__parent__parent")

UNPUBLISHED = (S.DRAFT, S.IN_REVIEW, S.REJECTED)
PUBLISHED = (S.PUBLISHED, S.CERTIFIED, S.DELISTED, S.EXPIRED)
# What the owner may do in each state (the seed's 我的供给).
ACTIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: ("edit", "delete", "view"),
    S.REJECTED: ("edit", "delete", "view"),
    S.IN_REVIEW: ("view",),
    S.PUBLISHED: ("view", "appointments", "quotes", "delist", "change"),
    S.CERTIFIED: ("view", "appointments", "quotes", "delist", "change"),
    S.DELISTED: ("delete",),
    S.EXPIRED: ("delete",),
}


def supply_actions(listing: SupplyListing) -> list[str]:
    return list(ACTIONS.get(listing.status, ()))


def _listings() -> QuerySet[SupplyListing]:
    """Listings with their region chain (without geometries) and their photos (`photos`, a list)."""
    return (
        SupplyListing.objects.select_related(*_REGION_PATHS)
        .defer(*(f"{path}__{name}" for path in _REGION_PATHS for name in _GEOMETRIES))
        .prefetch_related(
            Prefetch("attachments", queryset=SupplyAttachment.objects.filter(kind=K.PHOTO), to_attr="photos")
        )
    )


def _in_region(listings: QuerySet[SupplyListing], code: str) -> QuerySet[SupplyListing]:
    return listings.filter(region__code__startswith=region_code_prefix(code))


def supply_public_list(
    *, region: str | None = None, mode: str | None = None, land_use: str | None = None, certified: bool | None = None
) -> QuerySet[SupplyListing]:
    """Published and certified listings, newest first; `region` of any level, `land_use` of either level."""
    listings = _listings().filter(status__in=SupplyListing.PUBLIC_STATUSES)
    if region:
        listings = _in_region(listings, region)
    if mode:
        listings = listings.filter(mode=mode)
    if land_use:
        listings = (
            listings.filter(land_use__startswith=land_use) if len(land_use) == 2 else listings.filter(land_use=land_use)
        )
    if certified is not None:
        listings = listings.filter(status=S.CERTIFIED if certified else S.PUBLISHED)
    return listings.order_by("-published_at", "-id")


def sees_everything(listing: SupplyListing, user: User) -> bool:
    """The owner, and the reviewers and supervisors of the listing's region, see every field, file and state."""
    return is_owner(listing, user) or scope_covers(user, listing.region_id, *REVIEW_READERS)


def with_place_outline(listings: QuerySet[SupplyListing]) -> QuerySet[SupplyListing]:
    """Listings with `place_outline`: the drawn outline, else the linked parcel's geometry (public), else None —
    in the same query (a join on the parcel)."""
    return listings.annotate(
        place_outline=Coalesce("outline", "parcel__geometry", output_field=MultiPolygonField(srid=SRID))
    )


def supply_get(*, listing_id: int, user: User) -> tuple[SupplyListing, bool]:
    """The listing (with its `place_outline`) and whether `user` sees everything; a non-public listing is 404 to
    everyone else."""
    listing = (
        with_place_outline(_listings())
        .prefetch_related(
            "attachments",
            Prefetch(
                "changes", queryset=SupplyChange.objects.filter(status=SupplyChange.Status.PENDING), to_attr="pending"
            ),
        )
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound(_("No supply listing has this id."))
    full = sees_everything(listing, user)
    if not full and listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise NotFound(_("No supply listing has this id."))
    return listing, full


def supply_my_list(
    *, user: User, group: str | None = None, title: str | None = None, mode: str | None = None
) -> QuerySet[SupplyListing]:
    """The listings of the user's principal (我的供给): `unpublished` or `published` group, title contains, mode."""
    listings = _listings().select_related("created_by").filter(owner_id=user.principal.pk)
    if group == "unpublished":
        listings = listings.filter(status__in=UNPUBLISHED)
    elif group == "published":
        listings = listings.filter(status__in=PUBLISHED)
    if title:
        listings = listings.filter(title__icontains=title)
    if mode:
        listings = listings.filter(mode=mode)
    return listings.order_by("-created_at", "-id")


def supply_review_queue(*, user: User, stage: str, region: str | None = None) -> QuerySet[SupplyListing]:
    """The reviewer's queue, oldest first: `initial` (in review), `final` (published, to certify) or `changes`
    (published listings with a pending change, in `pending`)."""
    listings: QuerySet[Any] = (
        _listings()
        .filter(scope_filter(user, *REVIEW_READERS))
        .prefetch_related(
            Prefetch(
                "changes", queryset=SupplyChange.objects.filter(status=SupplyChange.Status.PENDING), to_attr="pending"
            )
        )
    )
    if region:
        listings = _in_region(listings, region)
    if stage == "initial":
        return listings.filter(status=S.IN_REVIEW).order_by("submitted_at", "id")
    if stage == "final":
        return listings.filter(status=S.PUBLISHED).order_by("published_at", "id")
    return (
        listings.filter(status__in=SupplyListing.PUBLIC_STATUSES, changes__status=SupplyChange.Status.PENDING)
        .distinct()
        .order_by("id")
    )


def supply_history(*, listing_id: int, user: User) -> QuerySet[ReviewEvent]:
    """The review trail of a listing, oldest first, for its owner and the reviewers of its region."""
    listing = SupplyListing.objects.only("id", "owner_id", "region_id").filter(pk=listing_id).first()
    if listing is None or not sees_everything(listing, user):
        raise NotFound(_("No supply listing has this id."))
    return ReviewEvent.objects.filter(subject=ReviewEvent.Subject.SUPPLY, subject_id=listing_id).select_related("actor")


def attachment_get_for_download(*, attachment_id: int, user: User) -> SupplyAttachment:
    """A file the caller may fetch: the owner and reviewers in scope any; the public the photos and videos of a
    public listing; 404 otherwise."""
    attachment = (
        SupplyAttachment.objects.select_related("listing")
        .only("id", "kind", "file", "original_name", "content_type", "size", "listing__owner_id", "listing__region_id",
              "listing__status")
        .filter(pk=attachment_id)
        .first()
    )  # fmt: skip
    if attachment is None:
        raise NotFound(_("No attachment has this id."))
    listing = attachment.listing
    public = listing.status in SupplyListing.PUBLIC_STATUSES and attachment.kind in MEDIA_KINDS
    if not public and not sees_everything(listing, user):
        raise NotFound(_("No attachment has this id."))
    return attachment
