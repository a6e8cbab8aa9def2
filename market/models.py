"""Supply (地源) and demand (需求) listings, pre-announcements (预公告), their review trail, and what seekers do on
a listing: intention quotes, viewing appointments, favourites, comparison; policy documents."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from geo.models import SRID

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}  # 万元 to 0.0001 (one yuan)
AREA: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}  # m²
PERCENT: dict[str, Any] = {"max_digits": 5, "decimal_places": 2}


class LandNature(models.TextChoices):
    STATE_OWNED = "state_owned", _("state-owned construction land use right")
    COLLECTIVE = "collective", _("collective construction land use right")


class UseRightType(models.TextChoices):  # the values of geo.Parcel.UseRightType
    ALLOCATED = "allocated", _("allocated (划拨)")
    GRANTED = "granted", _("granted (出让)")
    LEASED = "leased", _("leased (租赁)")
    AUTHORIZED = "authorized", _("authorized operation (授权经营)")
    CAPITAL = "capital", _("capital contribution (作价出资入股)")
    OTHER = "other", _("other")


class LandType(models.TextChoices):
    PERSONAL = "personal", _("personal land")
    ENTERPRISE = "enterprise", _("enterprise land")
    INTERMEDIARY_AUCTION = "intermediary_auction", _("land auctioned by an intermediary")
    JUDICIAL = "judicial", _("land in judicial disposal")
    STATE_ASSET = "state_asset", _("state-owned construction land in state-asset disposal")


class CertificateType(models.TextChoices):
    LAND = "land", _("land certificate number")
    REAL_ESTATE = "real_estate", _("real-estate title certificate number")


class OwnerNature(models.TextChoices):
    INDIVIDUAL = "individual", _("individual")
    ENTERPRISE = "enterprise", _("enterprise")


class LandFields(models.Model):
    """The land as the seeds' forms describe it (土地基本信息), shared by a supply listing and an entrustment."""

    land_nature = models.CharField(_("land nature"), max_length=16, choices=LandNature.choices, blank=True)
    region = models.ForeignKey(
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    use_right_type = models.CharField(_("use-right type"), max_length=16, choices=UseRightType.choices, blank=True)
    land_use = models.CharField(_("land use"), max_length=4, blank=True)  # GB/T 21010-2017, second level
    area_m2 = models.DecimalField(_("area (m²)"), **AREA, null=True, blank=True)
    right_end_date = models.DateField(_("use right ends"), null=True, blank=True)
    address = models.CharField(_("location (坐落)"), max_length=255, blank=True)
    location = models.PointField(_("coordinates"), srid=SRID, null=True, blank=True)
    outline = models.MultiPolygonField(_("outline"), srid=SRID, null=True, blank=True)  # drawn when no parcel
    boundary_east = models.CharField(_("east boundary"), max_length=255, blank=True)
    boundary_west = models.CharField(_("west boundary"), max_length=255, blank=True)
    boundary_south = models.CharField(_("south boundary"), max_length=255, blank=True)
    boundary_north = models.CharField(_("north boundary"), max_length=255, blank=True)
    certificate_type = models.CharField(
        _("certificate type"), max_length=16, choices=CertificateType.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=128, blank=True)
    registration_authority = models.CharField(_("registration authority"), max_length=128, blank=True)
    with_buildings = models.BooleanField(_("with buildings and fixtures"), null=True, blank=True)
    # xgettext:no-python-format
    investment_over_25 = models.BooleanField(_("25% of the investment completed"), null=True, blank=True)
    floor_area_ratio = models.DecimalField(_("floor area ratio"), max_digits=6, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("other notes"), max_length=1000, blank=True)

    class Meta:
        abstract = True


class ApplicantFields(models.Model):
    """The right holder and its contact (申请人基本信息), shared by a supply listing and an entrustment."""

    owner_nature = models.CharField(_("owner nature"), max_length=16, choices=OwnerNature.choices, blank=True)
    owner_name = models.CharField(_("owner name"), max_length=128, blank=True)
    owner_id_type = models.CharField(_("owner ID type"), max_length=32, blank=True)
    owner_id_number = models.CharField(_("owner ID number"), max_length=32, blank=True)
    owner_address = models.CharField(_("owner address"), max_length=255, blank=True)
    owner_phone = models.CharField(_("owner phone"), max_length=20, blank=True)
    agent_name = models.CharField(_("contact or agent"), max_length=64, blank=True)
    agent_id_number = models.CharField(_("contact's ID number"), max_length=18, blank=True)
    agent_phone = models.CharField(_("contact's phone"), max_length=20, blank=True)
    agent_address = models.CharField(_("contact's address"), max_length=255, blank=True)

    class Meta:
        abstract = True


class SupplyListing(LandFields, ApplicantFields):
    """A supply listing (地源): land offered for transfer (转让) or lease (出租), reviewed before the public sees it.

    Published is the initial review passed (tag 属地未认证); certified is the final review passed (tag 属地认证).
    """

    class Mode(models.TextChoices):  # 流转方式: 转让 / 出租 (not the use-right type 租赁)
        TRANSFER = "transfer", pgettext_lazy("transfer mode", "transfer")
        LEASE = "lease", pgettext_lazy("transfer mode", "lease")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        REJECTED = "rejected", _("review failed")
        PUBLISHED = "published", _("published")
        CERTIFIED = "certified", _("certified")
        DELISTED = "delisted", _("delisted")
        EXPIRED = "expired", _("expired")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CERTIFIED)

    # Who and what state
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supply_listings", verbose_name=_("owner")
    )
    created_by = models.ForeignKey(  # the owner, or a sub-account acting for the enterprise
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Step 1: land (土地基本信息)
    title = models.CharField(_("title"), max_length=200, blank=True)  # region + area + first-level use + mode
    land_type = models.CharField(_("land type"), max_length=32, choices=LandType.choices, blank=True)
    lease_term_years = models.PositiveSmallIntegerField(_("lease term (years)"), null=True, blank=True)
    parcel = models.ForeignKey(
        "geo.Parcel", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("parcel")
    )
    price_wan = models.DecimalField(_("total price (10,000 yuan)"), **MONEY, null=True, blank=True)  # null: 面议
    unit_numbers = ArrayField(
        models.CharField(max_length=28), verbose_name=_("real-estate unit numbers"), default=list, blank=True
    )
    building_area_m2 = models.DecimalField(_("building area (m²)"), **AREA, null=True, blank=True)
    building_structure = models.CharField(_("building structure"), max_length=64, blank=True)
    height_limit_m = models.DecimalField(_("height limit (m)"), max_digits=6, decimal_places=2, null=True, blank=True)
    green_ratio = models.DecimalField(_("green ratio (%)"), **PERCENT, null=True, blank=True)
    building_density = models.DecimalField(_("building density (%)"), **PERCENT, null=True, blank=True)
    institution = models.CharField(_("reviewing institution"), max_length=128, blank=True)
    # Step 2: applicant (申请人基本信息)
    # Review and life cycle
    reason = models.CharField(_("reason (rejection or delisting)"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Heat (地源热度), counted by the services that record each
    view_count = models.PositiveIntegerField(_("views"), default=0)
    favourite_count = models.PositiveIntegerField(_("favourites"), default=0)
    quote_count = models.PositiveIntegerField(_("quotes"), default=0)
    appointment_count = models.PositiveIntegerField(_("viewing appointments"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supply listing")
        verbose_name_plural = _("supply listings")
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def heat(self) -> int:
        return self.view_count + self.favourite_count + self.quote_count + self.appointment_count


class SupplyAttachment(models.Model):
    """A file of a supply listing: a photo, a video, or a typed document of the seed's list (附件清单)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("photo")
        VIDEO = "video", _("video")
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

    REQUIRED_KINDS = (Kind.IDENTITY_PROOF, Kind.CONTRACT, Kind.TITLE_CERTIFICATE, Kind.INVESTMENT_STATEMENT)

    listing = models.ForeignKey(
        SupplyListing, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("listing")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="supply/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)  # as detected from the content
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["listing", "kind", "created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ChunkedUpload(models.Model):
    """A large file (a video) arriving in chunks, written to storage as they come, never held in memory."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("uploading")
        COMPLETE = "complete", _("complete")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=SupplyAttachment.Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("announced size (bytes)"))
    received = models.PositiveBigIntegerField(_("received (bytes)"), default=0)
    path = models.CharField(_("partial file"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("chunked upload")
        verbose_name_plural = _("chunked uploads")

    def __str__(self) -> str:
        return self.filename


class SupplyChange(models.Model):
    """A change to a published listing (信息变更), reviewed before it replaces what the public sees."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="changes")
    changes = models.JSONField(_("changed fields"))  # field name → new value, as the API's input gives them
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("listing change")
        verbose_name_plural = _("listing changes")
        constraints = [
            models.UniqueConstraint(
                fields=["listing"], condition=models.Q(status="pending"), name="market_one_pending_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.get_status_display()}"


class Demand(models.Model):
    """A demand (需求登记): land someone wants to buy or rent."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("to buy (transfer in)")
        LEASE = "lease", _("to rent (lease in)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REGISTERED = "registered", _("registered")
        DELISTED = "delisted", _("delisted")
        EXPIRED = "expired", _("expired")
        DELETED = "deleted", _("deleted")

    PUBLIC_STATUSES = (Status.REGISTERED,)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demands", verbose_name=_("owner")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("demand type"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    region = models.ForeignKey(  # any level: where the land is wanted
        "geo.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    location = models.PointField(_("preferred location"), srid=SRID, null=True, blank=True)
    land_use = models.CharField(_("land use"), max_length=4, blank=True)
    land_nature = models.CharField(_("land nature"), max_length=16, choices=LandNature.choices, blank=True)
    area_min_m2 = models.DecimalField(_("minimum area (m²)"), **AREA, null=True, blank=True)
    area_max_m2 = models.DecimalField(_("maximum area (m²)"), **AREA, null=True, blank=True)
    price_min_wan = models.DecimalField(_("minimum budget (10,000 yuan)"), **MONEY, null=True, blank=True)
    price_max_wan = models.DecimalField(_("maximum budget (10,000 yuan)"), **MONEY, null=True, blank=True)
    years = models.PositiveSmallIntegerField(_("years wanted"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    favourite_count = models.PositiveIntegerField(_("favourites"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        indexes = [models.Index(fields=["status", "-registered_at"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class PrimaryGrant(models.Model):
    """A primary-market grant (一级市场供地) as the grant registry knows it: the local dataset behind the
    development adapter of the grant lookup, looked up by contract number with the bound phone."""

    contract_number = models.CharField(_("grant contract number"), max_length=64, unique=True)
    phone = models.CharField(_("bound phone"), max_length=11)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("location"), max_length=255)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA)
    land_use = models.CharField(_("land use"), max_length=4)
    use_years = models.PositiveSmallIntegerField(_("use years"))
    supply_method = models.CharField(_("supply method"), max_length=32)  # 挂牌出让, 拍卖出让 …
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    land_grade = models.CharField(_("land grade"), max_length=32, blank=True)
    grantee = models.CharField(_("grantee"), max_length=128)
    grantee_id_type = models.CharField(_("grantee ID type"), max_length=32)
    grantee_id_number = models.CharField(_("grantee ID number"), max_length=32)
    investment_ratio = models.DecimalField(_("investment completed (%)"), **PERCENT)

    class Meta:
        verbose_name = _("primary-market grant")
        verbose_name_plural = _("primary-market grants")

    def __str__(self) -> str:
        return self.contract_number


class PreAnnouncement(models.Model):
    """A pre-announcement (预公告) of idle land whose investment is under 25%, from a looked-up grant."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        DELISTED = "delisted", _("delisted")
        EXPIRED = "expired", _("expired")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pre_announcements", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("pre-announcement name"), max_length=200)
    contract_number = models.CharField(_("grant contract number"), max_length=64)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    address = models.CharField(_("location"), max_length=255)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA)
    land_use = models.CharField(_("land use"), max_length=4)
    use_years = models.PositiveSmallIntegerField(_("use years"))
    supply_method = models.CharField(_("supply method"), max_length=32)
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    land_grade = models.CharField(_("land grade"), max_length=32, blank=True)
    transferor = models.CharField(_("transferor"), max_length=128)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    id_type = models.CharField(_("ID type"), max_length=32)
    id_number = models.CharField(_("ID number"), max_length=32)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pre-announcement")
        verbose_name_plural = _("pre-announcements")

    def __str__(self) -> str:
        return self.title


class ReviewEvent(models.Model):
    """One state change of a supply listing, demand or pre-announcement: who, from, to, why (the audit trail)."""

    class Subject(models.TextChoices):
        SUPPLY = "supply", _("supply listing")
        DEMAND = "demand", _("demand")
        PRE_ANNOUNCEMENT = "pre_announcement", _("pre-announcement")

    subject = models.CharField(_("subject"), max_length=32, choices=Subject.choices)
    subject_id = models.BigIntegerField(_("subject id"))
    action = models.CharField(_("action"), max_length=32)  # the service's verb: submit, approve, reject …
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(  # null: the system (expiry)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        indexes = [models.Index(fields=["subject", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id}: {self.from_status} → {self.to_status}"


class IntentionQuote(models.Model):
    """An intention quote (意向报价) on a supply listing: not binding; the owner sees them all."""

    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="quotes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intention_quotes")
    amount_wan = models.DecimalField(_("amount (10,000 yuan)"), **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-amount_wan", "created_at"]
        verbose_name = _("intention quote")
        verbose_name_plural = _("intention quotes")
        indexes = [models.Index(fields=["listing", "-amount_wan"])]

    def __str__(self) -> str:
        return f"{self.amount_wan} 万元"


class ViewingAppointment(models.Model):
    """A viewing appointment (预约看地); the seeker marks it viewed afterwards."""

    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments")
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    visit_at = models.DateTimeField(_("viewing time"))
    viewed_at = models.DateTimeField(_("viewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-visit_at"]
        verbose_name = _("viewing appointment")
        verbose_name_plural = _("viewing appointments")

    def __str__(self) -> str:
        return f"{self.name} {self.visit_at:%Y-%m-%d %H:%M}"


class Favourite(models.Model):
    """A favourite (收藏): a supply listing, a demand, or an entrusted transaction (the auctions app's)."""

    class Target(models.TextChoices):
        SUPPLY = "supply", _("supply")
        DEMAND = "demand", _("demand")
        ENTRUSTMENT = "entrustment", _("entrusted transaction")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    target = models.CharField(_("kind"), max_length=16, choices=Target.choices)
    target_id = models.BigIntegerField(_("id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        constraints = [
            models.UniqueConstraint(fields=["user", "target", "target_id"], name="market_favourite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.target_id}"


class ComparisonItem(models.Model):
    """A supply listing in a user's comparison (比价), at most four."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comparison_items")
    listing = models.ForeignKey(SupplyListing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comparison item")
        verbose_name_plural = _("comparison items")
        constraints = [models.UniqueConstraint(fields=["user", "listing"], name="market_compare_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.listing_id}"


class PolicyDocument(models.Model):
    """A policy or regulation (政策法规) published by staff."""

    class Category(models.TextChoices):
        LAW = "law", _("laws and regulations")
        NATIONAL = "national", _("national policy")
        LOCAL = "local", _("local policy")
        INTERPRETATION = "interpretation", _("interpretation")

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    issuer = models.CharField(_("issued by"), max_length=128, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    body = models.TextField(_("text"))
    attachment = models.FileField(_("attachment"), upload_to="policies/%Y/", blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)  # null: not public
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return self.title


class ReviewingAuthority(models.Model):
    """The authority (审核机构) that reviews the supply listings of a region, named by the deployer in the admin site;
    a listing offers those of its county, city and province (market.services.institutions)."""

    region = models.OneToOneField("geo.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=128)

    class Meta:
        ordering = ["region"]
        verbose_name = _("reviewing authority")
        verbose_name_plural = _("reviewing authorities")

    def __str__(self) -> str:
        return self.name
