"""Earlier work of a city-scale demo: the service sessions and group activities of the years before this one.

A city's ledger of 100,000 children comes with years of work behind it: issue #8 sizes it at about ten service
sessions per child and one group activity per five children. The small demo (and the test suite's world) stays as
it is: these steps only add rows when more are asked for than the case and community steps made.

At this volume Django's per-object bulk_create costs more than the database does, so rows go in as plain tuples:
PostgreSQL's COPY, or one prepared INSERT run with executemany on other databases.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from tongban.activities.models import Activity, ActivityType, Attendance
from tongban.cases.choices import SessionType, Stage
from tongban.cases.models import Case, ServiceSession, StageChange
from tongban.children.models import Child
from tongban.core.demo.cases import SESSION_NOTES, SESSION_WEIGHTS
from tongban.core.demo.records import SeedReport
from tongban.organisations.models import Site

# From this many children up, seed_demo writes a city's history unless told otherwise.
CITY_SCALE = 10_000
SESSIONS_PER_CHILD = 10
CHILDREN_PER_ACTIVITY = 5
ROW_BATCH = 20_000
HISTORY_KINDS = ["after_school_630", "companionship", "traditional_culture", "group_counselling",
                 "volunteer_service", "birthday_party", "youth_social", "ethnic_unity"]


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain tuples into the model's table, in batches; returns how many rows went in."""
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    total = 0
    batch: list[Sequence[Any]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})",
                                   batch)

    for row in rows:
        batch.append(row)
        if len(batch) >= ROW_BATCH:
            flush()
            total += len(batch)
            batch = []
    if batch:
        flush()
        total += len(batch)
    return total


class HistoryMixin:
    """Runs last: the cases, sites and children it adds to are in the database by then."""

    seed: int
    report: SeedReport

    def history(self, *, sessions: int, activities: int) -> None:
        rng = random.Random(f"history:{self.seed}")
        if sessions > self.report.sessions:
            self.report.sessions += self._past_sessions(rng, sessions - self.report.sessions)
        if activities > self.report.activities:
            added, invited = self._past_activities(rng, activities - self.report.activities)
            self.report.activities += added
            self.report.attendance += invited

    def _past_sessions(self, rng: random.Random, extra: int) -> int:
        """More sessions for every case that reached intervention, between its start and its closure (or today)."""
        today = date.today()
        began: dict[int, date] = {}
        ended: dict[int, date] = {}
        for case_id, stage, on in StageChange.objects.filter(
                to_stage__in=[Stage.INTERVENTION, Stage.CLOSURE]).values_list("case_id", "to_stage", "changed_on"):
            (began if stage == Stage.INTERVENTION else ended)[case_id] = on
        cases = list(Case.objects.filter(pk__in=list(began)).order_by("pk").values_list("pk", "worker_id"))
        if not cases:
            return 0
        kinds, weights = list(SESSION_WEIGHTS), list(SESSION_WEIGHTS.values())
        now = timezone.now()
        # Long cases get many sessions and short ones few: a share of the extra rows proportional to a random weight.
        shares = [rng.random() ** 2 + 0.05 for _c in cases]
        scale = extra / sum(shares)

        def rows() -> Iterable[tuple[Any, ...]]:
            left = extra
            for (case_id, worker_id), share in zip(cases, shares, strict=True):
                n = min(left, round(share * scale))
                left -= n
                start = began[case_id] - timedelta(days=365)
                span = max(1, (ended.get(case_id, today) - start).days)
                for _i in range(n):
                    kind = rng.choices(kinds, weights)[0]
                    yield (case_id, start + timedelta(days=rng.randrange(span)), kind, rng.choice((30, 45, 60, 90)),
                           worker_id, "孩子、监护人" if kind == SessionType.HOME_VISIT else "孩子",
                           rng.choice(SESSION_NOTES[SessionType(kind)]), now)

        return insert_rows(ServiceSession, ["case_id", "held_on", "kind", "minutes", "worker_id", "participants",
                                            "notes", "recorded_at"], rows())

    def _past_activities(self, rng: random.Random, extra: int) -> tuple[int, int]:
        """Activities of the past three years at every site, each with the site's children invited."""
        types = {t.code: t.pk for t in ActivityType.objects.all()}
        kinds = [k for k in HISTORY_KINDS if k in types]
        sites = list(Site.objects.select_related("region").order_by("pk"))
        if not sites or not kinds:
            return 0, 0
        kids: dict[int, list[int]] = defaultdict(list)
        for pk, township in Child.objects.filter(region__parent__isnull=False).values_list("pk", "region__parent_id"):
            kids[township].append(pk)
        first = date(date.today().year - 3, 1, 1)
        span = (date(date.today().year, 1, 1) - first).days
        now = timezone.now()
        made = []
        for i in range(extra):
            site = sites[i % len(sites)]
            kind = rng.choice(kinds)
            made.append(Activity(project_id=site.project_id, site=site, region_id=site.region_id, type_id=types[kind],
                                 title=f"{site.name}活动（往年第{i // len(sites) + 1}次）",
                                 held_on=first + timedelta(days=rng.randrange(span)), place=site.address,
                                 status=Activity.Status.HELD, walk_ins=rng.randint(0, 6),
                                 summary="孩子们积极参与，活动后整理了照片和反馈。", created_at=now))
        Activity.objects.bulk_create(made, batch_size=ROW_BATCH // 4)

        def rows() -> Iterable[tuple[Any, ...]]:
            for activity in made:
                pool = kids.get(activity.site.region_id, [])
                for child_id in rng.sample(pool, min(len(pool), rng.randint(5, 15))):
                    yield activity.pk, child_id, True, rng.random() < 0.8

        return len(made), insert_rows(Attendance, ["activity_id", "child_id", "invited", "attended"], rows())
