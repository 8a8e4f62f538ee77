"""Our models' get_FOO_display() gives what Django's own gives, for every field with choices, in both languages."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from tongban.children.models import Child


def our_fields_with_choices():
    for model in apps.get_models():
        if model.__module__.startswith("tongban."):
            for field in model._meta.get_fields():
                if getattr(field, "choices", None) is not None:
                    yield model, field


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_label_is_the_one_django_would_show(language):
    checked = 0
    with translation.override(language):
        for model, field in our_fields_with_choices():
            shown = getattr(model, f"get_{field.name}_display")
            for value in [*(v for v, _label in field.flatchoices), "no-such-choice", None, 7]:
                obj = model()
                setattr(obj, field.attname, value)
                assert shown(obj) == Model._get_FIELD_display(obj, field), (model, field.name, value)
                checked += 1
    assert checked > 200


def test_the_label_follows_the_language_of_the_request():
    child = Child(risk="high")

    with translation.override("en"):
        english = child.get_risk_display()
    with translation.override("zh-hans"):
        chinese = child.get_risk_display()

    assert english != chinese and isinstance(chinese, str)


def test_our_models_no_longer_use_djangos_rebuilding_display():
    assert not isinstance(Child.__dict__["get_risk_display"], partialmethod)
