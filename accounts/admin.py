"""Admin registration."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.api.verification import VerificationOutput
from accounts.models import Message, RealNameVerification, User, VerificationDocumentView


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
