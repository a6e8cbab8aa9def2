"""The trail every state change of a listing writes: a ReviewEvent, and a message to the owner."""

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.messages import message_send
from core.errors import Conflict
from market.models import Demand, PreAnnouncement, ReviewEvent, SupplyListing
from market.transitions import allowed

# The subjects and states as people read them, for the refusal's message (the codes stay in the error's code).
SUBJECTS = {
    "supply listing": SupplyListing._meta.verbose_name,
    "demand": Demand._meta.verbose_name,
    "pre-announcement": PreAnnouncement._meta.verbose_name,
}
STATES = {**dict(PreAnnouncement.Status.choices), **dict(Demand.Status.choices), **dict(SupplyListing.Status.choices)}


class TransitionNotAllowed(Conflict):
    default_code = "transition_not_allowed"


def check_transition(table: dict[str, frozenset[str]], *, current: str, target: str, label: str) -> None:
    """Refuse a move the state machine does not allow (409, nothing changed)."""
    if not allowed(table, current, target):
        raise TransitionNotAllowed(
            _("A {subject} that is {current} cannot become {target}.").format(
                subject=SUBJECTS.get(label, label),
                current=STATES.get(current, current),
                target=STATES.get(target, target),
            )
        )


def record_transition(
    *,
    subject: str,
    subject_id: int,
    action: str,
    from_status: str,
    to_status: str,
    actor: User | None,
    owner: User,
    title: str,
    link: str = "",
    reason: str = "",
) -> ReviewEvent:
    """Write the audit row and tell the owner (我的消息), inside the caller's transaction."""
    event = ReviewEvent.objects.create(
        subject=subject,
        subject_id=subject_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason[:500],
    )
    message_send(user=owner, title=title, body=reason, link=link)
    return event
