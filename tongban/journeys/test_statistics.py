"""A bureau official of the city reads the statistics: opens them from the navigation, changes the period and the
region, sees the charts redrawn for them, and takes the figures away as Excel and as PDF."""

import io
import json
import shutil
import subprocess
from datetime import date

from openpyxl import load_workbook

from tongban.journeys.pages import zh

CHARTS = ("regions", "categories", "monthly", "breakdown")


def chart_data(tab) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return json.loads(tab.page.locator("#statistics-charts").text_content())


def drawn(tab) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What each chart's canvas shows now, once ECharts has drawn all four."""
    for name in CHARTS:
        tab.page.locator(f"[data-chart={name}][data-drawn='1'] canvas").first.wait_for(timeout=15_000)
    return {name: tab.page.locator(f"[data-chart={name}] canvas").first.evaluate("c => c.toDataURL()")
            for name in CHARTS}


def test_a_bureau_official_reads_the_statistics_of_a_banner_and_exports_them(open_page, viewport, tmp_path):
    tab = open_page("bureau_ordos")
    tab.go("/")
    tab.follow(zh("Statistics"), screenshot="statistics of the city")
    city, city_pictures = chart_data(tab), drawn(tab)
    assert "达拉特旗" in city["regions"]["labels"]
    assert tab.page.locator("[data-table=children_by_region] tbody tr").count() == 9
    tab.page.locator("#charts").screenshot(path=str(tab.shots.next_path("charts of the city")))

    # Last year and this year, in 达拉特旗 only.
    first = date(date.today().year - 1, 1, 1)
    tab.fill("form.filters", first=first.isoformat(), last=date.today().isoformat())
    tab.choose("form.filters", region="达拉特旗")
    tab.submit(zh("Show"), screenshot="statistics of dalate")

    banner, banner_pictures = chart_data(tab), drawn(tab)
    assert "达拉特旗" not in banner["regions"]["labels"] and "树林召镇" in banner["regions"]["labels"]
    assert banner["monthly"]["labels"][0] == f"{first:%Y-%m}" and len(banner["monthly"]["labels"]) > 12
    changed = [name for name in CHARTS if banner_pictures[name] != city_pictures[name]]
    assert changed == list(CHARTS), f"not redrawn: {set(CHARTS) - set(changed)}"
    tab.page.locator("#charts").screenshot(path=str(tab.shots.next_path("charts of dalate")))
    assert "东胜区" not in tab.page.locator("[data-table=children_by_region]").inner_text()

    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name=zh("Export to Excel")).click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    assert workbook.name == f"statistics-{first:%Y%m%d}-{date.today():%Y%m%d}-150621.xlsx"
    book = load_workbook(workbook)
    rows = [r[0] for r in book[zh("Children by region")].iter_rows(min_row=5, values_only=True)]
    assert "树林召镇" in rows and "东胜区" not in rows and rows[-1] == zh("Total")

    href = tab.page.get_by_role("link", name=zh("Print / PDF")).get_attribute("href")
    assert "region=" in href and f"first={first.isoformat()}" in href
    response = tab.page.request.get(tab.url(href))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert zh("Statistics") in text and "树林召镇" in text and "东胜区" not in text
    (tmp_path / f"statistics-{viewport}.pdf").write_bytes(pdf)
    load_workbook(io.BytesIO(workbook.read_bytes()))  # the saved file opens again as it was downloaded
