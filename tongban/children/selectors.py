import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tongban.accounts.access import access, children_q, scope_for
from tongban.children.models import (
    Child,
    ChildCategory,
    DifficultyCategory,
    DuplicateDecision,
    FamilyMember,
    current_with_id_digest,
)
from tongban.children.search import pinyin_keys, prefix_q
from tongban.core import crypto
from tongban.regions.models import Region


def children_visible_to(user: Any) -> QuerySet[Child]:
    return Child.objects.current().filter(children_q(user))


def category_names(children: Iterable[Child]) -> dict[int, list[str]]:
    """The names of each child's categories, in the categories' order, read in one query for a page of children
    (prefetch_related builds a queryset for each child, which cost more than the rows: 2.5 ms of a list's 18)."""
    names: dict[int, list[str]] = defaultdict(list)
    links = ChildCategory.objects.filter(child_id__in=[child.pk for child in children])
    for child_id, name in (links.order_by("category__order", "category__code", "pk")
                           .values_list("child_id", "category__name")):
        names[child_id].append(name)
    return names


def access_child(user: Any, pk: Any, *, for_write: bool = False) -> Child:
    qs = children_visible_to(user).select_related("project", "region", "assigned_worker")
    return access(user, qs, pk, kind="child", for_write=for_write)


def child_file(user: Any, pk: Any) -> Child:
    """A child with everything the file page shows, loaded in a fixed number of queries."""
    qs = children_visible_to(user).select_related("project", "region__parent__parent", "assigned_worker",
                                                  "screening_batch").prefetch_related(
        "family", "consents", Prefetch("categories", ChildCategory.objects.select_related("category")))
    return access(user, qs, pk, kind="child")


_ID_TAIL = re.compile(r"^\d{3,5}[\dXx]$")
_PHONE = re.compile(r"^1\d{10}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")


def search_children(qs: QuerySet[Child], text: str) -> QuerySet[Child]:
    """Find by name, full pinyin, pinyin initials ("zq" finds 子琪), ID number or its tail, guardian phone."""
    text = text.strip()
    if not text:
        return qs
    # Chinese keyboards often type full-width digits and spaces; numbers are found whatever was typed.
    compact = "".join(text.translate(_FULL_WIDTH).split())
    if len(compact) == 18 and compact[:17].isdigit():
        return qs.filter(current_with_id_digest(crypto.blind_index(compact.upper(), "id")))
    if _PHONE.match(compact):
        return qs.filter(family__phone_digest=crypto.blind_index(compact, "phone")).distinct()
    if _ID_TAIL.match(compact):
        n = len(compact)
        return qs.filter(**{f"id_tail{n}": crypto.blind_index(compact.upper(), f"id{n}")})
    if compact.isascii() and compact.isalpha():
        # Initials and pinyin match the whole name or its end, the given name ("zq" finds 子琪 and 王子琪).
        letters = compact.lower()
        if len(letters) == 1:
            # Thousands of a city's names begin or end with the letter: the names index, read in the list's order
            # with the keys in it, finds a page of them sooner than gathering them all from the four ranges below.
            return qs.filter(Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters)
                             | Q(name_initials__endswith=letters) | Q(name_pinyin__endswith=letters))
        # The end as the beginning of the keys read backwards: four index ranges, gathered first, then the list.
        backwards = letters[::-1]
        matches = Child.objects.filter(prefix_q("name_initials", letters) | prefix_q("name_pinyin", letters)
                                       | prefix_q("name_initials_rev", backwards)
                                       | prefix_q("name_pinyin_rev", backwards))
        return qs.filter(pk__in=matches.values("pk"))
    return qs.filter(name__contains=compact)


def filter_children(qs: QuerySet[Child], *, region: Region | None = None, category: DifficultyCategory | None = None,
                    risk: str = "", status: str = "", sex: str = "", ethnicity: str = "",
                    age_min: int | None = None, age_max: int | None = None,
                    today: date | None = None) -> QuerySet[Child]:
    today = today or date.today()
    if region is not None:
        qs = qs.in_region(region)  # type: ignore[attr-defined]
    if category is not None:
        # Each file of the area asked whether it has the category (category_once_per_child), not a join made
        # distinct: the list counts and sorts the files themselves instead of de-duplicating joined rows, and
        # SQLite no longer walks a city's 16,000 links of a category to reach a banner's files one by one.
        qs = qs.filter(Exists(ChildCategory.objects.filter(
            child=OuterRef("pk"), category__in=[category, *category.subtypes.all()])))
    for field, value in (("risk", risk), ("status", status), ("sex", sex), ("ethnicity", ethnicity)):
        if value:
            qs = qs.filter(**{field: value})
    if age_min is not None:
        qs = qs.filter(birth_date__lte=_years_before(today, age_min))
    if age_max is not None:
        qs = qs.filter(birth_date__gt=_years_before(today, age_max + 1))
    return qs


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def duplicate_candidates(*, name: str, birth_date: date | None, region: Region | None, id_digest: str = "",
                         exclude_pk: int | None = None) -> list[tuple[Child, str]]:
    """Files that may be the same child, with why: same ID; same name, birth date and county; same sound."""
    found: dict[int, tuple[Child, str]] = {}
    base = Child.objects.current().select_related("region", "project")
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if id_digest:
        for child in base.filter(current_with_id_digest(id_digest))[:5]:
            found[child.pk] = (child, "id")
    if birth_date is not None:
        for child in base.filter(name=name, birth_date=birth_date)[:10]:
            same_county = region is not None and child.region.path[:22] == region.path[:22]
            found.setdefault(child.pk, (child, "name_birth_region" if same_county else "name_birth"))
        full, _ = pinyin_keys(name)
        for child in base.filter(name_pinyin=full, birth_date=birth_date).exclude(name=name)[:10]:
            found.setdefault(child.pk, (child, "pinyin"))
    if exclude_pk and found:
        decided = DuplicateDecision.objects.filter(
            Q(first_id=exclude_pk, second_id__in=found) | Q(second_id=exclude_pk, first_id__in=found))
        for a, b in decided.values_list("first_id", "second_id"):
            found.pop(b if a == exclude_pk else a, None)
    return list(found.values())


def family_of(child: Child) -> QuerySet[FamilyMember]:
    return child.family.all()


def may_reveal(user: Any) -> bool:
    return scope_for(user).may_reveal()
