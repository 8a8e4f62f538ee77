from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import version_field
from tongban.volunteers.models import Availability, Pairing, PairingVisit, Skill, Volunteer

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VolunteerForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(label=_("skills"), choices=Skill.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("availability"), choices=Availability.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Volunteer
        fields = ["name", "team", "user", "phone", "is_party_member", "skills", "availability", "joined_on", "active",
                  "notes"]
        widgets = {"joined_on": DATE_INPUT}

    def __init__(self, *args: Any, teams: Any, accounts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["user"].queryset = accounts
        self.fields["user"].help_text = _("The volunteer's account, if they sign in to log their visits.")
        if self.instance.pk:
            self.fields["skills"].initial = self.instance.skills
            self.fields["availability"].initial = self.instance.availability


class VolunteerEditForm(VolunteerForm):
    """The page's edit of a volunteer: with the version it was loaded with."""

    version = version_field()


class PairingForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["volunteer", "site", "starts_on", "ends_on", "purpose"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, volunteers: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["site"].queryset = sites
        self.fields["starts_on"].initial = date.today()


class PairingEndForm(forms.Form):
    ends_on = forms.DateField(label=_("ends on"), widget=DATE_INPUT, initial=date.today)
    reason = forms.CharField(label=_("why it ended"), max_length=200, required=False)


class PairingEndPageForm(PairingEndForm):
    """The pairing page's end form: with the version the page was loaded with."""

    version = version_field()


class VisitForm(forms.ModelForm):
    class Meta:
        model = PairingVisit
        fields = ["visited_on", "minutes", "what_was_done", "concerns"]
        widgets = {"visited_on": DATE_INPUT, "what_was_done": forms.Textarea(attrs={"rows": 3}),
                   "concerns": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = date.today()
        self.fields["minutes"].widget.attrs.update({"min": 1, "max": 600, "inputmode": "numeric"})


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)
