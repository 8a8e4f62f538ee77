"""The children list of a whole city: counted up to a cap, said honestly, and paged in the list's order."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from tongban.children.models import Child
from tongban.children.tests.factories import make_child
from tongban.testing import signed_in

pytestmark = pytest.mark.django_db


def test_a_list_longer_than_the_cap_says_so_and_pages_through_the_first_rows_only(client, monkeypatch):
    monkeypatch.setattr("tongban.core.paging.LIST_CAP", 4)
    monkeypatch.setattr("tongban.children.views.PAGE_SIZE", 3)
    signed_in(client, "pm_ordos")

    response = client.get("/children/")
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 4 and page.paginator.num_pages == 2
    with translation.override(settings.LANGUAGE_CODE):
        said = gettext("More than %(cap)s children match; the list shows the first %(cap)s. Narrow the search or "
                       "the filters to see the others.") % {"cap": 4}
    assert said in response.content.decode()
    assert len(client.get("/children/?page=2").context["page"]) == 1
    assert client.get("/children/?page=99").context["page"].number == 2


def test_a_list_under_the_cap_gives_its_exact_count(client, monkeypatch):
    monkeypatch.setattr("tongban.core.paging.LIST_CAP", 4)
    signed_in(client, "lead_dalate")
    for given in "一二三":
        make_child(name=f"禤{given}")

    page = client.get("/children/?q=禤").context["page"]
    assert not page.paginator.capped and page.paginator.count == 3


def test_the_pages_hold_every_child_once_in_the_lists_order(client, monkeypatch):
    monkeypatch.setattr("tongban.children.views.PAGE_SIZE", 4)
    signed_in(client, "lead_dalate")
    made = [make_child(name=f"禤{given}") for given in "丁乙丙甲戊己庚辛壬癸"]

    seen = []
    for number in (1, 2, 3):
        seen += [c.pk for c in client.get(f"/children/?q=禤&page={number}").context["page"]]
    expected = list(Child.objects.filter(pk__in=[c.pk for c in made]).order_by("name_pinyin", "pk")
                    .values_list("pk", flat=True))
    assert seen == expected
