"""Signing out everywhere ends every session of the account; strong passwords are asked for."""

import pytest
from django.test import Client

from tongban.accounts.services import sign_out_everywhere
from tongban.audit.models import AuditEvent
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def on_two_devices() -> tuple[Client, Client]:
    phone, desk = Client(), Client()
    phone.force_login(cast("worker_dalate"))
    desk.force_login(cast("worker_dalate"))
    return phone, desk


def test_signing_out_everywhere_ends_the_sessions_on_other_devices():
    phone, desk = on_two_devices()

    response = desk.post("/accounts/sign-out-everywhere/")

    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert phone.get("/children/").status_code == 302
    assert desk.get("/children/").status_code == 302


def test_signing_out_everywhere_leaves_other_accounts_signed_in():
    phone, desk = on_two_devices()
    lead = Client()
    lead.force_login(cast("lead_dalate"))

    desk.post("/accounts/sign-out-everywhere/")

    assert lead.get("/children/").status_code == 200


def test_signing_in_again_after_signing_out_everywhere_works():
    phone, desk = on_two_devices()
    desk.post("/accounts/sign-out-everywhere/")

    phone.force_login(cast("worker_dalate"))

    assert phone.get("/children/").status_code == 200


def test_signing_out_everywhere_is_in_the_audit_trail():
    _, desk = on_two_devices()

    desk.post("/accounts/sign-out-everywhere/")

    events = AuditEvent.objects.filter(action="logout", target_id=str(cast("worker_dalate").pk))
    assert {"everywhere": True} in [e.changes for e in events]


def test_signing_out_everywhere_takes_only_a_post(client):
    client.force_login(cast("worker_dalate"))

    assert client.get("/accounts/sign-out-everywhere/").status_code == 405
    assert client.get("/children/").status_code == 200


def test_the_password_page_offers_to_sign_out_everywhere(client):
    client.force_login(cast("worker_dalate"))

    assert b"/accounts/sign-out-everywhere/" in client.get("/accounts/password/").content


@pytest.mark.parametrize("password", ["short-1", "12345678901234", "password1234", "worker_dalate1"])
def test_weak_passwords_are_refused(client, password):
    user = cast("worker_dalate")
    user.set_password("the-old-passphrase-x")
    user.save()
    client.force_login(user)

    response = client.post("/accounts/password/", {
        "old_password": "the-old-passphrase-x", "new_password1": password, "new_password2": password})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("the-old-passphrase-x")


def test_a_long_passphrase_is_accepted(client):
    user = cast("worker_dalate")
    user.set_password("the-old-passphrase-x")
    user.save()
    client.force_login(user)

    passphrase = "草原上的羊群-走得很慢很慢"

    response = client.post("/accounts/password/", {
        "old_password": "the-old-passphrase-x", "new_password1": passphrase, "new_password2": passphrase})

    assert response.status_code == 302


@pytest.mark.parametrize("signed_out_everywhere_before", [False, True])
@pytest.mark.parametrize(("fallbacks", "still_signed_in"), [(True, True), (False, False)])
def test_a_new_secret_key_keeps_people_signed_in_only_while_the_old_one_is_a_fallback(
        client, settings, signed_out_everywhere_before, fallbacks, still_signed_in):
    user = cast("worker_dalate")
    if signed_out_everywhere_before:
        sign_out_everywhere(actor=user, user=user)
    client.force_login(user)
    old = settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "y" * 50, [old] if fallbacks else []

    assert (client.get("/children/").status_code == 200) is still_signed_in


def test_a_project_admin_signs_a_worker_out_on_every_device_from_administration(client):
    phone, desk = on_two_devices()
    admin_user = cast("pm_ordos")
    client.force_login(admin_user)

    response = client.post("/admin/accounts/user/", {
        "action": "sign_out_everywhere", "_selected_action": [cast("worker_dalate").pk]})

    assert response.status_code == 302
    assert phone.get("/children/").status_code == 302 and desk.get("/children/").status_code == 302


def test_a_project_admin_cannot_sign_out_someone_outside_their_staff(client):
    bureau = Client()
    bureau.force_login(cast("bureau_ordos"))
    client.force_login(cast("pm_ordos"))

    client.post("/admin/accounts/user/", {"action": "sign_out_everywhere",
                                          "_selected_action": [cast("bureau_ordos").pk]})

    assert bureau.get("/children/").status_code == 200
