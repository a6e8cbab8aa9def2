"""Admin registration: the reviewing authorities (审核机构) a deployer names per region."""

from django.contrib import admin

from market.models import ReviewingAuthority


@admin.register(ReviewingAuthority)
class ReviewingAuthorityAdmin(admin.ModelAdmin):
    list_display = ["region", "name"]
    search_fields = ["name", "region__code", "region__name"]
    raw_id_fields = ["region"]
