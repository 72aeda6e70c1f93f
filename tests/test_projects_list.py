"""The project list: filters in SQL, htmx fragments, URLs that reflect the filter, paging."""

import re

import pytest

from tests.helpers import run
from tracker.db import contains
from tracker.org.tables import Department
from tracker.projects.tables import Project


def ids_in(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'data-project-id="(\d+)"', html)}


def expected(*where) -> set[int]:
    rows = run(Project.select(Project.id).where(Project.status == "active", *where))
    return {r["id"] for r in rows}


@pytest.fixture
def staff(as_role):
    return as_role("coordinator")


def test_the_list_shows_active_projects_by_default(staff):
    response = staff.get("/projects?page_size=all")
    assert response.status_code == 200
    assert ids_in(response.text) == expected()


def test_search_matches_the_project_name(staff):
    project = run(Project.select(Project.id, Project.name).where(Project.status == "active").first())
    word = project["name"][:6]
    assert ids_in(staff.get("/projects", params={"q": word}).text) == expected(contains(Project.name, word) | contains(Project.enterprise.name, word))


def test_search_matches_the_enterprise_name(staff):
    found = ids_in(staff.get("/projects", params={"q": "北辰新能源科技有限公司"}).text)
    assert found and found == expected(contains(Project.enterprise.name, "北辰新能源科技有限公司"))


@pytest.mark.parametrize("stage", ["signed", "land", "construction"])
def test_filter_by_stage(staff, stage):
    found = ids_in(staff.get("/projects", params={"stage": stage}).text)
    assert found == expected(Project.stage == stage)


@pytest.mark.parametrize("colour", ["red", "amber", "green"])
def test_filter_by_colour(staff, colour):
    found = ids_in(staff.get("/projects", params={"colour": colour}).text)
    assert found and found == expected(Project.colour == colour)


def test_filter_by_district_includes_its_projects_and_by_park_only_the_park(staff):
    park = run(Department.select().where(Department.name == "哈尔滨经济技术开发区").first())
    found = ids_in(staff.get("/projects", params={"area": park["id"]}).text)
    assert found and found == expected(Project.park == park["id"])
    district = park["parent"]
    found = ids_in(staff.get("/projects", params={"area": district}).text)
    assert found == expected(Project.district == district)


def test_filter_by_industry_and_lead_officer_together(staff):
    p = run(Project.select().where(Project.status == "active").first())
    found = ids_in(staff.get("/projects", params={"industry": p["industry"], "lead": p["lead_officer"]}).text)
    assert p["id"] in found
    assert found == expected(Project.industry == p["industry"], Project.lead_officer == p["lead_officer"])


def test_paused_and_cancelled_projects_are_listed_on_request(staff):
    assert ids_in(staff.get("/projects", params={"status": "paused"}).text) == {
        r["id"] for r in run(Project.select(Project.id).where(Project.status == "paused"))
    }
    all_ids = ids_in(staff.get("/projects", params={"status": ""}).text)
    assert len(all_ids) == min(run(Project.count()), 50)


def test_unknown_filter_values_are_ignored_not_an_error(staff):
    response = staff.get("/projects", params={"stage": "nonsense", "colour": "purple", "area": "abc", "page": "-3"})
    assert response.status_code == 200
    assert ids_in(response.text) == expected()


def test_an_htmx_filter_request_gets_only_the_table(staff):
    response = staff.get("/projects", params={"colour": "red"}, headers={"HX-Request": "true", "HX-Target": "project-table"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="project-table">')
    assert ids_in(response.text) == expected(Project.colour == "red")


def test_the_filter_form_pushes_its_values_into_the_url(staff):
    html = staff.get("/projects").text
    assert 'hx-push-url="true"' in html and 'hx-target="#project-table"' in html
    # A bookmarked URL opens the same filtered page in full.
    page = staff.get("/projects?colour=red&stage=land")
    assert '<option value="red" selected' in page.text and '<option value="land" selected' in page.text


def test_paging_through_a_long_list_keeps_the_filter(staff):
    from datetime import date
    from decimal import Decimal

    from tests.helpers import run as run_
    from tracker.projects import queries
    from tracker.workdays import WorkCalendar

    template = run_(Project.select().where(Project.status == "active").first())

    async def add_many():
        for i in range(60):
            await queries.create_project(
                queries.NewProject(
                    name=f"分页测试项目{i}", enterprise_id=template["enterprise"], industry="new_it", district_id=template["district"],
                    park_id=None, total_investment=Decimal(100), signed_on=date(2026, 11, 2), level="city", green_channel=False,
                    introducing_unit_id=template["introducing_unit"], first_signing_department_id=template["first_signing_department"],
                    first_signing_leader_id=template["first_signing_leader"], responsible_leader_id=template["responsible_leader"],
                    lead_officer_id=template["lead_officer"],
                ),
                None, date(2026, 11, 27), WorkCalendar(),
            )

    run_(add_many())
    first = staff.get("/projects", params={"q": "分页测试"})
    assert "共 60 个项目" in first.text and len(ids_in(first.text)) == 50
    assert 'href="?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;sort=-signed&amp;page=2"' in first.text
    second = staff.get("/projects", params={"q": "分页测试", "page": 2})
    assert len(ids_in(second.text)) == 10
    assert ids_in(first.text).isdisjoint(ids_in(second.text))


def test_each_listed_project_shows_its_first_open_milestone(staff):
    # The list asks SQL for the first open milestone (lowest seq) of each project on the page; it
    # must be the one a plain reading of every open milestone gives, shown on the project's row.
    from tracker.i18n import format_date
    from tracker.projects.queries import first_open_milestones
    from tracker.projects.tables import Milestone

    page = staff.get("/projects/")
    ids = sorted(ids_in(page.text))
    first = {}
    for m in run(Milestone.select(Milestone.project, Milestone.name, Milestone.planned_on).where(
            Milestone.project.is_in(ids), Milestone.actual_on.is_null(), Milestone.not_applicable == False  # noqa: E712
    ).order_by(Milestone.seq).order_by(Milestone.id)):
        first.setdefault(m["project"], (m["name"], m["planned_on"]))
    got = {pid: (m["name"], m["planned_on"]) for pid, m in run(first_open_milestones(ids)).items()}
    assert got == first and len(got) > 5
    row = re.search(rf'data-project-id="{ids[0]}".*?</tr>', page.text, re.S)[0]
    assert format_date(first[ids[0]][1], "zh", "medium") in row
