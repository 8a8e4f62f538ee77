"""Assessments: every domain scored on the 4-level scale; the re-assessment at evaluation shows the change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.selectors import assessment_comparison
from tongban.cases.tests.factories import assess, bring_to, days_ago, make_case, reload, scores
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def test_an_assessment_scores_the_six_domains_and_sets_the_childs_risk():
    case = bring_to(make_case(), Stage.ASSESSMENT)

    assessment = assess(case, level=2, safety=4, risk="critical")

    assert {s.domain: s.level for s in assessment.scores.all()}["safety"] == 4
    assert assessment.scores.count() == 6 and not assessment.is_reassessment
    assert reload(case).child.risk == "critical"


def test_an_assessment_missing_a_domain_is_refused_naming_it():
    case = bring_to(make_case(), Stage.ASSESSMENT)
    partial = {d: v for d, v in scores(2).items() if d != "economy"}

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.assessment_record(actor=cast("worker_dalate"), case=reload(case), assessed_on=days_ago(1),
                                   methods=["home_visit"], needs="学业", risk="medium", scores=partial)

    assert "economy" in refused.value.messages[0]


def test_an_assessment_needs_a_method_and_a_level_from_1_to_4():
    case = bring_to(make_case(), Stage.ASSESSMENT)
    for methods, levels in ((["gossip"], scores(2)), (["school"], scores(5))):
        with pytest.raises(ValidationError):
            services.assessment_record(actor=cast("worker_dalate"), case=reload(case), assessed_on=days_ago(1),
                                       methods=methods, needs="学业", risk="medium", scores=levels)


def test_no_assessment_at_intake_or_after_closure():
    case = make_case()

    with pytest.raises(ValidationError):
        assess(case)


def test_the_re_assessment_shows_the_change_per_domain_beside_the_first():
    case = bring_to(make_case(), Stage.EVALUATION)
    assess(case, level=2, psychology=2, family=3, on=days_ago(1))

    rows = {r.domain: r for r in assessment_comparison(list(reload(case).assessments.all()))}

    assert (rows["psychology"].first, rows["psychology"].latest, rows["psychology"].change) == (3, 2, -1)
    assert rows["family"].change == 0 and len(rows) == 6


def test_the_case_page_shows_the_comparison_after_a_re_assessment(client):
    case = bring_to(make_case(), Stage.EVALUATION)
    assess(case, level=1, on=days_ago(1))
    signed_in(client, "worker_dalate")

    response = client.get(f"/cases/{case.pk}/")

    assert len(response.context["comparison"]) == 6
    assert 'id="comparison"' in response.content.decode()


def test_the_assessment_form_records_every_domain(client):
    case = bring_to(make_case(), Stage.ASSESSMENT)
    signed_in(client, "worker_dalate")
    data = {"assessed_on": days_ago(1).isoformat(), "methods": ["home_visit", "neighbour"], "risk": "high",
            "needs": "情绪支持"}
    data.update({f"level_{d}": 3 for d in scores()})

    response = client.post(f"/cases/{case.pk}/assessments/new/", data)

    assert response.status_code == 302
    assert reload(case).assessments.get().methods == ["home_visit", "neighbour"]


def test_a_bureau_official_cannot_record_an_assessment():
    case = bring_to(make_case(), Stage.ASSESSMENT)

    with pytest.raises(PermissionDenied):
        services.assessment_record(actor=cast("bureau_dalate"), case=case, assessed_on=days_ago(1),
                                   methods=["school"], needs="学业", risk="low", scores=scores(1))
