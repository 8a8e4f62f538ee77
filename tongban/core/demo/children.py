"""One child's file drawn at random: where the child lives, birth date, ID number, pseudonym, address, school."""

import itertools
from datetime import date, timedelta

from tongban.accounts.models import Role, User
from tongban.children.choices import Disability, Hukou, Sex
from tongban.children.idnumber import check_digit
from tongban.children.models import Child, DifficultyCategory
from tongban.children.search import name_keys
from tongban.children.services import PSEUDONYM_STEMS
from tongban.core.demo.categories import CategoriesMixin
from tongban.core.demo.names import GRADE_CN, Kin
from tongban.core.demo.places import PLACE_NAMES, is_urban_place
from tongban.core.demo.records import ChildFile
from tongban.organisations.models import Team
from tongban.regions.models import Region

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


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class ChildrenMixin(CategoriesMixin):
    """The child's own details, then the family, categories and risk of the mixins below."""

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
        urban_place = is_urban_place(village.name)
        # Villages and 嘎查 are mostly rural households; in towns, rural households are people who moved in.
        hukou = Hukou.RURAL if rng.random() < (0.2 if urban_place else 0.92) else Hukou.URBAN
        sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
        birth = self._birth_date(rng.choices(self.ages, cum_weights=self.age_cum)[0])
        age = age_on(birth, self.today)
        ethnicity = self._ethnicity(code)
        kin = Kin(rng, ethnicity)
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
        latest = years_before(self.ref, age)
        earliest = years_before(self.ref, age + 1) + timedelta(days=1)
        if age == 17:
            earliest = max(earliest, years_before(self.ref + timedelta(days=32), 18) + timedelta(days=1))
        return earliest + timedelta(days=self.crng.randint(0, (latest - earliest).days))

    def _new_child(self, code: str, village: Region, *, name: str, sex: str, birth: date, ethnicity: str,
                   hukou: str, with_id: bool) -> Child:
        project = self.team_by_county[code].project
        if name not in self.pinyin:
            self.pinyin[name] = name_keys(name)
        child = Child(project=project, region=village, name=name, pseudonym=self._pseudonym(project.pk),
                      **self.pinyin[name], sex=sex, birth_date=birth, ethnicity=ethnicity,
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

    def _address(self, code: str, village: Region) -> str:
        rng = self.crng
        place = village.name
        for office, short in PLACE_NAMES:
            if place.endswith(office):
                place = place.removesuffix(office) + short
                break
        where = f"{self.county_name[code]}{village.parent.name if village.parent else ''}{place}"
        if is_urban_place(village.name):
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
            school = f"{county}第{rng.randint(1, 12)}小学" if is_urban_place(village.name) else f"{township}中心小学"
            return school, f"{GRADE_CN[age - 6]}年级"
        if age <= 14:
            return f"{county}第{rng.randint(1, 8)}中学", ("初一", "初二", "初三")[age - 12]
        roll = rng.random()
        if roll < 0.08:
            return "", "辍学"
        if roll < 0.25:
            return f"{county}职业技术学校", f"中职{GRADE_CN[age - 15]}年级"
        return f"{county}第{rng.randint(1, 4)}中学", ("高一", "高二", "高三")[age - 15]
