"""Admin registration."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.api.verification import VerificationOutput
from accounts.certificates import trusted_ca_fields
from accounts.models import Message, RealNameVerification, TrustedCa, User, UserCertificate, VerificationDocumentView
from core.errors import ApplicationError


@admin.register(User)
class PhoneUserAdmin(UserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "real_name", "kind", "role", "verified_at", "is_staff", "is_active"]
    list_filter = ["kind", "role", "is_staff", "is_active"]
    search_fields = ["phone", "real_name", "email"]
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Identity"), {"fields": ("kind", "real_name", "verified_at", "parent", "email", "contact_address")}),
        (_("Permissions"), {"fields": ("role", "regions", "is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "password1", "password2")}),)


@admin.register(RealNameVerification)
class RealNameVerificationAdmin(admin.ModelAdmin):
    """Applications. Their documents are never linked by a media URL: only through the API, where every view is
    recorded (accounts.services.verification.verification_document_open)."""

    list_display = ["name", "kind", "status", "created_at", "reviewed_at"]
    list_filter = ["kind", "status"]
    exclude = ["licence", "id_front", "id_back"]
    readonly_fields = ["documents"]

    @admin.display(description=_("documents"))
    def documents(self, verification: RealNameVerification) -> str:
        links = [
            (url, label)
            for url, label in (
                (VerificationOutput().get_licence(verification), _("business licence")),
                (VerificationOutput().get_id_front(verification), _("ID card, front")),
                (VerificationOutput().get_id_back(verification), _("ID card, back")),
            )
            if url
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links) if links else "—"


admin.site.register(Message)


@admin.register(VerificationDocumentView)
class VerificationDocumentViewAdmin(admin.ModelAdmin):
    """The audit of views of verification documents: read-only (nobody adds, changes or deletes a row here)."""

    list_display = ["viewed_at", "viewer", "verification", "document", "client_address"]
    list_filter = ["document"]
    search_fields = ["=verification__id", "viewer__phone", "client_address"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TrustedCaForm(forms.ModelForm):
    """An administrator pastes the CA's certificate (PEM) and its endpoints; subject and fingerprint come from it."""

    crl_url = forms.URLField(label=_("CRL URL"), required=False, assume_scheme="https")
    ocsp_url = forms.URLField(label=_("OCSP responder URL"), required=False, assume_scheme="https")

    class Meta:
        model = TrustedCa
        fields = ["name", "certificate", "crl_url", "ocsp_url", "active"]

    def clean_certificate(self) -> str:
        try:
            fields = trusted_ca_fields(self.cleaned_data["certificate"])
        except ApplicationError as error:
            raise forms.ValidationError(error.fields["certificate"][0]["message"]) from error
        if TrustedCa.objects.filter(fingerprint_sha256=fields["fingerprint_sha256"]).exists():
            raise forms.ValidationError(_("This CA is already trusted."))
        self.instance.subject = fields["subject"]
        self.instance.fingerprint_sha256 = fields["fingerprint_sha256"]
        return fields["certificate"]


@admin.register(TrustedCa)
class TrustedCaAdmin(admin.ModelAdmin):
    """The CAs the platform trusts (docs/certificates.md): added by their PEM; the certificate of one already added
    does not change (add the CA's new certificate as another row), its name, endpoints and whether it is active do.
    Deactivating a CA refuses its certificates at binding and at each use."""

    form = TrustedCaForm
    list_display = ["name", "subject", "active", "crl_url", "ocsp_url", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["subject", "fingerprint_sha256", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: TrustedCa | None = None) -> list[str]:
        return [*self.readonly_fields, "certificate"] if obj else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # bound certificates refer to it: deactivate instead


@admin.register(UserCertificate)
class UserCertificateAdmin(admin.ModelAdmin):
    """Certificates bound by users: read-only here (users bind and unbind them; their CA revokes them)."""

    list_display = ["subject", "user", "issuer", "status", "not_after", "bound_at", "checked_at"]
    list_filter = ["status", "issuer"]
    search_fields = ["subject", "serial", "fingerprint_sha256", "user__phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
