"""Community work: site details, partner organisations, volunteers and their pairings with visits, a year of
group activities with attendance, donors and donations with receipts and allocations.

Calibrated on DOMAIN.md: the Urumqi youth homes hold a collective birthday party every month and a 6:30 class
twice a month; the Ordos project holds its 15 service events across the banners and one activity a month at each
project point, under the five "dream" brand lines; 9 party-member-mother teams pair with children one to one;
23 enterprises, 2,000+ individuals and 13 social organisations give 200,000+ yuan of money and goods.
Everything is drawn from one generator derived from the builder's, and inserted in bulk.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from tongban.accounts.models import Role, User
from tongban.activities.models import Activity, ActivityType, ActivityVolunteer, Attendance, BrandLine
from tongban.children.choices import Status
from tongban.children.models import Child
from tongban.core.demo import names
from tongban.core.demo.records import SeedReport
from tongban.donations.models import Allocation, Donation, Donor, Receipt, ReceiptCounter
from tongban.organisations.models import Organisation, Project, RegistrationStatus, Site
from tongban.regions.models import Region
from tongban.volunteers.models import Availability, Pairing, PairingVisit, Skill, Volunteer

BATCH = 2000
ORDOS, URUMQI = "150600", "650100"
SOCIAL_ORG_SERVICES = ["个案心理辅导", "困境儿童家庭走访", "课业辅导", "亲子关系修复", "政策资源链接", "家庭教育讲座",
                       "安全教育", "心理健康筛查"]
TEAM_SERVICES = ["党员妈妈一对一结对", "节日慰问", "陪伴成长", "课业辅导", "生活照料"]
VISIT_DONE = ["一起读绘本，辅导作业", "陪孩子包饺子，聊学校里的事", "带孩子去公园散步", "检查作业，练习写字",
              "和爷爷奶奶拉家常，帮忙打扫", "送去冬衣，一起做手工", "陪孩子过生日", "教孩子用手机给老师发作业",
              "一起踢毽子、跳绳", "带孩子去图书馆借书"]
VISIT_CONCERNS = ["孩子说最近晚上常一个人在家", "奶奶身体不好，住院了", "孩子提到在学校被同学欺负",
                  "孩子最近不爱说话，情绪低落", "家里取暖的煤不够了", "孩子这周没去上学"]
ENTERPRISE_GOODS = [("冬季棉服", "件", 180), ("书包文具套装", "套", 85), ("儿童图书", "册", 30),
                    ("纯牛奶", "箱", 60), ("羊绒围巾", "条", 220), ("台灯", "台", 120)]
OTHER_SOCIAL_ORGS = ["鄂尔多斯市慈善总会", "鄂尔多斯市红十字会", "鄂尔多斯市青少年发展基金会",
                     "鄂尔多斯市妇女儿童发展基金会"]


class CommunityMixin:
    """Runs after the children: attendance, pairings and allocations draw on the files already inserted."""

    rng: random.Random
    seed: int
    report: SeedReport
    region: dict[str, Region]
    org: dict[str, Organisation]

    def community(self) -> None:
        # A generator of its own: the same seed gives the same community work whatever the steps before drew.
        self.corng = random.Random(f"community:{self.seed}")
        self.today = date.today()
        self._community_context()
        self.site_details()
        self.partner_details()
        self.volunteer_profiles()
        self.pairings_with_visits()
        self.activities_with_attendance()
        self.donors_and_donations()

    # What the steps share ---------------------------------------------------------------------------------------

    def _community_context(self) -> None:
        self.sites = list(Site.objects.select_related("project", "region__parent").order_by("pk"))
        self.project_of = {p.pk: p for p in Project.objects.select_related("contractor")}
        self.county_of_region: dict[int, str] = {}
        self.township_of_village: dict[int, int] = {}
        for pk, code, level, parent_id in Region.objects.filter(level__gte=Region.Level.COUNTY).values_list(
                "pk", "code", "level", "parent_id"):
            self.county_of_region[pk] = code[:6]
            if level == Region.Level.VILLAGE:
                self.township_of_village[pk] = parent_id
        # Only the columns the steps need: at 100,000 files this is one narrow read.
        self.kids_by_township: dict[int, list[tuple[int, date]]] = defaultdict(list)
        self.kids_by_county: dict[str, list[int]] = defaultdict(list)
        for pk, region_id, birth, status in Child.objects.filter(merged_into__isnull=True).values_list(
                "pk", "region_id", "birth_date", "status").order_by("pk"):
            if status not in (Status.SCREENED, Status.IN_SERVICE):
                continue
            self.kids_by_township[self.township_of_village.get(region_id, region_id)].append((pk, birth))
            self.kids_by_county[self.county_of_region[region_id]].append(pk)
        staff = User.objects.filter(role__in=[Role.TEAM_LEAD, Role.WORKER], team__isnull=False).order_by("username")
        self.leads: dict[str, User] = {}
        self.workers: dict[str, list[User]] = defaultdict(list)
        for user in staff.select_related("team__region"):
            code = user.team.region.code
            if user.role == Role.TEAM_LEAD:
                self.leads.setdefault(code, user)
            else:
                self.workers[code].append(user)
        self.pm = {p.contractor_id: User.objects.filter(role=Role.PROJECT_ADMIN, organisation_id=p.contractor_id)
                   .order_by("username").first() for p in self.project_of.values()}

    # Sites and partner organisations -------------------------------------------------------------------------

    def site_details(self) -> None:
        rng = self.corng
        links = []
        for site in self.sites:
            county = site.region.parent.code if site.region.parent else site.region.code
            if site.kind == Site.Kind.YOUTH_HOME:
                site.opening_hours = "周一至周五 16:00–20:00（六点半课堂 18:30–20:00）；周六 9:30–17:00"
                site.capacity = rng.choice([40, 50, 60, 80])
            else:
                site.opening_hours = "周一至周五 8:30–17:30；寒暑假周末开放"
                site.capacity = rng.choice([20, 30, 40])
            for worker in rng.sample(self.workers[county], min(2, len(self.workers[county]))):
                links.append(Site.staff.through(site_id=site.pk, user_id=worker.pk))
        Site.objects.bulk_update(self.sites, ["opening_hours", "capacity"])
        Site.staff.through.objects.bulk_create(links)

    def partner_details(self) -> None:
        rng = self.corng
        partners = list(Organisation.objects.filter(incubated_by__isnull=False).order_by("name"))
        for org in partners:
            if org.kind == Organisation.Kind.SOCIAL_ORG:
                org.registration_status = rng.choices([RegistrationStatus.REGISTERED, RegistrationStatus.FILED,
                                                       RegistrationStatus.INCUBATING], [6, 2, 1])[0]
                org.services_offered = "\n".join(rng.sample(SOCIAL_ORG_SERVICES, 3))
            else:
                org.registration_status = RegistrationStatus.FILED
                org.services_offered = "\n".join(rng.sample(TEAM_SERVICES, 3))
            if org.registration_status != RegistrationStatus.INCUBATING:
                org.registered_on = date(2020, 1, 1) + timedelta(days=rng.randint(0, 900))
        Organisation.objects.bulk_update(partners, ["registration_status", "services_offered", "registered_on"])

    # Volunteers, pairings, visits ------------------------------------------------------------------------------

    def volunteer_profiles(self) -> None:
        rng = self.corng
        volunteers = []
        for user in User.objects.filter(role=Role.VOLUNTEER).select_related("organisation").order_by("username"):
            volunteers.append(Volunteer(
                user=user, team=user.organisation, name=user.full_name, is_party_member=rng.random() < 0.8,
                phone=f"13{rng.randint(100000000, 999999999)}",
                skills=sorted(rng.sample(Skill.values, rng.randint(1, 3))),
                availability=sorted(rng.sample(Availability.values, rng.randint(1, 2))),
                joined_on=date(2024, 1, 1) + timedelta(days=rng.randint(0, 800))))
        Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
        self.volunteers = list(Volunteer.objects.select_related("team__region", "user").order_by("pk"))
        self.report.volunteers = len(self.volunteers)

    def pairings_with_visits(self) -> None:
        """Most party-member mothers are paired with one child of their banner, still screened or in service."""
        rng = self.corng
        site_of_county = {}
        for site in self.sites:
            site_of_county.setdefault(site.region.parent.code if site.region.parent else "", site)
        taken: set[int] = set()
        pairings = []
        for volunteer in self.volunteers:
            county = volunteer.team.region.code
            # volunteer_dalate, of the demo cast, always has a pairing to show.
            if volunteer.user and volunteer.user.username == "volunteer_dalate" or rng.random() < 0.65:
                free = [pk for pk in self.kids_by_county.get(county, []) if pk not in taken]
                chosen = rng.choice(free) if free else None
            else:
                chosen = None
            if chosen is None:
                continue
            taken.add(chosen)
            starts = self.today - timedelta(days=rng.randint(60, 330))
            pairings.append(Pairing(volunteer=volunteer, child_id=chosen, site=site_of_county.get(county),
                                    starts_on=starts, purpose="党员妈妈一对一结对：陪伴成长、课业辅导",
                                    created_by=self.leads.get(county)))
        Pairing.objects.bulk_create(pairings, batch_size=BATCH)
        visits = []
        for pairing in pairings:
            day = pairing.starts_on + timedelta(days=rng.randint(3, 10))
            while day < self.today:
                visits.append(PairingVisit(
                    pairing=pairing, visited_on=day, minutes=rng.choice([60, 90, 90, 120, 150, 180]),
                    what_was_done=rng.choice(VISIT_DONE),
                    concerns=rng.choice(VISIT_CONCERNS) if rng.random() < 0.1 else "",
                    recorded_by=pairing.volunteer.user or pairing.created_by))
                day += timedelta(days=rng.randint(10, 24))
        PairingVisit.objects.bulk_create(visits, batch_size=BATCH)
        self.report.pairings, self.report.visits = len(pairings), len(visits)

    # Activities ------------------------------------------------------------------------------------------------

    def activities_with_attendance(self) -> None:
        rng = self.corng
        types = {t.code: t for t in ActivityType.objects.all()}
        brands = list(BrandLine.objects.order_by("order"))
        volunteers_of_county: dict[str, list[Volunteer]] = defaultdict(list)
        for v in self.volunteers:
            volunteers_of_county[v.team.region.code].append(v)
        year_start = date(self.today.year, 1, 1)
        plans: list[tuple[Activity, list[tuple[int, date]], bool]] = []

        def plan(site: Site | None, region: Region, project: Project, kind: str, day: date, title: str,
                 guests: list[tuple[int, date]], birthday: bool = False) -> None:
            county = self.county_of_region[region.pk]
            brand = rng.choice(brands) if project.regions.all()[0].code.startswith("15") else None
            activity = Activity(
                project=project, site=site, region=region, type=types[kind], brand_line=brand, title=title,
                held_on=day, place=site.address if site else region.name, created_by=self.leads.get(county),
                status=Activity.Status.HELD if day <= self.today else Activity.Status.PLANNED,
                plan="活动目标：增进同伴交往，提升自信。流程：破冰游戏—主题活动—分享总结。")
            plans.append((activity, guests, birthday))

        for site in self.sites:
            kids = self.kids_by_township.get(site.region_id, [])
            for month in range(1, 13):
                first = date(self.today.year, month, 1)
                if site.kind == Site.Kind.YOUTH_HOME:
                    born = [k for k in kids if k[1].month == month]
                    plan(site, site.region, site.project, "birthday_party", first + timedelta(days=24),
                         f"{month}月爱心生日会", born, birthday=True)
                    for day in (8, 22):
                        plan(site, site.region, site.project, "after_school_630", first + timedelta(days=day - 1),
                             f"{month}月六点半课堂", rng.sample(kids, min(len(kids), rng.randint(8, 20))))
                    if month % 2 == 0:
                        kind = rng.choice(["ethnic_unity", "traditional_culture", "youth_social", "companionship"])
                        plan(site, site.region, site.project, kind, first + timedelta(days=14),
                             f"{month}月{types[kind].name}", rng.sample(kids, min(len(kids), rng.randint(10, 30))))
                else:
                    kind = rng.choice(["companionship", "group_counselling", "traditional_culture",
                                       "volunteer_service"])
                    plan(site, site.region, site.project, kind, first + timedelta(days=rng.randint(5, 25)),
                         f"{month}月{types[kind].name}", rng.sample(kids, min(len(kids), rng.randint(6, 15))))
        # The Ordos project's 15 service events, across the banners and through the year.
        ordos_sites = [s for s in self.sites if s.region.path.startswith(f"/150000/{ORDOS}/")]
        for i in range(15):
            site = ordos_sites[i % len(ordos_sites)]
            kind = rng.choice(["practice_camp", "volunteer_service", "group_counselling", "traditional_culture"])
            county = site.region.parent
            kids = [(pk, date.min) for pk in self.kids_by_county.get(county.code, [])]
            guests = rng.sample(kids, min(len(kids), rng.randint(10, 30)))
            plan(None, county, site.project, kind, year_start + timedelta(days=10 + i * 23),
                 f"{county.name}{types[kind].name}（第{i + 1}场）", guests)

        Activity.objects.bulk_create([a for a, _, _ in plans], batch_size=BATCH)
        attendance, presences = [], []
        for activity, guests, birthday in plans:
            held = activity.status == Activity.Status.HELD
            for pk, _birth in guests:
                attendance.append(Attendance(activity=activity, child_id=pk, invited=True,
                                             attended=held and rng.random() < (0.9 if birthday else 0.8)))
            if held:
                activity.walk_ins = rng.randint(0, 8)
                activity.summary = "孩子们积极参与，气氛热烈；活动后整理了照片和反馈。"
                county = self.county_of_region[activity.region_id]
                team = volunteers_of_county.get(county, [])
                for v in rng.sample(team, min(len(team), rng.randint(0, 3))):
                    presences.append(ActivityVolunteer(activity=activity, volunteer=v,
                                                       hours=Decimal(rng.choice(["2.0", "2.5", "3.0", "4.0"]))))
        Activity.objects.bulk_update([a for a, _, _ in plans], ["walk_ins", "summary"], batch_size=BATCH)
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)
        ActivityVolunteer.objects.bulk_create(presences, batch_size=BATCH)
        self.activities = [a for a, _, _ in plans]
        self.report.activities, self.report.attendance = len(plans), len(attendance)

    # Donors and donations --------------------------------------------------------------------------------------

    def donors_and_donations(self) -> None:
        rng = self.corng
        ordos_project = next(p for p in self.project_of.values() if p.contractor.name == "鄂尔多斯市社会工作协会")
        urumqi_project = next(p for p in self.project_of.values() if p is not ordos_project)
        ordos, urumqi = Region.objects.get(code=ORDOS), Region.objects.get(code=URUMQI)
        counties = [r for r in Region.objects.filter(level=Region.Level.COUNTY, code__startswith="1506")
                    .order_by("code")]
        donors: list[Donor] = []
        for org in sorted((o for o in self.org.values() if o.kind == Organisation.Kind.ENTERPRISE),
                          key=lambda o: o.name):
            donors.append(Donor(kind=Donor.Kind.ENTERPRISE, name=org.name, organisation=org, project=ordos_project,
                                region=org.region))
        for org in sorted((o for o in self.org.values() if o.kind == Organisation.Kind.SOCIAL_ORG),
                          key=lambda o: o.name):
            donors.append(Donor(kind=Donor.Kind.SOCIAL_ORG, name=org.name, organisation=org, project=ordos_project,
                                region=org.region))
        for name in OTHER_SOCIAL_ORGS:
            donors.append(Donor(kind=Donor.Kind.SOCIAL_ORG, name=name, project=ordos_project, region=ordos))
        for _i in range(2050):
            county = rng.choice(counties)
            anonymous = rng.random() < 0.12
            donors.append(Donor(kind=Donor.Kind.INDIVIDUAL, anonymous=anonymous,
                                name="" if anonymous else names.person_name(rng, county.code),
                                project=ordos_project, region=county))
        for trade in ["商贸", "餐饮", "物业", "建材", "科技"]:
            donors.append(Donor(kind=Donor.Kind.ENTERPRISE, name=f"乌鲁木齐市天山{trade}有限公司",
                                project=urumqi_project, region=urumqi))
        for _i in range(120):
            donors.append(Donor(kind=Donor.Kind.INDIVIDUAL, name=names.person_name(rng, "650105"),
                                project=urumqi_project, region=urumqi))
        Donor.objects.bulk_create(donors, batch_size=BATCH)

        span = max((self.today - date(self.today.year, 1, 1)).days, 1)
        donations: list[Donation] = []
        for donor in donors:
            gifts = {Donor.Kind.ENTERPRISE: rng.randint(1, 3), Donor.Kind.SOCIAL_ORG: rng.randint(1, 2)}.get(
                donor.kind, 1)
            for _g in range(gifts):
                day = date(self.today.year, 1, 1) + timedelta(days=rng.randint(0, span))
                recorder = self.pm.get(donor.project.contractor_id)
                if donor.kind == Donor.Kind.INDIVIDUAL:
                    value = Decimal(rng.choice([10, 20, 20, 30, 50, 50, 66, 88, 100]))
                    donations.append(Donation(donor=donor, project=donor.project, region=donor.region, kind="money",
                                              received_on=day, value_yuan=value, recorded_by=recorder))
                elif donor.kind == Donor.Kind.ENTERPRISE and rng.random() < 0.4:
                    goods, unit, price = rng.choice(ENTERPRISE_GOODS)
                    quantity = rng.randint(10, 40)
                    donations.append(Donation(donor=donor, project=donor.project, region=donor.region, kind="goods",
                                              received_on=day, value_yuan=Decimal(quantity * price),
                                              goods_description=goods, quantity=quantity, unit=unit,
                                              recorded_by=recorder, purpose="用于困境儿童冬季关爱"))
                else:
                    top = 5500 if donor.kind == Donor.Kind.ENTERPRISE else 3500
                    value = Decimal(rng.randrange(1000, top, 500))
                    donations.append(Donation(donor=donor, project=donor.project, region=donor.region, kind="money",
                                              received_on=day, value_yuan=value, recorded_by=recorder))
        donations.sort(key=lambda d: (d.received_on, d.donor.name))
        Donation.objects.bulk_create(donations, batch_size=BATCH)
        # Receipts in the order the donations came in: one counter per contractor and year, no gaps.
        receipts, last = [], defaultdict(int)
        for d in donations:
            key = (d.project.contractor_id, d.received_on.year)
            last[key] += 1
            receipts.append(Receipt(donation=d, issuer_id=key[0], year=key[1], sequence=last[key],
                                    issued_on=d.received_on))
        Receipt.objects.bulk_create(receipts, batch_size=BATCH)
        ReceiptCounter.objects.bulk_create(ReceiptCounter(issuer_id=i, year=y, last=n) for (i, y), n in last.items())
        self._allocations(donations)
        self.report.donors, self.report.donations = len(donors), len(donations)
        self.report.donated_yuan = sum((d.value_yuan for d in donations), Decimal(0))

    def _allocations(self, donations: list[Donation]) -> None:
        """Most gifts of enterprises and organisations are given on: to an activity, a site or children."""
        rng = self.corng
        held = defaultdict(list)
        for a in self.activities:
            if a.status == Activity.Status.HELD:
                held[(a.project_id, self.county_of_region[a.region_id])].append(a)
        site_of = defaultdict(list)
        for s in self.sites:
            site_of[(s.project_id, self.county_of_region[s.region_id])].append(s)
        allocations = []
        for d in donations:
            if d.donor.kind == Donor.Kind.INDIVIDUAL or rng.random() < 0.3:
                continue
            key = (d.project_id, self.county_of_region.get(d.region_id, ""))
            share = (d.value_yuan * Decimal(rng.choice(["0.5", "0.8", "1"]))).quantize(Decimal("0.01"))
            when = min(d.received_on + timedelta(days=rng.randint(3, 30)), self.today)
            kids = self.kids_by_county.get(key[1], [])
            if d.kind == "goods" and kids:
                chosen = rng.sample(kids, min(len(kids), 5))
                each = (share / len(chosen)).quantize(Decimal("0.01"))
                allocations += [Allocation(donation=d, child_id=pk, value_yuan=each, quantity=1, allocated_on=when,
                                           note="入户发放") for pk in chosen]
            elif held.get(key):
                allocations.append(Allocation(donation=d, activity=rng.choice(held[key]), value_yuan=share,
                                              allocated_on=when, note="活动物资与场地"))
            elif site_of.get(key):
                allocations.append(Allocation(donation=d, site=site_of[key][0], value_yuan=share, allocated_on=when,
                                              note="站点学习用品"))
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        self.report.allocations = len(allocations)
