"""The timeline's wording, written in Python (cases/wording.py), says exactly what the template it replaced said."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from tongban.cases.choices import Stage
from tongban.cases.selectors import Event, child_timeline
from tongban.cases.tests.factories import bring_to, days_ago, make_case
from tongban.cases.tests.test_timeline import a_long_case
from tongban.cases.wording import case_line, event_words, session_line, timeline_line
from tongban.core.links import link_maker
from tongban.testing import cast, signed_in

# cases/_timeline_event.html as it was, included once per line of the file page's timeline (kept beside this test).
OLD_EVENT = Template((Path(__file__).parent / "timeline_event_as_template.html").read_text())
OLD_LINE = Template(
    """{% for e in timeline %}<li data-kind="{{ e.kind }}"><time datetime="{{ e.day|date:'Y-m-d' }}">"""
    """{{ e.day|date:"Y-m-d" }}</time> {% if e.url %}<a href="{{ e.url }}">{% endif %}"""
    """{% include event with v=e.obj %}{% if e.url %}</a>{% endif %}</li>{% endfor %}""")


def old_words(e: Event) -> str:
    return OLD_EVENT.render(Context({"e": e, "v": e.obj}))


def old_line(e: Event) -> str:
    return OLD_LINE.render(Context({"timeline": [e], "event": OLD_EVENT}))


def shown(text: str):
    return lambda: text


TRICKY = "<b>A&B</b> \"quoted\" 'x' 100%"
PEOPLE = SimpleNamespace(name=TRICKY, team=SimpleNamespace(name="队<1>"))
EVENTS = [
    Event(date(2025, 1, 2), "file_opened", SimpleNamespace()),
    Event(date(2025, 1, 2), "screened", SimpleNamespace(source_name=TRICKY)),
    Event(date(2025, 1, 3), "verification", SimpleNamespace(visitor=TRICKY, file_confirmed=True, notes="")),
    Event(date(2025, 1, 3), "verification", SimpleNamespace(visitor="李芳", file_confirmed=False, notes=TRICKY,
                                                            corrected_labels=shown(["地址", "<学校>"]))),
    Event(date(2025, 1, 4), "case_opened", SimpleNamespace(worker=TRICKY), "/cases/7/"),
    Event(date(2025, 1, 5), "assessment", SimpleNamespace(is_reassessment=False, get_risk_display=shown("高")),
          "/cases/7/#assessment-1"),
    Event(date(2025, 1, 5), "assessment", SimpleNamespace(is_reassessment=True, get_risk_display=shown(TRICKY))),
    Event(date(2025, 1, 6), "plan_approved", SimpleNamespace(), "/cases/7/#plan"),
    Event(date(2025, 1, 7), "session", SimpleNamespace(get_kind_display=shown(TRICKY), minutes=45),
          "/cases/7/sessions/9/"),
    Event(date(2025, 1, 8), "referral", SimpleNamespace(get_kind_display=shown("教育"), receiver=TRICKY,
                                                        get_status_display=shown("<已发送>"))),
    Event(date(2025, 1, 9), "transfer", SimpleNamespace(from_worker=TRICKY, to_worker="王<强>")),
    Event(date(2025, 1, 10), "case_closed", SimpleNamespace(get_exit_reason_display=shown(TRICKY))),
    Event(date(2025, 1, 11), "pairing", SimpleNamespace(volunteer=PEOPLE, ends_on=None), "/volunteers/p/3/"),
    Event(date(2025, 1, 11), "pairing", SimpleNamespace(volunteer=PEOPLE, ends_on=date(2026, 3, 4))),
    Event(date(2025, 1, 12), "activity", SimpleNamespace(activity=SimpleNamespace(title=TRICKY, type="生日会&")),
          "/activities/5/?a=1&b=2"),
    Event(date(2025, 1, 13), "follow_up", SimpleNamespace(months=3)),
    Event(date(2025, 1, 14), "something_new", SimpleNamespace()),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind)
def test_each_kind_of_event_is_worded_as_the_template_worded_it(event, language):
    with translation.override(language):
        assert event_words(event) == old_words(event)
        assert timeline_line(event) == old_line(event)


@pytest.mark.django_db
def test_a_real_childs_timeline_reads_as_it_did():
    ended = bring_to(make_case(opened_on=days_ago(90)), Stage.ENDED)
    running = a_long_case()

    events = [*child_timeline(cast("lead_dalate"), ended.child), *child_timeline(cast("lead_dalate"), running.child)]

    assert len({e.kind for e in events}) >= 9
    assert [timeline_line(e) for e in events] == [old_line(e) for e in events]


# The sessions of cases/detail.html as they were, a {% url %} and three filters per session.
OLD_SESSIONS = Template((Path(__file__).parent / "session_as_template.html").read_text())


def a_session(pk: int, *, notes: str = "", attachments: int = 0, participants: str = "") -> SimpleNamespace:
    return SimpleNamespace(pk=pk, held_on=date(2025, 3, pk), get_kind_display=shown("个案<辅导>"), minutes=45 + pk,
                           worker=TRICKY, participants=participants, notes=notes,
                           attachments=SimpleNamespace(all=shown([object()] * attachments)),
                           attachment_count=attachments)


SESSIONS = [a_session(1), a_session(2, notes=TRICKY * 10, attachments=1, participants="奶奶 & 孩子"),
            a_session(3, notes="短", attachments=3), a_session(4, notes="x" * 160), a_session(5, notes="y" * 161)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("may_read_notes", [True, False])
def test_each_session_of_a_case_reads_as_the_template_wrote_it(language, may_read_notes):
    case = SimpleNamespace(pk=77)
    link = link_maker("cases:session", case.pk)
    with translation.override(language):
        old = OLD_SESSIONS.render(Context({"sessions": SESSIONS, "case": case, "may_read_notes": may_read_notes}))
        new = "".join(session_line(s, link(s.pk), may_read_notes=may_read_notes) for s in SESSIONS)

    assert new == old


# The line of cases/list.html as it was.
OLD_CASES = Template((Path(__file__).parent / "case_row_as_template.html").read_text())


def a_case(pk: int, *, parent: bool = True, sessions: int = 0, worker: object = TRICKY) -> SimpleNamespace:
    county = SimpleNamespace(name="达拉特旗<1>") if parent else None
    child = SimpleNamespace(name=TRICKY, region=SimpleNamespace(name="树林召镇&", parent=county))
    return SimpleNamespace(pk=pk, child=child, get_stage_display=shown("介入<>"), worker=worker,
                           opened_on=date(2025, 2, pk), session_count=sessions)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_case_of_the_list_reads_as_the_template_wrote_it(language):
    cases = [a_case(1), a_case(2, parent=False, sessions=1), a_case(3, sessions=110, worker=None)]
    detail = link_maker("cases:detail")

    with translation.override(language):
        assert "".join(case_line(c, detail(c.pk)) for c in cases) == OLD_CASES.render(Context({"page": cases}))


@pytest.mark.django_db
def test_the_case_list_reads_as_it_did(client):
    a_long_case()
    signed_in(client, "lead_dalate")

    response = client.get("/cases/")

    cases = list(response.context["page"])
    assert cases and any(c.session_count for c in cases)
    assert OLD_CASES.render(Context({"page": cases})) in response.content.decode()
