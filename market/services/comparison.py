"""Comparison (比价): a signed-in user puts up to four public supply listings side by side."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, NotFound
from market.models import ComparisonItem, SupplyListing
from market.services.interactions import ListingNotPublic

COMPARISON_MAX = 4


class ComparisonFull(Conflict):
    default_code = "comparison_full"


@transaction.atomic
def comparison_add(*, user: User, listing_id: int) -> tuple[ComparisonItem, bool]:
    """Add a public listing (404 if none, 409 listing_not_public); the item and whether it is new. Adding it again
    returns the same item; a fifth listing is refused (409 comparison_full)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialises the user's adds: never five
    listing = SupplyListing.objects.filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise ListingNotPublic()
    item = ComparisonItem.objects.filter(user=user, listing=listing).first()
    if item is not None:
        return item, False
    if ComparisonItem.objects.filter(user=user).count() >= COMPARISON_MAX:
        raise ComparisonFull(_("At most {n} listings can be compared; remove one first.").format(n=COMPARISON_MAX))
    return ComparisonItem.objects.create(user=user, listing=listing), True


@transaction.atomic
def comparison_remove(*, user: User, listing_id: int) -> None:
    """Take a listing out of the comparison; 404 if it is not in it."""
    deleted, _by_model = ComparisonItem.objects.filter(user=user, listing_id=listing_id).delete()
    if not deleted:
        raise NotFound(_("The listing is not in your comparison."))


@transaction.atomic
def comparison_clear(*, user: User) -> int:
    """Empty the comparison; the number of listings taken out."""
    deleted, _by_model = ComparisonItem.objects.filter(user=user).delete()
    return deleted
