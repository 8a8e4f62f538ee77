"""Categories the law defines are worked out from the file, each with its reason, and follow the family's changes."""

from datetime import date, timedelta

import pytest

from tongban.children import rules, services
from tongban.children.models import Child, ChildCategory, FamilyMember
from tongban.children.tests.factories import (
    born_years_ago,
    category,
    computed_codes,
    make_child,
    make_family,
    make_member,
    reload,
)
from tongban.testing import cast

pytestmark = pytest.mark.django_db

TODAY = date.today()


def a_child(age: int = 9, **fields: object) -> Child:
    return Child(birth_date=born_years_ago(age), hukou=fields.pop("hukou", "rural"), **fields)


def father(**fields: object) -> FamilyMember:
    return FamilyMember(relation="father", **fields)


def mother(**fields: object) -> FamilyMember:
    return FamilyMember(relation="mother", **fields)


def findings(child: Child, *family: FamilyMember) -> dict[str, str]:
    return {f.rule: f.reason for f in rules.evaluate(child, list(family), TODAY)}


# Orphans (孤儿)


def test_a_child_whose_parents_both_died_is_an_orphan():
    found = findings(a_child(), father(life_status="dead"), mother(life_status="dead"))

    assert "orphan" in found
    assert found["orphan"]


def test_a_child_with_one_parent_dead_and_the_other_missing_is_an_orphan():
    found = findings(a_child(), father(life_status="missing"), mother(life_status="dead"))

    assert "orphan" in found


def test_an_orphan_still_at_school_after_18_stays_an_orphan():
    found = findings(a_child(19, school="达拉特旗第一中学"), father(life_status="dead"), mother(life_status="dead"))

    assert "orphan" in found


def test_an_orphan_of_19_who_left_school_is_no_longer_an_orphan():
    found = findings(a_child(19), father(life_status="dead"), mother(life_status="dead"))

    assert "orphan" not in found


def test_a_child_with_one_parent_dead_and_the_other_fine_is_not_an_orphan():
    found = findings(a_child(), father(life_status="dead"), mother())

    assert found == {}


# De-facto unsupported children (事实无人抚养儿童)


def test_father_in_prison_and_mother_with_grade_1_disability_make_a_de_facto_unsupported_child():
    found = findings(a_child(), father(condition="in_prison", condition_since=date(2022, 5, 1)),
                     mother(disability="physical", disability_grade=1))

    assert "de_facto_unsupported" in found
    assert "2022-05-01" in found["de_facto_unsupported"]


def test_a_dead_mother_and_a_seriously_ill_father_make_a_de_facto_unsupported_child():
    found = findings(a_child(), father(condition="serious_illness"), mother(life_status="dead"))

    assert "de_facto_unsupported" in found


def test_a_father_out_of_contact_for_only_3_months_does_not_count():
    found = findings(a_child(), father(condition="lost_contact", condition_since=TODAY - timedelta(days=92)),
                     mother(life_status="dead"))

    assert "de_facto_unsupported" not in found


def test_a_father_out_of_contact_for_6_months_counts():
    since = TODAY - timedelta(days=200)

    found = findings(a_child(), father(condition="lost_contact", condition_since=since), mother(life_status="dead"))

    assert since.isoformat() in found["de_facto_unsupported"]


def test_a_father_out_of_contact_without_a_date_does_not_count():
    found = findings(a_child(), father(condition="lost_contact"), mother(life_status="dead"))

    assert "de_facto_unsupported" not in found


def test_one_parent_in_prison_and_the_other_fine_does_not_make_a_de_facto_unsupported_child():
    found = findings(a_child(), father(condition="in_prison"), mother())

    assert "de_facto_unsupported" not in found
    assert "parent_in_prison" in found


def test_a_grade_3_mental_disability_counts_but_a_grade_3_physical_one_does_not():
    mentally_ill = findings(a_child(), father(disability="mental", disability_grade=3), mother(life_status="dead"))
    physical = findings(a_child(), father(disability="physical", disability_grade=3), mother(life_status="dead"))

    assert "de_facto_unsupported" in mentally_ill
    assert "de_facto_unsupported" not in physical


def test_a_child_whose_parents_are_both_fine_falls_in_no_category():
    assert findings(a_child(), father(), mother()) == {}


# Rural left-behind children (农村留守儿童)


def test_a_rural_child_under_16_whose_parents_both_work_away_is_left_behind():
    found = findings(a_child(10), father(works_away=True), mother(works_away=True))

    assert "left_behind" in found


def test_an_urban_child_whose_parents_both_work_away_is_not_left_behind():
    found = findings(a_child(10, hukou="urban"), father(works_away=True), mother(works_away=True))

    assert "left_behind" not in found


def test_a_rural_child_of_16_is_not_left_behind():
    found = findings(a_child(16), father(works_away=True), mother(works_away=True))

    assert "left_behind" not in found


def test_a_child_with_one_parent_away_and_the_other_dead_is_left_behind():
    found = findings(a_child(10), father(works_away=True), mother(life_status="dead"))

    assert "left_behind" in found


def test_a_child_with_one_parent_away_and_the_other_at_home_is_not_left_behind():
    found = findings(a_child(10), father(works_away=True), mother())

    assert "left_behind" not in found


# The child's own situation and family markers


def test_the_childs_own_disability_is_a_category():
    found = findings(a_child(disability="intellectual", disability_grade=2))

    assert "own_disability" in found


def test_dibao_received_by_the_family_is_a_family_marker():
    found = findings(a_child(welfare=["dibao"]))

    assert set(found) == {"welfare_dibao"}


def test_a_parent_in_prison_is_a_family_marker():
    found = findings(a_child(), father(), mother(condition="in_prison"))

    assert set(found) == {"parent_in_prison"}


# Through the services: the file's categories follow its family


def test_saving_the_family_stores_the_computed_categories_with_their_reasons():
    child = make_child()

    make_family(child, father={"condition": "in_prison", "condition_since": date(2023, 3, 1)},
                mother={"life_status": "dead"})

    assert computed_codes(child) == {"de_facto_unsupported", "parent_in_prison"}
    assert all(cc.reason for cc in child.categories.filter(source=ChildCategory.Source.COMPUTED))


def test_every_computed_category_says_why():
    child = make_child(disability="hearing", disability_grade=2, welfare=["dibao", "tekun"])

    make_family(child, father={"life_status": "dead"}, mother={"life_status": "missing"})

    assert computed_codes(child) == {"orphan", "difficulty_disability", "dibao", "tekun"}
    assert all(cc.reason for cc in child.categories.all())


def test_a_category_disappears_when_the_family_changes():
    child = make_child()
    family = make_family(child, father={"condition": "in_prison"}, mother={"life_status": "dead"})

    services.family_member_save(actor=cast("lead_dalate"), child=child, member=family["father"], condition="",
                                condition_since=None)

    assert computed_codes(child) == set()


def test_removing_a_parent_from_the_file_recomputes_the_categories():
    child = make_child()
    family = make_family(child, father={"life_status": "dead"}, mother={"life_status": "dead"})

    services.family_member_delete(actor=cast("lead_dalate"), member=family["mother"])

    assert computed_codes(child) == set()


def test_categories_recorded_by_a_worker_are_kept_when_the_rules_run_again():
    child = make_child(categories=[category("single_parent")])

    family = make_family(child, father={"life_status": "dead"}, mother={"works_away": True})
    services.family_member_save(actor=cast("lead_dalate"), child=child, member=family["mother"], works_away=False)

    recorded = child.categories.filter(source=ChildCategory.Source.RECORDED)
    assert list(recorded.values_list("category__code", flat=True)) == ["single_parent"]


def test_a_worker_cannot_record_a_category_that_the_rules_decide():
    child = make_child(categories=[category("orphan"), category("hiv_affected")])

    assert set(child.categories.values_list("category__code", "source")) == {("hiv_affected", "recorded")}


def test_changing_the_childs_welfare_adds_the_family_marker():
    child = make_child()

    services.child_update(actor=cast("lead_dalate"), child=child, welfare=["dibao"])

    assert computed_codes(child) == {"dibao"}


# Turning 18


def test_an_18_year_old_who_is_not_an_orphan_ages_out():
    child = make_child(birth_date=born_years_ago(18, days=1), sex="M")

    services.children_age_out()

    assert reload(child).status == "aged_out"


def test_an_orphan_of_18_still_at_school_does_not_age_out():
    child = make_child(birth_date=born_years_ago(18, days=1), sex="M", school="达拉特旗第一中学")
    make_family(child, father={"life_status": "dead"}, mother={"life_status": "dead"})

    services.children_age_out()

    assert reload(child).status == "screened"
    assert "orphan" in computed_codes(child)


def test_a_17_year_old_does_not_age_out():
    child = make_child(birth_date=born_years_ago(17, days=300))

    services.children_age_out()

    assert reload(child).status == "screened"


def test_a_child_who_ages_out_keeps_an_audit_trail_entry():
    from tongban.audit.models import AuditEvent

    child = make_child(birth_date=born_years_ago(18, days=5))

    services.children_age_out()

    event = AuditEvent.objects.filter(target_type="children.child", target_id=str(child.pk)).first()
    assert (event.actor_label, event.changes) == ("system", {"status": "aged_out"})


def test_a_grandparent_in_the_family_does_not_change_the_parents_rules():
    child = make_child()

    make_family(child, father={"life_status": "dead"}, mother={"life_status": "dead"},
                p_grandmother={"is_guardian": True, "guardianship_quality": "adequate"})

    assert computed_codes(child) == {"orphan"}


def test_a_child_becomes_an_orphan_only_once_both_parents_are_on_file():
    child = make_child()
    make_member(child, "father", life_status="dead")
    assert computed_codes(child) == set()

    make_member(child, "mother", life_status="missing")

    assert computed_codes(child) == {"orphan"}


def test_a_recorded_severe_disability_counts_even_before_its_grade_is_entered():
    result = findings(a_child(), father(condition="severe_disability"), mother(life_status="dead"))
    assert "de_facto_unsupported" in result
