"""Contracts (合同网签赋码): a transfer (转让) or lease (出租) contract between party A (转让人/出租人, who
starts it) and party B (受让人/承租人, a registered, real-name-verified user), drafted online in five steps or
signed offline, reviewed by the authority of the parcel's region and coded with a number that is unique and without
gaps per county, kind and year (京110101ZR2026000123). A coded contract may be revoked on application; it keeps its
number, marked revoked. The state table is contracts/transitions.py."""

from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from geo.models import SRID
from market.models import CertificateType, LandNature, UseRightType

AREA: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
WAN: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class Contract(models.Model):
    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("transfer contract (转让合同)")
        LEASE = "lease", _("lease contract (出租合同)")

    class Origin(models.TextChoices):
        ONLINE = "online", _("drafted online (合同网签)")
        OFFLINE = "offline", _("signed offline, coding applied for (合同赋码申请)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")  # party A edits it
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("awaiting party B's confirmation")  # step 2
        RETURNED = "returned", _("returned by party B")  # with a reason; party A edits and sends it again
        CONFIRMED = "confirmed", _("content confirmed: awaiting the signed copy")  # step 3
        SCAN_UPLOADED = "scan_uploaded", _("signed copy uploaded: awaiting party B's confirmation")  # step 4
        IN_REVIEW = "in_review", _("in the authority's review")  # step 5
        REJECTED = "rejected", _("rejected by the authority")  # with a reason; party A edits and submits again
        CODED = "coded", _("coded (赋码成功)")
        REVOKED = "revoked", _("revoked (已撤销)")
        CANCELLED = "cancelled", _("cancelled")  # party A withdrew it before review

    # Kind letters in the coding number
    NUMBER_LETTERS = {Kind.TRANSFER: "ZR", Kind.LEASE: "CZ"}

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.ONLINE)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    # Where it started: a published listing, a lot's result (a trade through a centre), or from scratch. A contract
    # without a lot is a direct transaction (直接交易): once coded it is listed in public.
    listing = models.ForeignKey(
        "market.SupplyListing", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = models.ForeignKey("auctions.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts")
    initiator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")  # party A
    counterparty = models.ForeignKey(  # party B's user: found by name and phone when party A sends the contract
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Step 1: both parties (甲方 转让人/出租人, 乙方 受让人/承租人)
    a_name = models.CharField(_("party A"), max_length=128, blank=True)
    a_id_number = models.CharField(_("party A's ID or credit code"), max_length=32, blank=True)
    a_phone = models.CharField(_("party A's phone"), max_length=20, blank=True)
    a_address = models.CharField(_("party A's address"), max_length=255, blank=True)
    a_postcode = models.CharField(_("party A's postcode"), max_length=6, blank=True)
    a_fax = models.CharField(_("party A's fax"), max_length=20, blank=True)
    a_bank = models.CharField(_("party A's bank"), max_length=64, blank=True)
    a_account = models.CharField(_("party A's account number"), max_length=40, blank=True)
    a_publish_price = models.BooleanField(_("party A agrees to publish the price"), default=True)
    b_name = models.CharField(_("party B"), max_length=128, blank=True)
    b_id_number = models.CharField(_("party B's ID or credit code"), max_length=32, blank=True)
    b_phone = models.CharField(_("party B's phone"), max_length=20, blank=True)
    b_address = models.CharField(_("party B's address"), max_length=255, blank=True)
    b_postcode = models.CharField(_("party B's postcode"), max_length=6, blank=True)
    b_fax = models.CharField(_("party B's fax"), max_length=20, blank=True)
    b_bank = models.CharField(_("party B's bank"), max_length=64, blank=True)
    b_account = models.CharField(_("party B's account number"), max_length=40, blank=True)
    b_publish_price = models.BooleanField(_("party B agrees to publish the price"), default=True)

    # Step 1: the parcel (地块基本情况)
    address = models.CharField(_("location (坐落)"), max_length=255, blank=True)
    region = models.ForeignKey(  # a county-level region: its code is in the coding number; its authority reviews
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    plane_boundary = models.CharField(_("plane boundary (平面界址)"), max_length=500, blank=True)
    upper_boundary = models.CharField(_("vertical upper boundary (竖向上界址)"), max_length=255, blank=True)
    lower_boundary = models.CharField(_("vertical lower boundary (竖向下界址)"), max_length=255, blank=True)
    height_difference_m = models.DecimalField(
        _("height difference (m)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    use_right_type = models.CharField(_("use-right type"), max_length=16, choices=UseRightType.choices, blank=True)
    land_use = models.CharField(_("land use"), max_length=4, blank=True)  # GB/T 21010-2017, second level
    land_nature = models.CharField(_("land nature"), max_length=16, choices=LandNature.choices, blank=True)
    certificate_type = models.CharField(
        _("certificate type"), max_length=16, choices=CertificateType.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=128, blank=True)
    unit_numbers = models.CharField(_("real-estate unit numbers (不动产单元号)"), max_length=500, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA, null=True, blank=True)
    location = models.PointField(_("coordinates"), srid=SRID, null=True, blank=True)  # for the small map
    outline = models.MultiPolygonField(_("outline"), srid=SRID, null=True, blank=True)

    # Step 1: the terms
    price_wan = models.DecimalField(_("transfer price (10,000 yuan)"), **WAN, null=True, blank=True)
    rent_wan_per_year = models.DecimalField(_("annual rent (10,000 yuan)"), **WAN, null=True, blank=True)
    payment_schedule = models.TextField(_("payment schedule"), max_length=2000, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    institution = models.CharField(_("institution (选择机构)"), max_length=128, blank=True)  # the reviewing authority

    # Step 3: the signed, sealed copy (the newest; a disputed copy is replaced)
    signed_scan = models.FileField(_("signed copy"), upload_to="contracts/%Y/%m/", blank=True, max_length=255)
    signed_scan_name = models.CharField(_("file name"), max_length=255, blank=True)
    signed_scan_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    signed_scan_sha256 = models.CharField(_("SHA-256 of the signed copy"), max_length=64, blank=True)

    # Step 5 and after
    number = models.CharField(_("coding number"), max_length=32, unique=True, null=True, blank=True)
    verify_token = models.CharField(_("verification token"), max_length=43, unique=True)  # secrets.token_urlsafe(32)
    reason = models.CharField(_("reason"), max_length=500, blank=True)  # the last return, dispute or rejection's
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("sent to party B at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("content confirmed at"), null=True, blank=True)
    scan_confirmed_at = models.DateTimeField(_("signed copy confirmed at"), null=True, blank=True)
    coded_at = models.DateTimeField(_("coded at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["initiator", "-updated_at"]),
            models.Index(fields=["counterparty", "-updated_at"]),
            models.Index(fields=["status", "region"]),
            models.Index(fields=["-coded_at"]),
        ]

    def __str__(self) -> str:
        return self.number or f"contract {self.pk}"


class ContractAttachment(models.Model):
    """A file of a contract (附件清单): rar, zip, doc, docx, pdf or jpg up to 16 MB, checked by content."""

    class Kind(models.TextChoices):
        PLANE_MAP = "plane_map", _("plane boundary map of the parcel (宗地平面界址图)")
        VERTICAL = "vertical", _("vertical limits of the parcel (宗地竖向界限)")
        ORIGIN_CONTRACT = "origin_contract", _("allocation decision or other use contract (划拨决定书或其他使用合同)")
        CERTIFICATE = "certificate", _("state land use certificate (国有土地使用权证书)")
        OTHER = "other", _("other documents")

    REQUIRED_KINDS = (Kind.PLANE_MAP, Kind.VERTICAL, Kind.ORIGIN_CONTRACT, Kind.CERTIFICATE)

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at", "id"]
        verbose_name = _("contract attachment")
        verbose_name_plural = _("contract attachments")


class ContractEvent(models.Model):
    """The contract's progress: who did what and when (the database clock), written in the step's transaction."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32)  # e.g. sent, returned, confirmed, scan.uploaded, coded
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"))
    # the step signed by the actor's certificate (docs/signing.md), when it was
    signature = models.ForeignKey(
        "accounts.OperationSignature", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contract event")
        verbose_name_plural = _("contract events")


class Revocation(models.Model):
    """An application to revoke a coded contract (合同撤销), with its reasons and documents, decided by the authority
    of the contract's region. Approval marks the contract revoked; it keeps its number."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="revocations")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=1000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("reason of the decision"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("applied at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract revocation")
        verbose_name_plural = _("contract revocations")
        constraints = [
            models.UniqueConstraint(
                fields=["contract"], condition=models.Q(status="pending"), name="contracts_one_pending_revocation"
            )
        ]


class RevocationDocument(models.Model):
    """A document of a revocation application (the reasons' evidence): pdf or image, checked by content."""

    revocation = models.ForeignKey(Revocation, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="contracts/revocations/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class CodingSerial(models.Model):
    """The last serial given per county, kind and year: taken under the row's lock in the approving transaction, so
    coding numbers are unique and without gaps (a rollback gives the serial back)."""

    county_code = models.CharField(max_length=6)
    kind = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "kind", "year"], name="contracts_coding_serial_unique")
        ]
