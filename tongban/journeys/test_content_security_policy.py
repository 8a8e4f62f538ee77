"""Every kind of page runs under the Content-Security-Policy without the browser refusing anything it needs.

The policy allows only Tongban's own static scripts and styles. A page that still needed an inline script or style,
or a script from elsewhere, would show a console error (which every journey fails on) and a CSP violation event,
which is counted here as well.
"""

# Records what the browser refused, and whether the print button reached window.print.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
window.print = () => { window.__printed = true; };
"""
PAGES = ["/", "/children/", "/cases/", "/activities/", "/volunteers/", "/donations/", "/donations/totals/",
         "/organisations/sites/", "/statistics/", "/accounts/password/", "/admin/", "/admin/accounts/user/",
         "/admin/audit/auditevent/"]


def first_link(tab, prefix: str) -> str:  # type: ignore[no-untyped-def]
    hrefs = tab.page.eval_on_selector_all(f"main a[href^='{prefix}']", "els => els.map(e => e.getAttribute('href'))")
    return next(h for h in hrefs if h.rstrip("/").rsplit("/", 1)[-1].isdigit())


def test_pages_run_under_the_policy_without_violations(open_page):
    tab = open_page("admin")
    tab.context.add_init_script(WATCH)
    assert "script-src 'self'" in tab.page.goto(tab.url("/")).headers["content-security-policy"]
    child, case = None, None
    for path in PAGES:
        if path.startswith("/admin/"):  # Django admin's own layout is not held to the app's tap sizes
            tab.page.goto(tab.url(path))
            tab.page.wait_for_load_state("networkidle")
            # Chromium asks the admin for /favicon.ico (it names no icon) and logs the 404 without a network
            # event; any other missing resource is still reported by its response.
            tab.problems[:] = [p for p in tab.problems if "Failed to load resource" not in p]
        else:
            tab.go(path)
        assert tab.page.evaluate("window.__violations") == [], path
        if path == "/children/":
            child = first_link(tab, "/children/")
        if path == "/cases/":
            case = first_link(tab, "/cases/")
    for path in (child, case, f"{child}edit/", f"{case}edit/"):
        tab.go(path)
        assert tab.page.evaluate("window.__violations") == [], path


def test_the_certificate_prints_from_a_static_script(open_page):
    tab = open_page("lead_dalate")
    tab.context.add_init_script(WATCH)
    tab.go("/volunteers/")
    tab.go(first_link(tab, "/volunteers/") + "certificate/")

    tab.page.get_by_role("button", name="打印").click()

    assert tab.page.evaluate("window.__printed") is True
    assert tab.page.evaluate("window.__violations") == []
