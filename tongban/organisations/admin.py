from django.contrib import admin

from tongban.core.admin import ScopedAdmin
from tongban.organisations.models import Organisation, Project, Site, Team
from tongban.organisations.selectors import (
    organisations_visible_to,
    projects_visible_to,
    sites_visible_to,
    teams_visible_to,
)
from tongban.regions.selectors import regions_visible_to


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    access_kind = "organisation"
    selector = organisations_visible_to
    scoped_choices = {"region": regions_visible_to, "incubated_by": organisations_visible_to}
    list_display = ["name", "kind", "region", "incubated_by", "registration_status"]
    list_filter = ["kind", "registration_status"]
    search_fields = ["name"]
    list_select_related = ["region", "incubated_by"]
    autocomplete_fields = ["region"]


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    access_kind = "project"
    selector = projects_visible_to
    scoped_choices = {"funder": organisations_visible_to, "contractor": organisations_visible_to,
                      "regions": regions_visible_to}
    list_display = ["name", "funder", "contractor", "starts_on", "ends_on", "target_children"]
    search_fields = ["name"]
    list_select_related = ["funder", "contractor"]
    autocomplete_fields = ["regions"]


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    access_kind = "team"
    selector = teams_visible_to
    scoped_choices = {"project": projects_visible_to, "region": regions_visible_to}
    list_display = ["name", "project", "region"]
    # Only the projects of visible teams: the plain filter would list every project in the system.
    list_filter = [("project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "region__name"]
    list_select_related = ["project", "region"]
    autocomplete_fields = ["region"]


@admin.register(Site)
class SiteAdmin(ScopedAdmin):
    access_kind = "site"
    selector = sites_visible_to
    scoped_choices = {"project": projects_visible_to, "region": regions_visible_to}
    list_display = ["name", "kind", "project", "region"]
    list_filter = ["kind", ("project", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "address"]
    list_select_related = ["project", "region"]
    autocomplete_fields = ["region"]
