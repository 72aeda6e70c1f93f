"""Visits through the real app: recording with field-by-field refusals, the history on the project
page, raising an item as a request, the overdue list and its export, and the district figures."""

from datetime import date, timedelta

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.org.tables import Officer
from tracker.projects.tables import Project
from tracker.requests.tables import EnterpriseRequest
from tracker.visits import queries
from tracker.visits.tables import Visit, VisitItem, VisitLatest, VisitOfficer

TODAY = date(2026, 11, 27)


def a_project(**where):
    query = Project.select().where(Project.status == "active").order_by(Project.id)
    return run(query.first())


def officer(name):
    return run(Officer.select().where(Officer.name == name).first())


def form(project, **changes):
    values = {"visited_on": "2026-11-20", "mode": "on_site", "officers": [str(officer("王立新")["id"])], "summary": "了解用地进展",
              "follow_up_on": "2026-12-10", "items": ["希望协调电力增容", "", "办理施工许可咨询"]}
    values.update(changes)
    return values


def test_a_visit_is_recorded_with_its_people_and_items_and_audited(as_role):
    client = as_role("officer")
    project = a_project()
    response = client.submit(f"/projects/{project['id']}/visits/", form(project))
    assert response.status_code in (302, 303), response.text[:400]
    visit = run(Visit.select().where(Visit.summary == "了解用地进展").first())
    assert visit["visited_on"] == date(2026, 11, 20) and visit["enterprise"] == project["enterprise"]
    assert [i["text"] for i in run(VisitItem.select().where(VisitItem.visit == visit["id"]).order_by(VisitItem.seq))] == [
        "希望协调电力增容", "办理施工许可咨询"]
    assert run(VisitOfficer.count().where(VisitOfficer.visit == visit["id"])) == 1
    assert run(AuditEvent.count().where(AuditEvent.action == "visit_create", AuditEvent.entity_id == visit["id"])) == 1
    page = client.get(f"/projects/{project['id']}")
    assert 'id="project-visits"' in page.text and f'data-visit-id="{visit["id"]}"' in page.text


def test_a_visit_before_the_signing_or_in_the_future_is_refused_field_by_field(as_role):
    client = as_role("officer")
    project = a_project()
    before = (project["signed_on"] - timedelta(days=1)).isoformat()
    response = client.submit(f"/projects/{project['id']}/visits/", form(project, visited_on=before))
    assert response.status_code == 422
    assert 'id="visited_on-error"' in response.text and "早于项目签约日期" in response.text
    assert "希望协调电力增容" in response.text  # nothing typed is lost
    response = client.submit(f"/projects/{project['id']}/visits/", form(project, visited_on="2026-11-28"))
    assert response.status_code == 422 and "将来" in response.text
    response = client.submit(f"/projects/{project['id']}/visits/", form(project, officers=[], mode="by_car"))
    assert response.status_code == 422 and 'id="officers-error"' in response.text and 'id="mode-error"' in response.text
    assert run(Visit.count().where(Visit.summary == "了解用地进展")) == 0


def test_an_item_raised_becomes_a_request_in_one_step(as_role):
    client = as_role("officer")
    project = a_project()
    client.submit(f"/projects/{project['id']}/visits/", form(project))
    visit = run(Visit.select().where(Visit.summary == "了解用地进展").first())
    item = run(VisitItem.select().where(VisitItem.visit == visit["id"]).order_by(VisitItem.seq).first())
    response = client.submit(f"/visits/{visit['id']}/items/{item['id']}/request", {"category": "utilities", "version": "1"})
    assert response.status_code in (302, 303)
    linked = run(VisitItem.select().where(VisitItem.id == item["id"]).first())["request"]
    req = run(EnterpriseRequest.select().where(EnterpriseRequest.id == linked).first())
    assert req["description"] == "希望协调电力增容" and req["raised_on_behalf"] and req["responder"] == project["lead_officer"]
    again = client.submit(f"/visits/{visit['id']}/items/{item['id']}/request", {"category": "utilities", "version": "2"})
    assert again.status_code == 422
    assert run(EnterpriseRequest.count().where(EnterpriseRequest.description == "希望协调电力增容")) == 1


def test_the_overdue_list_is_most_overdue_first_and_exports(as_role):
    client = as_role("coordinator")
    rows = run(queries.overdue(TODAY))
    assert rows and [r["days_late"] for r in rows] == sorted((r["days_late"] for r in rows), reverse=True)
    page = client.get("/visits/?overdue=1")
    assert page.status_code == 200 and page.text.count("data-overdue-project=") == len(rows)
    book = client.get("/visits/?overdue=1&format=xlsx")
    assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert client.get("/visits/").status_code == 200
    assert client.get("/visits/?format=xlsx").status_code == 200


def test_a_visit_clears_the_projects_officer_level_due(as_role):
    client = as_role("coordinator")
    due = {r["id"]: r for r in run(queries.overdue(TODAY))}
    project_id = next(pid for pid, r in due.items() if [d.level for d in r["dues"]] == ["officer"])
    project = run(Project.select().where(Project.id == project_id).first())
    client.submit(f"/projects/{project_id}/visits/", form(project, visited_on="2026-11-26"))
    assert project_id not in {r["id"] for r in run(queries.overdue(TODAY))}


def test_visits_by_district_equal_the_sums_of_their_projects_in_sql(as_role):
    start, end = date(2026, 9, 1), date(2026, 11, 30)
    figures = run(queries.visits_by_district(start, end, TODAY))
    done = run(Visit.raw("SELECT project.district AS d, COUNT(*) AS n FROM visit JOIN project ON project.id = visit.project "
                         "WHERE visit.visited_on >= {} AND visit.visited_on <= {} GROUP BY project.district", start, end))
    projects = run(Project.raw("SELECT district AS d, COUNT(*) AS n FROM project WHERE status = 'active' GROUP BY district"))
    assert {r["d"]: r["n"] for r in done} == {d: f["done"] for d, f in figures.items() if f["done"]}
    assert {r["d"]: r["n"] for r in projects} == {d: f["projects"] for d, f in figures.items() if f["projects"]}
    overdue = run(queries.overdue(TODAY))
    assert sum(f["due"] for f in figures.values()) == len(overdue) > 0
    assert all(f["due"] <= f["projects"] for f in figures.values())


def test_an_enterprise_user_cannot_open_visits(as_role):
    client = as_role("enterprise")
    project = a_project()
    assert client.get("/visits/").status_code in (403, 404)
    assert client.get(f"/projects/{project['id']}/visits/new").status_code in (403, 404)
    visit_id = run(Visit.select(Visit.id).first())["id"]
    assert client.get(f"/visits/{visit_id}").status_code in (403, 404)


def test_the_sql_prefilter_of_overdue_projects_keeps_exactly_the_overdue_ones(as_role):
    # overdue() asks the database only for projects past an interval (HAVING); the same rule applied
    # in Python to every active project must give the same projects, on days either side of the dues.
    the_plan = queries.plan()
    everyone = run(queries.latest())
    for day in (date(2026, 11, 27), date(2026, 9, 1), date(2027, 3, 1), date(2026, 12, 24)):
        expected = sorted(p["id"] for p in everyone
                          if queries.rules.overdue_levels(p["level"], p["signed_on"], p["last"], day, the_plan))
        assert sorted(p["id"] for p in run(queries.overdue(day))) == expected, day
    assert expected  # the demo has overdue projects, so the comparison is not between two empty lists


def test_the_dashboards_capped_overdue_list_is_the_head_of_the_full_list(as_role):
    # The dashboard asks SQL for the count and the most overdue few; they must be the full list's.
    for day in (date(2026, 11, 27), date(2026, 9, 1), date(2027, 3, 1)):
        full = run(queries.overdue(day))
        for limit in (1, 3, 10):
            rows, total = run(queries.overdue_capped(day, limit))
            assert total == len(full), day
            assert [(r["id"], r["days_late"]) for r in rows] == [(r["id"], r["days_late"]) for r in full[:limit]], (day, limit)
    assert full  # some project is overdue in the demo on the last day checked
    # The visits page shows a district's most overdue the same way.
    district = full[0]["district"]
    in_district = run(queries.overdue(TODAY, district=district))
    rows, total = run(queries.overdue_capped(TODAY, 3, district=district))
    assert total == len(in_district) > 0 and total < len(run(queries.overdue(TODAY)))
    assert [r["id"] for r in rows] == [r["id"] for r in in_district[:3]]


def test_the_kept_latest_visits_equal_the_visits_themselves(as_role):
    # The plan is judged from visit_latest, one row per project kept by every recorded visit; it
    # must equal the aggregate over the visits, after the demo data and after a visit in the app.
    client = as_role("coordinator")
    project = a_project()
    client.submit(f"/projects/{project['id']}/visits/", form(project, visited_on="2026-11-26"))

    def kept():
        return {r["project"]: tuple(queries._day(r[k]) for k in ("any_on", "officer_on", "district_on", "city_on"))
                for r in run(VisitLatest.select())}

    def fresh():
        return {r["project"]: tuple(queries._day(r[k]) for k in ("any_on", "officer_on", "district_on", "city_on"))
                for r in run(Visit.raw(queries.AGGREGATE.format(where="")))}

    assert kept() == fresh()
    assert kept()[project["id"]][0] == date(2026, 11, 26)
    assert len(kept()) > 10  # the demo's visits are there too
