from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.activities.models import Activity, ActivityType, BrandLine
from tongban.core.forms import version_field
from tongban.regions.models import Region

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "type", "brand_line", "project", "site", "region", "held_on", "starts_at", "place", "plan"]
        widgets = {"held_on": DATE_INPUT, "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "plan": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, projects: Any, sites: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = ActivityType.objects.filter(active=True)
        self.fields["brand_line"].queryset = BrandLine.objects.filter(active=True)
        self.fields["project"].queryset = projects
        self.fields["site"].queryset = sites
        self.fields["region"].queryset = regions.filter(level__lte=Region.Level.TOWNSHIP)
        self.fields["region"].required = False
        self.fields["region"].help_text = _("Only for an activity away from a site.")
        only = list(projects[:2])
        if len(only) == 1:
            self.fields["project"].initial = only[0].pk


class ActivityEditForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "type", "brand_line", "held_on", "starts_at", "place", "status", "plan", "summary"]
        widgets = {"held_on": DATE_INPUT, "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "plan": forms.Textarea(attrs={"rows": 4}), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = ActivityType.objects.filter(active=True)
        self.fields["brand_line"].queryset = BrandLine.objects.filter(active=True)


class ActivityPageEditForm(ActivityEditForm):
    """The page's edit of an activity: with the version it was loaded with."""

    version = version_field()


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(label=_("attended"), coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    walk_ins = forms.IntegerField(label=_("walk-in children"), min_value=0, initial=0)
    summary = forms.CharField(label=_("summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(a.child_id, a.child_id) for a in rows]


class InviteForm(forms.Form):
    children = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(pk, pk) for pk in choices]


class VolunteerHoursForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("volunteer"), queryset=None)  # type: ignore[arg-type]
    hours = forms.DecimalField(label=_("hours"), min_value=0.5, max_value=24, decimal_places=1, max_digits=4)

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)


class ActivityFilterForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=None, required=False)  # type: ignore[arg-type]
    type = forms.ModelChoiceField(label=_("type"), queryset=ActivityType.objects.all(), required=False)
    brand_line = forms.ModelChoiceField(label=_("brand line"), queryset=BrandLine.objects.all(), required=False)
    status = forms.ChoiceField(label=_("status"), choices=[("", "—"), *Activity.Status.choices], required=False)
    first = forms.DateField(label=_("from"), required=False, widget=DATE_INPUT)
    last = forms.DateField(label=_("to"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class BirthdayForm(forms.Form):
    site = forms.ModelChoiceField(label=_("site"), queryset=None)  # type: ignore[arg-type]
    month = forms.TypedChoiceField(label=_("month"), coerce=int, choices=[(m, m) for m in range(1, 13)])
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        today = date.today()
        self.fields["month"].initial = today.month
        self.fields["year"].initial = today.year
