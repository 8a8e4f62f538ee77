"""Pairing a volunteer with a child and logging visits: the rules a team lead and a volunteer meet."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.audit.models import AuditEvent
from tongban.children.tests.factories import make_child, village
from tongban.testing import cast
from tongban.volunteers import services
from tongban.volunteers.models import Pairing
from tongban.volunteers.tests.factories import make_pairing, make_visit, make_volunteer, team, volunteer_of

pytestmark = pytest.mark.django_db


def test_a_team_lead_pairs_a_volunteer_with_a_child_of_the_banner_and_it_is_audited():
    pairing = make_pairing()

    assert pairing.is_ongoing
    assert AuditEvent.objects.filter(target_type="volunteers.pairing", target_id=str(pairing.pk),
                                     action="create").exists()


def test_a_volunteer_is_not_paired_with_a_child_of_another_banner():
    child = make_child(actor=cast("pm_ordos"), region=village("150624"))

    with pytest.raises(ValidationError, match="达拉特旗"):
        make_pairing(child=child, actor=cast("pm_ordos"))


def test_the_same_two_are_not_paired_twice_at_once():
    pairing = make_pairing()

    with pytest.raises(ValidationError):
        make_pairing(child=pairing.child)


def test_a_social_worker_or_the_bureau_cannot_set_up_a_pairing():
    for username in ("worker_dalate", "bureau_dalate"):
        with pytest.raises(PermissionDenied):
            make_pairing(actor=cast(username))


def test_an_inactive_volunteer_is_not_paired():
    volunteer = make_volunteer(active=False)

    with pytest.raises(ValidationError, match="no longer"):
        make_pairing(volunteer=volunteer)


def test_a_closed_childs_file_is_not_paired():
    child = make_child(status="closed")

    with pytest.raises(ValidationError):
        make_pairing(child=child)


def test_the_volunteer_logs_a_visit_and_the_worker_may_log_one_for_them():
    pairing = make_pairing()

    make_visit(pairing)
    make_visit(pairing, actor=cast("lead_dalate"), days_ago=14)

    assert pairing.visits.count() == 2


def test_a_visit_in_the_future_or_before_the_pairing_is_refused():
    pairing = make_pairing(days_ago=10)

    with pytest.raises(ValidationError, match="happened"):
        make_visit(pairing, days_ago=-1)
    with pytest.raises(ValidationError, match="period"):
        make_visit(pairing, days_ago=30)


def test_a_visit_of_more_than_ten_hours_is_refused():
    with pytest.raises(ValidationError):
        make_visit(make_pairing(), minutes=601)


def test_a_volunteer_cannot_log_a_visit_once_the_pairing_has_ended():
    pairing = make_pairing(days_ago=30)
    services.pairing_end(actor=cast("lead_dalate"), pairing=pairing, ends_on=date.today() - timedelta(days=1))

    with pytest.raises(PermissionDenied):
        make_visit(Pairing.objects.get(pk=pairing.pk), days_ago=5)


def test_another_volunteer_cannot_log_a_visit_on_a_pairing_that_is_not_theirs():
    pairing = make_pairing(volunteer=make_volunteer("张桂芳"))

    with pytest.raises(PermissionDenied):
        make_visit(pairing, actor=cast("volunteer_dalate"))


def test_a_volunteer_account_belongs_to_one_volunteer_only():
    volunteer_of("volunteer_dalate")

    with pytest.raises(ValidationError):
        make_volunteer("另一个人", user=cast("volunteer_dalate"))


def test_only_volunteer_teams_take_volunteers():
    with pytest.raises(ValidationError, match="volunteer team|志愿服务队"):
        make_volunteer(team=team("鄂尔多斯市社会工作协会"))
