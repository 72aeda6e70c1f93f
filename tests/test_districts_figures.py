"""District and park figures: each district's numbers equal plain SQL over its projects (on both
engines), the promise figures equal the credibility rule's, the page, its workbook and the weekly
briefing show the same numbers, and only staff may look."""

import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.helpers import run
from tracker.districts import queries, rules
from tracker.investment import queries as investment_queries
from tracker.investment import rules as investment_rules
from tracker.org.tables import Department
from tracker.projects import queries as project_queries
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.promises import rules as promise_rules

TODAY = date(2026, 11, 27)


def sql(statement: str, *args) -> list[dict]:
    return run(Project.raw(statement, *args))


def by_key(rows: list[dict], key: str = "k") -> dict:
    return {r[key]: r for r in rows}


@pytest.fixture
def district_rows(db):
    return {r.id: r for r in run(queries.rows("district", 2026, TODAY))}


def test_every_district_has_a_row_and_the_total_is_their_sum(district_rows):
    districts = run(Department.select(Department.id).where(Department.kind == "district", Department.active == True))  # noqa: E712
    assert set(district_rows) == {d["id"] for d in districts}
    total = rules.total(list(district_rows.values()), "")
    assert total.projects == sum(r.projects for r in district_rows.values())
    assert total.requests_resolved == sum(r.requests_resolved for r in district_rows.values())


def test_projects_by_stage_and_colour_and_signed_investment_equal_plain_sql(district_rows):
    counts = defaultdict(lambda: defaultdict(int))
    for r in sql("SELECT district, stage, colour, status, total_investment FROM project WHERE status IN ('active', 'paused')"):
        c = counts[r["district"]]
        c["projects"] += 1
        c[f"stage:{r['stage']}"] += 1
        if r["status"] == "active":
            c[f"colour:{r['colour']}"] += 1
    signed = by_key(sql("SELECT district AS k, SUM(total_investment) AS s FROM project WHERE status IN ('active', 'paused') GROUP BY district"))
    assert any(r.projects for r in district_rows.values())
    for district, row in district_rows.items():
        c = counts[district]
        assert row.projects == c["projects"]
        assert row.by_stage == {s: c[f"stage:{s}"] for s in rules.STAGES}
        assert row.by_colour == {k: c[f"colour:{k}"] for k in rules.COLOURS}
        assert row.signed == investment_rules.money(signed[district]["s"] if district in signed else 0)


def test_investment_plan_and_completion_equal_plain_sql_and_the_investment_page(district_rows):
    plans = by_key(sql("SELECT p.district AS k, SUM(pl.amount) AS s FROM investment_plan pl JOIN project p ON p.id = pl.project "
                       "WHERE pl.year = 2026 AND p.status IN ('active', 'paused') GROUP BY p.district"))
    done = by_key(sql("SELECT p.district AS k, SUM(c.amount) AS s FROM investment_completion c JOIN project p ON p.id = c.project "
                      "WHERE c.year = 2026 AND c.month <= 11 AND p.status IN ('active', 'paused') GROUP BY p.district"))
    page = run(investment_queries.year_figures(2026, TODAY)).district_totals
    for district, row in district_rows.items():
        assert row.plan == investment_rules.money(plans[district]["s"] if district in plans else 0)
        assert row.completed == investment_rules.money(done[district]["s"] if district in done else 0)
        if district in page:
            assert (row.plan, row.completed, row.behind) == (page[district].plan, page[district].completed, page[district].behind)


def test_overdue_milestones_promises_and_requests_equal_plain_sql(district_rows):
    milestones = by_key(sql(
        "SELECT p.district AS k, COUNT(*) AS n FROM milestone m JOIN project p ON p.id = m.project "
        "WHERE p.status = 'active' AND m.actual_on IS NULL AND m.not_applicable = {} AND m.planned_on < {} GROUP BY p.district",
        False, TODAY))
    requests = defaultdict(lambda: [0, 0, 0])
    for r in sql("SELECT p.district AS k, r.status, r.solved FROM enterprise_request r JOIN project p ON p.id = r.project "
                 "WHERE p.status <> 'merged'"):
        requests[r["k"]][0] += 1
        requests[r["k"]][1] += r["status"] == "closed"
        requests[r["k"]][2] += r["status"] == "closed" and bool(r["solved"])
    assert sum(r.requests for r in district_rows.values()) > 0
    for district, row in district_rows.items():
        assert row.overdue_milestones == (milestones[district]["n"] if district in milestones else 0)
        assert [row.requests, row.requests_closed, row.requests_resolved] == requests[district]


def test_promise_figures_equal_the_credibility_rule_over_the_register(district_rows):
    calendar = run(project_queries.load_calendar())
    register = run(promise_queries.register(promise_queries.RegisterFilter(), TODAY, calendar))
    district_of = {p["id"]: p["district"] for p in run(Project.select(Project.id, Project.district, Project.status))}
    merged = {p["id"] for p in run(Project.select(Project.id).where(Project.status == "merged"))}
    facts = [promise_rules.PromiseFacts(district_of[r["project"]], r["status"], r["due_on"], r["remedy_due_on"], r["settled_on"], r["answer"])
             for r in register if r["project"] not in merged]
    records = promise_rules.credibility(facts, TODAY)
    overdue = defaultdict(int)
    for r in register:
        if r["overdue"] and r["project"] not in merged:
            overdue[district_of[r["project"]]] += 1
    assert any(r.promises for r in district_rows.values())
    for district, row in district_rows.items():
        record = records.get(district)
        assert row.promises == (record.made if record else 0)
        assert row.promises_on_time_rate == (record.on_time_rate if record else None)
        assert row.promises_overdue == overdue[district]


def test_a_promise_the_district_government_answers_for_counts_in_its_credibility(db):
    district = run(Department.select().where(Department.kind == "district").order_by(Department.id).first())
    promise = run(promise_queries.register(promise_queries.RegisterFilter(), TODAY, run(project_queries.load_calendar())))[0]
    from tracker.promises.tables import Promise

    run(Promise.update({Promise.department: district["id"], Promise.status: "pending", Promise.due_on: date(2026, 11, 1)}).where(
        Promise.id == promise["id"]))
    row = next(r for r in run(queries.rows("district", 2026, TODAY)) if r.id == district["id"])
    assert row.credibility.made == 1 and row.credibility.overdue == 1 and row.credibility_rate == 0.0


def test_park_rows_equal_plain_sql(db):
    parks = {r.id: r for r in run(queries.rows("park", 2026, TODAY))}
    counted = by_key(sql("SELECT park AS k, COUNT(*) AS n FROM project WHERE status IN ('active', 'paused') AND park IS NOT NULL GROUP BY park"))
    assert parks and any(r.projects for r in parks.values())
    for park, row in parks.items():
        assert row.projects == (counted[park]["n"] if park in counted else 0)
        assert row.parent_name


def cell(page: str, unit_id: int, col: str) -> str:
    row = page.split(f'data-unit-id="{unit_id}"')[1].split("</tr>")[0]
    return re.search(rf'data-col="{col}">([^<]*)<', row).group(1).strip()


def test_the_page_shows_the_queries_numbers_side_by_side(as_role, district_rows):
    page = as_role("leader").get("/figures/districts")
    assert page.status_code == 200
    busiest = max(district_rows.values(), key=lambda r: r.projects)
    assert cell(page.text, busiest.id, "projects") == str(busiest.projects)
    assert cell(page.text, busiest.id, "colour-red") == str(busiest.by_colour["red"])
    assert cell(page.text, busiest.id, "overdue-milestones") == str(busiest.overdue_milestones)
    assert page.text.count('data-unit-id="') == len(district_rows) + 1  # and the total
    parks = as_role("coordinator").get("/figures/districts?kind=park")
    assert parks.status_code == 200 and "园区" in parks.text


def test_the_workbook_has_the_pages_numbers(as_role, district_rows):
    response = as_role("coordinator").get("/figures/districts?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["区县"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for row in district_rows.values():
        x = rows[row.name]
        assert x[header.index("项目清单")] == row.projects
        assert Decimal(str(x[header.index("签约投资（万元）")] or 0)).quantize(Decimal("0.01")) == row.signed
        assert Decimal(str(x[header.index("累计完成投资（万元）")] or 0)).quantize(Decimal("0.01")) == row.completed
        assert (x[header.index("逾期节点")] or 0) == row.overdue_milestones
        assert x[header.index("办成率")] == (None if row.resolved_rate is None else pytest.approx(row.resolved_rate))
    assert "合计" in rows and "园区" in book.sheetnames


def test_one_districts_page_lists_its_parks_and_projects_behind_plan(as_role, district_rows):
    busiest = max(district_rows.values(), key=lambda r: r.projects)
    leader = as_role("leader")
    page = leader.get(f"/figures/districts/{busiest.id}")
    assert page.status_code == 200 and busiest.name in page.text
    assert 'id="unit-months"' in page.text and 'id="behind-plan"' in page.text
    assert leader.get(f"/figures/districts/{busiest.id}?format=xlsx").status_code == 200
    bureau = run(Department.select().where(Department.kind == "bureau").first())
    assert leader.get(f"/figures/districts/{bureau['id']}").status_code == 404


def test_enterprises_get_403_and_staff_see_the_figures(as_role):
    enterprise = as_role("enterprise")
    for url in ("/figures/", "/figures/districts", "/figures/districts?format=xlsx", "/figures/districts/14"):
        assert enterprise.get(url).status_code == 403
    officer = as_role("officer")
    assert officer.get("/figures/").status_code == 200
    assert "统计" in officer.get("/").text


def test_the_weekly_briefing_has_the_district_section_with_the_pages_numbers(as_role, district_rows):
    html = as_role("leader").get("/briefings/weekly?html=1").text
    assert "八、区县与投资" in html
    table = html.split('id="district-figures"')[1].split("</table>")[0]
    total = rules.total(list(district_rows.values()), "")
    last = table.split("<tr")[-1]
    assert f">{total.projects}<" in last and f">{total.overdue_milestones}<" in last
    figures = run(investment_queries.year_figures(2026, TODAY))
    behind = html.split('id="investment-behind"')[1].split("</table>")[0]
    assert behind.count("<tr>") - 1 == len(figures.behind) > 0
