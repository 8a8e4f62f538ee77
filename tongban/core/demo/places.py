"""Where the programmes work: regions, organisations, the two projects, their teams and sites."""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from tongban.core.demo.records import SeedReport
from tongban.organisations.models import Organisation, Project, Site, Team
from tongban.regions.models import Region
from tongban.regions.services import regions_load, regions_parse_csv

REGIONS_FILE = Path(settings.BASE_DIR) / "data" / "regions-ordos-urumqi.csv"

ORDOS, URUMQI = "150600", "650100"

# The committee's name becomes the place's name in an address: 大树湾村委会 → 大树湾村.
PLACE_NAMES = [("村民委员会", "村"), ("村委会", "村"), ("社区居民委员会", "社区"), ("社区居委会", "社区"),
               ("居民委员会", "社区"), ("居委会", "社区")]


def is_urban_place(village_name: str) -> bool:
    return any(word in village_name for word in ("社区", "居委会", "居民委员会", "生活区"))


class PlacesMixin:
    """The regions, then who works where: bureaus, contractors, incubated organisations, projects, teams, sites."""

    rng: random.Random
    report: SeedReport

    def regions(self) -> None:
        if not Region.objects.filter(code=ORDOS).exists():
            with REGIONS_FILE.open(encoding="utf-8", newline="") as stream:
                regions_load(rows=regions_parse_csv(stream))
        self.region = {r.code: r for r in Region.objects.filter(level__lte=Region.Level.COUNTY)}
        self.report.regions = Region.objects.count()

    def organisations(self) -> None:
        r = self.region
        orgs: list[Organisation] = [
            Organisation(name="鄂尔多斯市民政局", kind=Organisation.Kind.BUREAU, region=r[ORDOS]),
            Organisation(name="乌鲁木齐市民政局", kind=Organisation.Kind.BUREAU, region=r[URUMQI]),
            Organisation(name="鄂尔多斯市社会工作协会", kind=Organisation.Kind.CONTRACTOR, region=r[ORDOS],
                         address="鄂尔多斯市康巴什区"),
            Organisation(name="乌鲁木齐市阳光社会工作服务中心", kind=Organisation.Kind.CONTRACTOR, region=r[URUMQI],
                         address="乌鲁木齐市水磨沟区"),
        ]
        for code, county in r.items():
            if county.level == Region.Level.COUNTY and code.startswith("1506"):
                orgs.append(Organisation(name=f"{county.name}民政局", kind=Organisation.Kind.BUREAU, region=county))
        Organisation.objects.bulk_create(orgs)
        self.org = {o.name: o for o in Organisation.objects.all()}
        association = self.org["鄂尔多斯市社会工作协会"]
        ordos_counties = [c for code, c in sorted(r.items())
                          if c.level == Region.Level.COUNTY and code.startswith("1506")]
        more: list[Organisation] = []
        # The association incubated 9 professional social organisations and 9 volunteer teams.
        mottos = ["童心", "暖阳", "益路", "同行", "向阳", "启航", "守望", "春苗", "筑梦"]
        for county, motto in zip(ordos_counties, mottos, strict=True):
            more.append(Organisation(name=f"{county.name}{motto}社会工作服务中心", kind=Organisation.Kind.SOCIAL_ORG,
                                     region=county, incubated_by=association))
            more.append(Organisation(name=f"{county.name}党员妈妈志愿服务队", kind=Organisation.Kind.VOLUNTEER_TEAM,
                                     region=county, incubated_by=association))
            more.append(Organisation(name=f"{county.name}第一小学", kind=Organisation.Kind.SCHOOL, region=county))
        trades = ["能源", "煤业", "羊绒", "化工", "电力", "建设", "物流", "商贸", "乳业", "农牧", "药业", "文旅"]
        for i in range(23):
            county = ordos_counties[i % len(ordos_counties)]
            more.append(Organisation(name=f"鄂尔多斯市{county.name[:2]}{trades[i % len(trades)]}有限公司{i + 1:02d}",
                                     kind=Organisation.Kind.ENTERPRISE, region=county))
        Organisation.objects.bulk_create(more)
        self.org = {o.name: o for o in Organisation.objects.all()}
        self.report.organisations = len(self.org)

    def projects(self) -> None:
        r = self.region
        # The projects run through this year, as the demo's sessions, activities and donations do.
        first, last = date(date.today().year, 1, 1), date(date.today().year, 12, 31)
        ordos = Project.objects.create(
            name="鄂尔多斯市困境儿童关爱服务项目", funder=self.org["鄂尔多斯市民政局"],
            contractor=self.org["鄂尔多斯市社会工作协会"], starts_on=first, ends_on=last,
            budget_yuan=Decimal("1500000.00"), target_children=5000, target_sessions=120, target_events=15,
        )
        ordos.regions.set([c for code, c in r.items() if c.level == Region.Level.COUNTY and code.startswith("1506")])
        urumqi = Project.objects.create(
            name="乌鲁木齐市青少年之家社会工作服务项目", funder=self.org["乌鲁木齐市民政局"],
            contractor=self.org["乌鲁木齐市阳光社会工作服务中心"], starts_on=first,
            ends_on=last, budget_yuan=Decimal("800000.00"), target_children=642,
            target_sessions=200, target_events=60,
        )
        urumqi.regions.set([r[URUMQI]])
        self.ordos_project, self.urumqi_project = ordos, urumqi
        self.report.projects = 2

    def teams_and_sites(self) -> None:
        teams: list[Team] = []
        for code, county in sorted(self.region.items()):
            if county.level != Region.Level.COUNTY:
                continue
            project = self.ordos_project if code.startswith("1506") else self.urumqi_project
            teams.append(Team(project=project, region=county, name=f"{county.name}项目组"))
        Team.objects.bulk_create(teams)
        self.team = {t.region.code: t for t in Team.objects.select_related("region")}
        townships = list(Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code"))
        sites: list[Site] = []
        for code, team in sorted(self.team.items()):
            in_county = [t for t in townships if t.code.startswith(code)]
            # Urumqi runs 11 youth homes; each Ordos banner keeps one project point.
            count = (2 if code in ("650105", "650102", "650103") else 1) if code.startswith("65") else 1
            for i, township in enumerate(self.rng.sample(in_county, min(count, len(in_county)))):
                if code.startswith("65"):
                    name, kind = f"{township.name}青少年之家", Site.Kind.YOUTH_HOME
                else:
                    name, kind = f"{township.name}儿童关爱服务站", Site.Kind.PROJECT_POINT
                sites.append(Site(project=team.project, region=township, name=name if i == 0 else f"{name}（二）",
                                  kind=kind, address=f"{team.region.name}{township.name}"))
        Site.objects.bulk_create(sites)
        self.report.teams, self.report.sites = len(teams), len(sites)
