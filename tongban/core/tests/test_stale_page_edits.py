"""Two people open the same edit page; the first saves, the second's save is refused — nothing silently overwritten.

Each edit page sends back the version it was loaded with (a hidden field). A save from an older copy is answered
409 with the form as typed, a clear message and what is saved now beside what was typed; saving that form again
(after comparing) goes through. Family members, activities, volunteers and pairings, like children and cases.
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tongban.activities.models import Activity
from tongban.activities.tests.factories import make_activity
from tongban.audit.models import AuditEvent
from tongban.children.models import Child, FamilyMember
from tongban.children.tests.factories import make_child, make_member
from tongban.testing import signed_in
from tongban.volunteers.models import Pairing, Volunteer
from tongban.volunteers.tests.factories import make_pairing, make_volunteer

pytestmark = pytest.mark.django_db

ACTIVITY_CHANGED = ("Someone else changed this activity while you were editing it. "
                    "Reload it to see their changes, then make yours again.")
RECORD_CHANGED = ("Someone else changed this record while you were editing it. "
                  "Reload it to see their changes, then make yours again.")
FILE_CHANGED = ("Someone else changed this file while you were editing it. "
                "Reload it to see their changes, then make yours again.")


def as_loaded(form: Any) -> dict[str, Any]:
    """What the browser sends back for the form as the page showed it (hidden version included)."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, forms.CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data


def shows(response: Any, message: str) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    return escape(text) in response.content.decode()


def audit_count(record: Any) -> int:
    return AuditEvent.objects.filter(target_type=record._meta.label_lower, target_id=str(record.pk)).count()


# Activities


def activity_page(activity: Activity) -> str:
    return f"/activities/{activity.pk}/edit/"


def test_the_second_save_of_the_same_loaded_activity_is_refused_and_keeps_what_was_typed(client):
    activity = make_activity(place="青少年之家活动室")
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    assert client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"}).status_code == 302
    events = audit_count(activity)

    response = client.post(activity_page(activity), {**loaded, "summary": "孩子们完成了数学作业"})

    assert response.status_code == 409
    assert shows(response, ACTIVITY_CHANGED)
    assert "孩子们完成了数学作业" in response.content.decode()
    saved = Activity.objects.get(pk=activity.pk)
    assert (saved.place, saved.summary, saved.version) == ("树林召镇文化站", "", 2)
    assert audit_count(activity) == events


def test_the_refused_activity_page_shows_what_is_saved_now_beside_what_was_typed(client):
    activity = make_activity(place="青少年之家活动室")
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"})

    response = client.post(activity_page(activity), {**loaded, "place": "王爱召镇中心小学"})

    rows = {str(label): (saved, typed) for label, saved, typed in response.context["conflict"]}
    assert rows[str(Activity._meta.get_field("place").verbose_name)] == ("树林召镇文化站", "王爱召镇中心小学")


def test_saving_the_refused_activity_again_keeps_the_typed_text(client):
    activity = make_activity()
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"})
    refused = client.post(activity_page(activity), {**loaded, "summary": "孩子们完成了数学作业"})

    response = client.post(activity_page(activity), refused.context["form"].data)

    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).summary == "孩子们完成了数学作业"


def test_the_refusal_speaks_english_to_an_english_browser(client):
    activity = make_activity()
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"})

    response = client.post(activity_page(activity), loaded, headers={"accept-language": "en"})

    assert response.status_code == 409
    assert escape(ACTIVITY_CHANGED) in response.content.decode()
    assert "Saved meanwhile by someone else" in response.content.decode()


def test_an_activity_page_without_the_version_is_refused_as_out_of_date(client):
    activity = make_activity()
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    del loaded["version"]

    response = client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"})

    assert response.status_code == 200
    assert shows(response, "This page is out of date. Reload it, then make your change again.")
    assert Activity.objects.get(pk=activity.pk).version == 1


def test_a_form_shown_again_for_a_mistake_still_carries_the_version_it_was_loaded_with(client):
    activity = make_activity()
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(activity_page(activity)).context["form"])
    mistake = client.post(activity_page(activity), {**loaded, "title": ""})
    client.post(activity_page(activity), {**loaded, "place": "树林召镇文化站"})  # saved by someone else meanwhile

    response = client.post(activity_page(activity), {**mistake.context["form"].data, "title": "六点半课堂"})

    assert response.status_code == 409
    assert Activity.objects.get(pk=activity.pk).title != "六点半课堂"


# Family members


def member_page(member: FamilyMember) -> str:
    return f"/children/{member.child_id}/family/{member.pk}/"


def test_the_second_save_of_the_same_loaded_family_member_is_refused_and_keeps_what_was_typed(client):
    mother = make_member(make_child(name="王子琪"), "mother", phone="13904771234", is_guardian=True)
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(member_page(mother)).context["form"])
    assert client.post(member_page(mother), {**loaded, "works_away": "on"}).status_code == 302

    response = client.post(member_page(mother), {**loaded, "health": "患有慢性病", "phone": "13800001111"})

    assert response.status_code == 409
    assert shows(response, FILE_CHANGED)
    assert "患有慢性病" in response.content.decode()
    saved = FamilyMember.objects.get(pk=mother.pk)
    assert (saved.works_away, saved.health, saved.phone()) == (True, "", "13904771234")


def test_the_refused_family_member_page_never_shows_the_phone_on_file(client):
    mother = make_member(make_child(name="王子琪"), "mother", phone="13904771234", is_guardian=True)
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(member_page(mother)).context["form"])
    client.post(member_page(mother), {**loaded, "works_away": "on"})

    response = client.post(member_page(mother), {**loaded, "phone": "13800001111"})

    assert response.status_code == 409
    assert "13904771234" not in response.content.decode()


def test_saving_the_refused_family_member_again_keeps_the_typed_text(client):
    mother = make_member(make_child(name="王子琪"), "mother", is_guardian=True)
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(member_page(mother)).context["form"])
    client.post(member_page(mother), {**loaded, "works_away": "on"})
    refused = client.post(member_page(mother), {**loaded, "health": "患有慢性病"})

    assert client.post(member_page(mother), refused.context["form"].data).status_code == 302
    assert FamilyMember.objects.get(pk=mother.pk).health == "患有慢性病"


# Volunteers


def volunteer_page(volunteer: Volunteer) -> str:
    return f"/volunteers/{volunteer.pk}/edit/"


def test_the_second_save_of_the_same_loaded_volunteer_is_refused_and_keeps_what_was_typed(client):
    volunteer = make_volunteer(notes="")
    signed_in(client, "lead_dalate")
    loaded = as_loaded(client.get(volunteer_page(volunteer)).context["form"])
    assert client.post(volunteer_page(volunteer), {**loaded, "is_party_member": "on"}).status_code == 302

    response = client.post(volunteer_page(volunteer), {**loaded, "notes": "周末可以陪伴孩子"})

    assert response.status_code == 409
    assert shows(response, RECORD_CHANGED)
    assert "周末可以陪伴孩子" in response.content.decode()
    saved = Volunteer.objects.get(pk=volunteer.pk)
    assert (saved.is_party_member, saved.notes) == (True, "")
    assert client.post(volunteer_page(volunteer), response.context["form"].data).status_code == 302
    assert Volunteer.objects.get(pk=volunteer.pk).notes == "周末可以陪伴孩子"


def test_the_refused_volunteer_page_names_the_choices_as_the_form_does(client):
    volunteer = make_volunteer()
    signed_in(client, "lead_dalate")
    loaded = as_loaded(client.get(volunteer_page(volunteer)).context["form"])
    client.post(volunteer_page(volunteer), {**loaded, "is_party_member": "on"})

    response = client.post(volunteer_page(volunteer), loaded)

    with translation.override(settings.LANGUAGE_CODE):
        rows = {str(label): (str(saved), str(typed)) for label, saved, typed in response.context["conflict"]}
        assert rows[str(Volunteer._meta.get_field("is_party_member").verbose_name)] == (gettext("Yes"),
                                                                                          gettext("No"))


# Pairings


def end_page(pairing: Pairing) -> str:
    return f"/volunteers/pairings/{pairing.pk}/end/"


def test_ending_a_pairing_from_an_old_page_is_refused_and_keeps_what_was_typed(client):
    pairing = make_pairing()
    signed_in(client, "lead_dalate")
    loaded = as_loaded(client.get(f"/volunteers/pairings/{pairing.pk}/").context["end_form"])
    yesterday = date.today() - timedelta(days=1)
    client.post(end_page(pairing), {**loaded, "ends_on": yesterday.isoformat(), "reason": "孩子随父母外出"})

    response = client.post(end_page(pairing), {**loaded, "ends_on": date.today().isoformat(),
                                                "reason": "志愿者工作调动"})

    assert response.status_code == 409
    assert shows(response, RECORD_CHANGED)
    assert "志愿者工作调动" in response.content.decode()
    saved = Pairing.objects.get(pk=pairing.pk)
    assert (saved.ends_on, saved.end_reason) == (yesterday, "孩子随父母外出")


def test_ending_the_refused_pairing_again_keeps_the_typed_reason(client):
    pairing = make_pairing()
    signed_in(client, "lead_dalate")
    loaded = as_loaded(client.get(f"/volunteers/pairings/{pairing.pk}/").context["end_form"])
    client.post(end_page(pairing), {**loaded, "reason": "孩子随父母外出"})
    refused = client.post(end_page(pairing), {**loaded, "reason": "志愿者工作调动"})

    assert client.post(end_page(pairing), refused.context["end_form"].data).status_code == 302
    assert Pairing.objects.get(pk=pairing.pk).end_reason == "志愿者工作调动"


# Children and cases answer a refused save alike


def test_a_child_file_shown_again_for_a_mistake_still_carries_the_version_it_was_loaded_with(client):
    child = make_child(school="树林召小学")
    signed_in(client, "worker_dalate")
    loaded = as_loaded(client.get(f"/children/{child.pk}/edit/").context["form"])
    loaded["version"] = child.version
    mistake = client.post(f"/children/{child.pk}/edit/", {**loaded, "name": ""})
    assert mistake.status_code == 200
    client.post(f"/children/{child.pk}/edit/", {**loaded, "risk": "high"})  # saved by someone else meanwhile

    response = client.post(f"/children/{child.pk}/edit/", {**loaded, "version": mistake.context["version"],
                                                          "school": "昭君镇中心小学"})

    assert response.status_code == 409
    assert Child.objects.get(pk=child.pk).school == "树林召小学"
