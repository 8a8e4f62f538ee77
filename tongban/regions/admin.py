from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from tongban.core.admin import ScopedAdmin
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to
from tongban.regions.services import region_save


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    access_kind = "region"
    selector = regions_visible_to
    list_display = ["code", "name", "level", "parent", "version"]
    list_filter = ["level", "version"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    ordering = ["code"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # Through the service: a moved region takes its sub-regions with it, and it is audited there.
        region_save(region=obj, actor=request.user, changed=list(form.changed_data))

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        form.save_m2m()
