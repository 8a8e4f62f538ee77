"""Switching the language between 中文 and English, signed out and signed in."""

import re

# Two English words in a row in the Chinese interface mean a string that escaped translation.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")
PAGES = ["/", "/children/", "/cases/", "/activities/", "/volunteers/", "/donations/"]


def untranslated(text: str) -> list[str]:
    return [words for words in ENGLISH_WORDS.findall(text) if words not in {"English"}]


def test_switching_between_chinese_and_english(open_page):
    tab = open_page()
    tab.go("/accounts/login/", screenshot="sign in in chinese")
    assert tab.page.locator("html").get_attribute("lang") == "zh-hans"
    assert tab.page.locator("h1").inner_text() == "登录"

    tab.submit("English", screenshot="sign in in english")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.locator("h1").inner_text() == "Sign in"
    tab.fill(username="worker_dalate", password="tongban-demo")
    tab.submit("Sign in", screenshot="dashboard in english")
    assert "/accounts/login/" not in tab.page.url
    nav = tab.page.locator("nav.topnav").inner_text()
    assert "Children" in nav and "Cases" in nav and "Sign out" in nav
    tab.go("/children/", screenshot="children in english")
    assert tab.page.locator("h1").inner_text() == "Children's files"

    tab.submit("简体中文", screenshot="children in chinese")
    assert tab.page.url.endswith("/children/"), "switching keeps the page"
    assert tab.page.locator("h1").inner_text() == "儿童档案"
    for path in PAGES:
        tab.go(path)
        assert not untranslated(tab.page.locator("body").inner_text()), f"{path}: {untranslated(tab.text())}"
