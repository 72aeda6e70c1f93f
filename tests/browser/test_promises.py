"""A promise's page in a real browser: the status form shows only the fields the chosen status
needs, and a fulfilment and a status change are recorded in place."""

from playwright.sync_api import expect

from tests.browser.support import query


def _promise_in_progress() -> int:
    from tracker.promises.tables import Promise

    return query(Promise.select(Promise.id).where(Promise.status == "in_progress").order_by(Promise.id).first())["id"]


def visible_fields(page) -> set[str]:
    return set(page.locator("form[action$='/status'] [data-show-if]:visible :is(input, textarea)").evaluate_all(
        "fields => fields.map(f => f.name)"))


def test_the_status_form_shows_only_the_fields_the_chosen_status_needs(ui):
    page = ui.page("coordinator")
    page.goto(f"/promises/{_promise_in_progress()}")
    page.select_option("form[action$='/status'] select[name='status']", "unfulfillable")
    assert visible_fields(page) == {"status_reason", "remedy_plan", "remedy_due_on"}
    page.select_option("form[action$='/status'] select[name='status']", "withdrawn")
    assert visible_fields(page) == {"explanation"}
    page.select_option("form[action$='/status'] select[name='status']", "fulfilled")
    assert visible_fields(page) == {"status_reason", "settled_on"}
    ui.check(page)


def test_a_fulfilment_and_a_status_change_are_recorded_in_place(ui):
    page = ui.page("coordinator")
    page.goto(f"/promises/{_promise_in_progress()}")
    entries = page.locator("#promise-main tr[data-fulfilment-id]")
    before = entries.count()
    token = ui.mark(page)

    page.fill("#description", "已完成用地预审，出具预审意见。")
    page.locator("form[action$='/fulfilments'] button").click()
    expect(entries).to_have_count(before + 1)
    expect(page.locator("#promise-main")).to_contain_text("已完成用地预审，出具预审意见。")
    expect(page.locator("#flash .flash")).to_have_count(1)

    status = page.locator("#promise-main p").first.inner_text()
    page.select_option("form[action$='/status'] select[name='status']", "unfulfillable")
    page.fill("#status_reason", "上位规划调整，原定地块不再具备条件")
    page.fill("#remedy_plan", "调整至相邻地块并补偿前期费用")
    page.fill("#remedy_due_on", "2027-03-31")
    page.locator("form[action$='/status'] button").click()
    expect(page.locator("#promise-main p").first).not_to_have_text(status)
    expect(page.locator("#promise-main")).to_contain_text("调整至相邻地块并补偿前期费用")
    ui.assert_not_reloaded(page, token)
    ui.check(page)
