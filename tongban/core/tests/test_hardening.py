"""Headers, cookies and forms that keep a browser from being turned against the people using Tongban."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tongban.accounts.tests.test_access_matrix import EXAMPLES, example_for, url_patterns
from tongban.core.tests.test_health_and_deploy import production_env
from tongban.testing import cast, signed_in
from tongban.volunteers.selectors import volunteers_visible_to

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(settings.BASE_DIR, "tongban").glob("**/templates/**/*.html"))
# Rendered for WeasyPrint into PDFs, never served to a browser: their inline styles meet no CSP.
PDF_TEMPLATES = {"core/print_base.html", "cases/print/file.html", "donations/receipt.html",
                 "reports/print/statistics.html", "reports/print/report.html"}


def template_name(path: Path) -> str:
    return str(path).split("/templates/", 1)[1]


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in (part.strip() for part in header.split(";")) if d}


# Content-Security-Policy


@pytest.mark.parametrize("url", ["/", "/children/", "/accounts/login/", "/admin/", "/no-such-page/"])
def test_every_page_carries_a_policy_that_runs_only_our_own_scripts(client, url):
    signed_in(client, "admin")

    directives = policy(client.get(url))

    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in str(directives) and "unsafe-eval" not in str(directives)


def test_pages_say_which_browser_features_they_never_use(client):
    response = client.get("/accounts/login/")

    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", TEMPLATES, ids=template_name)
def test_no_template_holds_inline_script(path):
    html = path.read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "a <script> body: move it to a static file"
    assert not re.search(r"\son[a-z]+\s*=", html), "an on…= handler: attach it from a static file"
    assert "javascript:" not in html


@pytest.mark.parametrize("path", [p for p in TEMPLATES if template_name(p) not in PDF_TEMPLATES],
                         ids=template_name)
def test_no_page_template_holds_inline_style(path):
    html = path.read_text()

    assert "<style" not in html and ' style="' not in html, "inline style is refused by the policy: use tongban.css"


def test_the_print_button_of_a_certificate_is_a_static_script(client):
    lead = signed_in(client, "lead_dalate")
    volunteer = volunteers_visible_to(lead).first()

    html = client.get(f"/volunteers/{volunteer.pk}/certificate/").content.decode()

    assert "tongban/print.js" in html and "data-print" in html


# Cookies and HTTPS


def test_the_session_and_language_cookies_are_out_of_reach_of_scripts_and_other_sites(client):
    user = cast("worker_dalate")
    user.set_password("a-long-enough-passphrase")
    user.save()

    client.post("/accounts/login/", {"username": "worker_dalate", "password": "a-long-enough-passphrase"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    for name in ("sessionid", "django_language"):
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


def test_the_csrf_cookie_is_out_of_reach_of_scripts(client):
    client.get("/accounts/login/")

    assert client.cookies["csrftoken"]["httponly"] is True
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_strict_transport_security_is_sent_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_tls_every_cookie_is_secure_and_hsts_follows_the_environment():
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.LANGUAGE_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")
    result = subprocess.run([sys.executable, "-m", "django", "shell", "-c", code], cwd=settings.BASE_DIR,
                            env=production_env(HSTS_SECONDS="600"), capture_output=True, text=True, timeout=120)

    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "True", "600"], result.stderr


# CSRF: every form and every POST


def test_every_post_without_a_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast("admin"))
    accepted = []
    for pattern in url_patterns():
        example = example_for(pattern)
        record = example.every().order_by("pk").first() if example else None
        if pattern.arguments and record is None:
            continue
        url = pattern.path(example.kwargs(record) if pattern.arguments else {})
        response = client.post(url, {"anything": "1"})
        if response.status_code not in (403, 405):  # 405: the POST is not taken at all
            accepted.append(f"{url} ({pattern.name}): {response.status_code}")

    assert not accepted, "POST without a CSRF token accepted:\n" + "\n".join(accepted)
    assert EXAMPLES


@pytest.mark.parametrize("path", TEMPLATES, ids=template_name)
def test_every_form_that_posts_carries_a_csrf_token(path):
    html = path.read_text()
    for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
        if re.search(r'method="post"', form, flags=re.I):
            assert "{% csrf_token %}" in form, form[:200]
