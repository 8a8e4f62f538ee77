"""Deterministic demo data, calibrated on the two programmes in DOMAIN.md.

Everything is built with bulk inserts from one random generator seeded by the
caller, so the same seed gives the same database.
"""

import itertools
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation

from tongban.accounts.models import Role, User
from tongban.children import rules
from tongban.children.choices import (
    Disability,
    GuardianshipQuality,
    Hukou,
    LifeStatus,
    ParentCondition,
    Relation,
    Risk,
    Sex,
    Status,
    Welfare,
)
from tongban.children.idnumber import check_digit
from tongban.children.models import Child, ChildCategory, Consent, DifficultyCategory, FamilyMember
from tongban.children.search import pinyin_keys
from tongban.children.services import PSEUDONYM_STEMS
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


# Children's files -------------------------------------------------------------------------------------------

CHILD_BATCH = 2000
# Where the children live: most files in the nine Ordos banners/districts (the report's 5,000+ children a year),
# about one in nine with the Urumqi youth homes (642 young people at the largest site, in 水磨沟区).
CHILD_COUNTY_WEIGHTS = {
    "150602": 14, "150603": 4, "150621": 18, "150622": 17, "150623": 6, "150624": 8, "150625": 9, "150626": 8,
    "150627": 16, "650102": 2.0, "650103": 2.2, "650104": 2.0, "650105": 3.0, "650106": 1.2, "650107": 0.4,
    "650109": 1.6, "650121": 0.6,
}
# Screening finds fewer toddlers than school children; the 17-year-olds are a year group about to leave.
AGE_WEIGHTS = {1: 5, 2: 6, 3: 8, 4: 8, 5: 8, **dict.fromkeys(range(6, 15), 10), 15: 9, 16: 9, 17: 6}
# Where children first registered when not in their county (the ID number keeps it): another county of the
# same city, or a neighbouring region people move from (榆林, 河曲, 呼和浩特; 喀什, 阿克苏, 伊宁, 克拉玛依).
OTHER_BIRTHPLACES = {"15": ["610802", "610822", "610881", "140930", "150102"],
                     "65": ["653101", "652901", "654002", "650203"]}
BOY_CHARS = "浩宇轩睿泽俊杰博文涛鹏飞磊强宏志伟勇超晨阳天佑铭昊然梓豪皓鑫瑞凯翔彬斌航子嘉"
GIRL_CHARS = "欣怡梓涵雨桐佳琪诗思婷芳娜秀敏静丽艳娟霞玉梅琳晓雪紫萱可馨悦若曦语嫣梦瑶"
MAN_CHARS = "建军国强伟勇志刚明海涛磊鹏斌峰华平东林亮永福"
WOMAN_CHARS = "丽红梅芳霞燕玲娟静秀英兰艳萍琴凤"
ELDER_MAN_CHARS = "福贵德山财春旺根生有发满仓"
ELDER_WOMAN_CHARS = "秀兰桂英凤翠花珍香梅金"
HUI_SURNAMES = "马马马马丁白杨李哈海纳沙冶"
MONGOL_SURNAMES = "包白奇韩吴云鲍宝"
MONGOL_MALE = ["巴特尔", "额尔敦", "那日苏", "阿拉坦", "宝音", "苏和", "朝鲁", "孟和", "巴图", "特木尔", "乌力吉",
               "毕力格", "布和", "哈斯", "额日和", "达来", "巴音", "吉日嘎拉", "赛音", "满都拉"]
MONGOL_FEMALE = ["其木格", "乌云", "斯琴", "萨仁", "图雅", "乌兰", "娜仁", "高娃", "塔娜", "琪琪格", "萨日娜",
                 "苏日娜", "乌日娜", "其其格", "阿拉坦其其格", "格日乐", "诺敏", "乌仁", "托娅", "斯琴高娃"]
UYGHUR_MALE = ["买买提", "艾力", "吐尔逊", "阿不都", "艾合买提", "努尔", "亚森", "阿里木", "伊力哈木", "库尔班",
               "热合曼", "艾尔肯", "麦麦提", "吐尔洪", "依明", "阿布来提", "卡德尔", "玉素甫", "塔依尔", "肉孜"]
UYGHUR_FEMALE = ["阿依古丽", "古丽娜尔", "热依拉", "米热古丽", "帕提古丽", "祖拜旦", "阿依努尔", "努尔古丽", "热娜",
                 "迪丽努尔", "再娜甫", "阿米娜", "布威", "马依拉", "古再丽努尔", "阿瓦古丽", "茹仙古丽", "排孜拉",
                 "哈丽旦", "米娜瓦尔"]
KAZAKH_MALE = ["叶尔兰", "努尔兰", "哈力木拉提", "阿斯哈尔", "巴合提别克", "别克", "叶尔江", "阿依登", "达吾列提",
               "加纳尔别克", "叶尔波拉提", "胡安", "叶尔肯", "马合沙提"]
KAZAKH_FEMALE = ["阿依达娜", "加娜尔", "古丽巴哈尔", "阿依努尔", "阿克邦", "阿依江", "玛依拉", "叶尔克那依",
                 "阿娜尔", "哈孜那", "古丽米拉", "阿依谢姆"]
MALE_RELATIONS = frozenset({Relation.FATHER, Relation.PATERNAL_GRANDFATHER, Relation.MATERNAL_GRANDFATHER,
                            Relation.UNCLE})
# How often each condition of 民发〔2019〕62号 keeps a parent from raising the child, and what proves it.
CONDITION_WEIGHTS = {
    ParentCondition.SEVERE_DISABILITY: 30, ParentCondition.SERIOUS_ILLNESS: 15, ParentCondition.IN_PRISON: 22,
    ParentCondition.DRUG_REHAB: 8, ParentCondition.LOST_CONTACT: 18, ParentCondition.GUARDIANSHIP_REVOKED: 3,
    ParentCondition.LOSS_OF_LIBERTY: 2, ParentCondition.DEPORTED: 2,
}
# One parent unable while the other copes: mostly prison, drugs or illness; some lost contact too recently
# (under 6 months) to count yet.
ONE_PARENT_CONDITION_WEIGHTS = {
    ParentCondition.IN_PRISON: 38, ParentCondition.DRUG_REHAB: 12, ParentCondition.SERIOUS_ILLNESS: 20,
    ParentCondition.SEVERE_DISABILITY: 18, ParentCondition.LOST_CONTACT: 12,
}
CONDITION_EVIDENCE = {
    ParentCondition.SERIOUS_ILLNESS: ["二级以上医院诊断证明"],
    ParentCondition.IN_PRISON: ["人民法院刑事判决书", "看守所羁押证明"],
    ParentCondition.DRUG_REHAB: ["强制隔离戒毒决定书"],
    ParentCondition.LOST_CONTACT: ["公安机关报案回执"],
    ParentCondition.GUARDIANSHIP_REVOKED: ["人民法院撤销监护人资格判决书"],
    ParentCondition.LOSS_OF_LIBERTY: ["人民法院强制医疗决定书"],
    ParentCondition.DEPORTED: ["出入境管理部门遣送出境证明"],
}
DEATH_EVIDENCE = ["死亡医学证明书", "居民死亡殡葬证", "户籍注销证明"]
SERIOUS_ILLNESSES = ["尿毒症，规律透析", "白血病", "恶性肿瘤，化疗中", "重度再生障碍性贫血", "肝硬化失代偿期"]
GRADE_CN = "一二三四五六"
DISABILITY_CN = {
    Disability.VISUAL: "视力", Disability.HEARING: "听力", Disability.SPEECH: "言语", Disability.PHYSICAL: "肢体",
    Disability.INTELLECTUAL: "智力", Disability.MENTAL: "精神", Disability.MULTIPLE: "多重",
}
ADULT_DISABILITY_HEALTH = {
    Disability.VISUAL: "双目失明", Disability.HEARING: "重度听力障碍", Disability.SPEECH: "言语障碍",
    Disability.PHYSICAL: "下肢瘫痪", Disability.INTELLECTUAL: "智力低下", Disability.MENTAL: "精神分裂症，长期服药",
    Disability.MULTIPLE: "脑梗后偏瘫伴言语障碍",
}
CHILD_DISABILITY_WEIGHTS = {
    Disability.INTELLECTUAL: 30, Disability.PHYSICAL: 25, Disability.HEARING: 10, Disability.SPEECH: 10,
    Disability.VISUAL: 8, Disability.MENTAL: 7, Disability.MULTIPLE: 10,
}
CHILD_DISABILITY_HEALTH = {
    Disability.INTELLECTUAL: "智力发育迟缓", Disability.PHYSICAL: "脑性瘫痪",
    Disability.HEARING: "先天性耳聋，佩戴助听器", Disability.SPEECH: "言语发育障碍",
    Disability.VISUAL: "先天性白内障，低视力", Disability.MENTAL: "孤独症谱系障碍",
    Disability.MULTIPLE: "脑瘫伴智力障碍",
}
CHILD_ILLNESSES = ["哮喘", "先天性心脏病（已手术）", "癫痫，服药控制", "营养不良", "重度近视", "1型糖尿病"]
ELDER_HEALTH = ["高血压", "年老体弱", "腿脚不便", "糖尿病", "慢性支气管炎"]
MOODS = {
    "orphan": ["思念父母，常独自哭泣", "性格内向，缺乏安全感", "自卑，不愿与同学交往", "情绪稳定，依恋照料人"],
    "unsupported": ["缺乏安全感，情绪低落", "回避提及父母，怕被同学知道家里的事", "易与同学冲突，有攻击性行为",
                    "性格内向，学习动力不足"],
    "left_behind": ["想念在外务工的父母，情绪低落", "性格内向，不爱说话", "沉迷手机游戏", "与祖辈沟通少，有孤独感"],
    "single": ["父母离异后情绪波动大", "自卑，回避谈论家庭", "与同住家长关系紧张"],
    "other": ["注意力不集中", "有厌学情绪", "性格内向", "自信心不足"],
}
# How many files note a psychological state: most children who lost their parents' care, fewer of the others.
MOOD_SHARE = {"orphan": 0.7, "unsupported": 0.7, "left_behind": 0.4, "single": 0.4, "other": 0.12}
POVERTY_REASONS = ["家庭收入低，就医负担重", "家庭困难，上学费用难以负担", "住房困难，生活拮据"]
GUARDIANSHIP_REASONS = ["监护人年迈体弱，照料不足", "监护人长期酗酒，疏于照料", "监护人教育方式粗暴",
                        "孩子经常独自在家"]
# Parents who raise their own child mostly manage; grandparents and relatives stepping in manage less often.
PARENT_QUALITY = {GuardianshipQuality.GOOD: 55, GuardianshipQuality.ADEQUATE: 38, GuardianshipQuality.POOR: 6,
                  GuardianshipQuality.ABSENT: 1}
CARER_QUALITY = {GuardianshipQuality.GOOD: 30, GuardianshipQuality.ADEQUATE: 45, GuardianshipQuality.POOR: 20,
                 GuardianshipQuality.ABSENT: 5}
# Share of 低保 families by family situation, calibrated to about 30% of all children.
DIBAO_SHARE = {"orphan": 0.10, "unsupported": 0.45, "widowed": 0.45, "divorced": 0.45, "parent_condition": 0.45,
               "ordinary": 0.26}
IN_SERVICE_SHARE = {Risk.LOW: 0.15, Risk.MEDIUM: 0.35, Risk.HIGH: 0.6, Risk.CRITICAL: 0.85}


# The committee's name becomes the place's name in an address: 大树湾村委会 → 大树湾村.
PLACE_NAMES = [("村民委员会", "村"), ("村委会", "村"), ("社区居民委员会", "社区"), ("社区居委会", "社区"),
               ("居民委员会", "社区"), ("居委会", "社区")]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _is_urban_place(village_name: str) -> bool:
    return any(word in village_name for word in ("社区", "居委会", "居民委员会", "生活区"))


class _Kin:
    """Names for one family that agree with each other: the father's surname, or (维吾尔族, 哈萨克族) the
    father's name as the second part of his children's names."""

    def __init__(self, rng: random.Random, ethnicity: str) -> None:
        self.rng, self.ethnicity = rng, ethnicity
        self.patronymic = ethnicity in ("维吾尔族", "哈萨克族")
        if self.patronymic:
            uyghur = ethnicity == "维吾尔族"
            self.male = UYGHUR_MALE if uyghur else KAZAKH_MALE
            self.female = UYGHUR_FEMALE if uyghur else KAZAKH_FEMALE
            self.grandfather, self.father, self.mothers_father = (rng.choice(self.male) for _ in range(3))
        elif ethnicity != "蒙古族":
            self.surname = rng.choice(HUI_SURNAMES if ethnicity == "回族" else SURNAMES)
            self.mother_surname = rng.choice(SURNAMES)

    def _given(self, chars: str, single: float = 0.15) -> str:
        rng = self.rng
        return rng.choice(chars) if rng.random() < single else rng.choice(chars) + rng.choice(chars)

    def child(self, sex: str) -> str:
        male = sex == Sex.MALE
        if self.patronymic:
            # A son is not given his father's own name.
            own = self.rng.choice([n for n in self.male if n != self.father] if male else self.female)
            return f"{own}·{self.father}"
        if self.ethnicity == "蒙古族":
            return self._mongol(male)
        return self.surname + self._given(BOY_CHARS if male else GIRL_CHARS)

    def of(self, relation: str) -> str:
        rng = self.rng
        male = relation in MALE_RELATIONS or (relation in (Relation.SIBLING, Relation.OTHER) and rng.random() < 0.5)
        if self.patronymic:
            own = {Relation.FATHER: self.father, Relation.PATERNAL_GRANDFATHER: self.grandfather,
                   Relation.MATERNAL_GRANDFATHER: self.mothers_father}.get(relation)
            second = {Relation.FATHER: self.grandfather, Relation.MOTHER: self.mothers_father,
                      Relation.UNCLE: self.grandfather, Relation.SIBLING: self.father}.get(relation)
            return f"{own or rng.choice(self.male if male else self.female)}·{second or rng.choice(self.male)}"
        if self.ethnicity == "蒙古族":
            return self._mongol(male)
        if relation == Relation.SIBLING:
            return self.surname + self._given(BOY_CHARS if male else GIRL_CHARS)
        elder = relation in (Relation.PATERNAL_GRANDFATHER, Relation.PATERNAL_GRANDMOTHER,
                             Relation.MATERNAL_GRANDFATHER, Relation.MATERNAL_GRANDMOTHER)
        chars = (ELDER_MAN_CHARS if male else ELDER_WOMAN_CHARS) if elder else (MAN_CHARS if male else WOMAN_CHARS)
        surname = {Relation.FATHER: self.surname, Relation.PATERNAL_GRANDFATHER: self.surname,
                   Relation.UNCLE: self.surname, Relation.MOTHER: self.mother_surname,
                   Relation.MATERNAL_GRANDFATHER: self.mother_surname}.get(relation) or rng.choice(SURNAMES)
        return surname + self._given(chars, 0.4 if elder else 0.15)

    def _mongol(self, male: bool) -> str:
        # Many Mongolian families use no surname; some took one (包, 白, 奇...).
        prefix = self.rng.choice(MONGOL_SURNAMES) if self.rng.random() < 0.3 else ""
        return prefix + self.rng.choice(MONGOL_MALE if male else MONGOL_FEMALE)


@dataclass
class ChildFile:
    """One child's file built in memory, inserted later in batches."""

    child: Child
    family: list[FamilyMember]
    categories: list[ChildCategory]
    consent: Consent | None


@dataclass
class SeedReport:
    regions: int = 0
    organisations: int = 0
    projects: int = 0
    teams: int = 0
    sites: int = 0
    users: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)
    children: int = 0
    family_members: int = 0
    consents: int = 0
    # Category name → number of children, in the categories' own order.
    categories: dict[str, int] = field(default_factory=dict)


class DemoBuilder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        # Children draw from their own generator, so the accounts, teams and sites of a seed stay
        # the same whatever number of children is asked for.
        self.crng = random.Random(f"children:{seed}")
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

    def build(self, children: int = 0) -> SeedReport:
        with transaction.atomic():
            self.regions()
            self.organisations()
            self.projects()
            self.teams_and_sites()
            self.people()
            self.children(children)
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


    # Children's files ---------------------------------------------------------------------------------------

    def children(self, n: int) -> None:
        """n children's files with their families, categories and consents, inserted in batches."""
        if n <= 0:
            return
        per_category: Counter[int] = Counter()
        files = self.child_files(n)
        while chunk := list(itertools.islice(files, CHILD_BATCH)):
            Child.objects.bulk_create([f.child for f in chunk], batch_size=CHILD_BATCH)
            family = [m for f in chunk for m in f.family]
            FamilyMember.objects.bulk_create(family, batch_size=CHILD_BATCH)
            categories = [c for f in chunk for c in f.categories]
            ChildCategory.objects.bulk_create(categories, batch_size=CHILD_BATCH)
            consents = [f.consent for f in chunk if f.consent is not None]
            Consent.objects.bulk_create(consents, batch_size=CHILD_BATCH)
            self.report.children += len(chunk)
            self.report.family_members += len(family)
            self.report.consents += len(consents)
            per_category.update(c.category_id for c in categories)
        self.report.categories = {c.name: per_category[c.pk] for c in self.category.values() if per_category[c.pk]}

    def child_files(self, n: int) -> Iterator[ChildFile]:
        """The files in order, built in memory: the three published cases first, then children drawn at random.

        Reads regions, teams, workers and categories once; nothing here writes to the database.
        """
        self._children_context()
        published = self._published_cases()
        for i in range(n):
            yield published[i] if i < len(published) else self._random_child()

    def _children_context(self) -> None:
        today = date.today()
        # Birth dates count back from the first of this month, not from today: a seed gives the same files
        # (and ID numbers, which contain the birth date) all month, and every child is 1 to 17 years old on
        # each day of it. Categories are evaluated on today, as the file page does.
        self.today, self.ref = today, today.replace(day=1)
        self.team_by_county = {t.region.code: t for t in Team.objects.select_related("project", "region")}
        self.county_name = {code: t.region.name for code, t in self.team_by_county.items()}
        self.villages: dict[str, list[Region]] = {}
        for village in (Region.objects.filter(level=Region.Level.VILLAGE).exclude(name__contains="虚拟")
                        .select_related("parent").order_by("code")):
            self.villages.setdefault(village.code[:6], []).append(village)
        self.workers: dict[str, list[User]] = {}
        self.worker_named: dict[str, User] = {}
        for worker in User.objects.filter(role=Role.WORKER, team__isnull=False).select_related("team__region"):
            self.workers.setdefault(worker.team.region.code, []).append(worker)
            self.worker_named[worker.username] = worker
        for workers in self.workers.values():
            workers.sort(key=lambda u: u.username)
        self.category = {c.code: c for c in DifficultyCategory.objects.filter(active=True)}
        self.category_by_rule = {c.rule: c for c in self.category.values() if c.rule}
        self.county_codes = [c for c in CHILD_COUNTY_WEIGHTS if c in self.team_by_county and self.villages.get(c)]
        self.county_cum = list(itertools.accumulate(CHILD_COUNTY_WEIGHTS[c] for c in self.county_codes))
        self.ages = list(AGE_WEIGHTS)
        self.age_cum = list(itertools.accumulate(AGE_WEIGHTS.values()))
        self.pseudonyms: dict[int, set[str]] = {}
        self.id_numbers: set[str] = set()
        self.pinyin: dict[str, tuple[str, str]] = {}
        self.consent_no = 0

    def _random_child(self) -> ChildFile:
        rng = self.crng
        code = rng.choices(self.county_codes, cum_weights=self.county_cum)[0]
        village = rng.choice(self.villages[code])
        urban_place = _is_urban_place(village.name)
        # Villages and 嘎查 are mostly rural households; in towns, rural households are people who moved in.
        hukou = Hukou.RURAL if rng.random() < (0.2 if urban_place else 0.92) else Hukou.URBAN
        sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
        birth = self._birth_date(rng.choices(self.ages, cum_weights=self.age_cum)[0])
        age = _age_on(birth, self.today)
        ethnicity = self._ethnicity(code)
        kin = _Kin(rng, ethnicity)
        # Some children have no ID number yet, toddlers more often.
        with_id = rng.random() >= (0.25 if age <= 3 else 0.07)
        child = self._new_child(code, village, name=kin.child(sex), sex=sex, birth=birth, ethnicity=ethnicity,
                                hukou=hukou, with_id=with_id)
        situation, family = self._family(child, kin)
        if rng.random() < 0.04:
            child.disability = rng.choices(list(CHILD_DISABILITY_WEIGHTS), CHILD_DISABILITY_WEIGHTS.values())[0]
            child.disability_grade = rng.choices((1, 2, 3, 4), (15, 30, 30, 25))[0]
            child.health = CHILD_DISABILITY_HEALTH[Disability(child.disability)]
        else:
            child.health = rng.choice(CHILD_ILLNESSES) if rng.random() < 0.08 else "健康"
        child.school, child.grade = self._schooling(child, code, village, age)
        child.welfare = self._welfare(child, situation, age)
        findings = self._evaluate(child, family)
        rules_found = {f.rule for f in findings}
        mood_key = ("orphan" if situation == "orphan" else "unsupported" if situation == "unsupported"
                    else "left_behind" if "left_behind" in rules_found
                    else "single" if situation in ("widowed", "divorced") else "other")
        if rng.random() < MOOD_SHARE[mood_key]:
            child.psychological_state = rng.choice(MOODS[mood_key])
        recorded = self._recorded_categories(child, situation, family)
        self._risk_and_status(child, code, rules_found, family)
        return self._file(child, family, findings, recorded, consent=age < 14 and rng.random() < 0.7)

    def _ethnicity(self, county: str) -> str:
        roll = self.crng.random()
        if county.startswith("15"):
            return "蒙古族" if roll < 0.12 else "满族" if roll < 0.13 else "回族" if roll < 0.135 else "汉族"
        # The Urumqi youth homes: about 40% 维吾尔族, 哈萨克族 and 回族.
        return "维吾尔族" if roll < 0.25 else "哈萨克族" if roll < 0.32 else "回族" if roll < 0.41 else "汉族"

    def _birth_date(self, age: int) -> date:
        """A birth date giving this age on the first of the month; 17-year-olds turn 18 after the month ends."""
        latest = _years_before(self.ref, age)
        earliest = _years_before(self.ref, age + 1) + timedelta(days=1)
        if age == 17:
            earliest = max(earliest, _years_before(self.ref + timedelta(days=32), 18) + timedelta(days=1))
        return earliest + timedelta(days=self.crng.randint(0, (latest - earliest).days))

    def _new_child(self, code: str, village: Region, *, name: str, sex: str, birth: date, ethnicity: str,
                   hukou: str, with_id: bool) -> Child:
        project = self.team_by_county[code].project
        if name not in self.pinyin:
            self.pinyin[name] = pinyin_keys(name)
        full, initials = self.pinyin[name]
        child = Child(project=project, region=village, name=name, pseudonym=self._pseudonym(project.pk),
                      name_pinyin=full, name_initials=initials, sex=sex, birth_date=birth, ethnicity=ethnicity,
                      hukou=hukou, address=self._address(code, village))
        if with_id:
            child.set_id_number(self._id_number(code, birth, sex))
        return child

    def _pseudonym(self, project_id: int) -> str:
        # The same pattern as services.new_pseudonym, kept unique in memory instead of by a query per child.
        taken = self.pseudonyms.setdefault(project_id, set())
        while True:
            candidate = "".join(self.crng.sample(PSEUDONYM_STEMS, 2)) + f"{self.crng.randint(1, 999):03d}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def _id_number(self, county: str, birth: date, sex: str) -> str:
        """A valid, unused GB 11643 number: where the child was first registered, birth date, sequence, check."""
        rng = self.crng
        roll = rng.random()
        area = county
        if roll < 0.05:
            area = rng.choice([c for c in self.county_codes if c[:4] == county[:4] and c != county] or [county])
        elif roll < 0.07:
            area = rng.choice(OTHER_BIRTHPLACES[county[:2]])
        while True:
            sequence = rng.randrange(500) * 2 + (1 if sex == Sex.MALE else 0)  # odd for boys, even for girls
            body = f"{area}{birth:%Y%m%d}{sequence:03d}"
            number = body + check_digit(body)
            if sequence and number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _phone(self) -> str:
        return self.crng.choice(("13", "15", "18", "17", "19")) + f"{self.crng.randrange(10**9):09d}"

    def _address(self, code: str, village: Region) -> str:
        rng = self.crng
        place = village.name
        for office, short in PLACE_NAMES:
            if place.endswith(office):
                place = place.removesuffix(office) + short
                break
        where = f"{self.county_name[code]}{village.parent.name if village.parent else ''}{place}"
        if _is_urban_place(village.name):
            room = f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}"
            return f"{where}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{room}室"
        return f"{where}{GRADE_CN[rng.randrange(6)]}{'社' if code.startswith('15') else '组'}"

    def _schooling(self, child: Child, code: str, village: Region, age: int) -> tuple[str, str]:
        rng = self.crng
        county, township = self.county_name[code], village.parent.name if village.parent else ""
        if age <= 2:
            return "", ""
        if child.disability_grade in (1, 2) and rng.random() < 0.5:
            return f"{county}特殊教育学校", ""
        if age <= 5:
            return f"{township}中心幼儿园", ("小班", "中班", "大班")[age - 3]
        if age <= 11:
            school = f"{county}第{rng.randint(1, 12)}小学" if _is_urban_place(village.name) else f"{township}中心小学"
            return school, f"{GRADE_CN[age - 6]}年级"
        if age <= 14:
            return f"{county}第{rng.randint(1, 8)}中学", ("初一", "初二", "初三")[age - 12]
        roll = rng.random()
        if roll < 0.08:
            return "", "辍学"
        if roll < 0.25:
            return f"{county}职业技术学校", f"中职{GRADE_CN[age - 15]}年级"
        return f"{county}第{rng.randint(1, 4)}中学", ("高一", "高二", "高三")[age - 15]

    def _member(self, child: Child, kin: _Kin, relation: str) -> FamilyMember:
        return FamilyMember(child=child, relation=relation, name=kin.of(relation))

    def _guardian(self, member: FamilyMember, quality: dict[str, int] = PARENT_QUALITY) -> None:
        member.is_guardian = True
        member.guardianship_quality = self.crng.choices(list(quality), quality.values())[0]
        member.set_phone(self._phone())

    def _gone(self, parent: FamilyMember, child: Child, *, missing: bool = False) -> None:
        parent.life_status = LifeStatus.MISSING if missing else LifeStatus.DEAD
        parent.condition_since = self._day(max(child.birth_date, self.ref - timedelta(days=15 * 365)),
                                           self.ref - timedelta(days=30))
        parent.condition_evidence = "人民法院宣告失踪判决书" if missing else self.crng.choice(DEATH_EVIDENCE)

    def _condition(self, parent: FamilyMember, child: Child, weights: dict[str, int] = CONDITION_WEIGHTS) -> None:
        """Give a parent one condition of 民发〔2019〕62号, with its evidence and start date."""
        rng = self.crng
        kind = rng.choices(list(weights), weights.values())[0]
        earliest, latest = child.birth_date - timedelta(days=730), self.ref - timedelta(days=60)
        parent.condition = kind
        if kind == ParentCondition.SEVERE_DISABILITY:
            if rng.random() < 0.6:
                disability = rng.choice([Disability.PHYSICAL, Disability.VISUAL, Disability.HEARING,
                                         Disability.MULTIPLE, Disability.MENTAL, Disability.INTELLECTUAL])
                grade = rng.choice((1, 2))
            else:  # grade 3-4 counts only for mental and intellectual disability
                disability, grade = rng.choice((Disability.MENTAL, Disability.INTELLECTUAL)), rng.choice((3, 4))
            parent.disability, parent.disability_grade = disability, grade
            parent.health = ADULT_DISABILITY_HEALTH[disability]
            parent.condition_evidence = f"残疾人证（{DISABILITY_CN[disability]}{GRADE_CN[grade - 1]}级）"
        else:
            parent.condition_evidence = rng.choice(CONDITION_EVIDENCE[ParentCondition(kind)])
            if kind == ParentCondition.SERIOUS_ILLNESS:
                parent.health = rng.choice(SERIOUS_ILLNESSES)
            elif kind == ParentCondition.LOST_CONTACT:
                if weights is ONE_PARENT_CONDITION_WEIGHTS:
                    # Reported missing a few weeks ago: not yet the 6 months the rule asks for.
                    earliest = latest = self.ref - timedelta(days=rng.randint(40, 140))
                else:
                    latest = self.ref - timedelta(days=213)
        parent.condition_since = self._day(earliest, latest)

    def _day(self, earliest: date, latest: date) -> date:
        return earliest + timedelta(days=self.crng.randint(0, max(0, (latest - earliest).days)))

    def _carers(self, child: Child, kin: _Kin) -> list[FamilyMember]:
        """Grandparents, an uncle and aunt or another relative who raise the child in the parents' place."""
        rng = self.crng
        roll = rng.random()
        if roll < 0.65:
            side = ((Relation.PATERNAL_GRANDFATHER, Relation.PATERNAL_GRANDMOTHER) if roll < 0.4
                    else (Relation.MATERNAL_GRANDFATHER, Relation.MATERNAL_GRANDMOTHER))
            relations = rng.choices([side, side[1:], side[:1]], (55, 30, 15))[0]
        elif roll < 0.92:
            relations = rng.choices([(Relation.UNCLE, Relation.AUNT), (Relation.UNCLE,), (Relation.AUNT,)],
                                    (60, 20, 20))[0]
        else:
            relations = (Relation.OTHER,)
        carers = [self._member(child, kin, relation) for relation in relations]
        rural = child.hukou == Hukou.RURAL
        for carer in carers:
            self._guardian(carer, CARER_QUALITY)
            elder = carer.relation not in (Relation.UNCLE, Relation.AUNT, Relation.OTHER)
            if elder and rng.random() < 0.4:
                carer.health = rng.choice(ELDER_HEALTH)
            low, high = (2, 15) if elder and rural else (15, 40) if elder else (20, 60)
            carer.monthly_income_yuan = rng.randint(low, high) * 100
        return carers

    def _family(self, child: Child, kin: _Kin) -> tuple[str, list[FamilyMember]]:
        """Father and mother always, and who raises the child: the situation decides the categories."""
        rng = self.crng
        rural = child.hukou == Hukou.RURAL
        father, mother = self._member(child, kin, Relation.FATHER), self._member(child, kin, Relation.MOTHER)
        parents = [father, mother]
        needs_carers = False
        roll = rng.random()
        if roll < 0.03:
            situation = "orphan"
            missing = rng.choices([(False, False), (False, True), (True, False), (True, True)], (60, 15, 15, 10))[0]
            for parent, is_missing in zip(parents, missing, strict=True):
                self._gone(parent, child, missing=is_missing)
            needs_carers = True
        elif roll < 0.13:
            situation = "unsupported"
            if rng.random() < 0.55:
                gone, other = rng.sample(parents, 2)
                self._gone(gone, child, missing=rng.random() < 0.15)
                self._condition(other, child)
            else:
                self._condition(father, child)
                self._condition(mother, child)
            needs_carers = True
        elif roll < 0.18:
            situation = "widowed"
            gone, other = (father, mother) if rng.random() < 0.6 else (mother, father)
            self._gone(gone, child)
            needs_carers = self._raise_or_go_away(other, rural, 0.35)
        elif roll < 0.26:
            situation = "divorced"
            custody = rng.random()
            if custody < 0.15:  # neither parent took the child: the grandparents did
                needs_carers = True
            else:
                needs_carers = self._raise_or_go_away(mother if custody < 0.6 else father, rural, 0.25)
        elif roll < 0.29:
            situation = "parent_condition"
            unable, other = rng.sample(parents, 2)
            self._condition(unable, child, ONE_PARENT_CONDITION_WEIGHTS)
            needs_carers = self._raise_or_go_away(other, rural, 0.3)
        else:
            situation = "ordinary"
            both, father_only, mother_only = (0.34, 0.30, 0.04) if rural else (0.05, 0.08, 0.01)
            away = rng.random()
            if away < both:
                father.works_away = mother.works_away = needs_carers = True
            elif away < both + father_only:
                father.works_away = True
                self._guardian(mother)
            elif away < both + father_only + mother_only:
                mother.works_away = True
                self._guardian(father)
            else:
                self._guardian(father)
                self._guardian(mother)
            if rng.random() < 0.02:  # a disability that does not keep the parent from raising the child
                parent = rng.choice(parents)
                parent.disability, parent.disability_grade = Disability.PHYSICAL, rng.choice((3, 4))
                parent.health = "肢体残疾"
        for parent in parents:
            if parent.life_status == LifeStatus.ALIVE and not parent.condition:
                low, high = (15, 50) if rural else (25, 80)
                parent.monthly_income_yuan = rng.randint(low, high) * 100
        family = parents + (self._carers(child, kin) if needs_carers else [])
        if not needs_carers and rng.random() < 0.4:  # a grandparent living with the family
            family.append(self._member(child, kin, rng.choice((Relation.PATERNAL_GRANDMOTHER,
                                                               Relation.PATERNAL_GRANDFATHER,
                                                               Relation.MATERNAL_GRANDMOTHER))))
        if rng.random() < 0.2:
            family.append(self._member(child, kin, Relation.SIBLING))
        return situation, family

    def _raise_or_go_away(self, parent: FamilyMember, rural: bool, away_share: float) -> bool:
        """The one parent left raises the child, or (rural) works away and leaves them with carers."""
        if rural and self.crng.random() < away_share:
            parent.works_away = True
            return True
        self._guardian(parent)
        return False

    def _welfare(self, child: Child, situation: str, age: int) -> list[str]:
        rng = self.crng
        welfare: list[str] = []
        if situation == "orphan":
            if rng.random() < 0.95:
                welfare.append(Welfare.ORPHAN_ALLOWANCE)
            if rng.random() < 0.3:
                welfare.append(Welfare.TEKUN)
        elif situation == "unsupported":
            if rng.random() < 0.9:
                welfare.append(Welfare.UNSUPPORTED_ALLOWANCE)
            if rng.random() < 0.1:
                welfare.append(Welfare.TEKUN)
        if Welfare.TEKUN not in welfare and rng.random() < DIBAO_SHARE[situation]:
            welfare.append(Welfare.DIBAO)
        if child.disability:
            if rng.random() < 0.7:
                welfare.append(Welfare.DISABILITY_SUBSIDY)
            if (age <= 6 or (child.disability_grade or 4) <= 2) and rng.random() < 0.6:
                welfare.append(Welfare.REHABILITATION)
        if Welfare.DIBAO in welfare and 6 <= age and rng.random() < 0.3:
            welfare.append(Welfare.EDUCATION_AID)
        return [str(w) for w in welfare]

    def _evaluate(self, child: Child, family: list[FamilyMember]) -> list[rules.Finding]:
        # Reasons are stored in the default language, as child_recompute_categories does.
        with translation.override(settings.LANGUAGE_CODE):
            return rules.evaluate(child, family, self.today)

    def _recorded_categories(self, child: Child, situation: str,
                             family: list[FamilyMember]) -> list[tuple[str, str]]:
        """Categories a worker records by judgement, with the reason written on the file."""
        rng = self.crng
        recorded: list[tuple[str, str]] = []
        if situation == "divorced":
            recorded.append(("single_parent", "父母离异"))
        elif situation == "widowed" and rng.random() < 0.9:
            gone = next(m for m in family if m.is_parent and m.life_status == LifeStatus.DEAD)
            recorded.append(("single_parent", f"{gone.get_relation_display()}去世"))
        if {Welfare.DIBAO, Welfare.TEKUN} & set(child.welfare) and rng.random() < 0.45:
            recorded.append(("difficulty_poverty", rng.choice(POVERTY_REASONS)))
        weak = [m for m in family if m.guardianship_quality in (GuardianshipQuality.POOR, GuardianshipQuality.ABSENT)]
        if weak and rng.random() < 0.4:
            recorded.append(("difficulty_guardianship", rng.choice(GUARDIANSHIP_REASONS)))
        if rng.random() < 0.002:
            recorded.append(("hiv_affected", ""))
        return recorded

    def _risk_and_status(self, child: Child, code: str, rules_found: set[str], family: list[FamilyMember]) -> None:
        rng = self.crng
        score = 0
        if rules_found & {"orphan", "de_facto_unsupported"}:
            score += 3
        if "left_behind" in rules_found:
            score += 1
        if child.disability:
            score += 2 if (child.disability_grade or 4) <= 2 else 1
        if rules_found & {"welfare_dibao", "welfare_tekun"}:
            score += 1
        if rules_found & {"parent_in_prison", "parent_drugs"}:
            score += 1
        qualities = {m.guardianship_quality for m in family if m.is_guardian}
        score += 3 if GuardianshipQuality.ABSENT in qualities else 2 if GuardianshipQuality.POOR in qualities else 0
        if child.psychological_state:
            score += 1
        score += rng.random() < 0.15
        child.risk = (Risk.LOW if score <= 1 else Risk.MEDIUM if score <= 3 else Risk.HIGH if score <= 5
                      else Risk.CRITICAL)
        roll = rng.random()
        share = IN_SERVICE_SHARE[Risk(child.risk)]
        if roll < share:
            child.status = Status.IN_SERVICE
        elif roll < share + 0.03:
            child.status = Status.CLOSED
        elif roll < share + 0.04:
            child.status = Status.MOVED
        if child.status in (Status.IN_SERVICE, Status.CLOSED) and self.workers.get(code):
            child.assigned_worker = rng.choice(self.workers[code])

    def _file(self, child: Child, family: list[FamilyMember], findings: list[rules.Finding],
              recorded: list[tuple[str, str]], *, consent: bool) -> ChildFile:
        categories = [ChildCategory(child=child, category=self.category_by_rule[f.rule],
                                    source=ChildCategory.Source.COMPUTED, reason=f.reason[:300])
                      for f in findings if f.rule in self.category_by_rule]
        categories += [ChildCategory(child=child, category=self.category[code], source=ChildCategory.Source.RECORDED,
                                     reason=reason) for code, reason in recorded if code in self.category]
        given_by = next((m for m in family if m.is_guardian), None)
        signed = None
        if consent and given_by is not None:
            self.consent_no += 1
            given_on = self._day(max(child.birth_date, self.ref - timedelta(days=700)), self.ref)
            signed = Consent(child=child, guardian_name=given_by.name, relation=given_by.relation, given_on=given_on,
                             scopes=[Consent.Scope.RECORDS.value, Consent.Scope.SERVICES.value],
                             document=f"同意书 {child.region.code[:6]}-{self.consent_no:06d}",
                             recorded_by=child.assigned_worker)
        return ChildFile(child=child, family=family, categories=categories, consent=signed)

    def _published_cases(self) -> list[ChildFile]:
        """The three children of the Ordos report (DOMAIN.md), with their published names and stories."""
        ref = self.ref

        def first_village(code: str, *, urban: bool) -> Region:
            return next(v for v in self.villages[code] if _is_urban_place(v.name) == urban)

        def member(child: Child, relation: str, name: str, **fields: object) -> FamilyMember:
            return FamilyMember(child=child, relation=relation, name=name, **fields)

        files: list[ChildFile] = []
        # 子琪, 8: mother died, father mentally ill, lives with her grandparents; trauma, better after 8 sessions.
        village = first_village("150621", urban=False)
        ziqi = self._new_child("150621", village, name="子琪", sex=Sex.FEMALE,
                               birth=_years_before(ref, 8) - timedelta(days=100), ethnicity="汉族",
                               hukou=Hukou.RURAL, with_id=True)
        ziqi.school, ziqi.grade, ziqi.health = f"{village.parent.name}中心小学", "二年级", "健康"
        ziqi.psychological_state = ("母亲去世后出现创伤反应，沉默寡言、不愿与人交流；"
                                    "经8次服务（个案辅导、团体心理辅导、陪伴）后变得开朗健谈，对未来有了希望")
        ziqi.welfare = [Welfare.UNSUPPORTED_ALLOWANCE.value]
        ziqi.risk, ziqi.status, ziqi.assigned_worker = Risk.HIGH, Status.IN_SERVICE, self.worker_named["worker_dalate"]
        family = [
            member(ziqi, Relation.FATHER, "王建军", health="精神分裂症，长期服药", disability=Disability.MENTAL,
                   disability_grade=2, condition=ParentCondition.SEVERE_DISABILITY,
                   condition_since=ref - timedelta(days=5 * 365), condition_evidence="残疾人证（精神二级）"),
            member(ziqi, Relation.MOTHER, "李秀梅", life_status=LifeStatus.DEAD,
                   condition_since=ref - timedelta(days=2 * 365 + 40), condition_evidence="死亡医学证明书"),
            member(ziqi, Relation.PATERNAL_GRANDFATHER, "王福贵", health="年老体弱", monthly_income_yuan=800),
            member(ziqi, Relation.PATERNAL_GRANDMOTHER, "刘桂兰", health="高血压", monthly_income_yuan=600),
        ]
        for carer in family[2:]:
            self._guardian(carer, {GuardianshipQuality.ADEQUATE: 1})
        files.append(self._file(ziqi, family, self._evaluate(ziqi, family), [], consent=True))

        # 奇奇: 低保 family, parents divorced, mother with a psychiatric disability, lives with the maternal
        # grandparents; addicted to online games and out of school.
        village = first_village("150622", urban=True)
        qiqi = self._new_child("150622", village, name="奇奇", sex=Sex.MALE,
                               birth=_years_before(ref, 14) - timedelta(days=150), ethnicity="汉族",
                               hukou=Hukou.URBAN, with_id=True)
        qiqi.school, qiqi.grade, qiqi.health = "", "初二辍学", "健康"
        qiqi.psychological_state = "沉迷网络游戏，已辍学在家；与母亲关系疏离，情绪易激惹"
        qiqi.welfare = [Welfare.DIBAO.value]
        qiqi.risk, qiqi.status = Risk.HIGH, Status.IN_SERVICE
        qiqi.assigned_worker = self.workers["150622"][0]
        family = [
            member(qiqi, Relation.FATHER, "张志刚", monthly_income_yuan=3500),
            member(qiqi, Relation.MOTHER, "赵丽娟", health="精神疾病，长期服药", disability=Disability.MENTAL,
                   disability_grade=3, condition=ParentCondition.SEVERE_DISABILITY,
                   condition_since=ref - timedelta(days=6 * 365), condition_evidence="残疾人证（精神三级）"),
            member(qiqi, Relation.MATERNAL_GRANDFATHER, "赵德山", health="腿脚不便", monthly_income_yuan=1200),
            member(qiqi, Relation.MATERNAL_GRANDMOTHER, "王秀兰", monthly_income_yuan=900),
        ]
        for carer in family[2:]:
            self._guardian(carer, {GuardianshipQuality.POOR: 1})
        recorded = [("single_parent", "父母离异，随外祖父母生活"),
                    ("difficulty_poverty", "低保家庭，母亲精神残疾，外祖父母收入微薄"),
                    ("difficulty_guardianship", "外祖父母年迈，管不住孩子：沉迷网络游戏，已辍学")]
        files.append(self._file(qiqi, family, self._evaluate(qiqi, family), recorded, consent=False))

        # 小媛媛, 10: both parents died, lives with her uncle and aunt; intellectual decline after gas poisoning.
        village = first_village("150624", urban=False)
        yuan = self._new_child("150624", village, name="小媛媛", sex=Sex.FEMALE,
                               birth=_years_before(ref, 10) - timedelta(days=60), ethnicity="汉族",
                               hukou=Hukou.RURAL, with_id=True)
        yuan.school, yuan.grade = f"{village.parent.name}中心小学", "三年级（随班就读）"
        yuan.health = "一氧化碳（煤气）中毒后智力下降"
        yuan.disability, yuan.disability_grade = Disability.INTELLECTUAL, 3
        yuan.psychological_state = "性格安静，反应较慢，依恋叔叔婶婶"
        yuan.welfare = [Welfare.ORPHAN_ALLOWANCE.value, Welfare.DISABILITY_SUBSIDY.value, Welfare.REHABILITATION.value]
        yuan.risk, yuan.status, yuan.assigned_worker = Risk.HIGH, Status.IN_SERVICE, self.worker_named["worker_etuoke"]
        died = ref - timedelta(days=3 * 365)
        family = [
            member(yuan, Relation.FATHER, "刘海军", life_status=LifeStatus.DEAD, condition_since=died,
                   condition_evidence="死亡医学证明书（一氧化碳中毒）"),
            member(yuan, Relation.MOTHER, "陈玉梅", life_status=LifeStatus.DEAD, condition_since=died,
                   condition_evidence="死亡医学证明书（一氧化碳中毒）"),
            member(yuan, Relation.UNCLE, "刘海涛", monthly_income_yuan=4500),
            member(yuan, Relation.AUNT, "高丽", monthly_income_yuan=2800),
        ]
        for carer in family[2:]:
            self._guardian(carer, {GuardianshipQuality.GOOD: 1})
        files.append(self._file(yuan, family, self._evaluate(yuan, family), [], consent=True))
        return files


def seed_demo(*, seed: int = 1, children: int = 500) -> SeedReport:
    return DemoBuilder(seed).build(children)
