"""Plain functions that create users of every role, for tests of any app."""

import itertools

from django.utils import timezone

from accounts.models import User

_phones = itertools.count(13900000000)
PASSWORD = "correct horse battery staple"


def next_phone() -> str:
    return str(next(_phones))


def user_create(
    *,
    phone: str | None = None,
    kind: str = User.Kind.INDIVIDUAL,
    verified: bool = True,
    role: str = User.Role.USER,
    regions: list[str] | None = None,
    parent: User | None = None,
    real_name: str = "",
    password: str = PASSWORD,
) -> User:
    """A user; verified ones have a real name and verified_at, as an approved verification leaves them."""
    return User.objects.create_user(
        phone=phone or next_phone(),
        password=password,
        kind=kind,
        role=role,
        regions=regions or [],
        parent=parent,
        real_name=real_name or ("测试企业有限公司" if kind == User.Kind.ENTERPRISE else "张三") if verified else "",
        verified_at=timezone.now() if verified and parent is None else None,
        is_staff=role in (User.Role.REVIEWER, User.Role.CENTRE_STAFF, User.Role.ADMIN),
    )


def reviewer_create(*, regions: list[str], phone: str | None = None) -> User:
    return user_create(phone=phone, role=User.Role.REVIEWER, regions=regions)
