from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.choices import Domain, ExitReason, Level, Method, ReferralKind, ReferralStatus, SessionType
from tongban.cases.models import Case
from tongban.children.choices import Risk

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FOLLOW_UP_CHOICES = [(1, _("after 1 month")), (3, _("after 3 months")), (6, _("after 6 months")),
                     (12, _("after 12 months"))]


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_INPUT, **kwargs)


class CaseOpenForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["worker", "opened_on", "source", "reason"]
        widgets = {"opened_on": DATE_INPUT, "reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["opened_on"].initial = date.today()


class CaseEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Case
        fields = ["opened_on", "source", "reason"]
        widgets = {"opened_on": DATE_INPUT, "reason": forms.Textarea(attrs={"rows": 6})}


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("comment"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssessmentForm(forms.Form):
    assessed_on = _date(_("date"))
    methods = forms.MultipleChoiceField(label=_("methods"), choices=Method.choices,
                                        widget=forms.CheckboxSelectMultiple)
    risk = forms.ChoiceField(label=_("overall risk level"), choices=Risk.choices)
    needs = forms.CharField(label=_("needs identified"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = date.today()
        for domain in Domain:
            self.fields[f"level_{domain.value}"] = forms.TypedChoiceField(
                label=domain.label, choices=Level.choices, coerce=int, widget=forms.RadioSelect)
            self.fields[f"notes_{domain.value}"] = forms.CharField(
                label=_("notes on %(domain)s") % {"domain": domain.label}, required=False, max_length=500)

    def scores(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {d: (data[f"level_{d}"], data[f"notes_{d}"]) for d in Domain.values}


class PlanForm(forms.Form):
    aim = forms.CharField(label=_("overall aim"), widget=forms.Textarea(attrs={"rows": 3}))


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("domain"), choices=Domain.choices)
    need = forms.CharField(label=_("need it answers"), max_length=300)
    description = forms.CharField(label=_("goal"), max_length=500)
    due_on = _date(_("to reach by"))


class TaskForm(forms.Form):
    goal = forms.ModelChoiceField(label=_("goal"), queryset=None)  # type: ignore[arg-type]
    description = forms.CharField(label=_("task"), max_length=500)
    owner = forms.ModelChoiceField(label=_("who does it"), queryset=None)  # type: ignore[arg-type]
    due_on = _date(_("due on"))

    def __init__(self, *args: Any, goals: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["owner"].queryset = owners


class TaskDoneForm(forms.Form):
    done_on = _date(_("done on"), required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class SessionForm(forms.Form):
    held_on = _date(_("date"))
    kind = forms.ChoiceField(label=_("type"), choices=SessionType.choices)
    minutes = forms.IntegerField(label=_("minutes"), min_value=5, max_value=600, initial=60)
    participants = forms.CharField(label=_("participants"), required=False, max_length=300,
                                   help_text=_("e.g. the child, the grandmother, the class teacher"))
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("Counselling notes are never shown to bureau officials or volunteers."))
    files = MultipleFileField(label=_("photos or PDFs"), required=False,
                              help_text=_("JPEG, PNG or PDF. Where a photo was taken is removed from it."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = date.today()


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("resource"), choices=ReferralKind.choices)
    receiver = forms.CharField(label=_("receiving organisation"), max_length=200)
    notes = forms.CharField(label=_("what is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sent_on = _date(_("sent on"))
    consent_checked = forms.BooleanField(label=_("The guardian agreed to share the child's information with them"),
                                         required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = date.today()


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ReferralStatus.choices)
    outcome = forms.CharField(label=_("outcome"), required=False, max_length=500)


class TransferForm(forms.Form):
    to_worker = forms.ModelChoiceField(label=_("new social worker"), queryset=None)  # type: ignore[arg-type]
    reason = forms.CharField(label=_("reason"), max_length=500)
    transferred_on = _date(_("date"))

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_worker"].queryset = workers
        self.fields["to_worker"].label_from_instance = lambda u: f"{u} · {u.team}"
        self.fields["transferred_on"].initial = date.today()


class ClosureForm(forms.Form):
    exit_reason = forms.ChoiceField(label=_("exit reason"), choices=ExitReason.choices)
    summary = forms.CharField(label=_("closure summary"), widget=forms.Textarea(attrs={"rows": 5}))
    follow_up_months = forms.TypedMultipleChoiceField(
        label=_("follow-up visits"), choices=FOLLOW_UP_CHOICES, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, initial=[1, 3, 6])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("return", _("return"))],
                                 widget=forms.HiddenInput)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    done_on = _date(_("visited on"))
    notes = forms.CharField(label=_("what you found"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = date.today()
