"""Messages (我的消息): business notifications from every app and system notifications sent, then marked read."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Message, User
from core.errors import NotFound


def message_send(
    *, user: User, title: str, body: str = "", link: str = "", category: str = Message.Category.BUSINESS
) -> Message:
    """Put a message in the user's personal centre; called inside the caller's transaction."""
    return Message.objects.create(user=user, category=category, title=title[:200], body=body, link=link[:255])


@transaction.atomic
def message_mark_read(*, user: User, message_id: int) -> Message:
    """Mark one of the user's messages read (once: a second call keeps the first time); anyone else's is 404."""
    message = Message.objects.select_for_update().filter(pk=message_id, user=user).first()
    if message is None:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, user: User, category: str | None = None) -> int:
    """Mark all of the user's unread messages read, or those of one category; the number marked."""
    unread = Message.objects.filter(user=user, read_at__isnull=True)
    if category:
        unread = unread.filter(category=category)
    return unread.update(read_at=timezone.now())
