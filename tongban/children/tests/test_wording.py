"""The children list's lines, written in Python (children/wording.py), are the ones its template wrote."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from tongban.children.tests.factories import category, make_child
from tongban.children.wording import child_line
from tongban.core.links import link_maker
from tongban.testing import signed_in

# The line of children/list.html as it was, a {% url %}, a translated age and three labels per child.
OLD_LINES = Template((Path(__file__).parent / "child_row_as_template.html").read_text())
TRICKY = "<b>A&B</b> \"q\" 'x' 100%"


def old(children) -> str:
    return OLD_LINES.render(Context({"page": children}))


def new(children) -> str:
    detail = link_maker("children:detail")
    return "".join(child_line(c, detail(c.pk), [cc.category.name for cc in c.categories.all()]) for c in children)


def a_child(pk: int, *, parent: bool = True, masked: str = "", categories=()) -> SimpleNamespace:
    county = SimpleNamespace(name="达拉特旗<1>") if parent else None
    return SimpleNamespace(
        pk=pk, name=TRICKY, age=pk, risk="high\"", id_masked=masked,
        region=SimpleNamespace(name="树林召镇&", parent=county, parent_id=1 if parent else None),
        get_sex_display=lambda: "女", get_risk_display=lambda: TRICKY, get_status_display=lambda: "在服务<>",
        categories=SimpleNamespace(all=lambda: [SimpleNamespace(category=SimpleNamespace(name=n)) for n in categories]))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_line_reads_as_the_template_wrote_it(language):
    children = [a_child(1), a_child(9, parent=False, masked="150621********123X"),
                a_child(17, categories=["孤儿", TRICKY])]

    with translation.override(language):
        assert new(children) == old(children)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_list_of_real_files_reads_as_it_did(client, language):
    make_child(name="王小明", categories=[category("single_parent"), category("hiv_affected")])
    make_child(name="<i>张</i>", with_id=False)
    signed_in(client, "lead_dalate")

    response = client.get("/children/", HTTP_ACCEPT_LANGUAGE=language)

    children = list(response.context["page"])
    assert len(children) >= 2 and any(c.categories.all() for c in children)
    with translation.override(language):
        assert new(children) == old(children)
    assert new(children) in response.content.decode()
