"""Reads on policy documents (政策法规): the public list and detail (published only), and the staff's view of all."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotFound
from market.models import PolicyDocument

STAFF_ROLES = (User.Role.CENTRE_STAFF, User.Role.ADMIN)


def _search(documents: QuerySet[PolicyDocument], category: str | None, q: str | None) -> QuerySet[PolicyDocument]:
    if category:
        documents = documents.filter(category=category)
    if q:
        documents = documents.filter(
            Q(title__icontains=q) | Q(document_number__icontains=q) | Q(issuer__icontains=q) | Q(body__icontains=q)
        )
    return documents


def policy_public_list(*, category: str | None = None, q: str | None = None) -> QuerySet[PolicyDocument]:
    """Published documents, newest publication first; `q` in the title, document number, issuer or text."""
    documents = PolicyDocument.objects.filter(published_at__isnull=False).defer("body")
    return _search(documents, category, q).order_by("-published_at", "-id")


def policy_public_get(*, policy_id: int) -> PolicyDocument:
    document = PolicyDocument.objects.filter(pk=policy_id, published_at__isnull=False).first()
    if document is None:
        raise NotFound(_("No such policy document."))
    return document


def policy_staff_list(
    *, category: str | None = None, q: str | None = None, published: bool | None = None
) -> QuerySet[PolicyDocument]:
    """Every document for the staff's console, published or not, the latest edited first."""
    documents = PolicyDocument.objects.defer("body")
    if published is not None:
        documents = documents.filter(published_at__isnull=not published)
    return _search(documents, category, q).order_by("-updated_at", "-id")


def policy_staff_get(*, policy_id: int) -> PolicyDocument:
    document = PolicyDocument.objects.filter(pk=policy_id).first()
    if document is None:
        raise NotFound(_("No such policy document."))
    return document


def policy_attachment_get(*, policy_id: int, user: User | AnonymousUser) -> PolicyDocument:
    """The document whose attachment `user` may download: a published one, or any for trading-centre staff."""
    if user.is_authenticated and user.is_active and (user.is_superuser or user.role in STAFF_ROLES):
        document = policy_staff_get(policy_id=policy_id)
    else:
        document = policy_public_get(policy_id=policy_id)
    if not document.attachment:
        raise NotFound(_("This policy document has no attachment."))
    return document
