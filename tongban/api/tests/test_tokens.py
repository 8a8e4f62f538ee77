from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tongban.api.models import ApiToken, token_digest
from tongban.api.tests.helpers import bearer, token_for
from tongban.testing import signed_in

pytestmark = pytest.mark.django_db


def test_token_is_shown_once_and_stored_only_as_a_digest(client: Client) -> None:
    signed_in(client, "worker_dalate")
    response = client.post("/accounts/tokens/", {"name": "县数据平台", "scope": "read", "days": "90"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    key = response.context["key"]
    token = ApiToken.objects.get(user__username="worker_dalate", name="县数据平台")
    assert token.digest == token_digest(key) and key not in (token.digest, token.prefix)
    assert key not in client.get("/accounts/tokens/").content.decode()


def test_revoked_token_stops_working_at_once(client: Client) -> None:
    key = token_for("lead_dalate")
    assert client.get("/api/v1/children/", **bearer(key)).status_code == 200
    signed_in(client, "lead_dalate")
    token = ApiToken.objects.get(digest=token_digest(key))
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    client.logout()
    assert client.get("/api/v1/children/", **bearer(key)).status_code == 401


def test_expired_token_is_refused(client: Client) -> None:
    key = token_for("lead_dalate")
    ApiToken.objects.filter(digest=token_digest(key)).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/children/", **bearer(key)).status_code == 401


def test_token_of_a_deactivated_user_is_refused(client: Client) -> None:
    key = token_for("worker_etuoke")
    token = ApiToken.objects.select_related("user").get(digest=token_digest(key))
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])
    assert client.get("/api/v1/children/", **bearer(key)).status_code == 401


def test_nobody_revokes_another_users_token(client: Client) -> None:
    key = token_for("lead_dalate")
    token = ApiToken.objects.get(digest=token_digest(key))
    signed_in(client, "worker_dalate")
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_needs_sign_in(client: Client) -> None:
    assert client.get("/accounts/tokens/").status_code == 302


def test_too_many_calls_get_429_with_retry_after(client: Client, settings) -> None:  # type: ignore[no-untyped-def]

    settings.API_RATE_PER_TOKEN = "2/m"
    key = token_for("lead_dalate")
    statuses = [client.get("/api/v1/children/?limit=1", **bearer(key)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/children/?limit=1", **bearer(key))
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_calls_from_one_address_share_a_limit_across_tokens(client: Client, settings) -> None:  # type: ignore[no-untyped-def]

    settings.API_RATE_PER_ADDRESS = "2/m"
    first, second = token_for("lead_dalate"), token_for("pm_ordos")
    assert client.get("/api/v1/children/?limit=1", **bearer(first)).status_code == 200
    assert client.get("/api/v1/children/?limit=1", **bearer(second)).status_code == 200
    assert client.get("/api/v1/children/?limit=1", **bearer(second)).status_code == 429


def test_calls_with_bad_tokens_count_against_their_address(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_PER_ADDRESS = "3/m"
    guesses = [client.get("/api/v1/children/", **bearer(f"guess-{n}")).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    # the address's budget is spent for valid tokens too
    response = client.get("/api/v1/children/?limit=1", **bearer(token_for("lead_dalate")))
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1


def test_schema_and_docs_are_served_from_our_own_static_files(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/children/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_root_says_who_is_calling_with_which_scope(client: Client) -> None:
    body = client.get("/api/v1/", **bearer(token_for("bureau_dalate", scope="read"))).json()
    assert body == {"username": "bureau_dalate", "role": "bureau", "token_scope": "read", "may_reveal": False,
                    "may_read_counselling_notes": False}
