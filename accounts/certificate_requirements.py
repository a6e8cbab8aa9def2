"""Who must sign in with a certificate (证书登录): the answer comes from the apps that know why (a lot's rules), which
register a source here when they start (auctions/apps.py); accounts cannot import them (docs/certificates.md).

A source takes a user and answers a short reason code ("centre_staff", "grantor", "bidder") or "" when it has none.
"""

from collections.abc import Callable

from accounts.models import User

Source = Callable[[User], str]

_sources: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of the requirement (once per source, however often it is registered)."""
    if source not in _sources:
        _sources.append(source)
    return source


def certificate_requirement(user: User) -> str:
    """The first reason a source gives why the user must sign in with a certificate, "" when none does (and for
    anyone signed out or disabled)."""
    if not (user.is_authenticated and user.is_active):
        return ""
    for source in _sources:
        reason = source(user)
        if reason:
            return reason
    return ""
