"""The trail every state change of a listing writes: a ReviewEvent, and a message to the owner."""

from collections.abc import Iterable
from typing import Any

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


def move(
    subject_object: Any,
    *,
    table: dict[str, frozenset[str]],
    subject: str,
    label: str,
    target: str,
    action: str,
    actor: User | None,
    title: str,
    link: str = "",
    reason: str = "",
    also: Iterable[str] = (),
) -> Any:
    """One state change of a locked row: check it against the state table, save the status (and the fields in
    `also`, set by the caller), write the audit row and tell the owner."""
    check_transition(table, current=subject_object.status, target=target, label=label)
    previous = subject_object.status
    subject_object.status = target
    subject_object.save(update_fields=["status", *also, "updated_at"])
    record_transition(
        subject=subject,
        subject_id=subject_object.pk,
        action=action,
        from_status=previous,
        to_status=target,
        actor=actor,
        owner=subject_object.owner,
        title=title,
        link=link,
        reason=reason,
    )
    return subject_object


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
