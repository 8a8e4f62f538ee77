"""Builders for children's files, always through the services, as a worker would build them."""

import itertools
from datetime import date, timedelta
from typing import Any

from tongban.accounts.models import User
from tongban.children import services
from tongban.children.idnumber import check_digit
from tongban.children.models import Child, DifficultyCategory, FamilyMember
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.testing import cast

ORDOS_PROJECT = "鄂尔多斯市困境儿童关爱服务项目"
# The address code of an ID number is where the child was first registered, not where the child lives:
# a Beijing code keeps our numbers apart from any the demo world makes up for Ordos and Urumqi.
BIRTHPLACE_CODE = "110105"

_sequence = itertools.count(51)


def id_number(birth: date, sex: str = "F", *, area: str = BIRTHPLACE_CODE, seq: int | None = None) -> str:
    """A valid 18-digit resident ID number (GB 11643) for this birth date and sex."""
    # The 17th digit is odd for boys, even for girls; each call takes a fresh pair of sequence numbers.
    n = seq if seq is not None else (2 * next(_sequence)) % 1000 + (1 if sex == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{n:03d}"
    return body + check_digit(body)


def id_number_ending_in_x(birth: date, sex: str = "F", *, area: str = BIRTHPLACE_CODE) -> str:
    # Up to every sequence number of the sex's parity: forty in a row, from wherever the counter stood, missed X
    # for some birth dates (the check digit moves in steps of 4 of 11 while the last digit alone changes).
    for _attempt in range(500):
        number = id_number(birth, sex, area=area)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives the check digit X")


def born_years_ago(years: int, *, days: int = 30, today: date | None = None) -> date:
    """A birth date making the child `years` old, with their birthday `days` behind them."""
    today = today or date.today()
    anniversary = today.replace(year=today.year - years, day=28 if (today.month, today.day) == (2, 29) else today.day)
    return anniversary - timedelta(days=days)


def ordos_project() -> Project:
    return Project.objects.get(name=ORDOS_PROJECT)


def village(county_code: str = "150621", *, index: int = 0) -> Region:
    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=county_code).order_by("code")
    return villages[index]


def category(code: str) -> DifficultyCategory:
    return DifficultyCategory.objects.get(code=code)


def make_child(*, actor: User | None = None, with_id: bool = True, confirmed_new: bool = True,
               **overrides: Any) -> Child:
    """A Dalate child aged 9 with an ID number, registered by the Dalate team lead unless told otherwise.

    confirmed_new is on by default: the demo world holds children too, and a builder must not depend on
    whether one of them shares a name and birth date.
    """
    actor = actor or cast("lead_dalate")
    fields: dict[str, Any] = {
        "name": "李小雨", "project": ordos_project(), "region": village(), "hukou": "rural", "ethnicity": "汉族",
    }
    fields.update(overrides)
    birth = fields.pop("birth_date", None) or born_years_ago(9)
    sex = fields.pop("sex", None) or "F"
    number = fields.pop("id_number", None)
    if number is None and with_id:
        number = id_number(birth, sex)
    if number:
        # The number says the birth date and sex; typing them as well must agree with it.
        return services.child_register(actor=actor, id_number=number, confirmed_new=confirmed_new, **fields)
    return services.child_register(actor=actor, confirmed_new=confirmed_new, birth_date=birth, sex=sex, **fields)


def make_member(child: Child, relation: str, *, actor: User | None = None, phone: str | None = None,
                **fields: Any) -> FamilyMember:
    return services.family_member_save(actor=actor or cast("lead_dalate"), child=child, phone=phone,
                                       relation=relation, **fields)


def make_family(child: Child, *, actor: User | None = None, **members: dict[str, Any]) -> dict[str, FamilyMember]:
    """make_family(child, father={"condition": "in_prison"}, mother={"life_status": "dead"})."""
    return {relation: make_member(child, relation, actor=actor, **fields) for relation, fields in members.items()}


def reload(child: Child) -> Child:
    return Child.objects.get(pk=child.pk)


def computed_codes(child: Child) -> set[str]:
    return set(child.categories.filter(source="computed").values_list("category__code", flat=True))
