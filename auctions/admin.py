"""Admin registration: banks, rule profiles and trading centres are administered here; lots, entrustments and
announcements are shown read-only (they change through the services, and a published announcement never does)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from auctions.models import Announcement, Bank, Entrustment, Lot, RuleProfile, TradingCentre


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(RuleProfile)
class RuleProfileAdmin(admin.ModelAdmin):
    """Presets and centre profiles; a lot's own copy is changed by its centre's staff before its announcement."""

    list_display = ["name", "is_preset", "countdown_seconds", "increment_multiples", "timed_entry", "reserve_entry"]
    list_filter = ["is_preset"]
    readonly_fields = ["is_preset"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleProfile]:
        return super().get_queryset(request).filter(lot__isnull=True)


@admin.register(TradingCentre)
class TradingCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "rule_profile", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "region__code", "region__name"]
    raw_id_fields = ["region"]
    filter_horizontal = ["banks", "staff"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "rule_profile":  # not a lot's own copy
            kwargs["queryset"] = RuleProfile.objects.filter(lot__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: the services keep these records' rules."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "centre", "status", "trading_mode", "door"]
    list_filter = ["status", "trading_mode", "door"]
    search_fields = ["number", "title"]


@admin.register(Entrustment)
class EntrustmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "centre", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "kind", "status", "published_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title"]
