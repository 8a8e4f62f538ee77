import pytest

from tongban.testing import signed_in

pytestmark = pytest.mark.django_db


def test_worker_dashboard_shows_only_own_team_region(client):
    signed_in(client, "worker_dalate")
    response = client.get("/")
    assert response.status_code == 200
    figures = {f.key: f.count for f in response.context["figures"]}
    assert figures["teams"] == 1
    assert figures["projects"] == 1
