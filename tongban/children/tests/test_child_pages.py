"""The pages of children's files: who may open what, what the file shows, and how forms keep what was typed."""

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tongban.accounts.models import User
from tongban.audit.models import AuditEvent
from tongban.children import services
from tongban.children.models import Child, FamilyMember, HomeVerification
from tongban.children.tests.factories import (
    born_years_ago,
    id_number,
    make_child,
    make_family,
    make_member,
    ordos_project,
    reload,
    village,
)
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

# Pages that change a file, reached with GET.
WRITE_PAGES = ["edit", "family/new", "family/{member}", "consent/new", "verify", "duplicates"]
FILE_PAGES = ["", *WRITE_PAGES]


def page(child: Child, path: str, member: FamilyMember | None = None) -> str:
    path = path.format(member=member.pk if member else 0)
    return f"/children/{child.pk}/{path}/" if path else f"/children/{child.pk}/"


def a_file() -> tuple[Child, FamilyMember]:
    child = make_child(name="王子琪")
    return child, make_member(child, "mother", phone="13904771234", is_guardian=True)


def shows(response: Any, message: str) -> bool:
    """Whether the page shows this message as the default language puts it, escaped or not."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    content = response.content.decode()
    return text in content or escape(text) in content


def form_data(child: Child, **changes: Any) -> dict[str, Any]:
    """The edit form as it arrives when the worker changes only `changes`."""
    data = {
        "name": child.name, "sex": child.sex, "birth_date": child.birth_date.isoformat(),
        "ethnicity": child.ethnicity, "hukou": child.hukou, "project": child.project_id, "region": child.region_id,
        "address": child.address, "school": child.school, "grade": child.grade, "health": child.health,
        "disability": child.disability, "disability_grade": child.disability_grade or "",
        "psychological_state": child.psychological_state, "risk": child.risk, "status": child.status,
        "assigned_worker": child.assigned_worker_id or "", "pseudonym": child.pseudonym, "version": child.version,
    }
    data.update(changes)
    return data


# Who may open what


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate", "pm_ordos", "bureau_ordos", "bureau_dalate"])
def test_the_people_of_the_area_open_the_list(client, username):
    signed_in(client, username)

    assert client.get("/children/").status_code == 200


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate", "pm_ordos"])
@pytest.mark.parametrize("path", FILE_PAGES)
def test_the_dalate_team_and_the_project_admin_open_every_page_of_a_dalate_file(client, username, path):
    child, mother = a_file()
    signed_in(client, username)

    assert client.get(page(child, path, mother)).status_code == 200


@pytest.mark.parametrize("username", ["worker_etuoke", "worker_shuimogou", "volunteer_dalate"])
@pytest.mark.parametrize("path", FILE_PAGES)
def test_a_file_outside_ones_area_is_not_found(client, username, path):
    child, mother = a_file()
    signed_in(client, username)

    assert client.get(page(child, path, mother)).status_code == 404


@pytest.mark.parametrize("username", ["worker_etuoke", "worker_shuimogou"])
def test_actions_on_a_file_outside_ones_area_are_not_found(client, username):
    child, mother = a_file()
    other = make_child(name="王子琪", birth_date=child.birth_date)
    signed_in(client, username)

    assert client.post(page(child, "reveal"), {"reason": "核对"}).status_code == 404
    assert client.post(page(child, "family/{member}/delete", mother)).status_code == 404
    assert client.post(f"/children/{child.pk}/merge/{other.pk}/").status_code == 404
    assert FamilyMember.objects.filter(pk=mother.pk).exists()


def test_a_worker_opens_their_own_case_but_not_a_colleagues(client):
    colleague = User.objects.get(username="worker_dalate_1", team__region__code="150621")
    mine = make_child(status="in_service", assigned_worker=cast("worker_dalate"))
    theirs = make_child(status="in_service", assigned_worker=colleague)
    signed_in(client, "worker_dalate")

    assert client.get(page(mine, "")).status_code == 200
    assert client.get(page(theirs, "")).status_code == 404
    assert client.get(page(theirs, "edit")).status_code == 404


@pytest.mark.parametrize("username", ["bureau_ordos", "bureau_dalate"])
def test_the_bureau_reads_a_file(client, username):
    child, _mother = a_file()
    signed_in(client, username)

    response = client.get(page(child, ""))

    assert response.status_code == 200
    assert child.id_masked in response.content.decode()


@pytest.mark.parametrize("path", WRITE_PAGES)
def test_the_bureau_cannot_open_the_pages_that_change_a_file(client, path):
    child, mother = a_file()
    signed_in(client, "bureau_ordos")

    assert client.get(page(child, path, mother)).status_code == 403


def test_the_bureau_cannot_register_remove_reveal_or_merge(client):
    child, mother = a_file()
    other = make_child(name="王子琪", birth_date=child.birth_date)
    signed_in(client, "bureau_ordos")

    assert client.get("/children/new/").status_code == 403
    assert client.post(page(child, "family/{member}/delete", mother)).status_code == 403
    assert client.post(page(child, "reveal"), {"reason": "统计核对"}).status_code == 403
    assert client.post(f"/children/{child.pk}/merge/{other.pk}/").status_code == 403
    assert reload(other).merged_into is None


def test_a_volunteer_cannot_open_the_list_or_register(client):
    signed_in(client, "volunteer_dalate")

    assert client.get("/children/").status_code == 403
    assert client.get("/children/new/").status_code == 403


@pytest.mark.parametrize("path", FILE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    child, mother = a_file()

    response = client.get(page(child, path, mother))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_visitors_cannot_list_register_or_reveal(client):
    child, _mother = a_file()

    for response in (client.get("/children/"), client.get("/children/new/"),
                     client.post(page(child, "reveal"), {"reason": "核对"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# Reading a file


def test_opening_a_file_is_recorded_in_the_audit_trail(client):
    child, _mother = a_file()
    user = signed_in(client, "bureau_dalate")

    client.get(page(child, ""))

    event = AuditEvent.objects.filter(action="view", target_type="children.child", target_id=str(child.pk)).get()
    assert event.actor == user


def test_the_file_shows_the_masked_id_number_and_phone_never_the_plain_ones(client):
    child, mother = a_file()
    signed_in(client, "worker_dalate")

    content = client.get(page(child, "")).content.decode()

    assert child.id_masked in content and mother.phone_masked in content
    assert child.id_number() not in content
    assert mother.phone() not in content


def test_a_worker_reveals_the_id_number_with_a_reason(client):
    child, _mother = a_file()
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "reveal"), {"reason": "为孩子办理医疗救助"})

    assert child.id_number() in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.get(action="reveal", target_id=str(child.pk)).reason == "为孩子办理医疗救助"


def test_revealing_without_a_reason_shows_no_number(client):
    child, _mother = a_file()
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "reveal"), {"reason": ""})

    assert response.status_code == 200
    assert child.id_number() not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal", target_id=str(child.pk)).exists()


def test_the_file_of_a_child_under_14_without_consent_says_consent_is_missing(client):
    child = make_child(birth_date=born_years_ago(9))
    signed_in(client, "worker_dalate")

    response = client.get(page(child, ""))

    assert response.context["consent_missing"] is True
    assert shows(response, "No guardian's consent is on file for this child under 14. "
                           "Record it before using the file further.")


def test_the_file_of_a_child_with_consent_does_not_ask_for_it(client):
    child = make_child(birth_date=born_years_ago(9))
    services.consent_record(actor=cast("worker_dalate"), child=child, guardian_name="李建国", relation="father",
                            given_on=date.today(), scopes=["records", "services"])
    signed_in(client, "worker_dalate")

    response = client.get(page(child, ""))

    assert not shows(response, "No guardian's consent is on file for this child under 14. "
                               "Record it before using the file further.")


def test_the_file_says_why_each_computed_category_applies(client):
    child = make_child()
    make_family(child, father={"condition": "in_prison", "condition_since": date(2023, 3, 1)},
                mother={"life_status": "dead"})
    signed_in(client, "lead_dalate")

    content = client.get(page(child, "")).content.decode()

    reasons = [cc.reason for cc in child.categories.filter(source="computed")]
    assert len(reasons) == 2
    assert all(escape(reason) in content for reason in reasons)


# Forms keep what was typed


def register_data(**fields: Any) -> dict[str, Any]:
    return {"name": "禤子琪", "ethnicity": "汉族", "hukou": "rural", "project": ordos_project().pk,
            "region": village().pk, "risk": "low", "status": "screened", **fields}


def test_registering_with_a_mistyped_id_number_shows_the_error_and_keeps_what_was_typed(client):
    number = id_number(born_years_ago(8), "F")
    mistyped = number[:-1] + ("0" if number[-1] != "0" else "1")
    signed_in(client, "worker_dalate")

    response = client.post("/children/new/", register_data(id_number=mistyped, address="树林召镇新民村3号"))

    assert response.status_code == 200
    assert shows(response, "The ID number's check digit is wrong: one of its digits was probably mistyped.")
    assert 'value="禤子琪"' in response.content.decode()
    assert 'value="树林召镇新民村3号"' in response.content.decode()
    assert not Child.objects.filter(name="禤子琪").exists()


def test_registering_with_the_corrected_id_number_opens_the_file(client):
    number = id_number(born_years_ago(8), "F")
    signed_in(client, "worker_dalate")

    response = client.post("/children/new/", register_data(id_number=number))

    child = Child.objects.get(name="禤子琪")
    assert response.status_code == 302
    assert response["Location"] == f"/children/{child.pk}/"
    assert (child.birth_date, child.sex, child.created_by) == (born_years_ago(8), "F", cast("worker_dalate"))


def test_registering_a_suspected_duplicate_lists_it_and_a_second_save_confirms(client):
    first = make_child(name="禤子琪", with_id=False, birth_date=born_years_ago(8), sex="F")
    signed_in(client, "worker_dalate")
    data = register_data(birth_date=first.birth_date.isoformat(), sex="F")

    response = client.post("/children/new/", data)
    assert response.status_code == 200
    assert response.context["candidates"] == [(first, "name_birth_region")]

    response = client.post("/children/new/", {**data, "confirmed_new": "on"})
    assert response.status_code == 302
    assert Child.objects.filter(name="禤子琪").count() == 2


def test_registering_a_child_on_file_in_another_banner_says_so_without_disclosing_that_file(client):
    other = make_child(actor=cast("worker_etuoke"), name="禤子琪", with_id=False, birth_date=born_years_ago(8),
                       sex="F", region=village("150624"), school="乌兰镇中心小学")
    signed_in(client, "worker_dalate")
    data = register_data(birth_date=other.birth_date.isoformat(), sex="F")

    response = client.post("/children/new/", data)

    page_text = response.content.decode()
    assert response.status_code == 200 and response.context["candidates"] == []
    assert response.context["elsewhere"] == 1
    assert other.region.name not in page_text and f"/children/{other.pk}/" not in page_text
    assert not Child.objects.filter(name="禤子琪", region__code__startswith="150621").exists()
    assert client.post("/children/new/", {**data, "confirmed_new": "on"}).status_code == 302


def test_editing_a_file_changed_meanwhile_shows_the_conflict_and_keeps_the_typed_values(client):
    child = make_child(school="树林召小学")
    stale = form_data(child, school="昭君镇中心小学", address="昭君镇五股地村")
    services.child_update(actor=cast("lead_dalate"), child=reload(child), risk="high")
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "edit"), stale)

    assert response.status_code == 409
    assert shows(response, "Someone else changed this file while you were editing it. "
                           "Reload it to see their changes, then make yours again.")
    assert 'value="昭君镇中心小学"' in response.content.decode()
    assert (reload(child).school, reload(child).risk) == ("树林召小学", "high")


def test_the_conflict_shows_what_is_saved_now_beside_what_was_typed(client):
    child = make_child(school="树林召小学")
    stale = form_data(child, school="昭君镇中心小学")
    services.child_update(actor=cast("lead_dalate"), child=reload(child), risk="high")
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "edit"), stale)

    rows = {str(label): (str(saved), str(typed)) for label, saved, typed in response.context["changed"]}
    assert rows[str(Child._meta.get_field("school").verbose_name)] == ("树林召小学", "昭君镇中心小学")
    assert str(Child._meta.get_field("risk").verbose_name) in rows


def test_editing_a_file_saves_and_returns_to_it(client):
    child = make_child(school="树林召小学")
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "edit"), form_data(child, school="昭君镇中心小学"))

    assert response.status_code == 302
    assert (reload(child).school, reload(child).version) == ("昭君镇中心小学", 2)


def test_editing_the_birth_date_against_the_id_number_on_file_is_refused_on_that_field(client):
    child = make_child(birth_date=date(2016, 5, 4))
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "edit"), form_data(child, birth_date="2016-05-05"))

    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    assert reload(child).birth_date == date(2016, 5, 4)


# Family, consent, home verification and duplicates through their pages


def test_adding_a_dead_father_and_mother_makes_the_child_an_orphan(client):
    child = make_child()
    signed_in(client, "worker_dalate")

    for relation in ("father", "mother"):
        response = client.post(page(child, "family/new"), {"relation": relation, "life_status": "dead"})
        assert response.status_code == 302

    assert set(child.categories.values_list("category__code", flat=True)) == {"orphan"}


def test_a_family_members_phone_is_kept_when_the_form_leaves_it_empty(client):
    child, mother = a_file()
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "family/{member}", mother),
                           {"relation": "mother", "life_status": "alive", "works_away": "on", "version": 1})

    assert response.status_code == 302
    saved = FamilyMember.objects.get(pk=mother.pk)
    assert (saved.works_away, saved.phone()) == (True, "13904771234")


def test_changing_a_family_member_on_the_page_records_what_changed_in_the_audit_trail(client):
    child, mother = a_file()
    signed_in(client, "worker_dalate")

    client.post(page(child, "family/{member}", mother), {"relation": "mother", "life_status": "alive",
                                                          "works_away": "on", "version": 1})

    event = AuditEvent.objects.filter(action="update", target_id=str(mother.pk)).latest("pk")
    assert event.changes["works_away"] is True and "relation" not in event.changes


def test_removing_a_family_member_from_the_file(client):
    child, mother = a_file()
    signed_in(client, "lead_dalate")

    response = client.post(page(child, "family/{member}/delete", mother))

    assert response["Location"] == f"/children/{child.pk}/"
    assert not child.family.exists()


def test_recording_consent_through_the_page(client):
    child = make_child(birth_date=born_years_ago(9))
    signed_in(client, "worker_dalate")

    response = client.post(page(child, "consent/new"), {
        "guardian_name": "李建国", "relation": "p_grandfather", "given_on": date.today().isoformat(),
        "scopes": ["records", "photos"], "document": "TB-2026-001"})

    assert response.status_code == 302
    assert services.consent_missing(reload(child)) is False


def test_a_child_director_records_a_home_verification_in_their_village(client):
    director = cast("director_dalate")
    child = make_child(region=director.region, address="旧地址", risk="low")
    signed_in(client, "director_dalate")

    response = client.post(page(child, "verify"), {
        "visited_on": date.today().isoformat(), "child_seen": "on", "address": "新地址", "risk": "medium",
        "version": child.version})

    assert response.status_code == 302
    visit = HomeVerification.objects.get(child=child)
    assert (visit.visitor, visit.file_confirmed, reload(child).address) == (director, False, "新地址")


def test_the_duplicates_page_proposes_the_twin_file_and_merging_keeps_one(client):
    keep = make_child(name="禤子琪")
    drop = make_child(name="禤子琪", birth_date=keep.birth_date)
    signed_in(client, "lead_dalate")

    response = client.get(page(keep, "duplicates"))
    assert [c for c, _why in response.context["candidates"]] == [drop]

    response = client.post(f"/children/{keep.pk}/merge/{drop.pk}/")
    assert response["Location"] == f"/children/{keep.pk}/"
    assert reload(drop).merged_into == keep


def test_files_marked_different_are_no_longer_proposed(client):
    first = make_child(name="禤子琪")
    second = make_child(name="禤子琪", birth_date=first.birth_date)
    signed_in(client, "worker_dalate")

    client.post(f"/children/{first.pk}/merge/{second.pk}/", {"decision": "different"})

    assert client.get(page(first, "duplicates")).context["candidates"] == []
    assert reload(second).merged_into is None


def test_the_duplicates_page_does_not_disclose_a_file_of_another_banner(client):
    mine = make_child(name="禤子琪")
    make_child(actor=cast("worker_etuoke"), name="禤子琪", birth_date=mine.birth_date, region=village("150624"))
    signed_in(client, "worker_dalate")

    assert client.get(page(mine, "duplicates")).context["candidates"] == []


# Query counts do not grow with the number of rows


def queries_for(client: Client, url: str) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return captured


def same_queries(few: CaptureQueriesContext, many: CaptureQueriesContext) -> bool:
    if len(few) != len(many):
        print("\n".join(q["sql"] for q in few.captured_queries), "\n---\n",
              "\n".join(q["sql"] for q in many.captured_queries))
    return len(few) == len(many)


def test_the_list_needs_as_many_queries_for_30_children_as_for_3(client):
    # The search keeps the demo world's children out of the page, so only ours are counted.
    signed_in(client, "lead_dalate")
    children = [make_child(name=f"禤{given}", welfare=["dibao"]) for given in "一二三"]

    few = queries_for(client, "/children/?q=禤")
    children += [make_child(name=f"禤小{i}", disability="visual", disability_grade=1) for i in range(27)]
    many = queries_for(client, "/children/?q=禤")

    assert client.get("/children/?q=禤").context["page"].paginator.count == len(children) == 30
    assert same_queries(few, many)


def test_the_file_needs_as_many_queries_with_6_family_members_as_with_1(client):
    few_child, many_child = make_child(), make_child()
    make_member(few_child, "mother", phone="13904771234")
    make_family(many_child, father={"condition": "in_prison"}, mother={"life_status": "dead"},
                p_grandfather={}, p_grandmother={"is_guardian": True}, uncle={}, aunt={"phone": "13904775678"})
    services.consent_record(actor=cast("lead_dalate"), child=many_child, guardian_name="李建国",
                            relation="p_grandfather", given_on=date.today(), scopes=["records"])
    signed_in(client, "lead_dalate")

    assert many_child.family.count() == 6
    assert same_queries(queries_for(client, page(few_child, "")), queries_for(client, page(many_child, "")))


def test_the_list_shows_each_childs_categories_in_the_categories_order(client):
    from tongban.children.models import DifficultyCategory

    by_hand = list(DifficultyCategory.objects.filter(active=True, rule="", parent__isnull=True))[:3]
    assert len(by_hand) == 3
    make_child(name="禤多类", categories=list(reversed(by_hand)))
    make_child(name="禤无类")
    signed_in(client, "lead_dalate")

    html = client.get("/children/?q=禤").content.decode()

    tags = [f'<span class="tag">{escape(c.name)}</span>' for c in by_hand]
    line, other = html.split("禤多类</a>")[1].split("</li>")[0], html.split("禤无类</a>")[1].split("</li>")[0]
    assert all(tag in line for tag in tags)
    assert [line.index(tag) for tag in tags] == sorted(line.index(tag) for tag in tags)
    assert not any(tag in other for tag in tags)
