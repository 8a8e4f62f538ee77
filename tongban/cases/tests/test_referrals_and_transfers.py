"""Referrals to policy resources with the guardian's consent, and hand-overs of a case that keep their history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Transfer
from tongban.cases.selectors import cases_visible_to
from tongban.cases.tests.factories import bring_to, make_case, reload, write_plan
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def refer(case, **kwargs):
    fields = {"kind": "assistance", "receiver": "树林召镇民政办", "consent_checked": True, **kwargs}
    return services.referral_send(actor=cast("worker_dalate"), case=reload(case), **fields)


def test_a_referral_without_the_guardians_consent_is_refused():
    case = bring_to(make_case(), Stage.ASSESSMENT)

    with pytest.raises(ValidationError) as refused:
        refer(case, consent_checked=False)

    assert "consent_checked" in refused.value.message_dict


@pytest.mark.parametrize(("steps", "allowed"), [
    (["accepted", "done"], True), (["declined"], True), (["accepted", "declined"], True),
    (["done"], False), (["accepted", "sent"], False), (["declined", "accepted"], False)])
def test_a_referral_moves_sent_accepted_done_or_declined(steps, allowed):
    referral = refer(bring_to(make_case(), Stage.ASSESSMENT))

    def walk():
        for status in steps:
            services.referral_update(actor=cast("worker_dalate"), referral=referral, status=status)

    if allowed:
        walk()
        assert referral.status == steps[-1]
    else:
        with pytest.raises(ValidationError):
            walk()


def test_a_referral_is_not_made_at_intake():
    with pytest.raises(ValidationError):
        refer(make_case())


def test_the_lead_hands_a_case_to_a_colleague_and_the_history_is_kept():
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case)
    colleague = cast("worker_dalate_1")

    services.case_transfer(actor=cast("lead_dalate"), case=reload(case), to_worker=colleague, reason="张敏调岗")

    case = reload(case)
    assert case.worker == colleague and case.child.assigned_worker == colleague
    assert Transfer.objects.get(case=case).from_worker == cast("worker_dalate")
    assert case.plan.goals.get().tasks.get().owner == colleague
    assert not cases_visible_to(cast("worker_dalate")).filter(pk=case.pk).exists()


def test_a_worker_cannot_hand_over_their_own_case():
    case = make_case()

    with pytest.raises(PermissionDenied):
        services.case_transfer(actor=cast("worker_dalate"), case=case, to_worker=cast("worker_dalate_1"),
                               reason="太忙")


def test_a_case_goes_to_another_team_only_if_it_covers_the_childs_region():
    case = make_case()

    with pytest.raises(ValidationError) as refused:
        services.case_transfer(actor=cast("pm_ordos"), case=case, to_worker=cast("worker_etuoke"), reason="搬家")

    assert "to_worker" in refused.value.message_dict
    assert reload(case).worker == cast("worker_dalate")


def test_a_hand_over_needs_a_reason():
    case = make_case()

    with pytest.raises(ValidationError):
        services.case_transfer(actor=cast("lead_dalate"), case=case, to_worker=cast("worker_dalate_1"), reason="")


def test_the_transfer_page_hands_over_and_the_old_worker_loses_the_case(client):
    case = make_case()
    signed_in(client, "lead_dalate")

    response = client.post(f"/cases/{case.pk}/transfer/", {
        "to_worker": cast("worker_dalate_1").pk, "reason": "张敏休产假", "transferred_on": case.opened_on.isoformat()})

    assert response.status_code == 302
    signed_in(client, "worker_dalate")
    assert client.get(f"/cases/{case.pk}/").status_code == 404
