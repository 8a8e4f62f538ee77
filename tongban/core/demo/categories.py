"""What a file says about the child: welfare received, categories, risk, status, worker and consent."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import translation

from tongban.accounts.models import User
from tongban.children import rules
from tongban.children.choices import GuardianshipQuality, LifeStatus, Risk, Status, Welfare
from tongban.children.models import Child, ChildCategory, Consent, DifficultyCategory, FamilyMember
from tongban.core.demo.families import FamiliesMixin
from tongban.core.demo.records import ChildFile

POVERTY_REASONS = ["家庭收入低，就医负担重", "家庭困难，上学费用难以负担", "住房困难，生活拮据"]
GUARDIANSHIP_REASONS = ["监护人年迈体弱，照料不足", "监护人长期酗酒，疏于照料", "监护人教育方式粗暴",
                        "孩子经常独自在家"]
# Share of 低保 families by family situation, calibrated to about 30% of all children.
DIBAO_SHARE = {"orphan": 0.10, "unsupported": 0.45, "widowed": 0.45, "divorced": 0.45, "parent_condition": 0.45,
               "ordinary": 0.26}
IN_SERVICE_SHARE = {Risk.LOW: 0.15, Risk.MEDIUM: 0.35, Risk.HIGH: 0.6, Risk.CRITICAL: 0.85}


class CategoriesMixin(FamiliesMixin):
    """Welfare, categories and risk follow from the family drawn before them."""

    today: date
    category: dict[str, DifficultyCategory]
    category_by_rule: dict[str, DifficultyCategory]
    workers: dict[str, list[User]]
    consent_no: int

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
