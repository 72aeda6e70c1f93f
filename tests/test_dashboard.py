"""The dashboard shows the rows a person reads: at most ten per list, most urgent first, each list
with an "all N" link to the filtered project list whose count is the database's."""

import re
from datetime import date

import pytest

from tests.helpers import run
from tracker.auth.tables import User
from tracker.db import write_transaction
from tracker.demo import generate_projects
from tracker.projects import queries as project_queries
from tracker.projects.tables import Milestone, Project
from tracker.settings import today


async def _grow(n: int) -> None:
    async with write_transaction():
        await generate_projects(n, today())
        await project_queries.refresh_colours(None, today())


@pytest.fixture
def grown(db):
    run(_grow(150))


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start:html.index("</div></div>", start)]


def test_lists_are_capped_at_ten_rows_with_links_to_all(grown, as_role):
    coordinator = as_role("coordinator")
    officer = run(User.select(User.officer).where(User.username == "coordinator").first())["officer"]
    html = coordinator.get("/").text
    led = run(Project.count().where(Project.lead_officer == officer, Project.status == "active"))
    red = run(Project.count().where(Project.colour == "red", Project.status == "active"))
    assert led > 10 and red > 10, (led, red)  # the grown data makes every list longer than ten

    mine = section(html, f"我负责的项目 ({led})")
    assert mine.count('href="/projects/') == 10
    assert f'href="/projects?lead={officer}&amp;sort=colour">全部 {led} 个' in mine
    shown = [int(i) for i in re.findall(r'href="/projects/(\d+)"', mine)]
    rank = {"red": 0, "amber": 1, "green": 2}
    shown_colours = [rank[run(Project.select(Project.colour).where(Project.id == i).first())["colour"]] for i in shown]
    assert shown_colours == sorted(shown_colours)  # red first, then amber

    reds = section(html, "红灯项目")
    assert reds.count('href="/projects/') == 10 and f'全部 {red} 个' in reds

    due = section(html, 'id="due-soon"') if 'id="due-soon"' in html else ""
    assert due.count("<tr>") - 1 <= 10  # header row + at most ten


def test_the_due_soon_link_lists_exactly_the_projects_with_a_milestone_in_the_window(grown, as_role):
    window = run(project_queries.due_window(today()))
    expected = {r["project"] for r in run(Milestone.select(Milestone.project).where(
        Milestone.actual_on.is_null(), Milestone.not_applicable == False,  # noqa: E712
        Milestone.planned_on >= window[0], Milestone.planned_on <= window[1], Milestone.project.status == "active"))}
    assert expected
    page = run(project_queries.list_projects(project_queries.ProjectFilter(due="soon"), 10**6))
    assert {r["id"] for r in page.rows} == expected
    response = as_role("coordinator").get("/projects?due=soon&sort=next_due")
    assert response.status_code == 200 and 'id="due" name="due" value="soon" checked' in response.text
    assert f"共 {len(expected)} 个" in response.text or str(len(expected)) in response.text


def test_the_dashboard_size_does_not_grow_with_the_number_of_projects(db, as_role):
    before = len(as_role("coordinator").get("/").content)
    run(_grow(300))
    after = len(as_role("coordinator").get("/").content)
    assert after < before * 1.5, (before, after)


def test_window_is_today_to_five_working_days_on(db):
    first, last = run(project_queries.due_window(date(2026, 11, 27)))
    assert first == date(2026, 11, 27) and last == date(2026, 12, 4)
