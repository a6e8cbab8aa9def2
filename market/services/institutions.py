"""The reviewing institution (审核机构) of a supply listing: chosen among the authorities of its place, never typed."""

from django.utils.translation import gettext as _

from geo.models import Region
from market.models import ReviewingAuthority

COMPUTED_SUFFIX = "自然资源主管部门"


def institution_options(*, county: Region) -> list[str]:
    """The authority names a listing in `county` may name, nearest first: those configured for the county, its city
    and its province; with none configured on that chain, one computed name (锦江区自然资源主管部门)."""
    chain: list[str] = []
    region: Region | None = county
    while region is not None:
        chain.append(region.pk)
        region = region.parent
    names = dict(ReviewingAuthority.objects.filter(region_id__in=chain).values_list("region_id", "name"))
    options = [names[code] for code in chain if code in names]
    return options or [f"{county.name}{COMPUTED_SUFFIX}"]


def institution_error(*, institution: str, county: Region | None) -> list[dict[str, str]] | None:
    """The field error for a named institution that is not one of its place's authorities; None when it is (or
    when nothing is named: a draft may leave it blank, submission requires it)."""
    if not institution:
        return None
    if county is None:
        return [{"code": "region_required", "message": _("Place the land first: the institution follows from it.")}]
    if institution not in institution_options(county=county):
        return [
            {
                "code": "invalid_choice",
                "message": _("Choose one of the authorities that review listings of %(name)s.") % {"name": county.name},
            }
        ]
    return None
