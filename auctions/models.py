"""Trading centres and their rule profiles, entrustments (委托交易), lots from either door, and announcements (公告).

A published announcement is immutable in the database itself (triggers in migration 0002), not only in services;
so are the rule profile and the documents of a lot whose announcement is published.
"""

from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from geo.models import SRID
from market.models import AREA, MONEY, ApplicantFields, LandFields, SupplyListing

YUAN: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}  # 元 to the fen


def seconds(low: int, high: int) -> list[Any]:
    return [MinValueValidator(low), MaxValueValidator(high)]


class Bank(models.Model):
    """A bank a trading centre takes deposits through (its adapter's settings come with the deposit work)."""

    code = models.CharField(_("code"), max_length=16, unique=True)  # e.g. ICBC
    name = models.CharField(_("name"), max_length=64)
    # Deposit sub-accounts: the bank's prefix, then random digits and a Luhn check digit (19 digits in all).
    account_prefix = models.CharField(_("sub-account prefix"), max_length=8, default="6200")

    class Meta:
        ordering = ["code"]
        verbose_name = _("bank")
        verbose_name_plural = _("banks")

    def __str__(self) -> str:
        return self.name


class RuleProfile(models.Model):
    """The numbers and choices a province's trading rules fix, as data: the engine reads these, never constants.

    A preset (is_preset) is a named template (Hainan, Suzhou, Fujian …); a centre points at one, and each lot gets
    its own copy at registration, which it may change until its announcement is published and never after.
    """

    class TimedEntry(models.TextChoices):  # who enters timed bidding (限时竞价) after the listing deadline
        ALL_QUALIFIED = "all_qualified", _("every qualified bidder")
        QUOTED = "quoted", _("only bidders who quoted")
        CONFIRMED = "confirmed", _("bidders who confirm within the confirmation window")

    class ReserveEntry(models.TextChoices):  # when the reserve price (底价) is entered
        BEFORE_DEADLINE = "before_deadline", _("sealed, before the lead time ahead of the deadline")
        FINAL_WINDOW = "final_window", _("in the final window before the deadline, under supervision")

    name = models.CharField(_("name"), max_length=64)
    source = models.CharField(_("source of the rules"), max_length=255, blank=True)
    is_preset = models.BooleanField(_("preset"), default=False)
    countdown_seconds = models.PositiveIntegerField(
        _("countdown of timed bidding (s)"), default=300, validators=seconds(60, 3600)
    )
    increment_multiples = models.BooleanField(_("raises must be integer multiples of the increment"), default=False)
    raise_cap_increments = models.PositiveSmallIntegerField(
        _("cap on one raise (increments; empty: none)"), null=True, blank=True, validators=seconds(1, 1000)
    )
    quoting_stop_seconds = models.PositiveIntegerField(
        _("quoting stops this long before the listing deadline (s)"), default=0, validators=seconds(0, 86400)
    )
    quoting_stop_min_bidders = models.PositiveSmallIntegerField(
        _("… when at least this many bidders quoted"), default=2, validators=seconds(2, 100)
    )
    timed_entry = models.CharField(
        _("who enters timed bidding"), max_length=16, choices=TimedEntry.choices, default=TimedEntry.CONFIRMED
    )
    timed_entry_confirm_seconds = models.PositiveIntegerField(
        _("confirmation window after the deadline (s)"), default=300, validators=seconds(60, 3600)
    )
    auction_conversion = models.BooleanField(_("listing converts to an online auction"), default=False)
    conversion_min_bidders = models.PositiveSmallIntegerField(
        _("conversion: bidders quoting in the window"), default=2, validators=seconds(2, 100)
    )
    conversion_window_seconds = models.PositiveIntegerField(
        _("conversion: window before the deadline (s)"), default=3600, validators=seconds(60, 86400)
    )
    conversion_preparation_seconds = models.PositiveIntegerField(
        _("conversion: preparation before the auction (s)"), default=900, validators=seconds(0, 86400)
    )
    reserve_entry = models.CharField(
        _("reserve price entry"), max_length=16, choices=ReserveEntry.choices, default=ReserveEntry.BEFORE_DEADLINE
    )
    reserve_lead_seconds = models.PositiveIntegerField(
        _("reserve entered at least this long before the deadline (s)"), default=0, validators=seconds(0, 7 * 86400)
    )
    reserve_final_window_seconds = models.PositiveIntegerField(
        _("final window for the reserve (s)"), default=1800, validators=seconds(60, 86400)
    )
    # CA数字证书 (docs/signing.md): bidders, centre staff and sellers of a lot under these rules sign in with their
    # certificate and sign every bid, application, reserve entry, suspension and result. Off until a CA is trusted.
    certificates_required = models.BooleanField(_("certificates required"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The parameters (everything a copy carries over); the rest is bookkeeping.
    PARAMETERS = (
        "countdown_seconds",
        "increment_multiples",
        "raise_cap_increments",
        "quoting_stop_seconds",
        "quoting_stop_min_bidders",
        "timed_entry",
        "timed_entry_confirm_seconds",
        "auction_conversion",
        "conversion_min_bidders",
        "conversion_window_seconds",
        "conversion_preparation_seconds",
        "reserve_entry",
        "reserve_lead_seconds",
        "reserve_final_window_seconds",
        "certificates_required",
    )

    class Meta:
        ordering = ["-is_preset", "name", "id"]
        verbose_name = _("rule profile")
        verbose_name_plural = _("rule profiles")

    def __str__(self) -> str:
        return self.name


class TradingCentre(models.Model):
    """A trading centre (交易中心): the region it serves, its address, the banks it accepts, its rules, its staff."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=32)
    contact = models.CharField(_("contact person"), max_length=64, blank=True)
    banks = models.ManyToManyField(Bank, related_name="centres", blank=True, verbose_name=_("banks"))
    rule_profile = models.ForeignKey(
        RuleProfile, on_delete=models.PROTECT, related_name="centres", verbose_name=_("rule profile")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trading_centres", blank=True, verbose_name=_("staff")
    )
    # Where an accepted entrustment's performance bond (履约保证金) is paid.
    bond_payee = models.CharField(_("performance bond: payee"), max_length=128, blank=True)
    bond_bank = models.CharField(_("performance bond: bank"), max_length=128, blank=True)
    bond_account = models.CharField(_("performance bond: account number"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("trading centre")
        verbose_name_plural = _("trading centres")

    def __str__(self) -> str:
        return self.name


class Entrustment(LandFields, ApplicantFields):
    """An owner's entrustment (委托交易) of land to a trading centre: the seed's three steps, then the centre's
    acceptance (with the performance bond it sets) or rejection; withdrawable before acceptance."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="entrustments", verbose_name=_("owner")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    listing = models.ForeignKey(
        SupplyListing, on_delete=models.PROTECT, null=True, blank=True, related_name="entrustments"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Step 1: 委托机构及土地基本信息
    mode = models.CharField(_("mode"), max_length=16, choices=SupplyListing.Mode.choices)
    centre = models.ForeignKey(
        TradingCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="entrustments"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    hide_result = models.BooleanField(_("do not publish the bidding result"), default=False)  # 不公示竞价结果
    land_type = models.CharField(
        _("land type"), max_length=32, choices=SupplyListing._meta.get_field("land_type").choices, blank=True
    )
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    parcel = models.ForeignKey("geo.Parcel", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    price_wan = models.DecimalField(_("proposed total price (10,000 yuan)"), **MONEY, null=True, blank=True)
    unit_numbers = ArrayField(models.CharField(max_length=28), default=list, blank=True)
    # The land (LandFields) and the applicant (ApplicantFields, step 2: 申请人基本信息) as in a supply listing.
    # The centre's answer
    reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    bond_yuan = models.DecimalField(_("performance bond (yuan)"), **YUAN, null=True, blank=True)  # 履约保证金
    bond_payment_details = models.CharField(_("performance bond: how to pay"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("entrustment")
        verbose_name_plural = _("entrustments")
        indexes = [models.Index(fields=["centre", "status"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class EntrustmentAttachment(models.Model):
    """A file of an entrustment: the land list (as a supply listing's) and the entrustment list (委托附件清单)."""

    class Kind(models.TextChoices):
        IDENTITY_PROOF = "identity_proof", _("transferor's identity documents")
        CONTRACT = "contract", _("grant or transfer contract")
        TITLE_CERTIFICATE = "title_certificate", _("real-estate title certificate")
        # xgettext:no-python-format
        INVESTMENT_STATEMENT = "investment_statement", _("statement on 25% of the investment")
        POWER_OF_ATTORNEY = "power_of_attorney", _("power of attorney")
        AGENT_IDENTITY = "agent_identity", _("agent's identity documents")
        FINANCE_APPROVAL = "finance_approval", _("approval of the finance department (state institutions' assets)")
        RIGHT_HOLDERS_CONSENT = "right_holders_consent", _("written consent of other right holders")
        SUPERVISION_AGREEMENT = "supervision_agreement", _("original supervision or preferential-policy agreement")
        OTHER = "other", _("other documents")
        ENTRUSTMENT_LETTER = "entrustment_letter", _("entrustment application letter")  # 委托申请书
        ENTRUSTMENT_OTHER = "entrustment_other", _("other entrustment documents")

    REQUIRED_KINDS = (
        Kind.IDENTITY_PROOF,
        Kind.CONTRACT,
        Kind.TITLE_CERTIFICATE,
        Kind.INVESTMENT_STATEMENT,
        Kind.ENTRUSTMENT_LETTER,
    )

    entrustment = models.ForeignKey(Entrustment, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="entrustments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at", "id"]
        verbose_name = _("entrustment attachment")
        verbose_name_plural = _("entrustment attachments")


class Lot(models.Model):
    """A lot (标的) to be traded: from an accepted entrustment (secondary market) or a grantor's registration
    (primary market), numbered by its centre at registration (e.g. 川DZR[2026]0001)."""

    class Door(models.TextChoices):
        SECONDARY = "secondary", _("secondary market (entrustment)")
        PRIMARY = "primary", _("primary market (grantor)")

    class Kind(models.TextChoices):
        LAND_USE_RIGHT = "land_use_right", _("construction land use right")
        MINING_RIGHT = "mining_right", _("mining right")

    class Transfer(models.TextChoices):  # how the right changes hands: the letters in the lot number
        TRANSFER = "transfer", pgettext_lazy("lot", "transfer (转让)")
        LEASE = "lease", pgettext_lazy("lot", "lease (出租)")
        GRANT = "grant", pgettext_lazy("lot", "grant (出让)")
        LEASE_THEN_TRANSFER = "lease_then_transfer", pgettext_lazy("lot", "lease then transfer (先租后让)")
        EXPLORATION = "exploration", pgettext_lazy("lot", "exploration right (探矿权)")
        EXTRACTION = "extraction", pgettext_lazy("lot", "extraction right (采矿权)")

    NUMBER_LETTERS = {
        Transfer.TRANSFER: "DZR",
        Transfer.LEASE: "DCZ",
        Transfer.GRANT: "DCR",
        Transfer.LEASE_THEN_TRANSFER: "DXZ",
        Transfer.EXPLORATION: "KTK",
        Transfer.EXTRACTION: "KCK",
    }

    class TradingMode(models.TextChoices):
        LISTING = "listing", _("online listing (挂牌)")
        AUCTION = "auction", _("online auction (拍卖)")

    class Process(models.TextChoices):
        FULL = "full", _("full-process online")
        SEMI = "semi", _("semi-process (online and on site)")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted by the grantor")  # primary market, awaiting the centre's check
        RETURNED = "returned", _("returned to the grantor")
        REGISTERED = "registered", _("registered")
        ANNOUNCED = "announced", _("announced")
        TERMINATED = "terminated", _("terminated")

    number = models.CharField(_("lot number"), max_length=32, blank=True)  # set at registration
    centre = models.ForeignKey(TradingCentre, on_delete=models.PROTECT, related_name="lots")
    door = models.CharField(_("door"), max_length=16, choices=Door.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LAND_USE_RIGHT)
    transfer = models.CharField(_("transfer"), max_length=20, choices=Transfer.choices)
    trading_mode = models.CharField(_("trading mode"), max_length=16, choices=TradingMode.choices)
    process = models.CharField(_("process"), max_length=8, choices=Process.choices, default=Process.FULL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("location (坐落)"), max_length=255, blank=True)
    entrustment = models.OneToOneField(Entrustment, on_delete=models.PROTECT, null=True, blank=True, related_name="lot")
    listing = models.ForeignKey(SupplyListing, on_delete=models.PROTECT, null=True, blank=True, related_name="lots")
    parcel = models.ForeignKey("geo.Parcel", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area = models.MultiPolygonField(_("area"), srid=SRID, null=True, blank=True)  # a mining right's polygon
    location = models.PointField(_("location"), srid=SRID, null=True, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA, null=True, blank=True)
    land_use = models.CharField(_("land use"), max_length=4, blank=True)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    transferor = models.CharField(_("transferor or grantor"), max_length=128)
    conditions = models.TextField(_("conditions"), max_length=5000, blank=True)
    start_price_wan = models.DecimalField(_("start price (10,000 yuan)"), **MONEY)
    increment_wan = models.DecimalField(_("increment (10,000 yuan)"), **MONEY)
    deposit_wan = models.DecimalField(_("deposit (10,000 yuan)"), **MONEY)
    publish_result = models.BooleanField(_("publish the result"), default=True)
    # The schedule: announcement, applications, deposit, then the listing period or the auction's start.
    announcement_starts_at = models.DateTimeField(_("announcement starts"))
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    deposit_deadline = models.DateTimeField(_("deposit deadline"))
    listing_starts_at = models.DateTimeField(_("listing starts"), null=True, blank=True)
    listing_ends_at = models.DateTimeField(_("listing ends"), null=True, blank=True)
    auction_starts_at = models.DateTimeField(_("auction starts"), null=True, blank=True)
    rules = models.OneToOneField(RuleProfile, on_delete=models.PROTECT, related_name="lot")  # the lot's own copy
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "number"], condition=~models.Q(number=""), name="auctions_lot_number_unique"
            ),
            # One active lot per supply listing: a terminated one may be followed by a new lot.
            models.UniqueConstraint(
                fields=["listing"],
                condition=models.Q(listing__isnull=False) & ~models.Q(status="terminated"),
                name="auctions_one_active_lot_per_listing",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title


class LotDocument(models.Model):
    """A document a lot is registered with (出让公告, 出让须知, 宗地图 …), kept with its SHA-256."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=128)
    file = models.FileField(_("file"), upload_to="lots/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Serial(models.Model):
    """The last number given in a series (lot numbers per centre, year and letters; announcement numbers per centre
    and year): taken under a row lock in the registering transaction, so numbers are unique and without gaps."""

    centre = models.ForeignKey(TradingCentre, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=16)  # "lot:DZR", "announcement"
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "series", "year"], name="auctions_serial_unique")]


class Announcement(models.Model):
    """A public announcement (公告) of a lot: immutable once published (database triggers); a change announcement
    (变更公告) supersedes it, a termination announcement (终止公告) ends the lot."""

    class Kind(models.TextChoices):
        NORMAL = "normal", _("normal announcement")  # 普通公告
        CHANGE = "change", _("change announcement")  # 变更公告
        TERMINATION = "termination", _("termination announcement")  # 终止公告

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="announcements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(_("announcement number"), max_length=40, blank=True)  # set at publication
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=50_000)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        constraints = [
            models.UniqueConstraint(
                fields=["lot"], condition=models.Q(status="published"), name="auctions_one_current_announcement"
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.number or self.title


class AnnouncementDocument(models.Model):
    """A document attached to an announcement, kept with its SHA-256; fixed once the announcement is published."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=128)
    file = models.FileField(_("file"), upload_to="announcements/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class TradingEvent(models.Model):
    """The trail of who did what to an entrustment, a lot or an announcement, and when (by the database clock),
    written in the same transaction as the change; supervisors of the region read it. (Bids and the trade itself
    go to the lot's hash-chained evidence log.)"""

    action = models.CharField(_("action"), max_length=32)  # e.g. entrustment.accepted, lot.registered
    entrustment = models.ForeignKey(Entrustment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("trading event")
        verbose_name_plural = _("trading events")
        indexes = [models.Index(fields=["region", "-created_at"])]


class EvidenceEntry(models.Model):
    """One entry of a lot's evidence log (存证): a hash chain, h_n = SHA-256(h_(n-1) ‖ canonical JSON of entry n),
    with a gapless sequence per lot, written in the transaction of the change it records. The database refuses
    UPDATE, DELETE and TRUNCATE (migration 0006). docs/evidence.md gives the canonical form; scripts/verify_evidence.py
    checks an exported protocol with the standard library alone."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="evidence")
    seq = models.PositiveIntegerField(_("sequence number"))
    kind = models.CharField(_("kind"), max_length=40)  # e.g. application.approved, deposit.arrived, bid.accepted
    data = models.JSONField(_("data"))  # canonical JSON values only: strings, integers, booleans, null, lists, maps
    created_at = models.DateTimeField(_("at"))  # the database clock, in the entry's transaction
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["lot", "seq"]
        verbose_name = _("evidence entry")
        verbose_name_plural = _("evidence entries")
        constraints = [models.UniqueConstraint(fields=["lot", "seq"], name="auctions_evidence_gapless_seq")]


class BidApplication(models.Model):
    """A bid application (竞买申请) of one bidder (a verified principal, alone or jointly) for one lot, reviewed by
    the lot's centre; with the bank chosen for its deposit sub-account."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bid_applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    contact_name = models.CharField(_("contact"), max_length=64)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    address = models.CharField(_("address"), max_length=255)
    statement = models.TextField(_("statement"), max_length=2000, blank=True)
    joint = models.BooleanField(_("joint bidding"), default=False)  # 联合竞买
    # The bidder's side of the price's publicity: the result publicity (成交公示) hides the price only when both the
    # lot's seller (Lot.publish_result off) and the winner (this off) opted out.
    publish_price = models.BooleanField(_("publish the price if I win"), default=True)
    partners = models.JSONField(_("partners"), default=list, blank=True)  # [{"name", "id_number"}]
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("bid application")
        verbose_name_plural = _("bid applications")
        constraints = [models.UniqueConstraint(fields=["lot", "applicant"], name="auctions_one_application_per_bidder")]


class ApplicationDocument(models.Model):
    """A document of a bid application, checked by its content and kept with its SHA-256."""

    application = models.ForeignKey(BidApplication, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=128)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class DepositAccount(models.Model):
    """The deposit sub-account of one application at its chosen bank: unique, random, the same on a repeat."""

    application = models.OneToOneField(BidApplication, on_delete=models.PROTECT, related_name="deposit_account")
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("account number"), max_length=32, unique=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)  # when the bank confirmed it
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deposit account")
        verbose_name_plural = _("deposit accounts")


class DepositArrival(models.Model):
    """A bank's notice of money arriving (idempotent by the bank's serial number). Counted toward the deposit only
    when it reached a known sub-account by transfer from the bidder, at or before the deadline by the bank's time;
    otherwise recorded, flagged and due for refund."""

    class Flag(models.TextChoices):
        NONE = "", _("counted")
        UNKNOWN_ACCOUNT = "unknown_account", _("unknown account")
        CASH = "cash", _("paid in cash")
        PAYER_MISMATCH = "payer_mismatch", _("payer is not the bidder")
        LATE = "late", _("after the deposit deadline")
        REJECTED = "rejected", _("application rejected")

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(_("bank serial number"), max_length=64)
    account_number = models.CharField(_("account number"), max_length=32)
    account = models.ForeignKey(
        DepositAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="arrivals"
    )
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    payer_name = models.CharField(_("payer name"), max_length=128)
    payer_account = models.CharField(_("payer account"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=16, default="transfer")  # transfer | cash
    arrived_at = models.DateTimeField(_("arrived at (bank time)"))
    received_at = models.DateTimeField(_("received at"))
    counted = models.BooleanField(_("counted"), default=False)
    flag = models.CharField(_("flag"), max_length=16, choices=Flag.choices, blank=True)
    refund_status = models.CharField(_("refund status"), max_length=16, blank=True)  # due | requested | done

    class Meta:
        ordering = ["arrived_at", "id"]
        verbose_name = _("deposit arrival")
        verbose_name_plural = _("deposit arrivals")
        constraints = [models.UniqueConstraint(fields=["bank", "serial"], name="auctions_arrival_serial_once")]


class Qualification(models.Model):
    """A bidder's qualification for a lot (竞买资格) with its random bidder number (竞买号), unique within the lot:
    issued the moment an approved application's counted deposits reach the requirement, or by staff on a bank's
    proof."""

    application = models.OneToOneField(BidApplication, on_delete=models.PROTECT, related_name="qualification")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="qualifications")
    bidder_number = models.CharField(_("bidder number"), max_length=8)
    manual = models.BooleanField(_("issued by staff"), default=False)
    proof = models.FileField(_("bank's proof"), upload_to="qualifications/%Y/%m/", blank=True, max_length=255)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [models.UniqueConstraint(fields=["lot", "bidder_number"], name="auctions_bidder_number_unique")]


# ------------------------------------------------------------------------------ bank reconciliation (H10)
class ReconciliationDifference(models.Model):
    """A difference between a bank's daily statement and the arrivals we recorded: an arrival the bank reports that
    never reached us (recorded from the statement, `arrival` set) or one we recorded that the bank does not report
    (for staff to look into)."""

    class Kind(models.TextChoices):
        RECORDED_FROM_STATEMENT = "from_statement", _("reported by the bank, never notified: recorded")
        NOT_AT_BANK = "not_at_bank", _("recorded here, not on the bank's statement")
        CONFLICT = "conflict", _("the statement's content differs from the notice")
        # the outgoing side: refunds and conversions (auctions/services/refunds.py)
        MOVEMENT_MISSING = "movement_missing", _("a refund or conversion confirmed by the bank is not on its statement")
        MOVEMENT_DIFFERS = "movement_differs", _("the statement's order differs from ours")

    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("statement day"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    serial = models.CharField(_("bank serial number"), max_length=64)
    arrival = models.ForeignKey(DepositArrival, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    found_at = models.DateTimeField(_("found at"))

    class Meta:
        ordering = ["day", "bank", "serial"]
        verbose_name = _("reconciliation difference")
        verbose_name_plural = _("reconciliation differences")
        constraints = [
            models.UniqueConstraint(fields=["bank", "serial", "kind"], name="auctions_reconciliation_once"),
        ]


class LotTrading(models.Model):
    """The trading state of a lot: the one row every bid locks (SELECT … FOR UPDATE). The phase is computed from
    the stored times and the database clock, never scheduled; the close only finalises what the clock decided."""

    class Outcome(models.TextChoices):
        NONE = "", _("not closed")
        DEAL = "deal", _("deal (成交)")
        FAILED = "failed", _("no deal (流拍)")
        TERMINATED = "terminated", _("terminated (终止)")

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, primary_key=True, related_name="trading")
    highest_bid = models.ForeignKey("Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bid_count = models.PositiveIntegerField(default=0)
    countdown_ends_at = models.DateTimeField(null=True, blank=True)  # timed bidding or auction: the running deadline
    timed_started_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=500, blank=True)
    frozen_seconds = models.PositiveIntegerField(default=0)  # total time suspended: the listing period grows by it
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # The sealed reserve (底价): ciphertext for the closing key only, and the commitment written to the evidence log.
    reserve_ciphertext = models.BinaryField(null=True, blank=True)
    reserve_commitment = models.CharField(max_length=64, blank=True)
    reserve_entered_at = models.DateTimeField(null=True, blank=True)
    reserve_revealed_wan = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)  # after close

    class Meta:
        verbose_name = _("lot trading state")
        verbose_name_plural = _("lot trading states")


class Bid(models.Model):
    """An accepted bid (a quote in a listing, a bid in timed bidding or an auction). Refusals leave no row."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="bids")
    client_bid_id = models.UUIDField()
    amount_wan = models.DecimalField(max_digits=14, decimal_places=4)
    stage = models.CharField(max_length=8)  # listing | timed | auction
    arrived_at = models.DateTimeField()  # the start of the bid's transaction, taken before it waited for the lock
    evidence_seq = models.PositiveIntegerField()

    class Meta:
        ordering = ["lot", "evidence_seq"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "client_bid_id"], name="auctions_bid_idempotent"),
            models.UniqueConstraint(fields=["lot", "amount_wan"], name="auctions_bid_prices_differ"),
        ]


class TimedEntry(models.Model):
    """A bidder's confirmation to enter timed bidding (where the rules ask for one), within the window."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    qualification = models.OneToOneField(Qualification, on_delete=models.PROTECT, related_name="timed_entry")
    confirmed_at = models.DateTimeField()


class LotResult(models.Model):
    """The result of a lot's trade as the public and the parties see it, written once in the transaction that closes
    the trade: online by the close (the engine's outcome), offline by staff for a semi-process lot (the winner's
    bidder number, the price and the signed confirmation's scan), or a termination (终止). A result may be revoked by
    staff with a reason and a document (the procedure in docs/results.md); it keeps its row, marked revoked."""

    class Source(models.TextChoices):
        ONLINE = "online", _("online trading")
        OFFLINE = "offline", _("recorded by staff (on site)")

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, primary_key=True, related_name="result")
    outcome = models.CharField(_("outcome"), max_length=16, choices=LotTrading.Outcome.choices)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ONLINE)
    winner = models.ForeignKey(Qualification, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    price_wan = models.DecimalField(_("price (10,000 yuan)"), max_digits=14, decimal_places=4, null=True, blank=True)
    price_public = models.BooleanField(_("price published"), default=True)  # False only when both sides opted out
    reason = models.CharField(_("reason"), max_length=500, blank=True)  # of a termination, or staff's note
    confirmation = models.FileField(_("signed confirmation"), upload_to="results/%Y/%m/", blank=True, max_length=255)
    confirmation_name = models.CharField(_("file name"), max_length=255, blank=True)
    confirmation_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revocation = models.FileField(_("revocation decision"), upload_to="results/%Y/%m/", blank=True, max_length=255)
    revocation_name = models.CharField(_("file name"), max_length=255, blank=True)
    revocation_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("lot result")
        verbose_name_plural = _("lot results")
        indexes = [models.Index(fields=["outcome", "-decided_at"])]


class DepositMovement(models.Model):
    """What happens to one deposit arrival after the trade (or after it was flagged): sent back to the payer's
    account (refund) or, for the winner's counted deposit, converted into the price (转为成交价款/出让金). One per
    arrival, so money never moves twice; sent through the bank adapter with the arrival's serial as the idempotency
    key, retried until the bank confirms, and checked against the bank's answer."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("refund")
        CONVERSION = "conversion", _("converted into the price")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")  # decided, not yet accepted by the bank
        SENT = "sent", _("sent")  # the bank accepted the order (its reference kept)
        DONE = "done", _("done")  # the bank reports it executed
        FAILED = "failed", _("failed")  # the bank refused it for good: staff look into it

    arrival = models.OneToOneField(DepositArrival, on_delete=models.PROTECT, primary_key=True, related_name="movement")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    to_account = models.CharField(_("to account"), max_length=40, blank=True)
    cause = models.CharField(_("cause"), max_length=32)  # lost | failed | terminated | flagged | revoked | won
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    bank_ref = models.CharField(_("bank's reference"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("deposit movement")
        verbose_name_plural = _("deposit movements")
        indexes = [models.Index(fields=["status", "created_at"])]


class SignedRoot(models.Model):
    """A signed Merkle root (RFC 6962 hashing) over the heads of every lot's evidence chain, made at each close and
    once a day by the process that holds the roots' signing key (auctions/services/roots.py). Published with its
    signature so that anyone can check a downloaded protocol against what the platform committed to (docs/evidence.md,
    "Published roots"). Newest is the highest id: roots are made one at a time."""

    tree_size = models.PositiveIntegerField(_("tree size"))
    root = models.CharField(_("root hash"), max_length=64)  # hex
    leaves = models.JSONField(_("leaves"))  # [{"lot", "seq", "hash"}] sorted by lot id: the tree's leaves in order
    signed_at = models.DateTimeField(_("signed at"))  # the database clock
    signature = models.CharField(_("signature"), max_length=128)  # hex Ed25519 over the root's signed statement
    key_id = models.CharField(_("key id"), max_length=16)  # the first 16 hex of SHA-256 of the raw public key

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("signed root")
        verbose_name_plural = _("signed roots")


class Anomaly(models.Model):
    """Something in a trade that supervisors should look at (监管预警), noted when it happens and never changed: a
    bidder refused many times within a minute, a storm of live connections to one lot, a close that ran late. Read
    by the supervisors of the lot's region and by the lot's centre; it decides nothing."""

    class Kind(models.TextChoices):
        REFUSALS = "refusals", _("a bidder refused many times within a minute")
        CONNECTION_STORM = "connection_storm", _("a storm of live connections")
        LATE_CLOSE = "late_close", _("a close that ran late")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="anomalies")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    detail = models.JSONField(_("detail"), default=dict)  # counts, window, bidder number, seconds late: no identities
    created_at = models.DateTimeField(_("at"))  # the database clock

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("anomaly")
        verbose_name_plural = _("anomalies")
        indexes = [models.Index(fields=["lot", "-created_at"]), models.Index(fields=["-created_at"])]
