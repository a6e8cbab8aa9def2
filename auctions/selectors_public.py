"""Public reads of the trading half: announcements once published (and when superseded), lots once announced, and
the documents of published announcements. Drafts are never read here; a draft successor is never linked."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from auctions.models import Announcement, AnnouncementDocument, Lot, RuleProfile
from core.errors import NotFound

PUBLIC_STATUSES = (Announcement.Status.PUBLISHED, Announcement.Status.SUPERSEDED)


def public_announcements() -> QuerySet[Announcement]:
    return Announcement.objects.filter(status__in=PUBLIC_STATUSES)


def public_lots() -> QuerySet[Lot]:
    """Lots with at least one published (or superseded) announcement."""
    return Lot.objects.filter(Exists(public_announcements().filter(lot_id=OuterRef("pk"))))


def announcement_public_get(*, announcement_id: int) -> Announcement:
    """A published or superseded announcement with its lot (centre, region chain, parcel), documents and its
    predecessor; its successor is `announcement_successor`. NotFound for a draft or an unknown id."""
    announcement = (
        public_announcements()
        .select_related("lot__centre", "lot__region__parent__parent", "lot__parcel", "supersedes")
        .prefetch_related("documents")
        .filter(pk=announcement_id)
        .first()
    )
    if announcement is None:
        raise NotFound(_("No announcement has this id."))
    return announcement


def announcement_successor(*, announcement: Announcement) -> Announcement | None:
    """The published announcement that superseded this one (a draft change is nobody's business yet)."""
    return public_announcements().filter(supersedes_id=announcement.pk).first()


def lot_public_get(*, lot_id: int) -> Lot:
    """A lot that has been announced, with its centre, region chain, parcel, rules and public announcements (newest
    first). NotFound otherwise."""
    lot = (
        public_lots()
        .select_related("centre", "region__parent__parent", "parcel", "rules")
        .prefetch_related(
            Prefetch(
                "announcements", queryset=public_announcements().order_by("-published_at", "-id"), to_attr="notices"
            )
        )
        .filter(pk=lot_id)
        .first()
    )
    if lot is None:
        raise NotFound(_("No lot has this id."))
    return lot


def document_public_get(*, announcement_id: int, document_id: int) -> AnnouncementDocument:
    """A document of a published or superseded announcement; NotFound for a draft's or an unknown one."""
    document = (
        AnnouncementDocument.objects.filter(
            pk=document_id, announcement_id=announcement_id, announcement__status__in=PUBLIC_STATUSES
        )
        .select_related("announcement")
        .first()
    )
    if document is None:
        raise NotFound(_("No document has this id."))
    return document


def rules_summary(rules: RuleProfile) -> list[str]:
    """The lot's trading rules in words, one sentence each."""
    lines = [
        _("Timed bidding counts down %(seconds)d seconds after each bid.") % {"seconds": rules.countdown_seconds},
        _("Raises must be whole multiples of the increment.")
        if rules.increment_multiples
        else _("Raises need not be multiples of the increment."),
    ]
    if rules.raise_cap_increments:
        lines.append(_("One raise may be at most %(count)d increments.") % {"count": rules.raise_cap_increments})
    if rules.quoting_stop_seconds:
        lines.append(
            _("Quoting stops %(minutes)d minutes before the listing deadline when %(bidders)d or more bidders quoted.")
            % {"minutes": rules.quoting_stop_seconds // 60, "bidders": rules.quoting_stop_min_bidders}
        )
    lines.append(_("Who enters timed bidding: %(who)s.") % {"who": rules.get_timed_entry_display()})
    if rules.auction_conversion:
        lines.append(
            _("It turns into an online auction when %(bidders)d or more bidders quote in the last %(minutes)d minutes.")
            % {"bidders": rules.conversion_min_bidders, "minutes": rules.conversion_window_seconds // 60}
        )
    lines.append(_("Reserve price: %(when)s.") % {"when": rules.get_reserve_entry_display()})
    if rules.certificates_required:
        lines.append(_("Bidding for this lot requires a CA digital certificate."))
    return lines
