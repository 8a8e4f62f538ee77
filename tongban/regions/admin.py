from django.contrib import admin

from tongban.core.admin import ScopedAdmin
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    access_kind = "region"
    selector = regions_visible_to
    list_display = ["code", "name", "level", "parent", "version"]
    list_filter = ["level", "version"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    ordering = ["code"]
