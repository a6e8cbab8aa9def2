"""Favourites (收藏): a signed-in user keeps a public supply listing or demand, once; the target's count follows."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import InvalidInput, NotFound
from market.models import Demand, Favourite, SupplyListing
from market.services.interactions import ListingNotPublic

Target = Favourite.Target
# The models a favourite may point at, and the states in which the public sees them. Entrustments (委托交易)
# join when the auctions app has them.
TARGETS: dict[str, tuple[type[SupplyListing] | type[Demand], tuple[str, ...]]] = {
    Target.SUPPLY: (SupplyListing, SupplyListing.PUBLIC_STATUSES),
    Target.DEMAND: (Demand, Demand.PUBLIC_STATUSES),
}


def target_model(target: str) -> type[SupplyListing] | type[Demand]:
    """The model behind a favourite's kind; 400 on `target` for a kind that cannot be kept (yet)."""
    if target in TARGETS:
        return TARGETS[target][0]
    if target == Target.ENTRUSTMENT:
        code, message = "not_supported", _("Entrusted transactions cannot be kept as favourites yet.")
    else:
        code, message = "invalid_choice", _("Not a kind of favourite: supply, demand or entrustment.")
    raise InvalidInput(fields={"target": [{"code": code, "message": message}]})


@transaction.atomic
def favourite_add(*, user: User, target: str, target_id: int) -> tuple[Favourite, bool]:
    """Keep a public listing or demand (404 if there is none, 409 listing_not_public if the public does not see
    it); the favourite and whether it is new. A second call returns the same favourite and counts nothing."""
    model = target_model(target)
    # The target's row lock serialises favourites of it, so the count and the unique row agree.
    item: SupplyListing | Demand | None = model.objects.select_for_update().filter(pk=target_id).first()
    if item is None:
        raise NotFound(_("No such listing."))
    if item.status not in TARGETS[target][1]:
        raise ListingNotPublic()
    favourite = Favourite.objects.filter(user=user, target=target, target_id=target_id).first()
    if favourite is not None:
        return favourite, False
    favourite = Favourite.objects.create(user=user, target=target, target_id=target_id)
    model.objects.filter(pk=target_id).update(favourite_count=F("favourite_count") + 1)
    return favourite, True


@transaction.atomic
def favourite_remove(*, user: User, target: str, target_id: int) -> None:
    """Stop keeping it (取消收藏); the target's count goes down even if it has left the public. 404 when the user
    does not keep it."""
    model = target_model(target)
    deleted, _by_model = Favourite.objects.filter(user=user, target=target, target_id=target_id).delete()
    if not deleted:
        raise NotFound(_("No such favourite."))
    model.objects.filter(pk=target_id, favourite_count__gt=0).update(favourite_count=F("favourite_count") - 1)
