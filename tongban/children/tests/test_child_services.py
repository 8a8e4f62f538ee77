"""Opening, changing, merging and protecting a child's file through the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tongban.audit.models import AuditEvent
from tongban.children import services
from tongban.children.models import Child, ChildCategory, Consent, FamilyMember, HomeVerification
from tongban.children.selectors import children_visible_to, duplicate_candidates
from tongban.children.tests.factories import (
    born_years_ago,
    category,
    id_number,
    make_child,
    make_family,
    make_member,
    ordos_project,
    reload,
    village,
)
from tongban.testing import cast

pytestmark = pytest.mark.django_db

PHONE = "13904771234"


def events_about(record: object, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type=record._meta.label_lower, target_id=str(record.pk),
                                          action=action))


def consent(child: Child, **fields: object) -> Consent:
    return services.consent_record(actor=cast("worker_dalate"), child=child, guardian_name="李建国",
                                   relation="p_grandfather", given_on=fields.pop("given_on", date.today()),
                                   scopes=["records"], **fields)


# Registering


def test_a_new_file_gets_a_made_up_pseudonym_unique_within_the_project():
    first = make_child(name="王子涵")
    second = make_child(name="刘思雨")

    assert first.pseudonym and second.pseudonym
    assert first.pseudonym != second.pseudonym
    assert first.pseudonym != first.name


def test_a_pseudonym_already_taken_in_the_project_is_refused():
    first = make_child(name="王子涵")

    with pytest.raises(ValidationError):
        make_child(name="刘思雨", pseudonym=first.pseudonym)

    assert not Child.objects.filter(name="刘思雨").exists()


def test_the_dot_inside_a_minority_name_is_made_the_official_one():
    child = make_child(name="祖拜旦•麦麦提吐尔什", ethnicity="维吾尔族")

    assert child.name == "祖拜旦·麦麦提吐尔什"


def test_a_worker_cannot_register_a_child_in_another_banners_village():
    children, events = Child.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        make_child(actor=cast("worker_dalate"), region=village("150624"))

    assert "region" in caught.value.message_dict
    assert (Child.objects.count(), AuditEvent.objects.count()) == (children, events)


def test_the_city_bureau_cannot_register_a_child():
    with pytest.raises(PermissionDenied):
        make_child(actor=cast("bureau_ordos"))


def test_a_second_file_with_the_same_id_number_is_refused_on_the_id_field():
    first = make_child(name="王子涵")

    with pytest.raises(ValidationError) as caught:
        make_child(name="王紫涵", id_number=first.id_number())

    assert set(caught.value.message_dict) == {"id_number"}
    assert not Child.objects.filter(name="王紫涵").exists()


def test_same_name_and_birth_date_in_the_same_banner_is_suspected_to_be_the_same_child():
    first = make_child(name="王子涵", region=village(index=0))

    with pytest.raises(services.DuplicateSuspected) as caught:
        make_child(name="王子涵", birth_date=first.birth_date, region=village(index=5), confirmed_new=False)

    assert (first, "name_birth_region") in caught.value.candidates


def test_a_suspected_duplicate_is_registered_once_the_worker_confirms_it_is_a_new_child():
    first = make_child(name="王子涵")

    second = make_child(name="王子涵", birth_date=first.birth_date, confirmed_new=True)

    assert Child.objects.filter(name="王子涵", birth_date=first.birth_date).count() == 2
    assert second.pk != first.pk


def test_a_name_that_sounds_the_same_with_the_same_birth_date_is_flagged():
    first = make_child(name="子琪")

    with pytest.raises(services.DuplicateSuspected) as caught:
        make_child(name="子淇", birth_date=first.birth_date, confirmed_new=False)

    assert (first, "pinyin") in caught.value.candidates


def test_registering_writes_an_audit_event_without_the_id_number():
    child = make_child()

    [event] = events_about(child, "create")
    assert event.changes["id_number"] == "***"
    assert event.actor == cast("lead_dalate")


# Changing


def test_a_change_made_meanwhile_by_someone_else_is_refused_not_overwritten():
    child = make_child(school="树林召小学")
    mine, theirs = reload(child), reload(child)
    services.child_update(actor=cast("lead_dalate"), child=theirs, version=theirs.version, school="王爱召小学")

    with pytest.raises(ValidationError) as caught:
        services.child_update(actor=cast("worker_dalate"), child=mine, version=mine.version, school="昭君小学")

    assert caught.value.code == "conflict"
    assert reload(child).school == "王爱召小学"


def test_a_stale_version_from_the_form_is_refused_even_with_a_fresh_file():
    child = make_child(school="树林召小学")
    services.child_update(actor=cast("lead_dalate"), child=reload(child), school="王爱召小学")

    with pytest.raises(ValidationError):
        services.child_update(actor=cast("worker_dalate"), child=reload(child), version=1, school="昭君小学")

    assert (reload(child).school, reload(child).version) == ("王爱召小学", 2)


def test_changing_the_id_number_to_one_of_another_file_is_refused_on_the_id_field():
    first, second = make_child(name="王子涵"), make_child(name="刘思雨")

    with pytest.raises(ValidationError) as caught:
        services.child_update(actor=cast("lead_dalate"), child=second, id_number=first.id_number())

    assert set(caught.value.message_dict) == {"id_number"}


def test_a_birth_date_or_sex_against_the_stored_id_number_is_refused():
    child = make_child(birth_date=date(2016, 5, 4), sex="F")

    with pytest.raises(ValidationError) as caught:
        services.child_update(actor=cast("lead_dalate"), child=reload(child), birth_date=date(2016, 5, 5), sex="M")

    assert set(caught.value.message_dict) == {"birth_date", "sex"}
    assert (reload(child).birth_date, reload(child).sex) == (date(2016, 5, 4), "F")


def test_a_new_id_number_brings_its_birth_date_and_sex():
    child = make_child(with_id=False, birth_date=date(2016, 5, 4), sex="F")

    services.child_update(actor=cast("lead_dalate"), child=child, id_number=id_number(date(2016, 5, 14), "M"),
                          birth_date=None, sex="")

    assert (reload(child).birth_date, reload(child).sex) == (date(2016, 5, 14), "M")


# Merging and duplicates


def test_merging_moves_family_consents_and_categories_to_the_kept_file():
    keep = make_child(name="王子涵")
    drop = make_child(name="王子涵", birth_date=keep.birth_date, with_id=False,
                      categories=[category("hiv_affected")])
    make_family(drop, father={"life_status": "dead"}, mother={"life_status": "dead"})
    consent(drop)

    services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)

    assert keep.family.count() == 2 and keep.consents.count() == 1
    assert set(keep.categories.values_list("category__code", flat=True)) == {"orphan", "hiv_affected"}
    assert not FamilyMember.objects.filter(child=drop).exists()


def test_a_merged_file_points_to_the_kept_one_and_leaves_every_list():
    keep = make_child(name="王子涵")
    drop = make_child(name="王子涵", birth_date=keep.birth_date, with_id=False)

    services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)

    assert reload(drop).merged_into == keep
    assert not children_visible_to(cast("lead_dalate")).filter(pk=drop.pk).exists()
    assert children_visible_to(cast("lead_dalate")).filter(pk=keep.pk).exists()


def test_merging_is_recorded_on_both_files():
    keep = make_child(name="王子涵", with_id=False)
    drop = make_child(name="王子涵", birth_date=keep.birth_date)

    services.children_merge(actor=cast("lead_dalate"), keep=keep, drop=drop)

    assert events_about(keep, "update")[0].changes == {"merged_from": drop.pk}
    assert events_about(drop, "update")[0].changes == {"merged_into": keep.pk}
    assert reload(keep).id_number() == drop.id_number()


def test_a_worker_cannot_merge_a_file_of_another_banner():
    keep = make_child(name="王子涵")
    other = make_child(actor=cast("worker_etuoke"), name="王子涵", birth_date=keep.birth_date,
                       region=village("150624"))

    with pytest.raises(PermissionDenied):
        services.children_merge(actor=cast("worker_dalate"), keep=keep, drop=other)

    assert reload(other).merged_into is None


def test_two_files_marked_as_different_children_are_no_longer_proposed():
    first = make_child(name="王子涵")
    second = make_child(name="王子涵", birth_date=first.birth_date)
    assert second.pk in [c.pk for c, _why in duplicate_candidates(
        name=first.name, birth_date=first.birth_date, region=first.region, exclude_pk=first.pk)]

    services.duplicates_mark_different(actor=cast("worker_dalate"), first=second, second=first)

    for one, other in ((first, second), (second, first)):
        found = duplicate_candidates(name=one.name, birth_date=one.birth_date, region=one.region, exclude_pk=one.pk)
        assert other.pk not in [c.pk for c, _why in found]


# Consent of a guardian (children under 14)


def test_a_child_under_14_without_a_guardians_consent_is_flagged():
    child = make_child(birth_date=born_years_ago(9))

    assert services.consent_missing(reload(child)) is True


def test_a_recorded_consent_clears_the_flag():
    child = make_child(birth_date=born_years_ago(9))

    consent(child)

    assert services.consent_missing(reload(child)) is False


def test_a_withdrawn_consent_does_not_count():
    child = make_child(birth_date=born_years_ago(9))
    given = consent(child, given_on=date.today() - timedelta(days=30))
    Consent.objects.filter(pk=given.pk).update(withdrawn_on=date.today())

    assert services.consent_missing(reload(child)) is True


def test_a_15_year_old_needs_no_guardians_consent():
    child = make_child(birth_date=born_years_ago(15))

    assert services.consent_missing(reload(child)) is False


def test_a_consent_dated_in_the_future_is_refused():
    child = make_child()

    with pytest.raises(ValidationError) as caught:
        consent(child, given_on=date.today() + timedelta(days=1))

    assert "given_on" in caught.value.message_dict


# Home verification (上门核查)


def test_a_home_visit_with_corrections_changes_the_file_and_records_the_visit():
    child = make_child(address="树林召镇旧址", risk="low")

    visit = services.home_verification_record(
        actor=cast("director_dalate"), child=child, visited_on=date.today(), child_seen=True,
        guardian_present=True, corrections={"address": "树林召镇新村12号", "risk": "high"}, version=child.version)

    assert (reload(child).address, reload(child).risk) == ("树林召镇新村12号", "high")
    assert visit.file_confirmed is False
    assert visit.corrections == {"address": "树林召镇新村12号", "risk": "high"}


def test_a_home_visit_without_corrections_confirms_the_file():
    child = make_child(address="树林召镇旧址")

    visit = services.home_verification_record(
        actor=cast("director_dalate"), child=child, visited_on=date.today(), child_seen=True,
        guardian_present=False, corrections={"address": "树林召镇旧址"}, version=child.version)

    assert visit.file_confirmed is True
    assert reload(child).version == child.version
    assert HomeVerification.objects.filter(child=child).count() == 1


def test_a_home_visit_on_a_file_changed_meanwhile_is_refused():
    child = make_child(address="树林召镇旧址")
    services.child_update(actor=cast("lead_dalate"), child=reload(child), school="树林召小学")

    with pytest.raises(ValidationError):
        services.home_verification_record(
            actor=cast("director_dalate"), child=child, visited_on=date.today(), child_seen=True,
            guardian_present=True, corrections={"address": "新地址"}, version=1)

    assert not HomeVerification.objects.filter(child=child).exists()


# The ID number and phones are kept encrypted


def text_in_tables(*tables: str) -> str:
    dumped = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            dumped.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(dumped)


def test_the_id_number_and_phone_never_reach_the_database_in_plain_text():
    child = make_child(name="王子涵")
    number = child.id_number()
    make_member(child, "mother", phone=PHONE, is_guardian=True)
    services.child_update(actor=cast("lead_dalate"), child=child, id_number=id_number(child.birth_date))
    services.child_reveal_id(actor=cast("worker_dalate"), child=child, reason="办理低保需要核对身份证")

    stored = text_in_tables("children_child", "children_familymember", "audit_auditevent")

    for secret in (number, reload(child).id_number(), PHONE):
        assert secret not in stored


def test_the_stored_id_number_decrypts_to_what_was_typed():
    number = id_number(born_years_ago(9), "M")

    child = make_child(id_number=number.lower())

    assert reload(child).id_number() == number
    assert reload(child).id_masked == f"{number[:6]}********{number[-4:]}"


# Revealing the full number


def test_the_bureau_cannot_reveal_an_id_number():
    child = make_child()

    with pytest.raises(PermissionDenied):
        services.child_reveal_id(actor=cast("bureau_ordos"), child=child, reason="统计核对")


def test_a_volunteer_cannot_reveal_an_id_number():
    child = make_child()

    with pytest.raises(PermissionDenied):
        services.child_reveal_id(actor=cast("volunteer_dalate"), child=child, reason="结对走访")


def test_a_worker_of_another_banner_cannot_reveal_an_id_number():
    child = make_child()

    with pytest.raises(PermissionDenied):
        services.child_reveal_id(actor=cast("worker_etuoke"), child=child, reason="核对")


def test_revealing_without_a_reason_is_refused():
    child = make_child()

    with pytest.raises(ValidationError) as caught:
        services.child_reveal_id(actor=cast("worker_dalate"), child=child, reason="  ")

    assert "reason" in caught.value.message_dict
    assert events_about(child, "reveal") == []


def test_a_worker_with_a_reason_sees_the_number_and_the_reveal_is_recorded():
    child = make_child()

    shown = services.child_reveal_id(actor=cast("worker_dalate"), child=child, reason="为孩子申请助学金")

    assert shown == child.id_number()
    [event] = events_about(child, "reveal")
    assert (event.actor, event.reason) == (cast("worker_dalate"), "为孩子申请助学金")


def test_the_recorded_categories_survive_an_update_without_categories():
    child = make_child(categories=[category("single_parent")])

    services.child_update(actor=cast("lead_dalate"), child=child, school="树林召小学")

    assert list(child.categories.values_list("source", flat=True)) == [ChildCategory.Source.RECORDED]


def test_moving_a_file_to_a_village_outside_the_workers_area_is_refused():
    child = make_child(actor=cast("worker_dalate"))

    with pytest.raises(ValidationError) as caught:
        services.child_update(actor=cast("worker_dalate"), child=reload(child), region=village("150624"))

    assert "region" in caught.value.message_dict
    assert reload(child).region == village()


def test_the_project_of_a_new_file_must_cover_its_region():
    urumqi_village = village("650105")

    with pytest.raises(ValidationError) as caught:
        make_child(actor=cast("admin"), project=ordos_project(), region=urumqi_village)

    assert "region" in caught.value.message_dict
