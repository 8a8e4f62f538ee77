from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.donations.models import Donation, Donor

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DonorForm(forms.ModelForm):
    class Meta:
        model = Donor
        fields = ["kind", "name", "anonymous", "organisation", "project", "region", "phone"]

    def __init__(self, *args: Any, projects: Any, regions: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["region"].queryset = regions
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].help_text = _("For an enterprise or organisation already known to Tongban.")
        only = list(projects[:2])
        if len(only) == 1:
            self.fields["project"].initial = only[0].pk


def donor_form_choices(user: Any) -> dict[str, Any]:
    """What the donor form offers this user: their projects, regions down to a county, known organisations."""
    from tongban.organisations.models import Organisation
    from tongban.organisations.selectors import organisations_visible_to, projects_visible_to
    from tongban.regions.models import Region
    from tongban.regions.selectors import regions_visible_to

    return {
        "projects": projects_visible_to(user),
        "regions": regions_visible_to(user).filter(level__lte=Region.Level.COUNTY),
        "organisations": organisations_visible_to(user).filter(
            kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.SOCIAL_ORG, Organisation.Kind.OTHER]),
    }


class DonationForm(forms.ModelForm):
    class Meta:
        model = Donation
        fields = ["kind", "received_on", "value_yuan", "goods_description", "quantity", "unit", "purpose"]
        widgets = {"received_on": DATE_INPUT}
        help_texts = {"value_yuan": _("Money: the amount received. Goods: their estimated value.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = date.today()
        self.fields["value_yuan"].widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0.01"})


class AllocationForm(forms.Form):
    RECIPIENTS = [("child", _("a child")), ("activity", _("an activity")), ("site", _("a site"))]
    recipient = forms.ChoiceField(label=_("allocate to"), choices=RECIPIENTS, widget=forms.RadioSelect,
                                  initial="child")
    child = forms.CharField(label=_("child"), required=False, max_length=60,
                            help_text=_("Name, pinyin initials or the last digits of the ID number."))
    activity = forms.ModelChoiceField(label=_("activity"), queryset=None, required=False)  # type: ignore[arg-type]
    site = forms.ModelChoiceField(label=_("site"), queryset=None, required=False)  # type: ignore[arg-type]
    value_yuan = forms.DecimalField(label=_("value (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, required=False)
    allocated_on = forms.DateField(label=_("allocated on"), widget=DATE_INPUT, initial=date.today)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, activities: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["site"].queryset = sites


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("from"), required=False, widget=DATE_INPUT)
    last = forms.DateField(label=_("to"), required=False, widget=DATE_INPUT)


class DonationFilterForm(PeriodForm):
    donor_kind = forms.ChoiceField(label=_("kind of donor"), choices=[("", "—"), *Donor.Kind.choices],
                                   required=False)
    kind = forms.ChoiceField(label=_("money or goods"), choices=[("", "—"), *Donation.Kind.choices], required=False)
