"""Every staff page loads, logs no console error and does not scroll sideways, at 1440 px and at
390 px (the window is resized on each page), in Chinese and in English. One test walks all the
pages and reports every problem at once."""

from tests.browser.support import DESKTOP, HEIGHTS, query


def _ids() -> dict:
    """Objects worth a look: a project with handovers in its succession (notes, snapshots), a
    promise with a fulfilment, a request, the demo meeting, an officer with a handover."""
    from tracker.liaison.tables import Handover
    from tracker.meetings.tables import Meeting
    from tracker.promises.tables import Fulfilment
    from tracker.requests.tables import EnterpriseRequest

    handed = query(Handover.select(Handover.project, Handover.to_officer).where(Handover.accepted_at.is_not_null())
                   .order_by(Handover.id).first())
    return {
        "project": handed["project"],
        "officer": handed["to_officer"],
        "promise": query(Fulfilment.select(Fulfilment.promise).order_by(Fulfilment.id).first())["promise"],
        "request": query(EnterpriseRequest.select(EnterpriseRequest.id).order_by(EnterpriseRequest.id).first())["id"],
        "meeting": query(Meeting.select(Meeting.id).order_by(Meeting.id).first())["id"],
    }


def staff_pages(ids: dict) -> list[str]:
    return [
        "/", "/projects", f"/projects/{ids['project']}", f"/projects/{ids['project']}/history", "/projects/new",
        f"/projects/{ids['project']}/edit", f"/projects/{ids['project']}/handover/?role=lead_officer",
        f"/projects/{ids['project']}/promises/new",
        "/promises", f"/promises/{ids['promise']}", "/promises/credibility",
        "/meetings", f"/meetings/{ids['meeting']}", "/meetings/new", "/action-items",
        "/requests", f"/requests/{ids['request']}", "/requests/figures", "/requests/new",
        "/briefings", "/officers", f"/officers/{ids['officer']}", "/account/password",
    ]


# The pages whose English text is longest or whose tables are widest.
ENGLISH = ["/", "/projects", "/projects/{project}", "/projects/{project}/handover/?role=lead_officer", "/promises",
           "/promises/{promise}", "/promises/credibility", "/meetings/{meeting}", "/action-items", "/requests",
           "/requests/{request}", "/requests/figures", "/officers", "/briefings"]


def cut_buttons(page) -> list[str]:
    """Buttons in a table that are cut off by the table's scrolling box (at 1440 px every action of
    the milestone table must show without scrolling it sideways)."""
    return page.evaluate("""() => [...document.querySelectorAll('main .table-responsive button')].filter(b => {
        const r = b.getBoundingClientRect(), box = b.closest('.table-responsive').getBoundingClientRect();
        return b.checkVisibility() && (r.right > box.right + 1 || r.left < box.left - 1); }).map(b => b.innerText)""")


def test_the_staff_pages_load_cleanly_and_fit_the_window(ui):
    page = ui.page("coordinator")
    ids = _ids()
    problems = ui.walk(page, staff_pages(ids))
    page.set_viewport_size({"width": DESKTOP, "height": HEIGHTS[DESKTOP]})
    page.goto(f"/projects/{ids['project']}")
    assert page.locator("#milestones form[action$='/done'] button").count()
    problems += [f"cut off at 1440 px on /projects/{ids['project']}: {text!r}" for text in cut_buttons(page)]
    assert not problems, "\n".join(problems)


def test_the_staff_pages_in_english_load_cleanly_and_fit_the_window(ui):
    page = ui.page("coordinator")
    page.goto("/lang/en?next=/account/password")
    ids = _ids()
    problems = ui.walk(page, [path.format(**ids) for path in ENGLISH])
    page.set_viewport_size({"width": DESKTOP, "height": HEIGHTS[DESKTOP]})
    page.goto(f"/projects/{ids['project']}")
    problems += [f"cut off at 1440 px on /projects/{ids['project']} in English: {text!r}" for text in cut_buttons(page)]
    assert not problems, "\n".join(problems)
