"""Sending messages (我的消息) to users: business notifications from every app, system notifications."""

from accounts.models import Message, User


def message_send(
    *, user: User, title: str, body: str = "", link: str = "", category: str = Message.Category.BUSINESS
) -> Message:
    """Put a message in the user's personal centre; called inside the caller's transaction."""
    return Message.objects.create(user=user, category=category, title=title[:200], body=body, link=link[:255])
