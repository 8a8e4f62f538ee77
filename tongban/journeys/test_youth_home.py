"""A youth-home activity with attendance and volunteers, then a volunteer who signs in and sees only the pairing."""

from datetime import date

from tongban.journeys.pages import zh

TITLES = {"desktop": "六点半课堂：作业辅导与绘本共读", "phone": "爱心生日会：十一月的小寿星"}
VOLUNTEER = "赵秀英"  # volunteer_dalate, a party-member mother paired with one child


def test_activity_with_attendance_and_volunteers_and_a_volunteer_who_sees_only_her_pairing(open_page, viewport):
    worker = open_page("worker_dalate")
    worker.go("/activities/")
    worker.follow(zh("Plan an activity"))
    worker.fill(title=TITLES[viewport], held_on=date.today().isoformat(), starts_at="18:30",
                plan="作业辅导一小时，之后共读绘本。")
    worker.page.locator("select[name=type]").select_option(index=1)
    worker.page.locator("select[name=site]").select_option(index=1)
    worker.submit(zh("Save"), screenshot="activity planned")
    assert zh("The activity has been planned.") in worker.text()

    worker.follow(zh("Invite children"), screenshot="invite")
    boxes = worker.page.locator("input[name=children]")
    invited = min(boxes.count(), 3)
    assert invited >= 1, "the site has children to invite"
    for index in range(invited):
        boxes.nth(index).check()
    worker.submit(zh("Invite"))
    assert zh("%(n)s children invited.", n=invited) in worker.text()

    worker.page.locator("input[name=attended]").first.check()
    worker.fill(walk_ins="4", summary="孩子们完成了当天作业，两位志愿者陪读。")
    worker.submit(zh("Save attendance"))
    assert zh("The attendance has been recorded.") in worker.text()
    worker.choose(volunteer=VOLUNTEER)
    worker.fill(hours="2.5")
    worker.submit(zh("Record hours"), screenshot="attendance and volunteers")
    figures = {key: worker.page.locator(f".figure[data-key={key}] .count").inner_text()
               for key in ("invited", "attended", "walk_ins", "participants", "volunteer_hours")}
    assert figures == {"invited": str(invited), "attended": "1", "walk_ins": "4", "participants": "5",
                       "volunteer_hours": "2.5"}, figures

    # Who is the volunteer paired with? The worker sees the child's name and pseudonym.
    worker.go("/volunteers/")
    worker.follow(VOLUNTEER, exact=True)
    pairing = worker.page.locator(".record", has=worker.page.locator(".record-title")).first
    child_name = pairing.locator(".record-title").inner_text().strip()
    pseudonym = pairing.locator(".muted").inner_text().split("·")[0].strip()

    volunteer = open_page()
    volunteer.go("/accounts/login/")
    volunteer.fill(username="volunteer_dalate", password="tongban-demo")
    volunteer.submit(zh("Sign in"))
    nav = volunteer.page.locator("nav.topnav").inner_text()
    assert zh("My pairings") in nav and zh("Children") not in nav and zh("Cases") not in nav
    volunteer.follow(zh("My pairings"), exact=True, screenshot="volunteer's pairings")
    assert pseudonym in volunteer.text() and child_name not in volunteer.text()
    volunteer.follow(pseudonym, screenshot="volunteer's pairing")
    assert child_name not in volunteer.page.content(), "the child's name is never sent to the volunteer"
    with volunteer.expecting_status(403):
        volunteer.page.goto(volunteer.url("/children/"))
    assert child_name not in volunteer.page.content()
