"""The administration pages (as admin) and the portal pages (as the enterprise) load, log no
console error and do not scroll sideways, at 1440 px and at 390 px (the window is resized on each
page). One test per role walks all its pages and reports every problem at once."""


ADMIN_PAGES = ["/admin/", "/admin/departments", "/admin/departments/new", "/admin/officers", "/admin/officers/new",
               "/admin/users", "/admin/users/new", "/admin/templates/", "/admin/calendar/", "/admin/audit/"]


def test_the_admin_pages_load_cleanly_and_fit_the_window(ui):
    page = ui.page("admin")
    problems = ui.walk(page, ["/", *ADMIN_PAGES])
    for listing in ("/admin/departments", "/admin/officers", "/admin/users", "/admin/templates/"):
        page.goto(listing)
        first = page.locator("main table tbody a[href^='/admin/']").first
        if first.count():
            problems += ui.visit(page, first.get_attribute("href"))
    assert not problems, "\n".join(problems)


def test_the_portal_pages_load_cleanly_and_fit_the_window(ui):
    page = ui.page("enterprise")
    problems = ui.visit(page, "/portal")
    links = page.locator("main a[href^='/portal/projects/'], main a[href^='/portal/requests/']").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href')))]")
    problems += ui.walk(page, [*links, "/portal/requests", "/portal/requests/new", "/account/password"])
    assert not problems, "\n".join(problems)
