"""Bid applications (竞买申请): within the application window by the server's clock, one per bidder per lot (a
repeat returns the existing one, with the same deposit account), resubmission after a rejection, documents by
content, and the centre's review. Each decision is an entry of the lot's evidence log."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.checksums import resident_id_valid
from accounts.models import User
from accounts.services.messages import message_send
from accounts.signing import SignedInput, Verified, evidence_data, signature_check, signature_record
from auctions.banks.accounts import sub_account_open_on_commit
from auctions.models import Announcement, ApplicationDocument, BidApplication, Lot
from auctions.selectors import centre_staff_covers
from auctions.services.deposits import deposit_account_for, maybe_qualify
from auctions.services.events import record
from auctions.services.evidence import append
from core.clock import db_now
from core.errors import Conflict, FieldErrors, InvalidInput, NotFound, PermissionDenied
from core.uploads import uploads_atomic

S = BidApplication.Status
PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")
PARTNERS_MAX = 5
DOCUMENT_TYPES = frozenset({"pdf", "jpg", "png", "zip", "rar", "doc", "docx"})
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
DOCUMENTS_MAX = 20


class ApplicationRefused(Conflict):
    default_code = "application_refused"


@dataclass(frozen=True)
class ApplicationForm:
    """What a bidder says in the application the centre's notice asks for."""

    contact_name: str
    contact_phone: str
    address: str
    bank_code: str
    statement: str = ""
    joint: bool = False
    partners: list[dict[str, str]] = field(default_factory=list)  # 联合竞买: [{"name", "id_number"}]
    publish_price: bool = True  # the bidder agrees to the price's publicity if it wins (the result hides it only
    # when the seller opted out too)


def _error(fields: FieldErrors, name: str, code: str, message: str) -> None:
    fields.setdefault(name, []).append({"code": code, "message": message})


def _check_form(form: ApplicationForm, lot: Lot) -> None:
    fields: FieldErrors = {}
    for name, limit in (("contact_name", 64), ("address", 255)):
        value = getattr(form, name).strip()
        if not value or len(value) > limit:
            _error(fields, name, "required", _("Required, at most %(n)d characters.") % {"n": limit})
    if not PHONE.match(form.contact_phone.strip()):
        _error(fields, "contact_phone", "invalid_phone", _("Enter a mobile number or a landline with its area code."))
    if len(form.statement) > 2000:
        _error(fields, "statement", "max_length", _("At most %(n)d characters.") % {"n": 2000})
    if not lot.centre.banks.filter(code=form.bank_code).exists():
        _error(fields, "bank", "invalid_choice", _("Choose one of the centre's banks."))
    if form.joint:
        if not 1 <= len(form.partners) <= PARTNERS_MAX:
            _error(fields, "partners", "count", _("Name 1 to %(n)d partners.") % {"n": PARTNERS_MAX})
        for index, partner in enumerate(form.partners):
            name = str(partner.get("name", "")).strip() if isinstance(partner, dict) else ""
            number = str(partner.get("id_number", "")).strip() if isinstance(partner, dict) else ""
            if not name or len(name) > 128:
                _error(fields, f"partners.{index}.name", "required", _("This field is required."))
            if not (resident_id_valid(number) or re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", number)):
                _error(fields, f"partners.{index}.id_number", "invalid", _("A resident ID number or a credit code."))
    elif form.partners:
        _error(fields, "partners", "not_joint", _("Partners are named only for joint bidding."))
    if fields:
        raise InvalidInput(fields=fields)


def _open_lot(lot_id: int) -> Lot:
    lot = Lot.objects.select_for_update(of=("self",)).select_related("centre", "entrustment").filter(pk=lot_id).first()
    public = lot is not None and Announcement.objects.filter(lot=lot, status=Announcement.Status.PUBLISHED).exists()
    if lot is None or not public:
        raise NotFound(_("No lot has this id."))
    return lot


def _check_applicant(user: User, lot: Lot) -> None:
    if not user.is_authenticated or not user.is_verified:
        raise PermissionDenied(
            _("Complete real-name verification (实名认证) in your personal centre before you do this."),
            code="verification_required",
        )
    if lot.status == Lot.Status.TERMINATED:
        raise ApplicationRefused(_("The lot is terminated."), code="lot_terminated")
    principal = user.principal.pk
    own = lot.entrustment is not None and lot.entrustment.owner_id == principal
    if own or (lot.listing is not None and lot.listing.owner_id == principal):
        raise ApplicationRefused(_("The lot's own transferor cannot bid for it."), code="own_lot")
    now = db_now()
    if now < lot.applications_open_at:
        raise ApplicationRefused(_("Applications for this lot have not opened yet."), code="window_not_open")
    if now > lot.applications_close_at:
        raise ApplicationRefused(_("Applications for this lot have closed."), code="window_closed")


def signed_fields(lot_id: int, form: ApplicationForm) -> dict[str, Any]:
    """What a signed application signs (docs/signing.md): the lot, the bank and the contact as stored (stripped),
    and joint bidding as "yes" or "no"."""
    return {
        "lot": lot_id,
        "bank_code": form.bank_code,
        "contact_name": form.contact_name.strip(),
        "contact_phone": form.contact_phone.strip(),
        "address": form.address.strip(),
        "joint": "yes" if form.joint else "no",
    }


def application_submit(
    *,
    user: User,
    lot_id: int,
    form: ApplicationForm,
    signed: SignedInput | None = None,
    session_certificate_id: int | None = None,
) -> tuple[BidApplication, bool]:
    """Apply for a lot in the principal's name: (the application, whether it was made now). A second application
    returns the existing one unchanged; a rejected one is corrected and submitted again.

    A signed application is verified before the lot's lock (the lot's rules may require it); the evidence entry of
    a new submission carries the signature record's hash, never the contact's identity."""
    published = Announcement.objects.filter(lot=lot_id, status=Announcement.Status.PUBLISHED)
    verified = signature_check(
        user=user,
        action="application.submit",
        fields=signed_fields(lot_id, form),
        signed=signed,
        required=published.filter(lot__rules__certificates_required=True).exists(),
        session_certificate_id=session_certificate_id,
    )
    with transaction.atomic():
        return _submit(user, lot_id, form, verified)


def _submit(user: User, lot_id: int, form: ApplicationForm, verified: Verified | None) -> tuple[BidApplication, bool]:
    lot = _open_lot(lot_id)
    existing = BidApplication.objects.select_for_update().filter(lot=lot, applicant=user.principal).first()
    if existing is not None and existing.status != S.REJECTED:
        return existing, False
    _check_applicant(user, lot)
    _check_form(form, lot)
    bank = lot.centre.banks.get(code=form.bank_code)
    application = existing or BidApplication(lot=lot, applicant=user.principal)
    if existing is not None and existing.bank_id not in (None, bank.pk) and hasattr(existing, "deposit_account"):
        raise ApplicationRefused(_("The deposit account is at the bank chosen first."), code="bank_fixed")
    application.created_by = user
    application.status = S.SUBMITTED
    application.contact_name = form.contact_name.strip()
    application.contact_phone = form.contact_phone.strip()
    application.address = form.address.strip()
    application.statement = form.statement
    application.joint = form.joint
    application.publish_price = form.publish_price
    application.partners = [{"name": p["name"].strip(), "id_number": p["id_number"].strip()} for p in form.partners]
    application.bank = bank
    application.reason = ""
    application.submitted_at = db_now()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent first application of the same bidder won
        return BidApplication.objects.get(lot=lot, applicant=user.principal), False
    account = deposit_account_for(application, bank)
    if account.opened_at is None:
        sub_account_open_on_commit(account)  # the bank opens it after this transaction commits (a retried task)
    append(
        lot_id=lot.pk,
        kind="application.submitted",
        data={
            "application": application.pk,
            "joint": application.joint,
            "resubmitted": existing is not None,
            **evidence_data(verified),
        },
    )
    signature_record(verified)
    return application, True


def document_add(*, user: User, application_id: int, title: str, file: UploadedFile) -> ApplicationDocument:
    """A document of my application while it awaits review or after a rejection, checked by its content."""
    with uploads_atomic() as store:
        application = BidApplication.objects.select_for_update().filter(pk=application_id).first()
        if application is None or application.applicant_id != user.principal.pk:
            raise NotFound(_("No application has this id."))
        if application.status == S.APPROVED:
            raise ApplicationRefused(_("An approved application's documents are fixed."), code="not_editable")
        if not title.strip():
            raise InvalidInput(fields={"title": [{"code": "required", "message": _("This field is required.")}]})
        if application.documents.count() >= DOCUMENTS_MAX:
            raise ApplicationRefused(
                _("An application has at most %(n)d documents.") % {"n": DOCUMENTS_MAX}, code="too_many_files"
            )
        stored = store(file, types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, folder="applications")
        return ApplicationDocument.objects.create(
            application=application,
            title=title.strip()[:128],
            **stored.document_fields(),
        )


def _for_review(user: User, application_id: int) -> BidApplication:
    application = BidApplication.objects.select_related("lot__centre", "applicant").filter(pk=application_id).first()
    if application is None or not centre_staff_covers(user, application.lot.centre):
        raise NotFound(_("No application has this id."))
    Lot.objects.select_for_update().filter(pk=application.lot_id).values_list("pk", flat=True).get()
    application = (
        BidApplication.objects.select_for_update().select_related("lot__centre", "applicant").get(pk=application_id)
    )
    if application.status != S.SUBMITTED:
        raise ApplicationRefused(_("Only a submitted application can be approved or rejected."), code="not_submitted")
    return application


@transaction.atomic
def application_approve(*, user: User, application_id: int) -> BidApplication:
    """The centre approves: if the deposit is already there, the bidder is qualified at once."""
    application = _for_review(user, application_id)
    application.status = S.APPROVED
    application.decided_by = user
    application.decided_at = db_now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    append(lot_id=application.lot_id, kind="application.approved", data={"application": application.pk})
    record("application.approved", actor=user, lot=application.lot)
    maybe_qualify(application)
    message_send(
        user=application.applicant,
        title=_("Your bid application was approved: %(number)s") % {"number": application.lot.number},
        link=f"/me/?section=bids&id={application.pk}",
    )
    return application


@transaction.atomic
def application_reject(*, user: User, application_id: int, reason: str) -> BidApplication:
    """The centre rejects with its reason; the bidder may correct and submit again within the window."""
    application = _for_review(user, application_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [{"code": "required", "message": _("Give the reason.")}]})
    application.status = S.REJECTED
    application.reason = reason[:500]
    application.decided_by = user
    application.decided_at = db_now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    append(lot_id=application.lot_id, kind="application.rejected", data={"application": application.pk})
    record("application.rejected", actor=user, lot=application.lot, note=application.reason)
    message_send(
        user=application.applicant,
        title=_("Your bid application was rejected: %(number)s") % {"number": application.lot.number},
        body=application.reason,
        link=f"/me/?section=bids&id={application.pk}",
    )
    return application


def form_from(data: dict[str, Any]) -> ApplicationForm:
    return ApplicationForm(
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        address=data["address"],
        bank_code=data["bank"],
        statement=data.get("statement", ""),
        joint=data.get("joint", False),
        partners=list(data.get("partners", [])),
        publish_price=data.get("publish_price", True),
    )
