"""The city dataset: built once with seed_demo, reused by every later run; and what each page is asked for."""

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Count

from tongban.accounts.models import User
from tongban.activities.models import Activity
from tongban.cases.models import Case, ServiceSession
from tongban.cases.services.work import SESSION_STAGES
from tongban.children.models import Child, DifficultyCategory, FamilyMember
from tongban.regions.models import Region

EXPORT_ROWS = 10_000


@dataclass
class Dataset:
    seeded_seconds: float | None
    counts: dict[str, int]
    # Names the pages use: users, a child, a case, search texts, the export's filter.
    targets: dict[str, Any] = field(default_factory=dict)
    # When it was seeded (its first account's creation): which dataset an earlier run's results were measured on.
    seeded_at: str = ""


def _create_database_if_missing() -> None:
    """The PostgreSQL benchmark database (tongban_bench) is created on first use."""
    try:
        connection.ensure_connection()
    except OperationalError:
        if connection.vendor != "postgresql":
            raise
        import psycopg  # noqa: PLC0415 - only for PostgreSQL
        from psycopg import sql  # noqa: PLC0415

        params = connection.get_connection_params()
        name = params.pop("dbname")
        with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_dataset(children: int, out: Any) -> Dataset:
    """Migrate, seed the city if the database is empty, and count what is there."""
    _create_database_if_missing()
    call_command("migrate", verbosity=0)
    seeded = None
    if not User.objects.exists():
        out.write(f"Seeding the city dataset ({children:,} children); this takes minutes.")
        started = time.monotonic()
        call_command("seed_demo", children=children, stdout=out)
        seeded = time.monotonic() - started
    elif connection.vendor == "postgresql":
        # A migration that rewrote a table (or the summaries rebuilt after one) leaves dead rows that autovacuum,
        # off on some machines, would clear in a deployment: measured through, every page reads them too.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    counts = {
        "children": Child.objects.count(),
        "family_members": FamilyMember.objects.count(),
        "cases": Case.objects.count(),
        "service_sessions": ServiceSession.objects.count(),
        "activities": Activity.objects.count(),
    }
    first = User.objects.order_by("date_joined").values_list("date_joined", flat=True).first()
    return Dataset(seeded, counts, _targets(), first.isoformat() if first else "")


def _targets() -> dict[str, Any]:
    lead = User.objects.get(username="lead_dalate")
    # The case of the lead's banner with the most sessions among those that take new ones (assessment to
    # evaluation): the heaviest case page a lead opens, and one on which the load's clients record sessions.
    case = (Case.objects.filter(team_id=lead.team_id, stage__in=SESSION_STAGES).annotate(n=Count("sessions"))
            .order_by("-n", "pk").values("pk", "child_id", "n").first())
    assert case is not None, "the dataset has no case in 达拉特旗"
    # A common given name (two characters) and a child's ID tail, read back from an encrypted number.
    names = Counter(n[-2:] for n in Child.objects.filter(region__path__startswith=lead.region.path)
                    .values_list("name", flat=True)[:5000] if len(n) >= 3)
    with_id = Child.objects.exclude(id_encrypted="").filter(region__path__startswith=lead.region.path).order_by("pk")
    id_number = with_id.first().id_number()  # type: ignore[union-attr]
    # The county whose children come nearest 10,000 rows for the ledger export.
    counties = {r.code: r for r in Region.objects.filter(level=Region.Level.COUNTY, code__startswith="1506")}
    per_county: Counter[str] = Counter()
    for path in Child.objects.current().values_list("region__path", flat=True).iterator(chunk_size=20000):
        per_county[path.split("/")[3] if path.count("/") > 3 else ""] += 1
    export_code = min((c for c in counties if per_county[c]), key=lambda c: abs(per_county[c] - EXPORT_ROWS))
    category = DifficultyCategory.objects.filter(rule="left_behind").first() or DifficultyCategory.objects.first()
    return {
        "case_pk": case["pk"], "case_sessions": case["n"], "child_pk": case["child_id"],
        "name": names.most_common(1)[0][0], "id_tail": id_number[-6:],
        "export_region_pk": counties[export_code].pk, "export_region": counties[export_code].name,
        "export_rows": per_county[export_code], "dalate_pk": lead.region_id,
        "category_pk": category.pk if category else "",
    }
