"""Deterministic demo data, calibrated on the two programmes in DOMAIN.md.

Everything is built with bulk inserts from one random generator seeded by the
caller, so the same seed gives the same database.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from tongban.accounts.models import Role, User
from tongban.organisations.models import Organisation, Project, Site, Team
from tongban.regions.models import Region
from tongban.regions.services import regions_load, regions_parse_csv

DEMO_PASSWORD = "tongban-demo"
REGIONS_FILE = Path(settings.BASE_DIR) / "data" / "regions-ordos-urumqi.csv"

ORDOS, URUMQI = "150600", "650100"
# County-level regions and the slug used in generated user names.
COUNTY_SLUGS = {
    "150602": "dongsheng", "150603": "kangbashi", "150621": "dalate", "150622": "zhungeer",
    "150623": "etuokeqian", "150624": "etuoke", "150625": "hangjin", "150626": "wushen",
    "150627": "yijinhuoluo", "650102": "tianshan", "650103": "shayibake", "650104": "xinshi",
    "650105": "shuimogou", "650106": "toutunhe", "650107": "dabancheng", "650109": "midong",
    "650121": "wulumuqixian",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰晨阳玉梅琳晓红雪飞鹏华建国志宏文博思雨欣怡子涵浩宇佳琪嘉乐婷"
MONGOL_NAMES = ["巴特尔", "其木格", "乌云", "斯琴", "额尔敦", "萨仁", "那日苏", "阿拉坦", "图雅", "宝音"]
UYGHUR_NAMES = ["阿依古丽·买买提", "艾力·吐尔逊", "古丽娜尔·阿不都", "买买提·艾合买提", "热依拉·托乎提"]


@dataclass
class SeedReport:
    regions: int = 0
    organisations: int = 0
    projects: int = 0
    teams: int = 0
    sites: int = 0
    users: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)


class DemoBuilder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.report = SeedReport()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.users: list[User] = []

    def person_name(self, county_code: str = "") -> str:
        roll = self.rng.random()
        if county_code.startswith("15") and roll < 0.15:
            return self.rng.choice(MONGOL_NAMES)
        if county_code.startswith("65") and roll < 0.25:
            return self.rng.choice(UYGHUR_NAMES)
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    def build(self) -> SeedReport:
        with transaction.atomic():
            self.regions()
            self.organisations()
            self.projects()
            self.teams_and_sites()
            self.people()
        return self.report

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
        ordos_counties = [c for code, c in sorted(r.items()) if c.level == Region.Level.COUNTY and code.startswith("1506")]
        more: list[Organisation] = []
        # The association incubated 9 professional social organisations and 9 volunteer teams.
        for county, motto in zip(ordos_counties, ["童心", "暖阳", "益路", "同行", "向阳", "启航", "守望", "春苗", "筑梦"],
                                 strict=True):
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
        ordos = Project.objects.create(
            name="鄂尔多斯市困境儿童关爱服务项目", funder=self.org["鄂尔多斯市民政局"],
            contractor=self.org["鄂尔多斯市社会工作协会"], starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
            budget_yuan=Decimal("1500000.00"), target_children=5000, target_sessions=120, target_events=15,
        )
        ordos.regions.set([c for code, c in r.items() if c.level == Region.Level.COUNTY and code.startswith("1506")])
        urumqi = Project.objects.create(
            name="乌鲁木齐市青少年之家社会工作服务项目", funder=self.org["乌鲁木齐市民政局"],
            contractor=self.org["乌鲁木齐市阳光社会工作服务中心"], starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31), budget_yuan=Decimal("800000.00"), target_children=642,
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

    def user(self, username: str, role: str, *, full_name: str = "", organisation: Organisation | None = None,
             region: Region | None = None, team: Team | None = None, cast: bool = False, **extra: object) -> User:
        if team is not None:
            region = team.region
            organisation = organisation or team.project.contractor
        u = User(username=username, password=self.password_hash, role=role, full_name=full_name or self.person_name(
            region.code if region else ""), organisation=organisation, region=region, team=team, **extra)
        self.users.append(u)
        if cast:
            self.report.accounts.append((username, str(u.get_role_display() if role else "superuser")))
        return u

    def people(self) -> None:
        org, team = self.org, self.team
        villages = Region.objects.filter(level=Region.Level.VILLAGE).order_by("code")
        dalate_village = villages.filter(code__startswith="150621").exclude(name__contains="虚拟").first()
        assert dalate_village is not None
        self.user("admin", "", full_name="系统管理员", is_superuser=True, is_staff=True, cast=True)
        self.user("bureau_ordos", Role.BUREAU, full_name="高建国", organisation=org["鄂尔多斯市民政局"],
                  region=self.region[ORDOS], cast=True)
        self.user("bureau_dalate", Role.BUREAU, full_name="白志宏", organisation=org["达拉特旗民政局"],
                  region=self.region["150621"], cast=True)
        self.user("pm_ordos", Role.PROJECT_ADMIN, full_name="刘晓红", organisation=org["鄂尔多斯市社会工作协会"],
                  is_staff=True, cast=True)
        self.user("lead_dalate", Role.TEAM_LEAD, full_name="王丽娟", team=team["150621"], cast=True)
        self.user("worker_dalate", Role.WORKER, full_name="张敏", team=team["150621"], cast=True)
        self.user("worker_etuoke", Role.WORKER, full_name="其木格", team=team["150624"], cast=True)
        self.user("director_dalate", Role.CHILD_DIRECTOR, full_name="李桂兰", region=dalate_village, cast=True)
        self.user("volunteer_dalate", Role.VOLUNTEER, full_name="赵秀英", organisation=org["达拉特旗党员妈妈志愿服务队"],
                  cast=True)
        self.user("worker_shuimogou", Role.WORKER, full_name="古丽娜尔·阿不都", team=team["650105"], cast=True)
        self.user("pm_urumqi", Role.PROJECT_ADMIN, full_name="马建华",
                  organisation=org["乌鲁木齐市阳光社会工作服务中心"], is_staff=True)
        # The rest of each team: a lead (where the cast has none) and two to four workers.
        for code, t in sorted(team.items()):
            slug = COUNTY_SLUGS.get(code, code)
            if code != "150621":
                self.user(f"lead_{slug}", Role.TEAM_LEAD, team=t)
            for i in range(1, self.rng.randint(2, 4) + 1):
                self.user(f"worker_{slug}_{i}", Role.WORKER, team=t)
        # A child supervisor in each Dalate township, a child director in some of its villages.
        for i, township in enumerate(Region.objects.filter(level=Region.Level.TOWNSHIP, code__startswith="150621")
                                     .order_by("code")):
            self.user(f"supervisor_dalate_{i + 1}", Role.CHILD_SUPERVISOR, region=township)
        for i, village in enumerate(villages.filter(code__startswith="150621").exclude(pk=dalate_village.pk)[:40]):
            self.user(f"director_dalate_{i + 1}", Role.CHILD_DIRECTOR, region=village)
        # 100+ volunteers across the nine party-member-mother teams.
        volunteer_teams = sorted((o for o in org.values() if o.kind == Organisation.Kind.VOLUNTEER_TEAM),
                                 key=lambda o: o.name)
        for i in range(108):
            vt = volunteer_teams[i % len(volunteer_teams)]
            self.user(f"volunteer_{i + 1:03d}", Role.VOLUNTEER, organisation=vt)
        User.objects.bulk_create(self.users, batch_size=500)
        self.report.users = len(self.users)


def seed_demo(*, seed: int = 1) -> SeedReport:
    return DemoBuilder(seed).build()
