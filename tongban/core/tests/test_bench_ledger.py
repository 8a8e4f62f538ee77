import pytest

from tongban.core.bench.ledger import generated_ledger, import_seconds

pytestmark = pytest.mark.django_db


def test_the_bench_ledger_is_a_screening_ledger_of_new_children_that_checks_without_errors(tmp_path):
    data = generated_ledger(30, tmp_path / "ledger.xlsx")

    _seconds, summary = import_seconds(data, dry_run=True)

    assert summary["rows"] == 30
    assert summary["errors"] == 0
    assert summary["to_create"] + summary["skipped"] == 30
