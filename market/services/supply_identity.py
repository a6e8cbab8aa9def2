"""The applicant of a supply listing (申请人) as real-name verification established it: what the form may not change."""

from dataclasses import dataclass

from accounts.models import RealNameVerification, User

IDENTITY_FIELDS = frozenset({"owner_nature", "owner_name", "owner_id_type", "owner_id_number", "owner_phone"})
ID_TYPES: dict[str, str] = {User.Kind.INDIVIDUAL: "居民身份证", User.Kind.ENTERPRISE: "营业执照（统一社会信用代码）"}


@dataclass(frozen=True)
class OwnerIdentity:
    """The verified applicant: the listing's owner fields it fixes, and the verification they come from."""

    fields: dict[str, str]
    verification_id: int | None  # the approved application, None for an account verified without one (imported)


def owner_identity(*, user: User) -> OwnerIdentity | None:
    """The identity of the principal the user acts for (the enterprise for a sub-account) as verified: nature, name,
    phone, and the ID type and number of its latest approved application; None when the principal is not verified."""
    if not user.is_authenticated:
        return None
    principal = user.principal
    if principal.verified_at is None:
        return None
    verification = (
        RealNameVerification.objects.filter(user=principal, status=RealNameVerification.Status.APPROVED)
        .order_by("-reviewed_at", "-id")
        .first()
    )
    kind = verification.kind if verification else principal.kind
    fields = {
        "owner_nature": kind,
        "owner_name": verification.name if verification else principal.real_name,
        "owner_phone": principal.phone,
    }
    if verification is not None:
        fields |= {"owner_id_type": ID_TYPES.get(kind, ""), "owner_id_number": verification.id_number}
    return OwnerIdentity(fields=fields, verification_id=verification.pk if verification else None)
