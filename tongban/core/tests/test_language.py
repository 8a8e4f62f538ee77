import pytest

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"


def test_simplified_chinese_is_the_default(client):
    page = client.get(SIGN_IN).content.decode()
    assert '<html lang="zh-hans">' in page


def test_the_default_sign_in_page_speaks_chinese(client):
    # Needs the compiled catalog, locale/zh_Hans/LC_MESSAGES/django.mo (`make messages`).
    page = client.get(SIGN_IN).content.decode()
    assert "<h1>登录</h1>" in page


def test_a_chinese_browser_gets_simplified_chinese(client):
    page = client.get(SIGN_IN, headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page


def test_an_english_browser_gets_english(client):
    page = client.get(SIGN_IN, headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page


def test_a_browser_in_another_language_gets_the_default(client):
    page = client.get(SIGN_IN, headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="zh-hans">' in page


def test_choosing_english_switches_the_pages_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": SIGN_IN})
    assert response.status_code == 302
    assert response.url == SIGN_IN
    page = client.get(SIGN_IN).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Sign in</h1>" in page


def test_the_chosen_language_wins_over_the_browser(client):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": SIGN_IN})
    page = client.get(SIGN_IN, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="zh-hans">' in page


def test_every_page_offers_the_other_language(client):
    page = client.get(SIGN_IN).content.decode()
    assert 'name="language" value="en"' in page
    assert ">English</button>" in page
