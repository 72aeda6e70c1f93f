"""Handing a project to a successor and the successor accepting custody, in a real browser: the
coordinator hands over through the form, the successor accepts on the dashboard or on the project
page, in place."""

from playwright.sync_api import expect

from tests.browser.support import query


def _successor_and_project() -> tuple[int, str, int]:
    """The demo `officer` user's officer (id, name) and an active project led by someone else with
    no handover pending."""
    from tracker.auth.tables import User
    from tracker.liaison.tables import Handover
    from tracker.org.tables import Officer
    from tracker.projects.tables import Project

    officer = query(User.select(User.officer).where(User.username == "officer").first())["officer"]
    name = query(Officer.select(Officer.name).where(Officer.id == officer).first())["name"]
    pending = {h["project"] for h in query(Handover.select(Handover.project).where(Handover.accepted_at.is_null()))}
    for p in query(Project.select(Project.id, Project.lead_officer).where(Project.status == "active").order_by(Project.id)):
        if p["lead_officer"] != officer and p["id"] not in pending:
            return officer, name, p["id"]
    raise AssertionError("the demo has no project to hand over")


def fill_the_handover_form(page, project: int, successor: int) -> None:
    page.goto(f"/projects/{project}/handover/?role=lead_officer")
    page.select_option("#to_officer", str(successor))
    page.select_option("#reason", index=1)
    page.fill("#note", "在办审批事项和企业联系人已逐项交接。")


def test_handing_over_asks_for_confirmation_first(ui):
    successor, _name, project = _successor_and_project()
    page = ui.page("coordinator")
    fill_the_handover_form(page, project, successor)
    form_url = page.url
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click("main form[action$='/handover/'] button")
    page.wait_for_load_state()
    assert dialogs, (f"the handover form (/projects/{project}/handover/) hands the project over at once, without asking"
                     " to confirm (no data-confirm on the form)")
    assert page.url == form_url
    ui.check(page)


def test_the_successor_accepts_a_handover_on_the_dashboard_in_place(ui):
    successor, name, project = _successor_and_project()
    coordinator = ui.page("coordinator")
    fill_the_handover_form(coordinator, project, successor)
    coordinator.on("dialog", lambda d: d.accept())  # the confirmation, once the form asks one
    with coordinator.expect_navigation():
        coordinator.click("main form[action$='/handover/'] button")
    assert coordinator.url.split("#")[0].endswith(f"/projects/{project}")
    expect(coordinator.locator("#flash .flash")).to_have_count(1)
    expect(coordinator.locator("#pending-handovers [data-handover-id]")).to_contain_text(name)
    handover = coordinator.locator("#pending-handovers [data-handover-id]").get_attribute("data-handover-id")
    ui.check(coordinator)

    officer = ui.page("officer")
    officer.goto("/")
    waiting = officer.locator(f"#waiting-for-me tr[data-handover-id='{handover}']")
    expect(waiting).to_have_count(1)
    others = officer.locator("#waiting-for-me tr[data-handover-id]").count()
    token = ui.mark(officer)
    waiting.locator("button").click()
    expect(waiting).to_have_count(0)
    expect(officer.locator("#waiting-for-me tr[data-handover-id]")).to_have_count(others - 1)
    expect(officer.locator("#flash .flash")).to_have_count(1)
    ui.assert_not_reloaded(officer, token)
    ui.check(officer)

    coordinator.reload()
    expect(coordinator.locator("#pending-handovers [data-handover-id]")).to_have_count(0)
    expect(coordinator.locator("#team")).to_contain_text(name)


def test_the_successor_accepts_a_handover_on_the_project_page_in_place(ui):
    from tracker.auth.tables import User
    from tracker.liaison.tables import Handover

    officer_id = query(User.select(User.officer).where(User.username == "officer").first())["officer"]
    handover = query(Handover.select(Handover.id, Handover.project).where(
        Handover.to_officer == officer_id, Handover.accepted_at.is_null()).order_by(Handover.id).first())
    assert handover, "the demo has no handover waiting for the officer user"
    page = ui.page("officer")
    page.goto(f"/projects/{handover['project']}")
    expect(page.locator("#succession .badge")).not_to_have_count(0)  # "pending"
    token = ui.mark(page)
    page.locator(f"#pending-handovers [data-handover-id='{handover['id']}'] button").click()
    expect(page.locator("#pending-handovers [data-handover-id]")).to_have_count(0)
    expect(page.locator("#succession .badge")).to_have_count(0)  # the succession card, updated out of band
    expect(page.locator("#flash .flash")).to_have_count(1)
    ui.assert_not_reloaded(page, token)
    ui.check(page)
