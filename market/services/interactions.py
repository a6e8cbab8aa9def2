"""What every seeker's action on a listing checks first: a verified user who does not act for the owner, and a
listing the public sees."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import Conflict, NotFound, PermissionDenied
from market.models import SupplyListing
from market.selectors.interactions import acts_for_owner


class VerificationRequired(PermissionDenied):
    default_code = "verification_required"
    default_message = _("Complete real-name verification (实名认证) in your personal centre before you do this.")


class OwnListing(PermissionDenied):
    default_code = "own_listing"
    default_message = _("You cannot do this on a listing you own.")


class ListingNotPublic(Conflict):
    default_code = "listing_not_public"
    default_message = _("The listing is not open to the public.")


def verified_check(*, user: User) -> None:
    if not user.is_verified:
        raise VerificationRequired()


def supply_lock_for_seeker(*, listing_id: int, user: User) -> SupplyListing:
    """The listing, locked, once the seeker may act on it: verified (403), it exists (404), the seeker does not act
    for its owner (403 own_listing), and the public sees it (409 listing_not_public)."""
    verified_check(user=user)
    listing = (
        SupplyListing.objects.select_for_update(of=("self",)).select_related("owner").filter(pk=listing_id).first()
    )
    if listing is None:
        raise NotFound(_("No such listing."))
    if acts_for_owner(user=user, listing=listing):
        raise OwnListing()
    if listing.status not in SupplyListing.PUBLIC_STATUSES:
        raise ListingNotPublic()
    return listing
