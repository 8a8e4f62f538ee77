"""Builders for volunteers, pairings and visits, always through the services."""

from datetime import date, timedelta
from typing import Any

from tongban.accounts.models import User
from tongban.children.models import Child
from tongban.children.tests.factories import make_child
from tongban.organisations.models import Organisation, Site
from tongban.regions.models import Region
from tongban.testing import cast
from tongban.volunteers import services
from tongban.volunteers.models import Pairing, PairingVisit, Volunteer

DALATE_TEAM = "达拉特旗党员妈妈志愿服务队"


def dalate_site() -> Site:
    return Site.objects.filter(region__path__startswith="/150000/150600/150621/").order_by("pk").first()


def village_of(site: Site) -> Region:
    return Region.objects.filter(parent=site.region, level=Region.Level.VILLAGE).order_by("code").first()


def team(name: str = DALATE_TEAM) -> Organisation:
    return Organisation.objects.get(name=name)


def volunteer_of(username: str) -> Volunteer:
    """The volunteer profile of a cast account, registered by the Dalate team lead if the demo has none."""
    user = cast(username)
    existing = Volunteer.objects.filter(user=user).first()
    return existing or services.volunteer_register(actor=cast("lead_dalate"), team=user.organisation,
                                                   name=user.full_name, user=user)


def make_volunteer(name: str = "王秀兰", *, actor: User | None = None, **fields: Any) -> Volunteer:
    fields.setdefault("team", team())
    return services.volunteer_register(actor=actor or cast("lead_dalate"), name=name, **fields)


def make_pairing(volunteer: Volunteer | None = None, child: Child | None = None, *, actor: User | None = None,
                 days_ago: int = 60, **fields: Any) -> Pairing:
    site = dalate_site()
    child = child or make_child(name="刘小花", region=village_of(site), address="达拉特旗某村3社", school="树林召小学")
    fields.setdefault("site", site)
    return services.pairing_create(actor=actor or cast("lead_dalate"), volunteer=volunteer or volunteer_of(
        "volunteer_dalate"), child=child, starts_on=date.today() - timedelta(days=days_ago), **fields)


def make_visit(pairing: Pairing, *, actor: User | None = None, days_ago: int = 7, minutes: int = 90,
               **fields: Any) -> PairingVisit:
    fields.setdefault("what_was_done", "一起读绘本，辅导数学作业")
    return services.visit_log(actor=actor or cast("volunteer_dalate"), pairing=pairing,
                              visited_on=date.today() - timedelta(days=days_ago), minutes=minutes, **fields)
