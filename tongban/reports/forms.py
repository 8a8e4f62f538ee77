from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import NameChoiceField
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.reports.selectors import Period

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Long enough for a project's whole life, short enough that nobody asks for a century by mistake.
MAX_DAYS = 366 * 10
# No file predates 1900; the ages and months a period is counted by stay within what a date can hold.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


class PeriodForm(forms.Form):
    """The statistics' filters: a period, a region (with everything below it) and a project."""

    first = forms.DateField(label=_("from"), required=False, widget=DATE_INPUT)
    last = forms.DateField(label=_("to"), required=False, widget=DATE_INPUT)
    region = NameChoiceField(label=_("region"), queryset=Region.objects.none(), required=False,
                             empty_label=_("all of my area"))
    project = forms.ModelChoiceField(label=_("project"), queryset=Project.objects.none(), required=False,
                                     empty_label=_("all projects"))

    def __init__(self, *args: Any, regions: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Down to townships, as the children list filters: a township includes its villages.
        self.fields["region"].queryset = regions.filter(level__lte=Region.Level.TOWNSHIP).order_by("path")
        self.fields["project"].queryset = projects.order_by("-starts_on", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Checked with the defaults filled in: an end date alone far ahead, or a start alone long ago, is as long a
        # period as one typed in full (and each month of it is a branch of the statistics' SQL).
        for name in ("first", "last"):
            if data.get(name) and not EARLIEST <= data[name] <= LATEST:
                self.add_error(name, _("Choose a date between 1900 and 2199."))
                return data
        first, last = bounds(data.get("first"), data.get("last"), date.today())
        if last < first:
            self.add_error("last", _("The period cannot end before it starts."))
        elif (last - first).days > MAX_DAYS:
            self.add_error("last", _("Choose a period of at most ten years."))
        return data

    def period(self, today: date | None = None) -> Period:
        """The period asked for; this year so far for what was left empty or refused."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        first, last = bounds(data.get("first"), data.get("last"), today or date.today())
        return Period(first=first, last=last, region=data.get("region"), project=data.get("project"))


def bounds(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The period's first and last day for what was left empty: from the first of January of the end's year (this
    year's without an end), to today (or to the start, when it is later)."""
    first = first or date((last or today).year, 1, 1)
    return first, last or max(today, first)


class ReportForm(forms.Form):
    """The drafted report as the person edits it before export."""

    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(label=_("text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 22}),
                           help_text=_("One paragraph after another, with an empty line between them. Children "
                                       "appear under their pseudonyms: a real name typed here is replaced on "
                                       "export."))

    def paragraphs(self) -> list[str]:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        return [" ".join(p.split("\n")).strip() for p in text.split("\n\n") if p.strip()]
