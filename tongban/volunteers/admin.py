from django.contrib import admin

from tongban.core.admin import ScopedAdmin
from tongban.organisations.selectors import organisations_visible_to
from tongban.volunteers.models import Volunteer
from tongban.volunteers.selectors import volunteers_visible_to


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    access_kind = "volunteer"
    selector = volunteers_visible_to
    scoped_choices = {"team": organisations_visible_to}
    list_display = ["name", "team", "is_party_member", "active", "joined_on"]
    list_filter = ["active", "is_party_member"]
    search_fields = ["name"]
    list_select_related = ["team"]
    raw_id_fields = ["user"]
