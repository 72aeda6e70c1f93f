"""The language switch in a real browser: Chinese by default (even for an English-language browser),
English on request, and the choice sticks across pages and reloads until switched back."""

from playwright.sync_api import expect

from tests.browser.support import PHONE


def texts(page) -> tuple[str, str]:
    return page.inner_text("main h1"), page.inner_text("header")


def test_the_language_switch_changes_the_page_and_the_choice_sticks(ui):
    page = ui.page("coordinator", locale="en-US")  # Accept-Language: en-US
    page.goto("/projects")
    assert page.get_attribute("html", "lang") == "zh-CN", "an English-language browser gets English, not the default Chinese"
    chinese = texts(page)

    with page.expect_navigation():
        page.click(".lang-switch a[href^='/lang/en']")
    assert page.url.endswith("/projects"), f"the switch left the page: {page.url}"
    assert page.get_attribute("html", "lang") == "en"
    english = texts(page)
    assert english[0] != chinese[0] and english[1] != chinese[1]
    ui.check(page)

    with page.expect_navigation():
        page.click("#site-menu a[href='/meetings']")
    assert page.get_attribute("html", "lang") == "en"
    page.reload()
    assert page.get_attribute("html", "lang") == "en"
    ui.check(page)

    with page.expect_navigation():
        page.click(".lang-switch a[href^='/lang/zh']")
    assert page.url.endswith("/meetings")
    assert page.get_attribute("html", "lang") == "zh-CN"
    page.goto("/projects")
    assert texts(page) == chinese
    ui.check(page)


def test_the_portal_switches_language_on_a_phone(ui):
    page = ui.page("enterprise", PHONE)
    page.goto("/portal")
    heading = page.inner_text("main h1")
    with page.expect_navigation():
        page.click(".lang-switch a[href^='/lang/en']")
    assert page.get_attribute("html", "lang") == "en"
    expect(page.locator("main h1")).not_to_have_text(heading)
    ui.check(page)
    page.goto("/portal/requests")
    assert page.get_attribute("html", "lang") == "en"
    ui.check(page)
