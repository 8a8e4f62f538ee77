from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape

from tongban.accounts.forms import SignInForm
from tongban.accounts.models import User
from tongban.audit.models import AuditEvent
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "tongban-demo"
WRONG_PASSWORD = "not-the-password-7"


def sign_in(client: Client, username: str, password: str, ip: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    # A real POST: django-axes needs the request to count failures per account and address.
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def invalid_login_message() -> str:
    # The message in the default language, whether or not its translation has landed yet.
    with translation.override(settings.LANGUAGE_CODE):
        return escape(str(SignInForm.error_messages["invalid_login"]))


def test_right_password_leads_to_the_dashboard(client):
    response = sign_in(client, "worker_dalate", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(cast("worker_dalate").pk)
    assert client.get("/").status_code == 200


def test_sign_in_is_recorded_with_the_address_it_came_from(client):
    sign_in(client, "worker_dalate", DEMO_PASSWORD, ip="10.20.30.40")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).first()
    assert event is not None
    assert event.actor == cast("worker_dalate")
    assert event.actor_label == "worker_dalate"
    assert event.ip_address == "10.20.30.40"


def test_wrong_password_shows_the_message_and_starts_no_session(client):
    sessions_before = Session.objects.count()
    response = sign_in(client, "worker_dalate", WRONG_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert invalid_login_message() in response.content.decode()
    # Checked before anything reads client.session, which would make one of its own.
    assert Session.objects.count() == sessions_before
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_wrong_password_is_recorded_with_the_typed_name_but_never_the_password(client):
    sign_in(client, "worker_dalate", WRONG_PASSWORD, ip="10.20.30.41")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == "worker_dalate"
    assert event.ip_address == "10.20.30.41"
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert WRONG_PASSWORD not in repr(stored)


def test_five_wrong_passwords_lock_the_account_from_that_address(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "worker_dalate", WRONG_PASSWORD).status_code == 200
    response = sign_in(client, "worker_dalate", WRONG_PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_a_locked_account_refuses_even_the_right_password(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "worker_dalate", WRONG_PASSWORD)
    response = sign_in(client, "worker_dalate", DEMO_PASSWORD)
    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_the_lock_holds_only_for_the_address_the_guessing_came_from(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "worker_dalate", WRONG_PASSWORD, ip="10.0.0.1")
    response = sign_in(client, "worker_dalate", DEMO_PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(cast("worker_dalate").pk)


def test_the_lock_holds_only_for_the_account_that_was_guessed(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "worker_dalate", WRONG_PASSWORD)
    response = sign_in(client, "lead_dalate", DEMO_PASSWORD)
    assert response.status_code == 302


def test_a_switched_off_account_cannot_sign_in(client):
    User.objects.filter(username="worker_dalate").update(is_active=False)
    response = sign_in(client, "worker_dalate", DEMO_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_user_id(client) is None


def test_sign_out_needs_a_post(client):
    signed_in(client, "worker_dalate")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session_and_is_recorded(client):
    user = signed_in(client, "worker_dalate")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, actor=user).count() == 1
    assert client.get("/").status_code == 302


def test_an_idle_session_past_its_expiry_sends_the_user_back_to_sign_in(client):
    signed_in(client, "worker_dalate")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_each_request_pushes_the_idle_timeout_forward(client):
    signed_in(client, "worker_dalate")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_pages_seen_within_a_minute_do_not_rewrite_the_session(client):
    """The idle expiry slides forward at most once a minute: reading pages is not a write to the database."""
    signed_in(client, "worker_dalate")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get("/children/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert Session.objects.get(session_key=key).expire_date == before


def test_the_idle_expiry_is_pushed_forward_at_most_once_a_minute(client):
    signed_in(client, "worker_dalate")
    key = client.session.session_key
    almost = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE) - timedelta(seconds=50)
    Session.objects.filter(session_key=key).update(expire_date=almost)
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == almost


def test_password_change_needs_a_signed_in_user(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(client):
    user = signed_in(client, "worker_dalate")
    response = client.post(
        "/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert 'class="error"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_a_good_new_password_replaces_the_old_one(client):
    user = signed_in(client, "worker_dalate")
    new = "Quiet river at dawn 2026"
    response = client.post(
        "/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert len(list(response.context["messages"])) == 1
    user.refresh_from_db()
    assert user.check_password(new)
    assert not user.check_password(DEMO_PASSWORD)


def test_the_old_password_must_be_right_to_change_it(client):
    user = signed_in(client, "worker_dalate")
    new = "Quiet river at dawn 2026"
    response = client.post(
        "/accounts/password/", {"old_password": WRONG_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)
