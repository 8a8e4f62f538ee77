"""A child's family: father and mother always, and who raises the child when the parents cannot."""

import random
from datetime import date, timedelta

from tongban.children.choices import Disability, GuardianshipQuality, Hukou, LifeStatus, ParentCondition, Relation
from tongban.children.models import Child, FamilyMember
from tongban.core.demo.names import GRADE_CN, Kin

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
DISABILITY_CN = {
    Disability.VISUAL: "视力", Disability.HEARING: "听力", Disability.SPEECH: "言语", Disability.PHYSICAL: "肢体",
    Disability.INTELLECTUAL: "智力", Disability.MENTAL: "精神", Disability.MULTIPLE: "多重",
}
ADULT_DISABILITY_HEALTH = {
    Disability.VISUAL: "双目失明", Disability.HEARING: "重度听力障碍", Disability.SPEECH: "言语障碍",
    Disability.PHYSICAL: "下肢瘫痪", Disability.INTELLECTUAL: "智力低下", Disability.MENTAL: "精神分裂症，长期服药",
    Disability.MULTIPLE: "脑梗后偏瘫伴言语障碍",
}
ELDER_HEALTH = ["高血压", "年老体弱", "腿脚不便", "糖尿病", "慢性支气管炎"]
# Parents who raise their own child mostly manage; grandparents and relatives stepping in manage less often.
PARENT_QUALITY = {GuardianshipQuality.GOOD: 55, GuardianshipQuality.ADEQUATE: 38, GuardianshipQuality.POOR: 6,
                  GuardianshipQuality.ABSENT: 1}
CARER_QUALITY = {GuardianshipQuality.GOOD: 30, GuardianshipQuality.ADEQUATE: 45, GuardianshipQuality.POOR: 20,
                 GuardianshipQuality.ABSENT: 5}


class FamiliesMixin:
    """Family members drawn from the children's generator."""

    crng: random.Random
    # The first of this month: dates count back from it.
    ref: date

    def _phone(self) -> str:
        return self.crng.choice(("13", "15", "18", "17", "19")) + f"{self.crng.randrange(10**9):09d}"

    def _member(self, child: Child, kin: Kin, relation: str) -> FamilyMember:
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

    def _carers(self, child: Child, kin: Kin) -> list[FamilyMember]:
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

    def _family(self, child: Child, kin: Kin) -> tuple[str, list[FamilyMember]]:
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
