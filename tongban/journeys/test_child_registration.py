"""A social worker signs in, registers a child with family and guardian, and finds the child again."""

from datetime import date

from tongban.children.idnumber import check_digit
from tongban.journeys.pages import zh

# One child per viewport: both runs write to the same server.
CHILDREN = {
    "desktop": {"name": "欧阳晓晴", "initials": "oyxq", "body": "15062120160512024", "grandmother": "欧阳秀兰"},
    "phone": {"name": "司马悦然", "initials": "smyr", "body": "15062120150903046", "grandmother": "司马桂英"},
}


def wrong_check_digit(body: str) -> str:
    right = check_digit(body)
    return body + ("1" if right != "1" else "2")


def test_worker_registers_a_child_with_family_and_finds_her_by_pinyin_initials(open_page, viewport):
    child = CHILDREN[viewport]
    tab = open_page()
    tab.go("/", screenshot="sign in")
    tab.fill(username="worker_dalate", password="tongban-demo")
    tab.submit(zh("Sign in"), screenshot="dashboard")
    assert "张敏" in tab.text()

    tab.follow(zh("Children"), exact=True)
    tab.follow(zh("Register a child"), screenshot="empty form")
    tab.fill(name=child["name"], id_number=wrong_check_digit(child["body"]), address="树林召镇新民村3组",
             school="树林召镇中心小学", grade="四年级")
    tab.choose(hukou=zh("rural (agricultural)"), region="树林召", assigned_worker="张敏")
    tab.submit(zh("Save"), screenshot="wrong id number")
    error = tab.page.locator(".field.has-error")
    assert zh("The ID number's check digit is wrong: one of its digits was probably mistyped.") in error.inner_text()
    assert tab.page.locator("[name=name]").input_value() == child["name"], "what was typed is kept"

    tab.fill(id_number=child["body"] + check_digit(child["body"]))
    tab.submit(zh("Save"), screenshot="file opened")
    assert zh("The file of %(name)s has been opened.", name=child["name"]) in tab.text()
    born = date(int(child["body"][6:10]), int(child["body"][10:12]), int(child["body"][12:14]))
    basics = tab.page.locator("#basics").inner_text()
    assert born.isoformat() in basics and zh("female") in basics, "birth date and sex are read from the ID"
    assert f"150621********{child['body'][-3:]}" in basics, "the ID number is shown masked"

    tab.follow(zh("Add a family member"))
    tab.choose(relation=zh("paternal grandmother"), life_status=zh("alive"))
    tab.fill(name=child["grandmother"], phone="13904771234")
    tab.page.locator("[name=is_guardian]").check()
    tab.submit(zh("Save"))
    tab.follow(zh("Add a family member"))
    tab.choose(relation=zh("father"), life_status=zh("alive"))
    tab.fill(name="父亲")
    tab.page.locator("[name=works_away]").check()
    tab.submit(zh("Save"), screenshot="family recorded")
    family = tab.page.locator("#family").inner_text()
    assert child["grandmother"] in family and zh("guardian") in family and zh("works away from home") in family
    assert "139****1234" in family or "1234" in family

    tab.follow(zh("Children"), exact=True)
    tab.fill(q=child["initials"])
    tab.submit(zh("Search"), screenshot="found by initials")
    tab.follow(child["name"])
    assert tab.page.locator("h1").inner_text().startswith(child["name"])
