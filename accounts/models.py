"""Users (the phone number is the login), real-name verification, and the messages users receive."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"\A1[3-9][0-9]{9}\Z", _("Enter a mainland mobile number of 11 digits."), "invalid_phone"
)


class PhoneUserManager(UserManager["User"]):
    """Users created by phone number; the username is not used."""

    use_in_migrations = True

    def _create_user(self, phone: str, email: str | None, password: str | None, **extra_fields: object) -> "User":
        user = self.model(phone=phone, email=self.normalize_email(email or ""), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, phone: str, email: str | None = None, password: str | None = None, **extra_fields: object
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, phone: str, email: str | None = None, password: str | None = None, **extra_fields: object
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.ADMIN)
        return self._create_user(phone, email, password, **extra_fields)


class User(AbstractUser):
    """An individual or enterprise user, or a sub-account acting for an enterprise; staff roles on the same model.

    Visitors are anonymous. A user is verified once a real-name verification is approved (verified_at set); a
    sub-account acts for its enterprise and is verified through it.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("individual")
        ENTERPRISE = "enterprise", _("enterprise")

    class Role(models.TextChoices):
        """Who a user is to the platform. Every role but user and admin acts only within its regions."""

        USER = "user", _("user")
        REVIEWER = "reviewer", _("reviewer")  # 属地审核: reviews supply, demand and pre-announcements
        GRANTOR = "grantor", _("grantor staff")  # 出让人: a natural-resources bureau or land reserve
        CENTRE_STAFF = "centre_staff", _("trading-centre staff")
        SUPERVISOR = "supervisor", _("supervisor")  # 监管: reads everything of its regions, changes nothing
        GIS_STAFF = "gis_staff", _("GIS staff")  # loads and exports boundary and parcel data
        ADMIN = "admin", _("administrator")

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    phone = models.CharField(_("mobile phone"), max_length=11, unique=True, validators=[phone_validator])
    kind = models.CharField(_("user type"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.USER)
    # The role's scope by GB/T 2260 code (any level); a code covers every region under it. Empty for users and
    # administrators (who act everywhere).
    regions = ArrayField(models.CharField(max_length=6), verbose_name=_("regions"), default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_accounts",
        verbose_name=_("enterprise (for a sub-account)"),
    )
    real_name = models.CharField(_("verified name"), max_length=128, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=255, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)

    objects = PhoneUserManager()  # type: ignore[misc]

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.real_name or self.phone

    @property
    def principal(self) -> "User":
        """The user whose name things are done in: the enterprise for a sub-account, else the user."""
        return self.parent if self.parent_id else self  # type: ignore[return-value]

    @property
    def is_verified(self) -> bool:
        return self.principal.verified_at is not None


class RealNameVerification(models.Model):
    """An application for real-name verification (实名认证), reviewed by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications", verbose_name=_("user")
    )
    kind = models.CharField(_("user type"), max_length=16, choices=User.Kind.choices)
    name = models.CharField(_("name"), max_length=128)
    # GB 11643 resident ID number (individuals) or GB 32100 unified social credit code (enterprises).
    id_number = models.CharField(_("ID number or credit code"), max_length=18)
    licence = models.FileField(_("business licence"), upload_to="verifications/%Y/%m/", blank=True)
    # An individual's resident ID card, both sides (JPG or PNG, checked by content); served only through the API.
    id_front = models.FileField(_("ID card, front"), upload_to="verifications/%Y/%m/", blank=True)
    id_back = models.FileField(_("ID card, back"), upload_to="verifications/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("real-name verification")
        verbose_name_plural = _("real-name verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="accounts_one_pending_verification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class VerificationDocumentView(models.Model):
    """One viewing of a verification's document (licence or ID card side): who, when, which, from which address.

    Rows are written by accounts.services.verification_documents and never changed; they keep their ids when the
    application or the viewer is deleted (no database constraint), so the trail outlives them.
    """

    class Document(models.TextChoices):
        LICENCE = "licence", _("business licence")
        ID_FRONT = "id_front", _("ID card, front")
        ID_BACK = "id_back", _("ID card, back")

    verification = models.ForeignKey(
        RealNameVerification,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("real-name verification"),
    )
    document = models.CharField(_("document"), max_length=16, choices=Document.choices)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    client_address = models.CharField(_("client address"), max_length=64, blank=True)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("verification document view")
        verbose_name_plural = _("verification document views")

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.verification_id} {self.document} ({self.viewed_at:%Y-%m-%d %H:%M})"


class Message(models.Model):
    """A notification in a user's personal centre (我的消息): business (listings, contracts, trades) or system."""

    class Category(models.TextChoices):
        BUSINESS = "business", _("business notification")
        SYSTEM = "system", _("system notification")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages", verbose_name=_("user")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.BUSINESS)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)  # a path in this site
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class TrustedCa(models.Model):
    """A certificate authority the platform trusts (数字证书认证机构), configured by administrators: its certificate
    (X.509 PEM; RSA or ECDSA P-256), and where it publishes revocation (a CRL's URL, an OCSP responder's URL). Users'
    certificates must chain to an active one."""

    name = models.CharField(_("name"), max_length=128)
    certificate = models.TextField(_("certificate (PEM)"))
    subject = models.CharField(_("subject"), max_length=500)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    crl_url = models.URLField(_("CRL URL"), blank=True)
    ocsp_url = models.URLField(_("OCSP responder URL"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("trusted certificate authority")
        verbose_name_plural = _("trusted certificate authorities")

    def __str__(self) -> str:
        return self.name


class UserCertificate(models.Model):
    """A digital certificate bound to an account (CA数字证书): issued by a trusted CA to the user's verified name and ID
    number or credit code. Its chain, validity and revocation are checked at binding and at each use; a revoked or
    expired certificate withdraws what it allowed at once (docs/certificates.md)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked by its CA")
        EXPIRED = "expired", _("expired")
        UNBOUND = "unbound", _("unbound by its holder")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    issuer = models.ForeignKey(TrustedCa, on_delete=models.PROTECT, related_name="+")
    certificate = models.TextField(_("certificate (PEM)"))
    serial = models.CharField(_("serial number (hex)"), max_length=64)
    subject = models.CharField(_("subject"), max_length=500)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    key_algorithm = models.CharField(_("key algorithm"), max_length=16)  # rsa | ec-p256
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    bound_at = models.DateTimeField(_("bound at"))
    checked_at = models.DateTimeField(_("revocation last checked at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)  # revoked, expired or unbound
    ended_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-bound_at", "-id"]
        verbose_name = _("user certificate")
        verbose_name_plural = _("user certificates")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "serial"], name="accounts_certificate_issuer_serial"),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class OperationSignature(models.Model):
    """A signed operation (签名操作): the exact bytes a user's certificate signed for a bid, an application, a reserve
    entry, a suspension, a result or a contract's confirmation, verified before the operation was written
    (accounts/signing.py, docs/signing.md). The evidence entry of the operation carries `record_sha256`, the hash of
    this record's canonical form, so the log commits to the signature without naming the signer."""

    certificate = models.ForeignKey(UserCertificate, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    message = models.TextField(_("signed message"))  # the canonical JSON text whose UTF-8 bytes were signed
    signature = models.TextField(_("signature (base64)"))
    nonce = models.CharField(_("nonce"), max_length=64, unique=True)  # a signature stands for one operation only
    record_sha256 = models.CharField(_("record hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("verified at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("operation signature")
        verbose_name_plural = _("operation signatures")

    def __str__(self) -> str:
        return f"{self.action} ({self.record_sha256[:12]})"
