"""The charts: ECharts from our own static files, fed by json_script with the figures of the tables, following the
page's filters, and no inline script on the page."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tongban.regions.models import Region
from tongban.reports.selectors import Period, statistics
from tongban.reports.selectors.charts import chart_data, months
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def page_charts(client, **params):  # type: ignore[no-untyped-def]
    response = client.get("/statistics/", params)
    found = re.search(r'<script id="statistics-charts" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert found, "the chart data is on the page"
    return json.loads(found.group(1)), response


def test_echarts_is_served_from_our_own_static_files_with_its_licence(client):
    signed_in(client, "bureau_ordos")

    _data, response = page_charts(client)

    html = response.content.decode()
    assert '<script src="/static/reports/vendor/echarts.min.js" defer>' in html
    assert '<script src="/static/reports/statistics.js" defer>' in html
    assert "cdn" not in html.lower()
    vendor = Path(finders.find("reports/vendor/echarts.min.js")).parent
    assert "Apache License" in (vendor / "echarts-LICENSE.txt").read_text()


def test_the_page_has_no_inline_script_code(client):
    signed_in(client, "bureau_ordos")

    _data, response = page_charts(client)

    for tag in re.findall(r"<script[^>]*>", response.content.decode()):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.findall(r"<[^>]+ on\w+=", response.content.decode())


def test_the_charts_show_the_figures_of_the_tables():
    user = cast("bureau_ordos")
    period = Period(date(date.today().year, 1, 1), date.today())
    stats = statistics(user, period)

    data = chart_data(user, period, stats)

    table = stats["children_by_region"]
    assert data["regions"]["labels"] == [r.label for r in table.rows if r.key]
    assert data["regions"]["series"][0]["data"] == [r.values[0] for r in table.rows if r.key]
    assert data["regions"]["series"][1]["data"] == [r.values[2] for r in table.rows if r.key]
    assert sum(data["monthly"]["series"][1]["data"]) == stats["sessions_by_type"].total[0]
    assert sum(data["monthly"]["series"][2]["data"]) == stats["activities_by_type"].total[0]
    assert sum(data["monthly"]["series"][0]["data"]) == stats["children_by_region"].total[1]
    assert sum(d["value"] for d in data["breakdown"]["data"]) == table.total[0]
    by_category = {r.label: r.values[0] for r in stats["children_by_category"].rows}
    for series in data["categories"]["series"]:
        assert sum(series["data"]) == by_category[series["name"]], series["name"]


def test_the_charts_follow_the_region_and_the_period_chosen(client):
    signed_in(client, "bureau_ordos")
    dalate = Region.objects.get(code="150621")

    city, _ = page_charts(client)
    banner, _ = page_charts(client, region=dalate.pk, first="2026-03-01", last="2026-05-31")

    assert "达拉特旗" in city["regions"]["labels"]
    assert set(banner["regions"]["labels"]) <= set(Region.objects.filter(parent=dalate).values_list("name", flat=True))
    assert banner["monthly"]["labels"] == ["2026-03", "2026-04", "2026-05"]


def test_months_of_a_period_run_across_the_new_year():
    assert [f"{m:%Y-%m}" for m in months(Period(date(2025, 11, 15), date(2026, 2, 1)))] == [
        "2025-11", "2025-12", "2026-01", "2026-02"]
