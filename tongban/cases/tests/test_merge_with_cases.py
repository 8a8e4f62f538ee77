"""Merging two files of one child carries the case work along."""

import pytest
from django.core.exceptions import ValidationError

from tongban.cases.tests.factories import make_case
from tongban.children import services
from tongban.children.tests.factories import make_child
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def test_merging_moves_the_dropped_files_case_to_the_kept_file():
    keep = make_child(name="王子涵")
    drop = make_child(name="王子涵", birth_date=keep.birth_date, with_id=False)
    case = make_case(child=drop)

    services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)

    case.refresh_from_db()
    assert case.child_id == keep.pk


def test_two_files_with_open_cases_are_not_merged_and_nothing_moves():
    keep = make_child(name="王子涵")
    drop = make_child(name="王子涵", birth_date=keep.birth_date, with_id=False)
    make_case(child=keep)
    case = make_case(child=drop)

    with pytest.raises(ValidationError):
        services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)

    case.refresh_from_db()
    assert case.child_id == drop.pk
    drop.refresh_from_db()
    assert drop.merged_into_id is None
