from django.contrib import admin

from tongban.activities.models import ActivityType, BrandLine
from tongban.core.admin import ScopedAdmin


@admin.register(ActivityType)
class ActivityTypeAdmin(ScopedAdmin):
    # Reference data: everyone with admin access reads it; only system administrators change it.
    access_kind = "reference"
    selector = staticmethod(lambda user: ActivityType.objects.all())
    list_display = ["name", "code", "active", "order"]
    list_editable = ["active", "order"]


@admin.register(BrandLine)
class BrandLineAdmin(ScopedAdmin):
    access_kind = "reference"
    selector = staticmethod(lambda user: BrandLine.objects.all())
    list_display = ["name", "code", "active", "order"]
