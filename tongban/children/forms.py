from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.children.choices import ETHNICITY_CHOICES, Relation, Risk, Sex, Status, Welfare
from tongban.children.models import Child, Consent, DifficultyCategory, FamilyMember
from tongban.core.forms import NameChoiceField, version_field
from tongban.regions.models import Region

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChildForm(forms.ModelForm):
    id_number = forms.CharField(label=_("resident ID number"), required=False, max_length=30,
                                help_text=_("18 characters. Birth date and sex are read from it."),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    welfare = forms.MultipleChoiceField(label=_("welfare received"), choices=Welfare.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    recorded_categories = forms.ModelMultipleChoiceField(
        label=_("categories recorded by you"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=DifficultyCategory.objects.filter(rule="", active=True, subtypes__isnull=True),
        help_text=_("Orphan, de-facto unsupported, left-behind and similar categories are worked out from the "
                    "family details; you do not tick them."))
    confirmed_new = forms.BooleanField(label=_("I checked the files above: this is a different child"),
                                       required=False, widget=forms.HiddenInput)

    class Meta:
        model = Child
        fields = ["name", "sex", "birth_date", "ethnicity", "hukou", "project", "region", "address", "school",
                  "grade", "health", "disability", "disability_grade", "psychological_state", "risk", "status",
                  "assigned_worker", "pseudonym"]
        widgets = {"birth_date": DATE_INPUT}
        labels = {"name": pgettext_lazy("a person's", "name")}

    def __init__(self, *args: Any, projects: Any, regions: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = _village_label
        self.fields["region"].help_text = _("The village or community where the child lives now.")
        self.fields["assigned_worker"].queryset = workers
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        self.fields["pseudonym"].required = False
        self.fields["pseudonym"].help_text = _("Leave empty to have one made up.")
        if self.instance.pk:
            self.fields["welfare"].initial = self.instance.welfare
            self.fields["recorded_categories"].initial = [
                cc.category_id for cc in self.instance.categories.all() if cc.source == "recorded"]
        only = list(projects[:2])
        if len(only) == 1:
            self.fields["project"].initial = only[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("id_number") and not (data.get("sex") and data.get("birth_date")):
            raise forms.ValidationError(_("Give the ID number, or the sex and birth date if the child has none."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for key in ("id_number", "recorded_categories", "confirmed_new"):
            data.pop(key, None)
        if not data.get("pseudonym"):
            data.pop("pseudonym", None)
        return data


def child_form_choices(user: Any) -> dict[str, Any]:
    """What the file form offers this user: their projects, the villages of their area, their team's workers.

    The file pages and the API build the form from the same choices, so both refuse the same values.
    """
    from tongban.accounts.access import scope_for
    from tongban.accounts.models import Role, User
    from tongban.organisations.selectors import projects_visible_to
    from tongban.regions.selectors import regions_visible_to

    scope = scope_for(user)
    projects = projects_visible_to(user)
    workers = User.objects.filter(role__in=[Role.WORKER, Role.TEAM_LEAD], is_active=True,
                                  team__project__in=projects)
    if scope.role in (Role.WORKER, Role.TEAM_LEAD):
        workers = workers.filter(team_id=scope.team_id)
    regions = regions_visible_to(user).filter(level=Region.Level.VILLAGE).select_related("parent")
    return {"projects": projects, "regions": regions, "workers": workers}


def _village_label(region: Region) -> str:
    return f"{region.parent.name} {region.name}" if region.parent_id else region.name


class FamilyMemberForm(forms.ModelForm):
    phone = forms.CharField(label=_("phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "life_status", "is_guardian", "guardianship_quality", "works_away", "health",
                  "disability", "disability_grade", "condition", "condition_since", "condition_evidence",
                  "monthly_income_yuan"]
        widgets = {"condition_since": DATE_INPUT}
        labels = {"name": pgettext_lazy("a person's", "name")}


class FamilyMemberEditForm(FamilyMemberForm):
    """The page's edit of a family member: with the version it was loaded with."""

    version = version_field()


class ConsentForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("agreed to"), choices=Consent.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Consent
        fields = ["guardian_name", "relation", "given_on", "scopes", "document"]
        widgets = {"given_on": DATE_INPUT}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("why you need the full number"), max_length=300,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class VerificationForm(forms.Form):
    visited_on = forms.DateField(label=_("visit date"), widget=DATE_INPUT)
    child_seen = forms.BooleanField(label=_("I saw the child in person"), required=False, initial=True)
    guardian_present = forms.BooleanField(label=_("a guardian was at home"), required=False, initial=True)
    address = forms.CharField(label=_("current address"), max_length=300, required=False)
    school = forms.CharField(label=_("school"), max_length=100, required=False)
    grade = forms.CharField(label=_("grade"), max_length=30, required=False)
    health = forms.CharField(label=_("health"), max_length=300, required=False)
    psychological_state = forms.CharField(label=_("psychological state"), max_length=300, required=False)
    risk = forms.ChoiceField(label=_("risk level"), choices=Risk.choices)
    notes = forms.CharField(label=_("what you found"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    CORRECTABLE = ("address", "school", "grade", "health", "psychological_state", "risk")


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("search"), required=False,
                        widget=forms.SearchInput(attrs={"placeholder": _("name, pinyin initials, ID tail, phone")}))
    region = NameChoiceField(label=_("region"), queryset=Region.objects.none(), required=False)
    category = NameChoiceField(label=_("category"), queryset=DifficultyCategory.objects.filter(active=True),
                               required=False)
    risk = forms.ChoiceField(label=_("risk level"), choices=[("", "—"), *Risk.choices], required=False)
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *Status.choices], required=False)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), *Sex.choices], required=False)
    ethnicity = forms.ChoiceField(label=_("ethnicity"), choices=[("", "—"), *ETHNICITY_CHOICES], required=False)
    age_min = forms.IntegerField(label=_("age from"), min_value=0, max_value=30, required=False)
    age_max = forms.IntegerField(label=_("age to"), min_value=0, max_value=30, required=False)
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filtering offers the levels above villages; a township includes its villages.
        self.fields["region"].queryset = regions.filter(level__lte=Region.Level.TOWNSHIP)


RELATION_CHOICES = Relation.choices
