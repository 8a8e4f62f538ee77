"""A case from intake to closure: the worker assesses and plans, the team lead approves, the worker serves and
closes, the lead approves the closure, and the child's timeline shows every step."""

from datetime import date, timedelta

from tongban.journeys.pages import zh

CHILDREN = {"desktop": "贺子琪", "phone": "贺奇奇"}
FIRST = {"safety": 2, "health": 1, "education": 3, "psychology": 3, "family": 3, "economy": 2}
AT_EVALUATION = {"safety": 1, "health": 1, "education": 1, "psychology": 2, "family": 2, "economy": 2}


def register_child(tab, name: str) -> None:
    tab.go("/children/new/")
    # Twelve this year, whatever year the journey runs in (the plan below is due from today on, too).
    tab.fill(name=name, birth_date=f"{date.today().year - 12}-03-04", address="王爱召镇")
    tab.choose(sex=zh("female"), hukou=zh("rural (agricultural)"), region="王爱召", assigned_worker="张敏")
    tab.submit(zh("Save"))


def record_assessment(tab, levels: dict[str, int], risk: str, needs: str, screenshot: str) -> None:
    tab.follow(zh("Record an assessment"))
    for method in ("home_visit", "school"):
        tab.page.locator(f"input[name=methods][value={method}]").check()
    for domain, level in levels.items():
        tab.page.locator(f"input[name=level_{domain}][value='{level}']").check()
    tab.choose(risk=risk)
    tab.fill(needs=needs)
    tab.check(screenshot)
    tab.submit(zh("Save"))
    assert zh("The assessment has been recorded.") in tab.text()


def move(tab, button: str) -> None:
    tab.submit(button)
    assert "error" not in (tab.page.locator(".messages li").first.get_attribute("class") or "")


def test_case_from_intake_to_closure_with_the_team_leads_approvals(open_page, viewport):
    name = CHILDREN[viewport]
    worker = open_page("worker_dalate")
    register_child(worker, name)
    worker.follow(zh("Open a case"), exact=True)
    worker.choose(source=zh("screening"))
    worker.fill(reason="父亲外出务工，祖母年迈，孩子近来情绪低落、不愿上学。")
    worker.submit(zh("Open the case"), screenshot="intake")
    assert zh("The case of %(name)s has been opened.", name=name) in worker.text()
    case_url = worker.page.url

    move(worker, zh("Start the assessment"))
    record_assessment(worker, FIRST, zh("high"), "情绪疏导；督促按时上学；帮助祖母申请临时救助。", "assessment")

    move(worker, zh("Go on to the plan"))
    worker.follow(zh("Write the plan"))
    worker.fill(aim="三个月内孩子回到课堂，情绪稳定，家庭获得应有的救助。")
    worker.submit(zh("Save the aim"))
    worker.choose(domain=zh("education"))
    worker.fill(need="不愿上学", description="每周到校不少于五天", due_on=str(date.today() + timedelta(days=90)),
                within="form:has([name=form][value=goal])")
    worker.submit(zh("Add the goal"))
    worker.choose(goal="每周到校不少于五天")
    worker.fill(description="与班主任每两周沟通一次", due_on=str(date.today() + timedelta(days=45)),
                within="form:has([name=form][value=task])")
    worker.submit(zh("Add the task"), screenshot="plan written")
    worker.submit(zh("Send to the team lead"))
    assert zh("The plan has been sent to the team lead.") in worker.text()

    lead = open_page("lead_dalate")
    lead.page.goto(case_url)
    lead.check("plan waiting for the lead")
    lead.submit(zh("Approve"))
    assert zh("Your decision has been recorded and the worker can see it.") in lead.text()

    for kind, minutes, notes in (("counselling", "60", "孩子愿意谈起母亲，哭了一次。"),
                                 ("home_visit", "90", "和祖母一起制定作息表。")):
        worker.page.goto(case_url)
        worker.follow(zh("Record a session"))
        worker.choose(kind=dict(counselling=zh("case counselling"), home_visit=zh("home visit"))[kind])
        worker.fill(minutes=minutes, participants="孩子、祖母", notes=notes)
        worker.submit(zh("Save"))
        assert zh("The session has been recorded.") in worker.text()
    worker.check("sessions recorded")

    move(worker, zh("Start the evaluation"))
    record_assessment(worker, AT_EVALUATION, zh("low"), "继续关注情绪变化。", "re-assessment")
    comparison = worker.page.locator("#comparison").inner_text()
    assert comparison.count(zh("better")) == 4, comparison
    worker.follow(zh("Close the case"))
    worker.choose(exit_reason=zh("goals met"))
    worker.fill(summary="孩子已回到课堂，情绪稳定，祖母领到临时救助。")
    worker.submit(zh("Send to the team lead"))
    assert zh("The closure has been sent to the team lead.") in worker.text()

    lead.page.goto(case_url)
    lead.check()
    lead.submit(zh("Approve"), screenshot="closure approved")
    assert zh("goals met") in lead.page.locator("#intake").inner_text()

    worker.page.goto(case_url)
    worker.follow(name)
    worker.check("timeline")
    timeline = worker.page.locator("#timeline").inner_text()
    for step in (zh("Case opened, social worker %(worker)s", worker="张敏"), zh("Assessment"),
                 zh("Service plan approved"), zh("%(kind)s, %(minutes)s minutes", kind=zh("case counselling"),
                                                  minutes=60),
                 zh("%(kind)s, %(minutes)s minutes", kind=zh("home visit"), minutes=90),
                 zh("Case closed: %(reason)s", reason=zh("goals met"))):
        assert step in timeline, f"{step!r} is missing from the timeline:\n{timeline}"
