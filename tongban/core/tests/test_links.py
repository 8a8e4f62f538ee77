"""Links to records written by the `link` filter are the addresses {% url %} writes, under any script prefix."""

import pytest
from django.template import Context, Template
from django.urls import get_script_prefix, set_script_prefix

TEMPLATE = Template("{% load links %}{% for pk in ids %}{{ pk|link:'cases:detail' }} {% url 'cases:detail' pk %}|"
                    "{% endfor %}{{ 7|link:'children:detail' }} {% url 'children:detail' 7 %}")


def pairs() -> list[list[str]]:
    return [pair.split(" ") for pair in TEMPLATE.render(Context({"ids": [1, 42, 918273645, 10**12]})).split("|")]


@pytest.mark.parametrize("prefix", ["/", "/tongban/"])
def test_the_link_filter_writes_what_the_url_tag_writes(prefix):
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        written = pairs()
    finally:
        set_script_prefix(before)

    assert len(written) == 5
    assert all(ours == djangos and ours.startswith(prefix) for ours, djangos in written)
    assert written[1][0] == f"{prefix}cases/42/"
