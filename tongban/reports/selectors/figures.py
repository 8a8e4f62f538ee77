"""The funder's statistics: every figure counted from the records the viewer may see, for a period, a region
(with everything below it) and a project.

Every figure goes through the selectors of the one door (accounts/access.py): a bureau official of 达拉特旗 counts
only 达拉特旗. Each table is one grouped query (values().annotate()), so the page takes the same number of
queries for a village or for a city of 100,000 children; regions are rolled up in Python from counts grouped by
the child's region path, a few thousand rows at most.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.access import (
    cases_by_area_q,
    cases_of_visible_children_q,
    children_by_area_q,
    children_q_through,
    scope_for,
    sees_child_files,
)
from tongban.activities.models import Activity, ActivityType, ActivityVolunteer, Attendance, BrandLine
from tongban.activities.selectors import activities_visible_to
from tongban.cases.choices import ExitReason, ReferralKind, ReferralStatus, SessionType, Stage
from tongban.cases.models import Case, Referral, ServiceSession
from tongban.cases.selectors import cases_visible_to
from tongban.children.choices import Sex
from tongban.children.models import Child, ChildCategory, DifficultyCategory
from tongban.children.selectors import children_visible_to
from tongban.donations.models import Donation, Donor
from tongban.donations.selectors import donations_visible_to
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.reports import child_days
from tongban.reports.models import CaseArea, ChildBirthMonth, ChildCategoryDay, ChildDay, SessionDay
from tongban.volunteers.models import Pairing, PairingVisit, Volunteer
from tongban.volunteers.selectors import pairings_visible_to, volunteers_visible_to

ZERO = Decimal("0.00")
HOUR = Decimal("0.1")

# Age bands at the end of the period: preschool, primary, lower secondary, upper secondary, adult.
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 5), (6, 11), (12, 14), (15, 17), (18, None))


def may_see_statistics(user: Any) -> bool:
    """Everyone who works with children's files; volunteers know a child only through a pairing."""
    return sees_child_files(user)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    region: Region | None = None
    project: Project | None = None

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def ends(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))


@dataclass
class Row:
    key: str
    label: str
    values: list[Any]
    url: str = ""


@dataclass
class Table:
    """One statistics table: a label column, value columns, rows and a totals row."""

    key: str
    title: str
    label_header: str
    columns: list[str]
    rows: list[Row]
    total: list[Any] = field(default_factory=list)
    note: str = ""

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def value(self, key: str, column: int = 0) -> Any:
        """A figure by row key and column; 0 for a row that is not there (nothing counted)."""
        row = self.row(key)
        return row.values[column] if row else 0


@dataclass
class Statistics:
    period: Period
    tables: dict[str, Table]
    headline: list[tuple[str, str, Any, str]]  # key, label, figure, url
    cases: "CaseCounts"  # the period's cases counted by project, team and worker: shared with the KPIs
    regions: list[Region] = field(default_factory=list)  # the regions the tables by region show
    # The period's sessions counted by project, team, type and month: shared by the KPIs and the charts.
    sessions: list[dict[str, Any]] = field(default_factory=list)
    # Children on record by region path and category code, for the chart of categories stacked by region.
    category_paths: dict[str, dict[str, int]] = field(default_factory=dict)
    # Files opened in each month of the period ("2026-03"), for the monthly chart.
    screened_months: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Table:
        return self.tables[key]


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(HOUR, rounding=ROUND_HALF_UP)


def yuan(value: Decimal | None) -> Decimal:
    # SQLite sums decimals without their places (74500 beside 0.00): every amount is shown to the fen.
    return (value or ZERO).quantize(ZERO)


def _sum_columns(rows: Iterable[Row], width: int) -> list[Any]:
    total: list[Any] = [0] * width
    for row in rows:
        total = [a + b for a, b in zip(total, row.values, strict=True)]
    return total


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _link(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def months(p: Period) -> list[date]:
    """The first day of every month the period touches."""
    first, found = date(p.first.year, p.first.month, 1), []
    while first <= p.last:
        found.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return found


def month_bucket(field_name: str, p: Period, *, moments: bool = False) -> Any:
    """The record's month ("2026-03"), computed by the database itself: where SQLite would call back into Python
    for every row of a date truncation, a date's ISO text cut to seven characters costs next to nothing on both
    databases. A moment (created_at) is stored in UTC and belongs to the local month: a CASE over the period's
    months compares it with each month's local bounds."""
    if not moments:
        return Substr(Cast(field_name, output_field=CharField()), 1, 7)
    whens = []
    for start in months(p):
        after = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        low = timezone.make_aware(datetime.combine(start, time.min))
        high = timezone.make_aware(datetime.combine(after, time.min))
        whens.append(When(**{f"{field_name}__gte": low, f"{field_name}__lt": high}, then=Value(f"{start:%Y-%m}")))
    return SqlCase(*whens, default=Value(""), output_field=CharField())


# The scoped records of the period ----------------------------------------------------------------------------

def _within(region: Region | None, field_name: str) -> Q:
    if region is None:
        return Q()
    return Q(**{f"{field_name}__in": Region.objects.within(region).values("pk")})


def scoped_children(user: Any, p: Period) -> QuerySet[Child]:
    qs = children_visible_to(user).filter(_within(p.region, "region"))
    return qs.filter(project=p.project) if p.project else qs


def case_areas_in_view(user: Any, p: Period) -> QuerySet[CaseArea] | None:
    """The CaseArea rows of the viewer's cases of the period's region and project, when areas and projects are what
    chooses them; otherwise None (a social worker's own cases, a region below a county)."""
    by_area = cases_by_area_q(user, area="area", project="project")
    if by_area is None or (p.region is not None and p.region.level > Region.Level.COUNTY):
        return None
    chosen = CaseArea.objects.filter(by_area, _within(p.region, "area"))
    return chosen.filter(project=p.project.pk) if p.project else chosen


def scoped_cases(user: Any, p: Period) -> QuerySet[Case]:
    """The viewer's cases of the period's region and project. When they are a matter of areas and projects, chosen
    from CaseArea (the area of each case's child, kept by the database): a city's cases without joining each to its
    child; otherwise (a social worker's own cases, a region below a county) through the child's region."""
    chosen = case_areas_in_view(user, p)
    if chosen is not None:
        return Case.objects.filter(pk__in=chosen.values("case_id"))
    qs = cases_visible_to(user).filter(_within(p.region, "child__region"))
    return qs.filter(project=p.project) if p.project else qs


def scoped_case_ids(user: Any, p: Period, projects: list[int] | None = None) -> QuerySet[Any]:
    """The ids of scoped_cases(user, p), of `projects` only when given, to choose the cases' sessions, plans or
    referrals by: read from CaseArea alone when it decides, rather than through the cases a second time."""
    chosen = case_areas_in_view(user, p)
    if chosen is not None:
        return (chosen if projects is None else chosen.filter(project__in=projects)).values("case_id")
    cases = scoped_cases(user, p)
    return (cases if projects is None else cases.filter(project_id__in=projects)).values("pk")


def cases_active_in(qs: QuerySet[Any], p: Period) -> QuerySet[Any]:
    """Cases open at some time in the period: taken in by its end, not closed before it began (cases, or their
    CaseArea rows, which carry the same dates)."""
    return qs.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=p.first), opened_on__lte=p.last)


def scoped_activities(user: Any, p: Period) -> QuerySet[Activity]:
    qs = activities_visible_to(user).held().between(p.first, p.last).filter(_within(p.region, "region"))
    return qs.filter(project=p.project) if p.project else qs


def scoped_donations(user: Any, p: Period) -> QuerySet[Donation]:
    qs = donations_visible_to(user).between(p.first, p.last).filter(_within(p.region, "region"))
    return qs.filter(project=p.project) if p.project else qs


def scoped_pairings(user: Any, p: Period) -> QuerySet[Pairing]:
    qs = pairings_visible_to(user).filter(_within(p.region, "child__region"))
    return qs.filter(child__project=p.project) if p.project else qs


def scoped_volunteers(user: Any, p: Period) -> QuerySet[Volunteer]:
    return volunteers_visible_to(user).filter(_within(p.region, "team__region"), active=True)


# Children ---------------------------------------------------------------------------------------------------

def served_children(user: Any, p: Period, projects: list[int] | None = None) -> QuerySet[Case]:
    """The ids of the children served through case work in the period: a case the viewer may see, open at some time
    in it. Only ever asked of children already scoped (scoped_children, which applies the viewer's area and the
    chosen region), so the cases are chosen by what the case itself says (cases_of_visible_children_q): a city's
    list of served children is read from one index instead of joining each case back to its child."""
    qs = cases_active_in(Case.objects.filter(cases_of_visible_children_q(user)), p)
    if p.project:
        qs = qs.filter(project=p.project)
    if projects is not None:
        qs = qs.filter(project_id__in=projects)
    return qs.values("child_id")


def _child_counts(user: Any, p: Period, prefix: str = "") -> dict[str, Any]:
    """Three conditional counts: files on record at the period's end, files opened (screened) in the period,
    and children served through case work in the period (a case open at some time in it)."""
    on = f"{prefix}__" if prefix else ""
    is_served = Q(**{f"{on}pk__in": served_children(user, p)})
    return {
        "on_file": Count(f"{on}pk", filter=Q(**{f"{on}created_at__lt": p.ends}) | is_served),
        "screened": Count(f"{on}pk", filter=Q(**{f"{on}created_at__gte": p.starts, f"{on}created_at__lt": p.ends})),
        "served": Count(f"{on}pk", filter=is_served),
    }


CHILD_COLUMNS = (_("files on record"), _("screened in the period"), _("served through case work"))


def _child_values(r: dict[str, Any] | None) -> list[int]:
    r = r or {}
    return [r.get("on_file", 0), r.get("screened", 0), r.get("served", 0)]


def _child_table(key: str, title: Any, header: Any, rows: list[Row], *, total: list[Any] | None = None,
                 note: Any = "") -> Table:
    return Table(key=key, title=str(title), label_header=str(header), columns=[str(c) for c in CHILD_COLUMNS],
                 rows=rows, total=total if total is not None else _sum_columns(rows, 3), note=str(note))


def breakdown_regions(user: Any, p: Period) -> list[Region]:
    """The regions a table by region shows: those just below the chosen region, or below the viewer's area."""
    if p.region is not None:
        below = list(Region.objects.filter(parent=p.region).order_by("code"))
        return below or [p.region]
    scope = scope_for(user)
    if scope.everything:
        return list(Region.objects.filter(level=Region.Level.CITY).order_by("code"))
    roots = list(Region.objects.filter(path__in=scope.region_paths).order_by("code"))
    if len(roots) == 1:
        below = list(Region.objects.filter(parent=roots[0]).order_by("code"))
        return below or roots
    return roots


def cut_path(field_name: str, regions: list[Region]) -> Any:
    """A record's region path cut to the length of the longest path among `regions`: it rolls up into them as the
    whole path would (a path starts with a region's path exactly when its cut does), and grouping by it gives a row
    per area shown instead of one per village."""
    return Substr(field_name, 1, max(len(r.path) for r in regions)) if regions else F(field_name)


def roll_up(by_path: dict[str, dict[str, Any]], regions: list[Region]) -> tuple[dict[int, dict[str, Any]],
                                                                              dict[str, Any]]:
    """Counts grouped by a record's region path, summed into the regions shown (and what lies in none of them)."""
    totals: dict[int, dict[str, Any]] = {r.pk: defaultdict(int) for r in regions}
    elsewhere: dict[str, Any] = defaultdict(int)
    for path, counts in by_path.items():
        target = next((r.pk for r in regions if path.startswith(r.path)), None)
        bucket = totals[target] if target is not None else elsewhere
        for name, n in counts.items():
            bucket[name] += n
    return totals, elsewhere


def _screened_month(p: Period) -> Any:
    """The local month a file was opened in ("2026-03"), or "" for a file not opened in the period: the months'
    bounds cut to the period's, so that a file counts as screened exactly when it has a month."""
    whens = []
    for start in months(p):
        after = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        low = max(timezone.make_aware(datetime.combine(start, time.min)), p.starts)
        high = min(timezone.make_aware(datetime.combine(after, time.min)), p.ends)
        whens.append(When(created_at__gte=low, created_at__lt=high, then=Value(f"{start:%Y-%m}")))
    return SqlCase(*whens, default=Value(""), output_field=CharField())


def _category_links(user: Any, p: Period, every: list[DifficultyCategory]) -> QuerySet[ChildCategory]:
    """The links of the children to categories, each child once under a category (a subtype counts under its
    category, as the children list filters); `every` is every category, read once by the caller.

    A child linked to a category and to its subtype, or to two subtypes, would count twice: the links after the
    first of such a family are left out (a test of the link's own family in the unique index of child and
    category), which lets the table count rows instead of distinct children."""
    # The scoped children's links, their children joined (as scoped_children chooses them): not a list of a
    # city's 100,000 ids built first and then probed for each link.
    links = ChildCategory.objects.filter(children_q_through(user, "child"), _within(p.region, "child__region"),
                                         child__merged_into__isnull=True)
    if p.project:
        links = links.filter(child__project=p.project)
    return _once_under_top(links, every)


def _families(every: list[DifficultyCategory]) -> dict[int, list[int]]:
    families: dict[int, list[int]] = defaultdict(list)
    for c in every:
        if c.parent_id is not None:
            families[c.parent_id].append(c.pk)
    return families


def _top(every: list[DifficultyCategory]) -> SqlCase:
    """The category a link counts under: its parent for a subtype."""
    return SqlCase(*[When(category_id__in=subtypes, then=Value(parent))
                     for parent, subtypes in _families(every).items()],
                   default=F("category_id"), output_field=IntegerField())


def _once_under_top(links: QuerySet[ChildCategory], every: list[DifficultyCategory]) -> QuerySet[ChildCategory]:
    """`links` less those after the first of a child's family of categories, each with its `top` category."""
    for parent, subtypes in _families(every).items():
        members = [parent, *subtypes]
        earlier = ChildCategory.objects.filter(child_id=OuterRef("child_id"), category_id__in=members,
                                               category_id__lt=OuterRef("category_id"))
        links = links.exclude(Q(category_id__in=members) & Exists(earlier))
    return links.order_by().annotate(top=_top(every))


Counts = dict[str, int]


def _counts() -> defaultdict[str, Counts]:
    return defaultdict(lambda: defaultdict(int))


@dataclass
class _ChildFigures:
    """The children's figures before they become tables: on_file, screened and served by each key."""

    by_path: defaultdict[str, Counts] = field(default_factory=_counts)  # region path (or area's)
    by_category: defaultdict[int, Counts] = field(default_factory=_counts)  # top category id
    by_band: defaultdict[str, Counts] = field(default_factory=_counts)
    by_sex: defaultdict[str, Counts] = field(default_factory=_counts)
    by_ethnicity: defaultdict[str, Counts] = field(default_factory=_counts)
    any_category: Counts = field(default_factory=lambda: defaultdict(int))


def _age_bands(p: Period) -> list[tuple[str, int, int | None, date, date | None]]:
    """Each band at the end of the period: key, ages, the latest birth date in it and the latest before it."""
    return [(f"{low}-{high}" if high is not None else f"{low}+", low, high, _years_before(p.last, low),
             _years_before(p.last, high + 1) if high is not None else None) for low, high in AGE_BANDS]


def _band_case(p: Period, field_name: str = "birth_date") -> SqlCase:
    whens = []
    for key, _low, _high, latest, before in _age_bands(p):
        condition = Q(**{f"{field_name}__lte": latest})
        if before is not None:
            condition &= Q(**{f"{field_name}__gt": before})
        whens.append(When(condition, then=Value(key)))
    return SqlCase(*whens, default=Value(""), output_field=CharField())


def _shown_codes(every: list[DifficultyCategory]) -> dict[int, str]:
    """The categories the table shows (active, not subtypes), by id."""
    return {c.pk: c.code for c in every if c.parent_id is None and c.active}


def _summaries_q(user: Any, p: Period, regions: list[Region]) -> Q | None:
    """Which rows of the files' summaries (ChildDay and its siblings) make up the viewer's files in the period's
    region and project, or None when the summaries cannot say: a viewer whose files are not a matter of areas and
    projects (a social worker), a region below a county chosen or shown, or days the database cannot tell exactly."""
    by_area = children_by_area_q(user, area="area", project="project")
    if by_area is None or not child_days.exact(connection):
        return None
    if any(r.level > Region.Level.COUNTY for r in [*regions, *([p.region] if p.region else [])]):
        return None
    q = by_area & _within(p.region, "area")
    return q & Q(project=p.project.pk) if p.project else q


def _late(p: Period, field_name: str) -> SqlCase:
    """Whether a served file was opened after the period (it then counts as on record at its end too)."""
    return SqlCase(When(**{f"{field_name}__gte": p.ends}, then=Value(True)), default=Value(False),
                   output_field=BooleanField())


def _count_served(f: _ChildFigures, path: str, r: dict[str, Any]) -> None:
    """A row of served files grouped by sex, ethnicity, band, late and listed, into the tables' buckets."""
    buckets = [f.by_path[path], f.by_band[r["band"]], f.by_sex[r["sex"]], f.by_ethnicity[r["ethnicity"]],
               *((f.any_category,) if r["listed"] else ())]
    for bucket in buckets:
        bucket["served"] += r["n"]
        bucket["on_file"] += r["n"] if r["late"] else 0


def _count_served_category(f: _ChildFigures, category_paths: defaultdict[str, Counts], code_of: dict[int, str],
                           top: int, path: str, n: int, late: bool) -> None:
    f.by_category[top]["served"] += n
    if late:
        f.by_category[top]["on_file"] += n
        if top in code_of:
            category_paths[path][code_of[top]] += n


def served_spans(user: Any, p: Period) -> QuerySet[CaseArea] | None:
    """Each child served through case work in the period once: the first of their cases open at some time in it
    (see CaseArea), among the cases and children the viewer sees. None when the table cannot say: a viewer whose
    cases or files are not a matter of areas and projects, or who sees several projects but not all of them (a case
    first in one of theirs may follow another project's). Asked only for a region of county level or above."""
    by_area = children_by_area_q(user, area="area", project="child_project")
    projects = scope_for(user).project_ids
    if by_area is None or cases_by_area_q(user, area="area", project="project") is None:
        return None
    spans = cases_active_in(CaseArea.objects.filter(by_area, _within(p.region, "area")), p)
    if p.project is None and projects is None:
        return spans.filter(Q(earlier_end__isnull=True) | Q(earlier_end__lt=p.first))
    if p.project is None and len(projects) != 1:
        return None
    project = p.project.pk if p.project else next(iter(projects))
    return spans.filter(Q(earlier_end_in_project__isnull=True) | Q(earlier_end_in_project__lt=p.first),
                        project=project, child_project=project)


def _served_from_cases(user: Any, p: Period, f: _ChildFigures, category_paths: defaultdict[str, Counts],
                       every: list[DifficultyCategory], regions: list[Region], path_of: dict[int, str]) -> None:
    """Children served through case work in the period, counted from the cases (two or three queries): what the
    summaries of files cannot know. A served file opened after the period also counts as on record at its end.
    `path_of` is the path of each area of the viewer's files."""
    spans = served_spans(user, p)
    if spans is not None:
        _served_from_spans(p, f, category_paths, every, spans, path_of)
        return
    code_of = _shown_codes(every)
    served = (scoped_children(user, p).filter(pk__in=served_children(user, p)).order_by()
              .annotate(band=_band_case(p), late=_late(p, "created_at"),
                        listed=Exists(ChildCategory.objects.filter(child_id=OuterRef("pk"))))
              .values("sex", "ethnicity", "band", "late", "listed", path=cut_path("region__path", regions))
              .annotate(n=Count("pk")))
    for r in served:
        _count_served(f, r["path"], r)
    links = _category_links(user, p, every)
    for r in (links.filter(child_id__in=served_children(user, p)).annotate(late=_late(p, "child__created_at"))
              .values("top", "late", path=cut_path("child__region__path", regions)).annotate(n=Count("pk"))):
        _count_served_category(f, category_paths, code_of, r["top"], r["path"], r["n"], r["late"])


def _served_from_spans(p: Period, f: _ChildFigures, category_paths: defaultdict[str, Counts],
                       every: list[DifficultyCategory], spans: QuerySet[CaseArea], path_of: dict[int, str]) -> None:
    """_served_from_cases read from the first case of each child served (served_spans), which carries what the
    tables need of the child: no child's file is read (PostgreSQL read the city's 100,000 files twice otherwise)."""
    code_of = _shown_codes(every)
    for r in (spans.order_by().annotate(band=_band_case(p), late=_late(p, "created_at"),
                                        listed=Exists(ChildCategory.objects.filter(child_id=OuterRef("child"))))
              .values("sex", "ethnicity", "band", "late", "listed", "area").annotate(n=Count("pk"))):
        _count_served(f, path_of[r["area"]], r)
    # Categories, each child once under each (distinct children: cheaper than leaving out the links after the
    # first of a family one by one): the files on record at the period's end by category alone; the few opened
    # after it by area too.
    once = Count("child_id", distinct=True)
    on_time = ChildCategory.objects.filter(child_id__in=spans.filter(created_at__lt=p.ends).values("child"))
    for r in on_time.order_by().annotate(top=_top(every)).values("top").annotate(n=once):
        f.by_category[r["top"]]["served"] += r["n"]
    area = Subquery(spans.filter(child=OuterRef("child_id")).values("area")[:1])
    late_links = ChildCategory.objects.filter(child_id__in=spans.filter(created_at__gte=p.ends).values("child"))
    for r in late_links.order_by().annotate(top=_top(every), area=area).values("top", "area").annotate(n=once):
        _count_served_category(f, category_paths, code_of, r["top"], path_of[r["area"]], r["n"], True)


def _children_from_summaries(user: Any, p: Period, q: Q, category_paths: defaultdict[str, Counts],
                             screened_months: dict[str, int], every: list[DifficultyCategory],
                             regions: list[Region]) -> _ChildFigures:
    """The files on record and screened from the summaries kept by the database (reports/child_days.py), by area,
    day of opening, sex, ethnicity, month of birth and category; those born in a month an age band's boundary cuts
    through from the files themselves; the children served from the cases."""
    f = _ChildFigures()
    code_of = _shown_codes(every)
    in_period = Q(day__gte=p.first, day__lte=p.last)
    sums = {"on_file": Sum("files", filter=Q(day__lte=p.last), default=0),
            "screened": Sum("files", filter=in_period, default=0), "files": Sum("files", default=0)}
    month = SqlCase(When(in_period, then=month_bucket("day", p)), default=Value(""), output_field=CharField())
    area_path = Subquery(Region.objects.filter(pk=OuterRef("area")).values("path")[:1])
    path_of: dict[int, str] = {}
    for r in (ChildDay.objects.filter(q).order_by().values("area", "sex", "ethnicity", month=month)
              .annotate(path=area_path, **sums)):
        if not r["files"]:
            continue
        path_of[r["area"]] = r["path"]
        screened_months[r["month"]] += r["screened"]
        for bucket in (f.by_path[r["path"]], f.by_sex[r["sex"]], f.by_ethnicity[r["ethnicity"]]):
            bucket["on_file"] += r["on_file"]
            bucket["screened"] += r["screened"]
    for r in ChildCategoryDay.objects.filter(q).order_by().values("area", "category").annotate(**sums):
        if not r["files"]:
            continue
        bucket = f.any_category if r["category"] == 0 else f.by_category[r["category"]]
        bucket["on_file"] += r["on_file"]
        bucket["screened"] += r["screened"]
        if r["category"] in code_of:
            category_paths[path_of[r["area"]]][code_of[r["category"]]] += r["on_file"]

    # Ages: a month of birth wholly inside a band from the summary; a month a band's boundary cuts through from the
    # files born in it (a few per cent of them), by birth date.
    cut_months = _cut_months(p)
    for r in ChildBirthMonth.objects.filter(q).order_by().values("born").annotate(**sums):
        if r["files"] and r["born"] not in cut_months:
            bucket = f.by_band[_band_of(p, r["born"])]
            bucket["on_file"] += r["on_file"]
            bucket["screened"] += r["screened"]
    born_in_cut_months = Q(pk__in=[])
    for first in cut_months:
        born_in_cut_months |= Q(birth_date__gte=first, birth_date__lte=_month_end(first))
    # Chosen by birth date (child_birth_idx), each then tested against the viewer's files: SQLite would otherwise
    # walk the city's files by region.
    in_view = Exists(scoped_children(user, p).filter(pk=OuterRef("pk")))
    for r in (Child.objects.filter(born_in_cut_months).filter(in_view).order_by().annotate(band=_band_case(p))
              .values("band").annotate(on_file=Count("pk", filter=Q(created_at__lt=p.ends)),
                                       screened=Count("pk", filter=Q(created_at__gte=p.starts,
                                                                     created_at__lt=p.ends)))):
        f.by_band[r["band"]]["on_file"] += r["on_file"]
        f.by_band[r["band"]]["screened"] += r["screened"]

    _served_from_cases(user, p, f, category_paths, every, regions, path_of)
    return f


def _month_end(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


def _cut_months(p: Period) -> set[date]:
    """The months of birth that an age band's boundary cuts in two: the band's latest birth date not at the month's
    end."""
    return {latest.replace(day=1) for _key, _low, _high, latest, _before in _age_bands(p)
            if latest < _month_end(latest.replace(day=1))}


def _band_of(p: Period, born: date) -> str:
    for key, _low, _high, latest, before in _age_bands(p):
        if born <= latest and (before is None or born > before):
            return key
    return ""


def _children_live(user: Any, p: Period, category_paths: defaultdict[str, Counts], screened_months: dict[str, int],
                   every: list[DifficultyCategory], regions: list[Region]) -> _ChildFigures:
    """Every figure counted from the files themselves, in three grouped queries: for the viewers and regions the
    summaries cannot answer (_summaries_q)."""
    f = _ChildFigures()
    code_of = _shown_codes(every)
    children = scoped_children(user, p)
    # By region: grouped by the child's region path cut to the regions shown, then rolled up into them.
    for r in children.order_by().values(path=cut_path("region__path", regions)).annotate(**_child_counts(user, p)):
        for name in ("on_file", "screened", "served"):
            f.by_path[r["path"]][name] += r[name]

    # By category, by region too for the chart of categories stacked by region: one pass over the links.
    links = _category_links(user, p, every)
    for r in (links.values("top", path=cut_path("child__region__path", regions))
              .annotate(**_child_counts(user, p, prefix="child"))):
        if r["top"] in code_of:
            category_paths[r["path"]][code_of[r["top"]]] += r["on_file"]
        for name in ("on_file", "screened", "served"):
            f.by_category[r["top"]][name] += r[name]

    # By age band at the end of the period, by sex and by ethnicity, with or without any category, and by the
    # month of screening: one grouped query (groups bounded by bands × sexes × groups × months, not by the files)
    # added up in Python, instead of one scan of a city's files for each table and for the chart.
    counts = {**_child_counts(user, p), "n": Count("pk")}
    del counts["screened"]  # a file is screened in the period exactly when it has a month of screening
    for r in (children.order_by()
              .annotate(band=_band_case(p), month=_screened_month(p),
                        listed=Exists(ChildCategory.objects.filter(child_id=OuterRef("pk"))))
              .values("band", "sex", "ethnicity", "month", "listed").annotate(**counts)):
        r["screened"] = r["n"] if r["month"] else 0
        screened_months[r["month"]] += r["screened"]
        for bucket in (f.by_band[r["band"]], f.by_sex[r["sex"]], f.by_ethnicity[r["ethnicity"]],
                       *((f.any_category,) if r["listed"] else ())):
            for name in ("on_file", "screened", "served"):
                bucket[name] += r[name]
    return f


def children_tables(user: Any, p: Period, regions: list[Region], category_paths: dict[str, dict[str, int]],
                    screened_months: dict[str, int]) -> list[Table]:
    """The tables of children; `category_paths` receives the children on record of each category by region path
    (a child is in one region, so the counts of a category add up across regions), `screened_months` the files
    opened in each month of the period (for the monthly chart).

    A city's files are counted from the summaries the database keeps (by area, day of opening, sex, ethnicity, month
    of birth and category) and its cases; what the summaries cannot answer from the files themselves."""
    base = {"region": p.region.pk} if p.region else {}
    every = list(DifficultyCategory.objects.order_by("order", "code"))
    categories = [c for c in every if c.parent_id is None and c.active]
    paths: defaultdict[str, Counts] = _counts()
    q = _summaries_q(user, p, regions)
    if q is not None:
        f = _children_from_summaries(user, p, q, paths, screened_months, every, regions)
    else:
        f = _children_live(user, p, paths, screened_months, every, regions)
    category_paths.update({path: dict(codes) for path, codes in paths.items()})
    tables = []

    totals, elsewhere = roll_up(f.by_path, regions)
    rows = [Row(r.code, r.name, _child_values(totals[r.pk]),
                _link("children:list", region=r.pk) if r.level <= Region.Level.TOWNSHIP else "") for r in regions]
    if any(elsewhere.values()):
        rows.append(Row("", str(_("recorded at a higher level")), _child_values(elsewhere)))
    tables.append(_child_table("children_by_region", _("Children by region"), _("region"), rows))

    category_rows = [Row(c.code, c.name, _child_values(f.by_category.get(c.pk)),
                         _link("children:list", category=c.pk, **base)) for c in categories]
    # The children with any category, each once: counted on the files themselves, not over their links.
    tables.append(_child_table("children_by_category", _("Children by category"), _("category"), category_rows,
                               total=_child_values(f.any_category),
                               note=_("A child may belong to several categories; the total counts each child once.")))

    rows = [Row(key, (f"{low}–{high} " if high is not None else f"{low}+ ") + str(_("years")),
                _child_values(f.by_band.get(key)), _link("children:list", age_min=low, age_max=high, **base))
            for key, low, high, _latest, _before in _age_bands(p)]
    tables.append(_child_table("children_by_age", _("Children by age at the end of the period"), _("age"), rows))

    rows = [Row(value, str(label), _child_values(f.by_sex.get(value)), _link("children:list", sex=value, **base))
            for value, label in Sex.choices]
    tables.append(_child_table("children_by_sex", _("Children by sex"), _("sex"), rows))

    # The groups that occur, most children first.
    rows = [Row(name, name, _child_values(counts), _link("children:list", ethnicity=name, **base))
            for name, counts in sorted(f.by_ethnicity.items(), key=lambda item: (-item[1]["on_file"], item[0]))]
    tables.append(_child_table("children_by_ethnicity", _("Children by ethnicity"), _("ethnicity"), rows))
    return tables


# Case work --------------------------------------------------------------------------------------------------

def session_grid(user: Any, p: Period) -> list[dict[str, Any]]:
    """The period's sessions counted by project, team, type and month.

    From the summary by day (SessionDay: a few hundred rows a day for a city instead of thousands of sessions)
    whenever the viewer's cases and the chosen region are a matter of areas and projects; otherwise (a social
    worker's own cases, a township or a village) from the sessions themselves, which are then few."""
    by_area = cases_by_area_q(user, area="area", project="project")
    if by_area is None or (p.region is not None and p.region.level > Region.Level.COUNTY):
        sessions = ServiceSession.objects.filter(case_id__in=scoped_case_ids(user, p), held_on__gte=p.first,
                                                 held_on__lte=p.last)
        return list(sessions.order_by().annotate(month=month_bucket("held_on", p))
                    .values("case__project_id", "case__team_id", "kind", "month")
                    .annotate(n=Count("pk"), minutes=Sum("minutes")))
    days = SessionDay.objects.filter(by_area, _within(p.region, "area"), day__gte=p.first, day__lte=p.last)
    if p.project:
        days = days.filter(project=p.project.pk)
    grouped = (days.order_by().annotate(month=month_bucket("day", p)).values("project", "team", "kind", "month")
               .annotate(n=Sum("sessions"), minutes=Sum("minutes")).filter(n__gt=0))
    # Named as the sessions' own grouping, so that the KPIs and charts read either alike.
    return [{"case__project_id": r["project"], "case__team_id": r["team"], "kind": r["kind"], "month": r["month"],
             "n": r["n"], "minutes": int(r["minutes"])} for r in grouped]


class DaysBetween(Func):
    """Whole days from the second date to the first, counted by the database (PostgreSQL subtracts dates into days;
    SQLite through julianday, where Django's own date subtraction calls back into Python for every row)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
                           arg_joiner=") - julianday(", **extra)


@dataclass
class CaseCounts:
    """The viewer's cases of the period in two grouped queries, shared by the tables and the KPIs.

    `active`: the cases open at some time in the period, a row per project, team and worker, with a count per stage
    ("stage_intake", …) and "open_at_end", those still open when it ended. `closed`: the cases closed in it, a row
    per project, team, outcome ("exit_reason") and "days" from intake to closure, with their number "n"."""

    active: list[dict[str, Any]]
    closed: list[dict[str, Any]]


def case_counts(user: Any, p: Period) -> CaseCounts:
    cases = scoped_cases(user, p)
    by_stage = {f"stage_{value}": Count("pk", filter=Q(stage=value)) for value in Stage.values}
    still_open = Count("pk", filter=Q(closed_on__isnull=True) | Q(closed_on__gt=p.last))
    active = (cases_active_in(cases, p).order_by().values("project_id", "team_id", "worker_id")
              .annotate(**by_stage, open_at_end=still_open))
    closed = (cases.filter(closed_on__gte=p.first, closed_on__lte=p.last).order_by()
              .values("project_id", "team_id", "exit_reason", days=DaysBetween("closed_on", "opened_on"))
              .annotate(n=Count("pk")))
    return CaseCounts(list(active), list(closed))


def case_tables(user: Any, p: Period) -> tuple[list[Table], list[dict[str, Any]], CaseCounts]:
    counts = case_counts(user, p)
    rows = [Row(value, str(label), [sum(r[f"stage_{value}"] for r in counts.active)],
                _link("cases:list", stage=value)) for value, label in Stage.choices]
    stage_table = Table("cases_by_stage", str(_("Cases open in the period, by their stage now")), str(_("stage")),
                        [str(_("cases"))], rows, _sum_columns(rows, 1))

    by_exit: dict[str, int] = defaultdict(int)
    for r in counts.closed:
        by_exit[r["exit_reason"]] += r["n"]
    rows = [Row(value, str(label), [by_exit[value]]) for value, label in ExitReason.choices]
    outcome_table = Table("cases_by_outcome", str(_("Cases closed in the period, by outcome")), str(_("outcome")),
                          [str(_("cases"))], rows, _sum_columns(rows, 1))

    # One grouped query for the table by type, the monthly trend and each team's KPI.
    grid = session_grid(user, p)
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in grid:
        by_kind[r["kind"]]["n"] += r["n"]
        by_kind[r["kind"]]["minutes"] += r["minutes"] or 0
    rows = [Row(value, str(label), [by_kind.get(value, {}).get("n", 0), by_kind.get(value, {}).get("minutes", 0)])
            for value, label in SessionType.choices]
    total = _sum_columns(rows, 2)
    for row in rows:
        row.values[1] = hours(row.values[1])
    total[1] = hours(total[1])
    session_table = Table("sessions_by_type", str(_("Service sessions by type")), str(_("type")),
                          [str(_("sessions")), str(_("hours"))], rows, total)

    referrals = Referral.objects.filter(case_id__in=scoped_case_ids(user, p), sent_on__gte=p.first,
                                        sent_on__lte=p.last)
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for r in referrals.order_by().values("kind", "status").annotate(n=Count("pk")):
        grouped[r["kind"]][r["status"]] = r["n"]
    statuses = ReferralStatus.values
    rows = []
    for value, label in ReferralKind.choices:
        by_status = [grouped[value].get(s, 0) for s in statuses]
        rows.append(Row(value, str(label), [*by_status, sum(by_status)]))
    referral_table = Table("referrals", str(_("Referrals sent in the period, by resource and outcome")),
                           str(_("resource")), [*(str(label) for label in ReferralStatus.labels), str(_("all"))],
                           rows, _sum_columns(rows, len(statuses) + 1))
    return [stage_table, outcome_table, session_table, referral_table], grid, counts


# Community work ---------------------------------------------------------------------------------------------

ACTIVITY_COLUMNS = (_("activities held"), _("registered children attending"), _("walk-ins"), _("participations"))


def activity_tables(user: Any, p: Period) -> list[Table]:
    activities = scoped_activities(user, p)
    held = list(activities.order_by().values("type_id", "brand_line_id")
                .annotate(n=Count("pk"), walk_ins=Sum("walk_ins")))
    came = list(Attendance.objects.filter(activity__in=activities.values("pk"), attended=True).order_by()
                .values("activity__type_id", "activity__brand_line_id").annotate(n=Count("pk")))
    by_type: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_line: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in held:
        for bucket, key in ((by_type, r["type_id"]), (by_line, r["brand_line_id"])):
            bucket[key][0] += r["n"]
            bucket[key][2] += r["walk_ins"] or 0
    for r in came:
        by_type[r["activity__type_id"]][1] += r["n"]
        by_line[r["activity__brand_line_id"]][1] += r["n"]

    def values(counts: list[int]) -> list[int]:
        return [counts[0], counts[1], counts[2], counts[1] + counts[2]]

    period = {"status": "held", "first": p.first.isoformat(), "last": p.last.isoformat()}
    types = [t for t in ActivityType.objects.order_by("order", "code") if t.active or t.pk in by_type]
    rows = [Row(t.code, t.name, values(by_type.get(t.pk, [0, 0, 0])), _link("activities:list", type=t.pk, **period))
            for t in types]
    columns = [str(c) for c in ACTIVITY_COLUMNS]
    type_table = Table("activities_by_type", str(_("Group activities by type")), str(_("type")), columns, rows,
                       _sum_columns(rows, 4), str(_("Participations: registered children who came plus walk-ins.")))
    lines = [b for b in BrandLine.objects.order_by("order", "code") if b.active or b.pk in by_line]
    rows = [Row(b.code, b.name, values(by_line.get(b.pk, [0, 0, 0])),
                _link("activities:list", brand_line=b.pk, **period)) for b in lines]
    if None in by_line:
        rows.append(Row("", str(_("no brand line")), values(by_line[None])))
    line_table = Table("activities_by_brand_line", str(_("Group activities by brand line")), str(_("brand line")),
                       columns, rows, _sum_columns(rows, 4))
    return [type_table, line_table]


def volunteer_tables(user: Any, p: Period) -> list[Table]:
    volunteers = scoped_volunteers(user, p)
    teams: dict[int, str] = {}
    members: dict[int, int] = {}
    for r in volunteers.order_by().values("team_id", "team__name").annotate(n=Count("pk")):
        teams[r["team_id"]], members[r["team_id"]] = r["team__name"], r["n"]
    activity_hours: dict[int, Decimal] = {}
    for r in (ActivityVolunteer.objects.filter(activity__in=scoped_activities(user, p).values("pk")).order_by()
              .values("volunteer__team_id", "volunteer__team__name").annotate(h=Sum("hours"))):
        teams.setdefault(r["volunteer__team_id"], r["volunteer__team__name"])
        activity_hours[r["volunteer__team_id"]] = (r["h"] or ZERO).quantize(HOUR)
    pairings = scoped_pairings(user, p)
    visits: dict[int, tuple[int, int]] = {}
    for r in (PairingVisit.objects.filter(pairing__in=pairings.values("pk"), visited_on__gte=p.first,
                                          visited_on__lte=p.last).order_by()
              .values("pairing__volunteer__team_id", "pairing__volunteer__team__name")
              .annotate(n=Count("pk"), minutes=Sum("minutes"))):
        teams.setdefault(r["pairing__volunteer__team_id"], r["pairing__volunteer__team__name"])
        visits[r["pairing__volunteer__team_id"]] = (r["n"], r["minutes"] or 0)
    ongoing: dict[int, tuple[int, int]] = {}
    for r in (pairings.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=p.first), starts_on__lte=p.last).order_by()
              .values("volunteer__team_id", "volunteer__team__name")
              .annotate(n=Count("pk"), new=Count("pk", filter=Q(starts_on__gte=p.first)))):
        teams.setdefault(r["volunteer__team_id"], r["volunteer__team__name"])
        ongoing[r["volunteer__team_id"]] = (r["n"], r["new"])

    order = sorted(teams, key=lambda pk: teams[pk])
    rows = []
    for pk in order:
        a, v = activity_hours.get(pk, ZERO.quantize(HOUR)), hours(visits.get(pk, (0, 0))[1])
        rows.append(Row(str(pk), teams[pk], [members.get(pk, 0), a, v, a + v], _link("volunteers:list", team=pk)))
    volunteer_table = Table(
        "volunteers_by_team", str(_("Volunteers and hours served, by volunteer team")), str(_("volunteer team")),
        [str(_("active volunteers")), str(_("hours at activities")), str(_("hours of pairing visits")),
         str(_("hours in all"))], rows, _sum_columns(rows, 4) if rows else [0, hours(0), hours(0), hours(0)])
    rows = []
    for pk in order:
        n, new = ongoing.get(pk, (0, 0))
        count, minutes = visits.get(pk, (0, 0))
        if n or count:
            rows.append(Row(str(pk), teams[pk], [n, new, count, hours(minutes)], _link("volunteers:list", team=pk)))
    pairing_table = Table(
        "pairings", str(_("Pairings and visits, by volunteer team")), str(_("volunteer team")),
        [str(_("pairings in the period")), str(_("pairings started")), str(_("visits")), str(_("visit hours"))],
        rows, _sum_columns(rows, 4) if rows else [0, 0, 0, hours(0)])
    return [volunteer_table, pairing_table]


def donation_table(user: Any, p: Period) -> Table:
    grouped = {r["donor__kind"]: r for r in scoped_donations(user, p).order_by().values("donor__kind").annotate(
        donors=Count("donor", distinct=True), n=Count("pk"),
        money=Sum("value_yuan", filter=Q(kind=Donation.Kind.MONEY)),
        goods=Sum("value_yuan", filter=Q(kind=Donation.Kind.GOODS)))}
    rows = []
    for value, label in Donor.Kind.choices:
        r = grouped.get(value, {})
        money, goods = yuan(r.get("money")), yuan(r.get("goods"))
        rows.append(Row(value, str(label), [r.get("donors", 0), r.get("n", 0), money, goods, money + goods],
                        _link("donations:list", donor_kind=value, first=p.first.isoformat(),
                              last=p.last.isoformat())))
    return Table("donations_by_donor_kind", str(_("Donations by kind of donor")), str(_("kind of donor")),
                 [str(_("donors")), str(_("donations")), str(_("money (yuan)")), str(_("goods (estimated yuan)")),
                  str(_("total (yuan)"))], rows, _sum_columns(rows, 5))


# The page ---------------------------------------------------------------------------------------------------

def statistics(user: Any, p: Period) -> Statistics:
    """Every table of the statistics page, in a fixed number of queries whatever the number of records."""
    regions = breakdown_regions(user, p)
    cases, session_grid, case_grid = case_tables(user, p)
    category_paths: dict[str, dict[str, int]] = defaultdict(dict)
    screened_months: dict[str, int] = defaultdict(int)
    tables = [*children_tables(user, p, regions, category_paths, screened_months), *cases, *activity_tables(user, p),
              *volunteer_tables(user, p), donation_table(user, p)]
    by_key = {t.key: t for t in tables}
    children, sessions = by_key["children_by_region"].total, by_key["sessions_by_type"].total
    activities, donations = by_key["activities_by_type"].total, by_key["donations_by_donor_kind"].total
    volunteers, pairings = by_key["volunteers_by_team"].total, by_key["pairings"].total
    period = {"first": p.first.isoformat(), "last": p.last.isoformat()}
    headline = [
        ("children_on_file", str(_("Children's files on record")), children[0], ""),
        ("children_screened", str(_("Children screened in the period")), children[1], ""),
        ("children_served", str(_("Children served through case work")), children[2], ""),
        ("cases_open", str(_("Cases open in the period")), by_key["cases_by_stage"].total[0], reverse("cases:list")),
        ("sessions", str(_("Service sessions")), sessions[0], ""),
        ("session_hours", str(_("Hours of service")), sessions[1], ""),
        ("activities", str(_("Group activities held")), activities[0],
         _link("activities:list", status="held", **period)),
        ("participations", str(_("Participations in activities")), activities[3], ""),
        ("volunteers", str(_("Active volunteers")), volunteers[0], reverse("volunteers:list")),
        ("volunteer_hours", str(_("Volunteer hours")), volunteers[3], ""),
        ("pairings", str(_("Volunteer pairings")), pairings[0], ""),
        # Whole yuan on the headline: a figure a funder quotes; the table below keeps the fen.
        ("money", str(_("Money donated (yuan)")), int(donations[2]), _link("donations:list", kind="money", **period)),
        ("goods", str(_("Goods donated (estimated yuan)")), int(donations[3]),
         _link("donations:list", kind="goods", **period)),
    ]
    return Statistics(period=p, tables=by_key, headline=headline, regions=regions, sessions=session_grid,
                      cases=case_grid, category_paths=category_paths, screened_months=screened_months)
