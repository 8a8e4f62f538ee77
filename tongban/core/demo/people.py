"""The demo accounts: the fixed cast every test and demo starts from, and the rest of each team."""

import random

from tongban.accounts.models import Role, User
from tongban.core.demo import names
from tongban.core.demo.places import ORDOS
from tongban.core.demo.records import SeedReport
from tongban.organisations.models import Organisation, Team
from tongban.regions.models import Region

DEMO_PASSWORD = "tongban-demo"
# County-level regions and the slug used in generated user names.
COUNTY_SLUGS = {
    "150602": "dongsheng", "150603": "kangbashi", "150621": "dalate", "150622": "zhungeer",
    "150623": "etuokeqian", "150624": "etuoke", "150625": "hangjin", "150626": "wushen",
    "150627": "yijinhuoluo", "650102": "tianshan", "650103": "shayibake", "650104": "xinshi",
    "650105": "shuimogou", "650106": "toutunhe", "650107": "dabancheng", "650109": "midong",
    "650121": "wulumuqixian",
}


class PeopleMixin:
    """Accounts, drawn from the builder's first generator after the places."""

    rng: random.Random
    report: SeedReport
    password_hash: str
    users: list[User]
    region: dict[str, Region]
    org: dict[str, Organisation]
    team: dict[str, Team]

    def person_name(self, county_code: str = "") -> str:
        return names.person_name(self.rng, county_code)

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
        self.user("volunteer_dalate", Role.VOLUNTEER, full_name="赵秀英",
                  organisation=org["达拉特旗党员妈妈志愿服务队"], cast=True)
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
