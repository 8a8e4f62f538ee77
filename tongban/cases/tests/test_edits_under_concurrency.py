"""Two people save the same child file or case at the same moment: one change is kept, the other is refused as a
conflict — never silently overwritten.

Both records carry a version; a save changes the row only where the version is still the one the editor loaded
(compare-and-set in one UPDATE), so under PostgreSQL's row locks the second writer waits for the first, finds the
version moved on and is refused. This needs real concurrent transactions: it runs on PostgreSQL only, with threads
that each hold their own connection, and (as a transactional test) builds the little it needs itself.
"""

import threading
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tongban.accounts.models import Role, User
from tongban.cases import services as case_services
from tongban.cases.models import Case
from tongban.children import services as child_services
from tongban.children.models import Child
from tongban.organisations.models import Organisation, Project, Team
from tongban.regions.models import Region

EDITORS = 4
ROUNDS = 3


def a_small_world() -> tuple[User, User, Child]:
    """A county with one project and team, a team lead and a worker, and one child."""
    city = Region.objects.create(code="990100", name="并发测试市", level=Region.Level.CITY, path="/990100/",
                                 version="test")
    county = Region.objects.create(code="990101", name="并发测试旗", level=Region.Level.COUNTY, parent=city,
                                   path="/990100/990101/", version="test")
    bureau = Organisation.objects.create(name="并发测试民政局", kind=Organisation.Kind.BUREAU, region=city)
    contractor = Organisation.objects.create(name="并发测试社工协会", kind=Organisation.Kind.CONTRACTOR, region=city)
    project = Project.objects.create(name="并发测试项目", funder=bureau, contractor=contractor,
                                     starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    project.regions.set([county])
    team = Team.objects.create(project=project, region=county, name="并发测试项目组")
    lead = User.objects.create(username="concurrency_lead", role=Role.TEAM_LEAD, team=team, region=county,
                               organisation=contractor)
    worker = User.objects.create(username="concurrency_worker", role=Role.WORKER, team=team, region=county,
                                 organisation=contractor)
    child = child_services.child_register(actor=lead, confirmed_new=True, name="并发测试儿童", project=project,
                                          region=county, hukou="rural", ethnicity="汉族", birth_date=date(2017, 5, 1),
                                          sex="F", assigned_worker=worker)
    return lead, worker, child


def edit_at_once(edits: list[Callable[[], Any]]) -> tuple[list[Any], list[Exception]]:
    """Run the edits in threads released together; what each returned or raised."""
    start, saved, refused = threading.Barrier(len(edits)), [], []

    def run(edit: Callable[[], Any]) -> None:
        try:
            start.wait()
            saved.append(edit())
        except ValidationError as exc:
            refused.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(edit,)) for edit in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return saved, refused


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writing transaction at a time, so nothing is concurrent")


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_child_file_keep_one_and_refuse_the_others():
    needs_postgresql()
    lead, _, child = a_small_world()
    for round_ in range(ROUNDS):
        loaded = [Child.objects.get(pk=child.pk) for _ in range(EDITORS)]  # every editor opened the same version
        version = loaded[0].version
        edits = [partial(child_services.child_update, actor=lead, child=loaded[n], version=version,
                         school=f"第{round_}轮 编辑{n}") for n in range(EDITORS)]

        saved, refused = edit_at_once(edits)

        assert len(saved) == 1 and len(refused) == EDITORS - 1
        assert all(exc.code == "conflict" for exc in refused)
        now = Child.objects.get(pk=child.pk)
        assert now.version == version + 1
        assert now.school == saved[0].school


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_case_keep_one_and_refuse_the_others():
    needs_postgresql()
    lead, worker, child = a_small_world()
    case = case_services.case_open(actor=lead, child=child, worker=worker, reason="并发测试")
    for round_ in range(ROUNDS):
        loaded = [Case.objects.get(pk=case.pk) for _ in range(EDITORS)]
        version = loaded[0].version
        edits = [partial(case_services.case_update, actor=worker, case=loaded[n], version=version,
                         reason=f"第{round_}轮 编辑{n}") for n in range(EDITORS)]

        saved, refused = edit_at_once(edits)

        assert len(saved) == 1 and len(refused) == EDITORS - 1
        assert all(isinstance(exc, case_services.CaseConflict) for exc in refused)
        now = Case.objects.get(pk=case.pk)
        assert now.version == version + 1
        assert now.reason == saved[0].reason
