"""The three children of the Ordos report (DOMAIN.md), with their published names and stories."""

from datetime import timedelta

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
from tongban.children.models import Child, FamilyMember
from tongban.core.demo.children import ChildrenMixin, years_before
from tongban.core.demo.places import is_urban_place
from tongban.core.demo.records import ChildFile
from tongban.regions.models import Region


class PublishedCasesMixin(ChildrenMixin):
    """The published cases are built with the same steps as every other file, then told their story."""

    def _published_cases(self) -> list[ChildFile]:
        """The three children of the Ordos report (DOMAIN.md), with their published names and stories."""
        ref = self.ref

        def first_village(code: str, *, urban: bool) -> Region:
            return next(v for v in self.villages[code] if is_urban_place(v.name) == urban)

        def member(child: Child, relation: str, name: str, **fields: object) -> FamilyMember:
            return FamilyMember(child=child, relation=relation, name=name, **fields)

        files: list[ChildFile] = []
        # 子琪, 8: mother died, father mentally ill, lives with her grandparents; trauma, better after 8 sessions.
        village = first_village("150621", urban=False)
        ziqi = self._new_child("150621", village, name="子琪", sex=Sex.FEMALE,
                               birth=years_before(ref, 8) - timedelta(days=100), ethnicity="汉族",
                               hukou=Hukou.RURAL, with_id=True)
        ziqi.school, ziqi.grade, ziqi.health = f"{village.parent.name}中心小学", "二年级", "健康"
        ziqi.psychological_state = ("母亲去世后出现创伤反应，沉默寡言、不愿与人交流；"
                                    "经8次服务（个案辅导、团体心理辅导、陪伴）后变得开朗健谈，对未来有了希望")
        ziqi.welfare = [Welfare.UNSUPPORTED_ALLOWANCE.value]
        # Her case closed with her goals met after 8 sessions (the case-work step builds it); she is followed up.
        ziqi.risk, ziqi.status, ziqi.assigned_worker = Risk.HIGH, Status.CLOSED, self.worker_named["worker_dalate"]
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
                               birth=years_before(ref, 14) - timedelta(days=150), ethnicity="汉族",
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
                               birth=years_before(ref, 10) - timedelta(days=60), ethnicity="汉族",
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
