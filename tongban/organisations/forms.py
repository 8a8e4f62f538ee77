from typing import Any

from django import forms

from tongban.organisations.models import Site


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind", "address", "opening_hours", "capacity", "staff"]
        widgets = {"staff": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
