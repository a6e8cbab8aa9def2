"""The trail every state change of a listing writes: a ReviewEvent, and a message to the owner."""

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.messages import message_send
from core.errors import Conflict
from market.models import ReviewEvent
from market.transitions import allowed


class TransitionNotAllowed(Conflict):
    default_code = "transition_not_allowed"


def check_transition(table: dict[str, frozenset[str]], *, current: str, target: str, label: str) -> None:
    """Refuse a move the state machine does not allow (409, nothing changed)."""
    if not allowed(table, current, target):
        raise TransitionNotAllowed(
            _("A {subject} in state {current} cannot become {target}.").format(
                subject=label, current=current, target=target
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
