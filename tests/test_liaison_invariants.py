"""The one-lead rules hold in the database, under concurrent requests, and over random histories."""

import threading
from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import Client, is_postgres, run
from tracker.app import create_app
from tracker.db import Conflict, write_transaction
from tracker.liaison import queries as liaison
from tracker.liaison.rules import PROJECT_ROLES, Period, chain_problems
from tracker.liaison.tables import Assignment, Handover
from tracker.org.tables import Officer
from tracker.projects.tables import Project

# --- the database refuses what the application must never do --------------------------------


def test_the_database_refuses_a_second_active_lead(db):
    project = run(Project.select().first())
    with pytest.raises(Exception, match="(?i)unique"):
        run(Assignment.insert(Assignment(project=project["id"], role="lead_officer", officer=project["responsible_leader"], started_on=date(2026, 11, 27))))


def test_the_database_allows_ended_assignments_beside_the_active_one(db):
    project = run(Project.select().first())
    run(Assignment.insert(Assignment(project=project["id"], role="lead_officer", officer=project["responsible_leader"], started_on=date(2026, 1, 1), active=False, ended_on=date(2026, 1, 2))))


@pytest.mark.parametrize("column", [Project.first_signing_department, Project.first_signing_leader])
def test_the_database_refuses_to_change_the_first_signing_fields(db, column):
    from tracker.org.tables import Department

    project = run(Project.select().first())
    if column is Project.first_signing_leader:
        other = run(Officer.select().where(Officer.id != project["first_signing_leader"]).first())["id"]
    else:
        other = run(Department.select().where(Department.id != project["first_signing_department"]).first())["id"]
    with pytest.raises(Exception, match="first-signing"):
        run(Project.update({column: other}).where(Project.id == project["id"]))


# --- two coordinators at the same moment -----------------------------------------------------


def test_two_simultaneous_handovers_of_one_project_one_wins_one_gets_a_conflict(db):
    projects = run(Project.select().where(Project.status == "active").order_by(Project.id).limit(4))
    officers = [o["id"] for o in run(Officer.select().where(Officer.active == True, Officer.is_leader == False).order_by(Officer.id))]  # noqa: E712
    clients = []
    for username in ("coordinator", "admin"):
        c = Client(app=create_app())
        c.__enter__()
        c.login(username)
        clients.append(c)
    outcomes = []
    try:
        for project in projects:
            successors = [o for o in officers if o != project["lead_officer"]][:2]
            barrier = threading.Barrier(2)
            results = [None, None]

            def post(i: int, project=project, successors=successors, barrier=barrier, results=results) -> None:
                data = {"role": "lead_officer", "to_officer": successors[i], "reason": "transfer", "note": f"并发{i}", "version": project["version"]}
                token = clients[i].csrf()
                barrier.wait()
                results[i] = clients[i].post(f"/projects/{project['id']}/handover/", data={**data, "_csrf_token": token}, follow_redirects=False)

            threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            codes = sorted(r.status_code for r in results)
            outcomes.append(codes)
            assert codes[0] in (302, 303) and codes[1] == 409, codes
            loser = next(r for r in results if r.status_code == 409)
            assert "他人已修改" in loser.text
            winner = successors[[r.status_code for r in results].index(codes[0])]
            assert run(Project.select(Project.lead_officer).where(Project.id == project["id"]).first())["lead_officer"] == winner
            assert run(Handover.count().where(Handover.project == project["id"], Handover.accepted_at.is_null())) >= 1
            assert_invariants()
    finally:
        for c in clients:
            c.__exit__(None, None, None)
    print(f"{'postgresql' if is_postgres() else 'sqlite'} concurrent handovers: {outcomes}")


# --- invariants over random histories ----------------------------------------------------------


def assert_invariants() -> None:
    projects = {p["id"]: p for p in run(Project.select(Project.id, Project.status, Project.lead_officer, Project.responsible_leader))}
    officers = {o["id"]: o for o in run(Officer.select(Officer.id, Officer.active))}
    periods = defaultdict(list)
    for a in run(Assignment.select()):
        periods[(a["project"], a["role"])].append(a)
    for pid, project in projects.items():
        if project["status"] == "cancelled":
            continue
        for role in PROJECT_ROLES:
            rows = periods[(pid, role)]
            active = [a for a in rows if a["active"]]
            if role not in project:
                # The district/park and introducing-unit levels: at most one holder, in one chain.
                assert len(active) <= 1, (pid, role, rows)
                if rows:
                    assert active and officers[active[0]["officer"]]["active"], (pid, role, "vacant or held by an inactive officer")
                    assert chain_problems([Period(a["officer"], a["started_on"], a["ended_on"], a["active"]) for a in rows]) == []
                continue
            assert len(active) == 1, (pid, role, rows)
            assert active[0]["officer"] == project[role], (pid, role)
            assert officers[project[role]]["active"], (pid, role, "held by an inactive officer")
            chain = [Period(a["officer"], a["started_on"], a["ended_on"], a["active"]) for a in rows]
            assert chain_problems(chain) == [], (pid, role, rows)


operation = st.one_of(
    st.tuples(st.just("handover"), st.integers(0, 43), st.sampled_from(PROJECT_ROLES), st.integers(0, 13), st.sampled_from(["transfer", "other", ""])),
    st.tuples(st.just("accept"), st.integers(0, 20)),
    st.tuples(st.just("depart"), st.integers(0, 13), st.integers(0, 13), st.integers(0, 13)),
    st.tuples(st.just("create"), st.integers(0, 13), st.integers(0, 13)),
)


async def apply(op: tuple, day: date) -> None:
    projects = await Project.select().order_by(Project.id)
    officers = await Officer.select().order_by(Officer.id)
    kind = op[0]
    try:
        async with write_transaction():
            if kind == "handover":
                _, pi, role, oi, reason = op
                p = projects[pi % len(projects)]
                await liaison.hand_over(p["id"], role, officers[oi]["id"], reason, "", p["version"], None, day)
            elif kind == "accept":
                pending = await liaison.pending()
                if pending:
                    h = pending[op[1] % len(pending)]
                    await liaison.accept(h["id"], h["to_officer"], 1)
            elif kind == "depart":
                _, oi, si, li = op
                leaving = officers[oi]
                held = await liaison.led_projects(leaving["id"])
                items = [
                    liaison.DepartureItem(a["project"], a["role"], a["version"], officers[li if a["role"] == "responsible_leader" else si]["id"])
                    for a in held
                ]
                await liaison.depart(leaving["id"], items, "transfer", "", 1, day)
            elif kind == "create":
                from tracker.projects import queries as pq
                from tracker.workdays import WorkCalendar

                _, li, ri = op
                lead, leader = officers[li], officers[ri]
                if not lead["active"] or not leader["active"] or not leader["is_leader"]:
                    return
                t = projects[0]
                await pq.create_project(
                    pq.NewProject(
                        name="随机项目", enterprise_id=t["enterprise"], industry="new_it", district_id=t["district"], park_id=None,
                        total_investment=t["total_investment"], signed_on=day, level="city", green_channel=False,
                        introducing_unit_id=t["introducing_unit"], first_signing_department_id=t["first_signing_department"],
                        first_signing_leader_id=leader["id"], responsible_leader_id=leader["id"], lead_officer_id=lead["id"],
                    ),
                    None, day, WorkCalendar(),
                )
    except (liaison.Refused, Conflict, PermissionError):
        pass  # refused by the rules: the transaction rolled back


@settings(max_examples=25 if is_postgres() else 60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=12))
def test_random_handover_histories_keep_one_lead_and_a_clean_chain(fresh_database, ops):
    fresh_database()
    day = date(2026, 11, 27)
    for op in ops:
        run(apply(op, day))
        assert_invariants()
        day += timedelta(days=1)
