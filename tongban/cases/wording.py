"""How the child's timeline words each event, written in Python instead of a template included once per line.

A child in service for a year has a hundred or more sessions: an include per line, with its chain of {% if %}s
and translations, cost more than the rest of the file page. The wording, the escaping and the translated
messages are the template's own (tests/test_wording.py compares the two line by line).
"""

from datetime import date
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tongban.cases.selectors import Event


def _e(value: Any) -> str:
    return conditional_escape(str(value))


def _day(value: date) -> str:
    return value.isoformat()


def _say(message: str, **values: Any) -> str:
    """A translated message with escaped values; the translation itself is trusted, as {% blocktranslate %} does."""
    return gettext(message) % {k: _e(v) for k, v in values.items()}


def _words(e: Event) -> str:  # noqa: C901, PLR0911 - one branch per kind of event, as the template had
    v = e.obj
    kind = e.kind
    if kind == "session":
        return _say("%(kind)s, %(minutes)s minutes", kind=v.get_kind_display(), minutes=v.minutes)
    if kind == "file_opened":
        return _e(gettext("File opened"))
    if kind == "screened":
        return _say("Screened in %(source)s", source=v.source_name)
    if kind == "verification":
        text = _say("Home verification by %(visitor)s", visitor=v.visitor)
        if v.file_confirmed:
            text += " · " + _e(gettext("file confirmed"))
        else:
            text += " · " + _say("corrected: %(fields)s",
                                 fields=mark_safe("、".join(_e(label) for label in v.corrected_labels())))  # noqa: S308
        if v.notes:
            text += f'<br><span class="muted">{_e(v.notes)}</span>'
        return text
    if kind == "case_opened":
        return _say("Case opened, social worker %(worker)s", worker=v.worker)
    if kind == "assessment":
        return _e(gettext("Re-assessment" if v.is_reassessment else "Assessment")) + " · " + _e(v.get_risk_display())
    if kind == "plan_approved":
        return _e(gettext("Service plan approved"))
    if kind == "referral":
        return (_say("Referred to %(receiver)s (%(kind)s)", kind=v.get_kind_display(), receiver=v.receiver)
                + " · " + _e(v.get_status_display()))
    if kind == "transfer":
        return _say("Case handed over from %(old)s to %(new)s", old=v.from_worker, new=v.to_worker)
    if kind == "case_closed":
        return _say("Case closed: %(reason)s", reason=v.get_exit_reason_display())
    if kind == "pairing":
        text = _say("Paired with volunteer %(volunteer)s (%(team)s)", volunteer=v.volunteer.name,
                    team=v.volunteer.team.name)
        if v.ends_on:
            text += " · " + _say("until %(day)s", day=_day(v.ends_on))
        return text
    if kind == "activity":
        return _say("Took part in “%(title)s” (%(kind)s)", title=v.activity.title, kind=v.activity.type)
    if kind == "follow_up":
        return _say("Follow-up visit after %(months)s months", months=v.months)
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
