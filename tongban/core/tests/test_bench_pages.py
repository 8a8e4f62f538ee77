from django.urls import reverse

from tongban.core.bench.pages import pages

TARGETS = {"dalate_pk": 1, "category_pk": 2, "name": "子涵", "id_tail": "123456", "child_pk": 3, "case_pk": 4,
           "case_sessions": 50}


def test_bench_measures_the_city_statistics_page() -> None:
    measured = {p.name: p.path for p in pages(TARGETS)}

    assert measured["statistics_city"] == reverse("reports:statistics")


def test_bench_measures_the_api_list_and_detail_calls_of_children_and_cases() -> None:
    measured = {p.name: p.path for p in pages(TARGETS)}

    assert measured["api_children"] == "/api/v1/children/"
    assert measured["api_child"] == "/api/v1/children/3"
    assert measured["api_cases"] == "/api/v1/cases/"
    assert measured["api_case"] == "/api/v1/cases/4"
