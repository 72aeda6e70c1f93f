"""Investment plan and completion through the real app: recording on the project (version-checked,
audited), bad input refused field by field, permissions, /figures/investment against plain SQL,
arithmetic across years, and the Excel export with the page's numbers."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.investment import queries, rules
from tracker.investment.tables import InvestmentCompletion, InvestmentPlan
from tracker.projects.tables import Project

TODAY = date(2026, 11, 27)


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def active_project(**where):
    return run(Project.select().where(Project.status == "active", *[getattr(Project, k) == v for k, v in where.items()])
               .order_by(Project.id).first())


def completions():
    return run(InvestmentCompletion.count())


def plain_sql_year(year: int, through: int) -> tuple[Decimal, Decimal]:
    """The year's plan and completion to date of active and paused projects, in plain SQL."""
    plan = run(Project.raw(
        "SELECT SUM(pl.amount) AS s FROM investment_plan pl JOIN project p ON p.id = pl.project "
        "WHERE pl.year = {} AND p.status IN ('active', 'paused')", year))[0]["s"]
    done = run(Project.raw(
        "SELECT SUM(c.amount) AS s FROM investment_completion c JOIN project p ON p.id = c.project "
        "WHERE c.year = {} AND c.month <= {} AND p.status IN ('active', 'paused')", year, through))[0]["s"]
    return rules.money(plan), rules.money(done)


def test_the_demo_has_plans_and_completions_and_some_projects_behind(db):
    figures = run(queries.year_figures(2026, TODAY))
    assert figures.total.plan > 0 and figures.total.completed > 0
    assert 0 < len(figures.behind) < len(figures.projects)


def test_a_month_is_recorded_audited_and_shown_on_the_project_page(coordinator):
    p = active_project()
    before = run(queries.project_summary(p["id"], TODAY))["completed"]
    response = coordinator.submit(f"/projects/{p['id']}/investment/completion", {"month": "2026-11", "amount": "123.45", "note": "月报"})
    assert response.status_code in (302, 303), response.text
    row = run(InvestmentCompletion.select().where(InvestmentCompletion.project == p["id"], InvestmentCompletion.year == 2026,
                                                  InvestmentCompletion.month == 11).first())
    assert rules.money(row["amount"]) == Decimal("123.45")
    assert run(AuditEvent.exists().where(AuditEvent.entity == "investment_completion", AuditEvent.entity_id == row["id"]))
    assert run(queries.project_summary(p["id"], TODAY))["completed"] == before + Decimal("123.45")
    page = coordinator.get(f"/projects/{p['id']}").text
    assert 'id="project-investment"' in page and "计划投资与完成投资" in page


def test_a_plan_is_recorded_and_changed_with_its_version(coordinator):
    p = active_project()
    assert coordinator.submit(f"/projects/{p['id']}/investment/plan", {"year": "2027", "amount": "1000"}).status_code in (302, 303)
    plan = run(InvestmentPlan.select().where(InvestmentPlan.project == p["id"], InvestmentPlan.year == 2027).first())
    changed = coordinator.submit(f"/projects/{p['id']}/investment/plan", {"year": "2027", "amount": "1200", "version": str(plan["version"])})
    assert changed.status_code in (302, 303)
    stale = coordinator.submit(f"/projects/{p['id']}/investment/plan", {"year": "2027", "amount": "900", "version": str(plan["version"])})
    assert stale.status_code == 409
    row = run(InvestmentPlan.select().where(InvestmentPlan.project == p["id"], InvestmentPlan.year == 2027).first())
    assert rules.money(row["amount"]) == Decimal("1200.00") and row["version"] == plan["version"] + 1
    assert run(AuditEvent.count().where(AuditEvent.entity == "investment_plan", AuditEvent.entity_id == row["id"])) == 2


def test_a_second_entry_for_a_reported_month_is_refused_on_the_field(coordinator):
    taken = run(InvestmentCompletion.select().where(InvestmentCompletion.project.status == "active").first())
    p = {"id": taken["project"]}
    month = f"{taken['year']}-{taken['month']:02d}"
    response = coordinator.submit(f"/projects/{p['id']}/investment/completion", {"month": month, "amount": "1"})
    assert response.status_code == 422 and "该月份已填报" in response.text


@pytest.mark.parametrize("field,value,message", [
    ("month", "2026-12", "不能填报未来月份的完成投资"),
    ("month", "2026-13", "请按YYYY-MM格式填写月份"),
    ("amount", "-5", "金额不能为负数"),
    ("amount", "99999999999", "金额过大"),
    ("amount", "abc", "请输入数字"),
])
def test_bad_completion_input_is_refused_with_a_field_message_and_nothing_saved(coordinator, field, value, message):
    p = active_project()
    count = completions()
    data = {"month": "2026-11", "amount": "10", field: value}
    response = coordinator.submit(f"/projects/{p['id']}/investment/completion", data)
    assert response.status_code == 422
    assert message in response.text
    assert re.search(rf'is-invalid" id="completion-{field}"', response.text)
    assert value in response.text  # what was typed is kept
    assert completions() == count


def test_completion_before_the_signing_month_is_refused(coordinator):
    p = run(Project.select().where(Project.status == "active", Project.signed_on >= date(2026, 3, 1)).order_by(Project.id).first())
    before = p["signed_on"].replace(day=1).replace(month=p["signed_on"].month - 1)
    response = coordinator.submit(f"/projects/{p['id']}/investment/completion", {"month": before.strftime("%Y-%m"), "amount": "1"})
    assert response.status_code == 422 and "该月份早于项目签约月份" in response.text


def test_a_month_more_than_the_whole_project_is_refused(coordinator):
    p = active_project()
    too_much = str(rules.money(p["total_investment"]) + 1)
    response = coordinator.submit(f"/projects/{p['id']}/investment/completion", {"month": "2026-11", "amount": too_much})
    assert response.status_code == 422 and "超过了项目总投资" in response.text


def test_only_the_lead_officer_and_coordinators_record_investment(as_role):
    officer_user = run(User.select().where(User.username == "officer").first())
    mine = active_project(lead_officer=officer_user["officer"])
    other = run(Project.select().where(Project.status == "active", Project.lead_officer != officer_user["officer"]).first())
    officer = as_role("officer")
    assert officer.submit(f"/projects/{mine['id']}/investment/completion", {"month": "2026-11", "amount": "1"}).status_code in (302, 303)
    assert officer.submit(f"/projects/{other['id']}/investment/completion", {"month": "2026-11", "amount": "1"}).status_code == 403
    leader = as_role("leader")
    assert leader.get(f"/projects/{other['id']}/investment").status_code == 200
    assert leader.submit(f"/projects/{other['id']}/investment/plan", {"year": "2027", "amount": "1"}).status_code == 403


def test_enterprises_cannot_open_the_investment_pages(as_role):
    enterprise = as_role("enterprise")
    p = active_project()
    assert enterprise.get("/figures/investment").status_code == 403
    assert enterprise.get("/figures/investment?format=xlsx").status_code == 403
    assert enterprise.get(f"/projects/{p['id']}/investment").status_code == 403


def test_the_figures_page_equals_plain_sql(coordinator):
    plan, done = plain_sql_year(2026, 11)
    figures = run(queries.year_figures(2026, TODAY))
    assert (figures.total.plan, figures.total.completed) == (plan, done)
    assert sum((g.completed for g in figures.by_district), Decimal(0)) == done
    assert sum((g.plan for g in figures.by_industry), Decimal(0)) == plan
    assert figures.months[9].completed_to_date == done  # October: November is not reported in the demo
    page = coordinator.get("/figures/investment").text
    totals = page.split('id="investment-totals"')[1].split("<h2")[0]
    assert f"{plan:,.2f}".rstrip("0").rstrip(".") in totals and f"{done:,.2f}".rstrip("0").rstrip(".") in totals


def test_a_plan_for_a_year_counts_only_that_years_completions(coordinator):
    p = run(Project.select().where(Project.status == "active", Project.signed_on < date(2025, 6, 1)).order_by(Project.id).first())
    plan_2026, done_2026 = plain_sql_year(2026, 11)
    # December 2025 and January 2026 are one month apart but in two plan years.
    run(InvestmentCompletion.delete().where(InvestmentCompletion.project == p["id"], InvestmentCompletion.year == 2025,
                                            InvestmentCompletion.month == 12))
    assert coordinator.submit(f"/projects/{p['id']}/investment/completion", {"month": "2025-12", "amount": "77"}).status_code in (302, 303)
    after = run(queries.year_figures(2026, TODAY))
    assert (after.total.plan, after.total.completed) == (plan_2026, done_2026)
    plan_2025, done_2025 = plain_sql_year(2025, 12)
    last_year = run(queries.year_figures(2025, TODAY))
    assert (last_year.total.plan, last_year.total.completed) == (plan_2025, done_2025)
    # Seen in January 2027, all of 2026 is due and reported.
    january = run(queries.year_figures(2026, date(2027, 1, 10)))
    assert january.total.expected == january.total.plan
    assert january.total.completed == plain_sql_year(2026, 12)[1]


def test_the_excel_export_has_the_pages_numbers(coordinator):
    response = coordinator.get("/figures/investment?year=2026&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    figures = run(queries.year_figures(2026, TODAY))
    by_district = book["按区县"]
    rows = list(by_district.iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][2])).quantize(Decimal("0.01")) == figures.total.plan
    assert Decimal(str(rows[-1][4])).quantize(Decimal("0.01")) == figures.total.completed
    assert rows[-1][6] == figures.total.behind == len(figures.behind)
    assert len(list(book["投资滞后"].iter_rows(min_row=2))) == len(figures.behind)
    months = list(book["按月"].iter_rows(min_row=2, values_only=True))
    assert months[9][0] == "2026-10" and Decimal(str(months[9][3])).quantize(Decimal("0.01")) == figures.months[9].completed_to_date


def test_the_project_one_pager_shows_plan_against_completion(as_role):
    p = active_project()
    html = as_role("leader").get(f"/briefings/projects/{p['id']}?html=1").text
    summary = run(queries.project_summary(p["id"], TODAY))
    assert 'id="onepager-investment"' in html and "年度计划投资" in html
    assert f"{summary['completed']:,.2f}".rstrip("0").rstrip(".") in html
