"""Admin registration."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Message, RealNameVerification, User


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


admin.site.register(RealNameVerification)
admin.site.register(Message)
