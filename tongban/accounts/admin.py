from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role, User
from tongban.accounts.selectors import users_visible_to
from tongban.accounts.services import sign_out_everywhere
from tongban.core.admin import PersonFileAdmin
from tongban.organisations.selectors import organisations_visible_to, teams_visible_to
from tongban.regions.selectors import regions_visible_to

# Roles a project admin may hand out: never a bureau or another admin role.
_PROJECT_ADMIN_GRANTS = [Role.TEAM_LEAD, Role.WORKER, Role.CHILD_DIRECTOR, Role.CHILD_SUPERVISOR, Role.VOLUNTEER]


@admin.register(User)
class UserAdmin(PersonFileAdmin, DjangoUserAdmin):
    access_kind = "user"
    selector = users_visible_to
    scoped_choices = {"organisation": organisations_visible_to, "region": regions_visible_to,
                      "team": teams_visible_to}
    list_display = ["username", "full_name", "role", "organisation", "team", "region", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    list_select_related = ["organisation", "team", "region"]
    actions = ["sign_out_everywhere"]
    autocomplete_fields = ["region"]
    ordering = ["username"]
    _scope_fieldset = (_("Scope"), {"fields": ("role", "organisation", "region", "team")})
    _person_fieldset = (_("Person"), {"fields": ("full_name", "phone", "email")})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return (
                (None, {"fields": ("username", "usable_password", "password1", "password2")}),
                self._person_fieldset,
                self._scope_fieldset,
            )
        fieldsets: list[Any] = [(None, {"fields": ("username", "password")}), self._person_fieldset,
                                self._scope_fieldset]
        if request.user.is_superuser:
            fieldsets.append((_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}))
        else:
            fieldsets.append((_("Permissions"), {"fields": ("is_active",)}))
        fieldsets.append((_("Important dates"), {"fields": ("last_login", "date_joined")}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["last_login", "date_joined"]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [("", "---------")] + [(r.value, r.label) for r in _PROJECT_ADMIN_GRANTS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.role not in (
                "", *_PROJECT_ADMIN_GRANTS)):
            # A project admin manages field staff, not bureau officials or other admins.
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail points at them.
        return request.user.is_superuser and scope_for(request.user).everything

    @admin.action(description=_("Sign out on every device"), permissions=["change"])
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """A lost phone, a colleague who left: end every session of the chosen accounts at once."""
        users = [u for u in queryset if self.has_change_permission(request, u)]
        for user in users:
            sign_out_everywhere(actor=request.user, user=user)
        self.message_user(request, ngettext("%(count)d account has been signed out on every device.",
                                            "%(count)d accounts have been signed out on every device.",
                                            len(users)) % {"count": len(users)})
