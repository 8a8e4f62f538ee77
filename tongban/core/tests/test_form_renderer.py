"""Selects are written in Python for speed: the HTML must be exactly what Django's own templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from tongban.core.forms import FormRenderer, NameChoiceField


class Choices(forms.Form):
    region = forms.ChoiceField(choices=[("", "---------"), ("150621", "达拉特旗"),
                                        ("x\"<", "<script>alert(1)</script>")])
    grouped = forms.ChoiceField(required=False, choices=[
        ("旗县", [("1", "东胜区"), ("2", "达拉特旗 & 准格尔旗")]), ("其他", [("3", "乡镇")]), ("4", "单独")])
    several = forms.MultipleChoiceField(choices=[("a", "甲"), ("b", "乙"), ("c", "丙")],
                                        widget=forms.SelectMultiple(attrs={"class": "wide", "data-x": "1\"2"}))
    disabled = forms.ChoiceField(choices=[("1", "一")], disabled=True)


@pytest.mark.parametrize("data", [
    None, {"region": "150621", "grouped": "2", "several": ["a", "c"]}, {"region": "x\"<", "several": []}])
def test_a_select_is_written_exactly_as_djangos_templates_write_it(data):
    ours = Choices(data, renderer=FormRenderer())
    django = Choices(data, renderer=DjangoTemplates())

    for name in ("region", "grouped", "several", "disabled"):
        assert str(ours[name]) == str(django[name])
    assert "<script>" not in str(ours["region"]) and "&lt;script&gt;" in str(ours["region"])


def test_the_project_renders_its_forms_with_it(settings):
    assert settings.FORM_RENDERER == "tongban.core.forms.FormRenderer"
    assert 'selected>达拉特旗</option>' in str(Choices({"region": "150621"})["region"])


def _region_forms(data):
    from tongban.regions.models import Region

    townships = Region.objects.filter(code__startswith="150621", level__lte=Region.Level.TOWNSHIP)

    class Ours(forms.Form):
        region = NameChoiceField(queryset=townships, required=False, empty_label="全部")

    class Djangos(forms.Form):
        region = forms.ModelChoiceField(queryset=townships, required=False, empty_label="全部")

    return Ours(data), Djangos(data), townships


@pytest.mark.django_db
def test_a_choice_of_records_by_name_offers_and_cleans_them_as_djangos_own_field():
    township = _region_forms(None)[2].order_by("code").last()
    for data in (None, {"region": str(township.pk)}, {"region": "0"}):
        ours, django, townships = _region_forms(data)
        assert townships.count() > 5
        assert str(ours["region"]) == str(django["region"])
        if data:
            assert ours.is_valid() == django.is_valid()
            assert ours.errors == django.errors
    ours = _region_forms({"region": str(township.pk)})[0]
    assert ours.is_valid() and ours.cleaned_data["region"] == township
    assert f'<option value="{township.pk}" selected>{township.name}</option>' in str(ours["region"])
