"""The long lists of the file and case pages, one line per event or session, written in Python.

A child in service for a year has a hundred or more sessions: a template include per line of the timeline, with
its chain of {% if %}s and translations, or a {% url %} and three filters per session on the case page, cost more
than the rest of the page. The wording, the escaping and the translated messages are the templates' own
(tests/test_wording.py compares them line by line with the templates they replace).
"""

from datetime import date
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from tongban.cases.selectors import Event
from tongban.core.html import esc as _e


def _day(value: date) -> str:
    return value.isoformat()


def _say(translated: str, **values: Any) -> str:
    """A translated message with escaped values; the translation itself is trusted, as {% blocktranslate %} does."""
    return translated % {k: _e(v) for k, v in values.items()}


def _words(e: Event) -> str:  # noqa: C901, PLR0911 - one branch per kind of event, as the template had
    v = e.obj
    kind = e.kind
    if kind == "session":
        return _say(gettext("%(kind)s, %(minutes)s minutes"), kind=v.get_kind_display(), minutes=v.minutes)
    if kind == "file_opened":
        return _e(gettext("File opened"))
    if kind == "screened":
        return _say(gettext("Screened in %(source)s"), source=v.source_name)
    if kind == "verification":
        text = _say(gettext("Home verification by %(visitor)s"), visitor=v.visitor)
        if v.file_confirmed:
            text += " · " + _e(gettext("file confirmed"))
        else:
            text += " · " + _say(gettext("corrected: %(fields)s"),
                                 fields=mark_safe("、".join(_e(label) for label in v.corrected_labels())))  # noqa: S308
        if v.notes:
            text += f'<br><span class="muted">{_e(v.notes)}</span>'
        return text
    if kind == "case_opened":
        return _say(gettext("Case opened, social worker %(worker)s"), worker=v.worker)
    if kind == "assessment":
        what = gettext("Re-assessment") if v.is_reassessment else gettext("Assessment")
        return _e(what) + " · " + _e(v.get_risk_display())
    if kind == "plan_approved":
        return _e(gettext("Service plan approved"))
    if kind == "referral":
        return (_say(gettext("Referred to %(receiver)s (%(kind)s)"), kind=v.get_kind_display(), receiver=v.receiver)
                + " · " + _e(v.get_status_display()))
    if kind == "transfer":
        return _say(gettext("Case handed over from %(old)s to %(new)s"), old=v.from_worker, new=v.to_worker)
    if kind == "case_closed":
        return _say(gettext("Case closed: %(reason)s"), reason=v.get_exit_reason_display())
    if kind == "pairing":
        text = _say(gettext("Paired with volunteer %(volunteer)s (%(team)s)"), volunteer=v.volunteer.name,
                    team=v.volunteer.team.name)
        if v.ends_on:
            text += " · " + _say(gettext("until %(day)s"), day=_day(v.ends_on))
        return text
    if kind == "activity":
        return _say(gettext("Took part in “%(title)s” (%(kind)s)"), title=v.activity.title, kind=v.activity.type)
    if kind == "follow_up":
        return _say(gettext("Follow-up visit after %(months)s months"), months=v.months)
    return ""


def event_words(e: Event) -> SafeString:
    """What happened, as the timeline says it (the text of cases/_timeline_event.html, newline included)."""
    return mark_safe(_words(e) + "\n")  # noqa: S308 - every value is escaped above


def timeline_line(e: Event) -> SafeString:
    """One <li> of the file page's timeline: the day, and the words linking to the record when there is one."""
    words = event_words(e)
    day = _day(e.day)
    if e.url:
        url = _e(e.url)
        return mark_safe(  # noqa: S308 - escaped
            f'<li data-kind="{_e(e.kind)}"><time datetime="{day}">{day}</time> <a href="{url}">{words}</a></li>')
    return mark_safe(f'<li data-kind="{_e(e.kind)}"><time datetime="{day}">{day}</time> {words}</li>')  # noqa: S308


def session_line(s: Any, url: str, *, may_read_notes: bool) -> SafeString:
    """One session on the case page: day, kind, minutes, worker, and the notes only for those who may read them."""
    minutes = _say(gettext("%(minutes)s minutes"), minutes=s.minutes)
    text = (f'\n    <li class="record"><a href="{_e(url)}"><strong>{_day(s.held_on)} {_e(s.get_kind_display())}'
            f"</strong></a>\n      <span>{minutes} · {_e(s.worker)}")
    if s.participants:
        text += f" · {_e(s.participants)}"
    text += "</span>\n      "
    if may_read_notes:
        if s.notes:
            text += f'<span class="muted notes">{_e(Truncator(s.notes).chars(160))}</span>'
        n = s.attachment_count
        if n:
            text += f'<span class="tag">{ngettext("%(n)s attachment", "%(n)s attachments", n) % {"n": n}}</span>'
    return mark_safe(text + "\n    </li>")  # noqa: S308 - every value is escaped above


def case_line(case: Any, url: str) -> SafeString:
    """One case of the case list: the child linking to the case, stage, place, worker, opening day, sessions."""
    region = case.child.region
    county = _e(region.parent.name) if region.parent is not None else ""
    opened = _say(gettext("opened %(day)s"), day=_day(case.opened_on))
    n = case.session_count
    sessions = ngettext("%(n)s session", "%(n)s sessions", n) % {"n": _e(n)}
    return mark_safe(  # noqa: S308 - every value is escaped
        f'\n  <li class="record">\n    <a class="record-title" href="{_e(url)}">{_e(case.child.name)}</a>'
        f'\n    <span class="tag">{_e(case.get_stage_display())}</span>'
        f"\n    <span>{county} {_e(region.name)}</span>"
        f'\n    <span class="muted">{_e(case.worker)} · {opened} · {sessions}</span>\n  </li>\n')
