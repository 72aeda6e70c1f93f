"""The project list (filter, sort, Back) and a project's milestones (mark done, reopen, reschedule),
in a real browser: each update happens in place, without loading the page again."""

import re

from playwright.sync_api import expect

from tests.browser.support import query

ROWS = "#project-table tbody tr[data-project-id]"


def names(page) -> list[str]:
    return page.locator(f"{ROWS} td:first-child a").all_inner_texts()


def mark_table(page) -> None:
    """Tag the table shown now, so a wait can tell when the update has replaced it."""
    page.evaluate("() => { document.querySelector('#project-table').dataset.stale = '1'; }")


def table_replaced(page) -> None:
    expect(page.locator("#project-table[data-stale]")).to_have_count(0)
    expect(page.locator("#project-table")).to_have_count(1)


def investments(page) -> list[float]:
    """The investment column as numbers (the unit is the same on every row)."""
    texts = page.locator(f"{ROWS} td.text-end").all_inner_texts()
    return [float(re.sub(r"[^\d.]", "", t)) for t in texts if re.search(r"\d", t)]


def test_filters_update_the_table_in_place_and_back_brings_them_back(ui):
    page = ui.page("coordinator")
    page.goto("/projects")
    everything = len(names(page))
    token = ui.mark(page)

    mark_table(page)
    page.select_option("#colour", "red")
    table_replaced(page)
    page.wait_for_url(re.compile(r"[?&]colour=red"))
    expect(page.locator(f"{ROWS} .colour-amber, {ROWS} .colour-green")).to_have_count(0)
    red = names(page)
    assert 0 < len(red) < everything
    mark_table(page)
    page.fill("#q", red[0][:3])  # part of a name: the list narrows as one types
    table_replaced(page)
    page.wait_for_url(lambda url: re.search(r"[?&]q=[^&]", url) is not None)
    found = names(page)
    assert red[0] in found and set(found) <= set(red)
    ui.assert_not_reloaded(page, token)
    ui.check(page)

    page.go_back()  # to the red projects, without the search word
    page.wait_for_url(lambda url: "colour=red" in url and not re.search(r"[?&]q=[^&]", url))
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator("#colour")).to_have_value("red")
    expect(page.locator(ROWS)).to_have_count(len(red))
    assert names(page) == red

    first = page.locator(ROWS).first.get_attribute("data-project-id")
    page.click(f"{ROWS} a[href='/projects/{first}']")
    page.wait_for_url(f"**/projects/{first}")
    page.go_back()  # from the project page: the same filtered list, its filters in the form
    page.wait_for_url(re.compile(r"/projects\?.*colour=red"))
    expect(page.locator("#colour")).to_have_value("red")
    expect(page.locator(ROWS)).to_have_count(len(red))
    ui.check(page)


def test_sorting_by_a_column_is_in_the_url_and_survives_filters_and_back(ui):
    page = ui.page("coordinator")
    page.goto("/projects?sort=name")
    assert page.locator("#project-table thead a.sort").count(), "the project list has no sortable column headers"
    token = ui.mark(page)

    mark_table(page)
    page.click("#project-table thead a[href*='sort=investment']")
    table_replaced(page)
    page.wait_for_url(re.compile(r"[?&]sort=investment"))
    expect(page.locator("#project-table thead th[aria-sort='ascending'] a[href*='investment']")).to_have_count(1)
    ascending = investments(page)
    assert len(ascending) > 5 and ascending == sorted(ascending)

    mark_table(page)
    page.click("#project-table thead a[href*='sort=-investment']")  # the same header again: the other way round
    table_replaced(page)
    page.wait_for_url(re.compile(r"[?&]sort=-investment"))
    expect(page.locator("#project-table thead th[aria-sort='descending']")).to_have_count(1)
    assert investments(page) == sorted(ascending, reverse=True)

    mark_table(page)
    page.select_option("#colour", "red")  # a filter keeps the sort
    table_replaced(page)
    page.wait_for_url(re.compile(r"colour=red"))
    assert "sort=-investment" in page.url
    expect(page.locator(f"{ROWS} .colour-amber, {ROWS} .colour-green")).to_have_count(0)
    red_desc = investments(page)
    assert red_desc == sorted(red_desc, reverse=True)
    ui.assert_not_reloaded(page, token)

    first = page.locator(ROWS).first.get_attribute("data-project-id")
    page.click(f"{ROWS} a[href='/projects/{first}']")
    page.wait_for_url(f"**/projects/{first}")
    page.go_back()
    page.wait_for_url(re.compile(r"colour=red"))
    assert "sort=-investment" in page.url
    expect(page.locator("#colour")).to_have_value("red")
    expect(page.locator("#project-table thead th[aria-sort='descending'] a[href*='investment']")).to_have_count(1)
    assert investments(page) == red_desc
    ui.check(page)


def _project_with_an_open_milestone() -> int:
    from tracker.projects.tables import Milestone, Project

    for project in query(Project.select(Project.id).where(Project.status == "active").order_by(Project.id)):
        if query(Milestone.exists().where(Milestone.project == project["id"], Milestone.actual_on.is_null(),
                                          Milestone.not_applicable == False)):  # noqa: E712
            return project["id"]
    raise AssertionError("the demo has no active project with an open milestone")


def test_a_milestone_is_marked_done_reopened_and_rescheduled_in_place(ui):
    project = _project_with_an_open_milestone()
    page = ui.page("coordinator")
    page.goto(f"/projects/{project}")
    # The earliest open milestone (earlier ones are done), so no out-of-order confirmation.
    row_id = page.locator("#milestones tbody tr:has(form[action$='/done'])").first.get_attribute("id")
    row = page.locator(f"#{row_id}")
    history = page.locator("#milestone-history tr")
    changes = history.count()
    page.evaluate("() => window.scrollTo(0, 150)")
    scroll = page.evaluate("() => window.scrollY")
    token = ui.mark(page)

    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    row.locator("form[action$='/done'] button").click()
    assert dialogs, "marking a milestone done asked no confirmation"
    expect(row.locator("form[action$='/done']")).to_have_count(1)  # dismissed: nothing recorded

    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    row.locator("form[action$='/done'] input[name='actual_on']").fill("2026-11-26")
    row.locator("form[action$='/done'] button").click()
    expect(row).to_have_class(re.compile(r"\btable-success\b"))
    expect(row.locator("form[action$='/done']")).to_have_count(0)
    assert "2026" in row.locator("td").nth(5).inner_text()
    expect(history).to_have_count(changes + 1)  # the history card updated out of band
    assert len(dialogs) == 2

    row.locator("details:has(form[action$='/reopen']) > summary").click()
    row.locator("form[action$='/reopen'] input[name='reason']").fill("竣工资料有误，需重新办理")
    row.locator("form[action$='/reopen'] button").click()
    expect(row.locator("form[action$='/done']")).to_have_count(1)
    expect(row).not_to_have_class(re.compile(r"\btable-success\b"))
    expect(history).to_have_count(changes + 2)

    row.locator("details:has(form[action$='/reschedule']) > summary").click()
    row.locator("form[action$='/reschedule'] input[name='planned_on']").fill("2026-12-30")
    row.locator("form[action$='/reschedule'] input[name='reason']").fill("等待省厅批复后再办理")
    row.locator("form[action$='/reschedule'] button").click()
    expect(row.locator(".slip")).to_be_visible()  # moved from the baseline, and shows it
    expect(page.locator("#milestone-history")).to_contain_text("等待省厅批复后再办理")

    ui.assert_not_reloaded(page, token)
    assert page.evaluate("() => window.scrollY") == scroll
    ui.check(page)
