"""Django admin that goes through the same access door as every page."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from tongban.accounts.access import scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record, model_changes


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose lists, choices and rights come from the access module.

    `access_kind` names the record kind in access.WRITERS; `selector` returns
    what a user may see. Every save and delete is written to the audit trail.
    """

    access_kind: str = ""
    selector: Callable[[Any], QuerySet[Any]]
    # Related-field choices, limited to what the user may see: field name -> selector.
    scoped_choices: dict[str, Callable[[Any], QuerySet[Any]]] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = type(self).selector(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and not scope_for(request.user).is_empty)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request) and scope_for(request.user).may_write(self.access_kind)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_add_permission(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        selector = self.scoped_choices.get(db_field.name)
        if selector is not None:
            kwargs["queryset"] = selector(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        selector = self.scoped_choices.get(db_field.name)
        if selector is not None:
            kwargs["queryset"] = selector(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            self._audit_save(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            # Recorded after the many-to-many fields are saved, so the event shows them.
            self._audit_save(request, form.instance, form, change)

    def _audit_save(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            target=obj,
            changes=model_changes(obj, list(form.changed_data)),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(actor=request.user, action=AuditEvent.Action.DELETE, target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action=AuditEvent.Action.DELETE, target=obj)
        super().delete_queryset(request, queryset)


class PersonFileAdmin(ScopedAdmin):
    """For records about a person: every opening of the record is audited."""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=obj)
        return response


# Roles, not auth groups, decide what people may do: the group pages would only mislead.
admin.site.unregister(Group)
