"""Forms of the screening import and the ledger export."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.access import scope_for
from tongban.children.screening.mapping import ColumnPlan, field_choices
from tongban.children.screening.reading import FileRefused, check_size
from tongban.children.screening.services import writable_projects
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to


class UploadForm(forms.Form):
    project = forms.ModelChoiceField(label=_("project"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    region = forms.ModelChoiceField(label=_("screened region"), queryset=None,  # type: ignore[arg-type]
                                    help_text=_("The banner, district or township this ledger covers."))
    file = forms.FileField(label=_("ledger (Excel .xlsx)"),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.fields["project"].queryset = writable_projects(user)
        # Counties and townships; a child director screens their own village.
        regions = regions_visible_to(user).filter(
            Q(level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]) | Q(path__in=scope.region_paths)
        ).filter(level__gte=Region.Level.COUNTY).order_by("path")
        self.fields["region"].queryset = regions
        # A team works in one banner: that is the usual answer.
        top = [r for r in regions if r.path in scope.region_paths]
        if len(top) == 1:
            self.fields["region"].initial = top[0].pk

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            check_size(upload.size or 0)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        project, region = data.get("project"), data.get("region")
        if project and region and not any(region.path.startswith(r.path) for r in project.regions.all()):
            self.add_error("region", _("This region is not covered by the project %(project)s.")
                           % {"project": project})
        return data


class ColumnsForm(forms.Form):
    """One select per column of the uploaded ledger: which field it holds, or "ignore"."""

    def __init__(self, *args: Any, plans: list[ColumnPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = plans
        for plan in plans:
            self.fields[f"col_{plan.letter}"] = forms.ChoiceField(
                label=f"{plan.letter} · {plan.label}", choices=field_choices(), required=False, initial=plan.field)

    def chosen(self) -> dict[str, str]:
        return {plan.letter: self.cleaned_data.get(f"col_{plan.letter}") or "" for plan in self.plans}

    def rows(self) -> list[tuple[ColumnPlan, forms.BoundField]]:
        return [(plan, self[f"col_{plan.letter}"]) for plan in self.plans]


def _password_field() -> forms.CharField:
    return forms.CharField(
        label=_("password to open the file (optional)"), required=False, min_length=8, max_length=100, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. Excel and WPS ask for it when the file is opened; tell it to the "
                    "recipient by another way than the file (e.g. by phone)."))


class ExportRevealForm(forms.Form):
    reason = forms.CharField(label=_("why you need the full ID numbers"), max_length=300, min_length=2,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = _password_field()


class ExportOptionsForm(forms.Form):
    outsiders = forms.BooleanField(
        label=_("for outsiders (对外): pseudonyms, no names, addresses or full numbers"), required=False)
    password = _password_field()
