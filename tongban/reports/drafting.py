"""A drafted project report: a few paragraphs in Chinese that state the period's figures the way the programme
reports do ("服务儿童5000余名，链接爱心企业23家……"), with illustrative closed cases under pseudonyms.

The draft is made from the same scoped figures as the statistics page and is edited by a person before it is
exported to PDF or Word. Real names never reach it: the illustrative cases are told by pseudonym with their free
text scrubbed of the child's and the family's names, and whatever text is exported passes the name guard
(`guard_names`) again, in case a name was typed in while editing.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.cases.choices import ExitReason, SessionType
from tongban.cases.models import ServiceSession
from tongban.children.models import ChildCategory, FamilyMember
from tongban.children.outsiders import Scrubber
from tongban.children.selectors import children_visible_to
from tongban.reports.selectors import Period, statistics
from tongban.reports.selectors.figures import scoped_cases
from tongban.reports.selectors.kpis import project_kpis

ILLUSTRATIONS = 3


@dataclass
class Draft:
    title: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _n(value: Any) -> str:
    """Figures as a report writes them: thousands separated, money to the fen, hours to a tenth."""
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value.as_tuple().exponent == -2 else f"{value:,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _area(user: Any, p: Period) -> str:
    if p.region is not None:
        return p.region.name
    from tongban.accounts.access import scope_for
    from tongban.regions.models import Region

    scope = scope_for(user)
    names = list(Region.objects.filter(path__in=scope.region_paths).order_by("code").values_list("name", flat=True))
    return "、".join(names) if names and not scope.everything else _("the whole service area")


def _listing(rows: list[tuple[str, Any]], unit: str, limit: int = 4) -> str:
    top = [(label, n) for label, n in sorted(rows, key=lambda r: -r[1]) if n][:limit]
    return "、".join(f"{label}{_n(n)}{unit}" for label, n in top)


def _illustrations(user: Any, p: Period) -> list[str]:
    """Closed cases of the period whose goals were met, the most served first, each told under its pseudonym."""
    cases = list(scoped_cases(user, p).filter(closed_on__gte=p.first, closed_on__lte=p.last,
                                              exit_reason=ExitReason.GOALS_MET)
                 .select_related("child").annotate(n=Count("sessions")).order_by("-n", "pk")[:ILLUSTRATIONS])
    if not cases:
        return []
    ids = [c.pk for c in cases]
    kinds: dict[int, list[str]] = {}
    labels = dict(SessionType.choices)
    for case_id, kind in (ServiceSession.objects.filter(case_id__in=ids).order_by("kind").values_list("case_id", "kind")
                          .distinct()):
        kinds.setdefault(case_id, []).append(str(labels.get(kind, kind)))
    children = {c.child_id for c in cases}
    family: dict[int, list[tuple[str, str]]] = {}
    for m in FamilyMember.objects.filter(child_id__in=children):
        family.setdefault(m.child_id, []).append((m.name, str(m.get_relation_display())))
    categories: dict[int, list[str]] = {}
    for cc in (ChildCategory.objects.filter(child_id__in=children, category__is_family_marker=False)
               .select_related("category").order_by("category__order")):
        categories.setdefault(cc.child_id, []).append(cc.category.name)
    found = []
    for case in cases:
        child = case.child
        scrub = Scrubber(name=child.name, pseudonym=child.pseudonym, family=family.get(child.pk, []))
        summary = scrub(case.closure_summary.strip()).rstrip("。.") if case.closure_summary.strip() else ""
        found.append(scrub(_(
            "Case: %(pseudonym)s (pseudonym), aged %(age)s%(categories)s. The social worker gave %(sessions)s "
            "services (%(kinds)s) from %(opened)s; the case was closed on %(closed)s with its goals met.%(summary)s"
        ) % {
            "pseudonym": child.pseudonym, "age": child.age_on(case.closed_on or p.last),
            "categories": ("，" + "、".join(categories[child.pk])) if categories.get(child.pk) else "",
            "sessions": case.n, "kinds": "、".join(kinds.get(case.pk, [])) or "–",  # type: ignore[attr-defined]
            "opened": f"{case.opened_on:%Y-%m-%d}", "closed": f"{case.closed_on:%Y-%m-%d}",
            "summary": (_(" At closure: %(summary)s.") % {"summary": summary}) if summary else "",
        }))
    return found


def draft_report(user: Any, p: Period) -> Draft:
    """The report's first draft, in Chinese whatever language the page is in."""
    with translation.override(settings.LANGUAGE_CODE):
        stats = statistics(user, p)
        kpis = project_kpis(user, p, stats)
        project = p.project.name if p.project else ("、".join(k.project.name for k in kpis) or _("the project"))
        children = stats["children_by_region"].total
        served_all = sum(k.kpi("children").value for k in kpis)
        stages, outcomes = stats["cases_by_stage"].total, stats["cases_by_outcome"]
        sessions, referrals = stats["sessions_by_type"], stats["referrals"].total
        activities, donations = stats["activities_by_type"], stats["donations_by_donor_kind"]
        volunteers, pairings = stats["volunteers_by_team"], stats["pairings"].total
        money, goods = donations.total[2], donations.total[3]
        title = _("%(project)s: report of the service from %(first)s to %(last)s") % {
            "project": project, "first": f"{p.first:%Y-%m-%d}", "last": f"{p.last:%Y-%m-%d}"}
        paragraphs = [
            _("From %(first)s to %(last)s, %(project)s served children in difficulty in %(area)s. %(on_file)s "
              "children's files are on record, %(screened)s of them opened through screening in the period; "
              "%(served)s children were served through case work, and %(served_all)s children in all through case "
              "work and group activities.") % {
                "first": f"{p.first:%Y-%m-%d}", "last": f"{p.last:%Y-%m-%d}", "project": project,
                "area": _area(user, p), "on_file": _n(children[0]), "screened": _n(children[1]),
                "served": _n(children[2]), "served_all": _n(served_all)},
            _("Social workers followed %(cases)s cases and gave %(sessions)s services (%(kinds)s), %(hours)s hours "
              "in all; %(closed)s cases were closed, %(goals_met)s of them with their goals met, and %(referrals)s "
              "referrals were made to policy resources such as social assistance, child welfare, medical care and "
              "schooling.") % {
                "cases": _n(stages[0]), "sessions": _n(sessions.total[0]), "hours": _n(sessions.total[1]),
                "kinds": _listing([(r.label, r.values[0]) for r in sessions.rows], _("times")) or "–",
                "closed": _n(outcomes.total[0]), "goals_met": _n(outcomes.value(ExitReason.GOALS_MET)),
                "referrals": _n(referrals[-1])},
            _("%(events)s service events were held (%(types)s), with %(participations)s participations of "
              "children.") % {
                "events": _n(activities.total[0]), "participations": _n(activities.total[3]),
                "types": _listing([(r.label, r.values[0]) for r in activities.rows], _("events")) or "–"},
            _("%(enterprises)s caring enterprises, %(individuals)s caring individuals and %(social_orgs)s social "
              "organisations took part; %(volunteers)s volunteers of %(teams)s volunteer teams served %(hours)s "
              "hours, and %(pairings)s one-to-one pairings made %(visits)s visits.") % {
                "enterprises": _n(donations.value("enterprise")), "individuals": _n(donations.value("individual")),
                "social_orgs": _n(donations.value("social_org")), "volunteers": _n(volunteers.total[0]),
                "teams": _n(len([r for r in volunteers.rows if r.values[0]])), "hours": _n(volunteers.total[3]),
                "pairings": _n(pairings[0]), "visits": _n(pairings[2])},
            _("Donations worth %(total)s yuan were received: %(money)s yuan in money and goods worth %(goods)s "
              "yuan.") % {"total": _n(money + goods), "money": _n(money), "goods": _n(goods)},
        ]
        for k in kpis:
            parts = [_("%(label)s %(value)s (target %(target)s, %(percent)s%%)") % {
                "label": kpi.label, "value": _n(kpi.value), "target": _n(kpi.target), "percent": kpi.percent}
                for kpi in k.kpis[:3] if kpi.target]
            if parts:
                paragraphs.append(_("Against the targets of %(project)s for the period: %(parts)s.") % {
                    "project": k.project.name, "parts": "；".join(parts)})
        paragraphs += _illustrations(user, p)
        return Draft(title=title, paragraphs=paragraphs)


def guard_names(user: Any, text: str) -> str:
    """The text with the name of every child the user may see replaced by the child's pseudonym.

    The last safeguard before a report leaves Tongban: a name typed in while editing is caught too. Full names,
    given names (王子琪 → 子琪) and the parts of minority names are looked for — a given name only when it is not
    some child's pseudonym, which the text is meant to hold. One narrow query of names, however many files.
    """
    rows = list(children_visible_to(user).values_list("name", "pseudonym"))
    pseudonyms = {pseudonym for _name, pseudonym in rows}
    found: dict[str, str] = {}
    for name, pseudonym in rows:
        name = (name or "").strip()
        if len(name) < 2:
            continue
        parts = [p for p in re.split(r"[·•・.]", name) if len(p) >= 2] if "·" in name or "•" in name else []
        given = [name[1:]] if not parts and len(name) >= 3 else []
        for candidate in [name, *parts, *given]:
            if candidate in text and candidate != pseudonym and (candidate == name or candidate not in pseudonyms):
                found.setdefault(candidate, pseudonym)
    if not found:
        return text
    pattern = re.compile("|".join(re.escape(n) for n in sorted(found, key=len, reverse=True)))
    return pattern.sub(lambda m: found[m.group(0)], text)
