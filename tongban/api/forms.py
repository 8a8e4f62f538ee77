from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60,
                           help_text=_("What the token is for, e.g. the county's data system."))
    scope = forms.ChoiceField(label=_("scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ,
                              widget=forms.RadioSelect)
    days = forms.TypedChoiceField(label=_("valid for"), coerce=int, initial=90, choices=[
        (30, _("30 days")), (90, _("90 days")), (365, _("one year"))])
