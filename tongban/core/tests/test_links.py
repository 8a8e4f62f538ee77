"""Links made once per page are the ones reverse() gives for each row."""

import pytest
from django.urls import reverse

from tongban.core.links import link_maker


@pytest.mark.parametrize(("viewname", "args"), [("children:detail", []), ("cases:session", [12]),
                                                 ("cases:detail", []), ("activities:detail", [])])
def test_a_made_link_is_the_reversed_one(viewname, args):
    link = link_maker(viewname, *args)

    for pk in (1, 9, 42, 100000, 918273645):
        assert link(pk) == reverse(viewname, args=[*args, pk])


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        link_maker("cases:session", 1)("1/../2")
