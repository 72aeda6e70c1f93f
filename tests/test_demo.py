"""The demo data and the `tracker` command line."""

import os
import subprocess
import sys

from tests.helpers import run
from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects import rules
from tracker.projects.tables import Milestone, Project


def test_the_demo_has_forty_projects_in_every_stage_with_red_and_amber(db):
    assert run(Project.count()) >= 40
    stages = {r["stage"] for r in run(Project.select(Project.stage))}
    assert stages == set(rules.STAGES)
    colours = {r["colour"] for r in run(Project.select(Project.colour).where(Project.status == "active"))}
    assert {"red", "amber", "green"} <= colours
    industries = {r["industry"] for r in run(Project.select(Project.industry))}
    assert industries == set(rules.INDUSTRIES)


def test_the_demo_has_officers_leaders_and_harbin_parks(db):
    assert run(Officer.count().where(Officer.is_leader == False)) >= 8  # noqa: E712
    assert run(Officer.count().where(Officer.is_leader == True)) >= 3  # noqa: E712
    names = {r["name"] for r in run(Department.select(Department.name))}
    assert {"利民经济技术开发区", "宾西经济技术开发区", "哈尔滨经济技术开发区"} <= names


def test_the_demo_accounts_exist_and_the_two_enterprises_differ(db, client):
    users = {u["username"]: u for u in run(User.select())}
    assert {"admin", "coordinator", "officer", "leader", "enterprise", "enterprise2"} <= set(users)
    assert users["enterprise"]["enterprise"] != users["enterprise2"]["enterprise"]
    for name in ("enterprise", "enterprise2"):
        assert run(Project.count().where(Project.enterprise == users[name]["enterprise"])) >= 2
    for name in ("admin", "coordinator", "officer", "leader", "enterprise", "enterprise2"):
        client.cookies.clear()
        client.login(name)


def test_the_demo_officer_leads_projects(db):
    officer = run(User.select(User.officer).where(User.username == "officer").first())["officer"]
    assert run(Project.count().where(Project.lead_officer == officer)) >= 2


def test_stored_stage_matches_the_rule_for_every_demo_project(db):
    rows = run(Milestone.select(Milestone.project, Milestone.stage, Milestone.actual_on, Milestone.not_applicable))
    by_project = {}
    for r in rows:
        by_project.setdefault(r["project"], []).append((r["stage"], r["actual_on"] is not None or r["not_applicable"]))
    for p in run(Project.select(Project.id, Project.stage)):
        assert p["stage"] == rules.derive_stage(by_project[p["id"]]), p["id"]


def test_the_command_line_generates_synthetic_projects_and_adds_users(db):
    env = {**os.environ}
    before = run(Project.count())
    subprocess.run([sys.executable, "-m", "tracker.cli", "demo", "--projects", "25"], check=True, env=env, capture_output=True)
    assert run(Project.count()) == before + 25
    assert run(Milestone.count()) == (before + 25) * len(rules.DEFAULT_LIFECYCLE)
    result = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "user", "create", "--username", "zhangsan", "--role", "coordinator", "--password", "long-enough-pw"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert run(User.select(User.role).where(User.username == "zhangsan").first())["role"] == "coordinator"
    refused = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "user", "create", "--username", "x", "--role", "mayor", "--password", "long-enough-pw"],
        env=env, capture_output=True, text=True,
    )
    assert refused.returncode != 0 and "role must be one of" in refused.stderr


def test_loading_the_demo_again_leaves_existing_data_alone(db):
    before = run(Project.count())
    result = subprocess.run([sys.executable, "-m", "tracker.cli", "demo", "--if-empty"], env={**os.environ}, capture_output=True, text=True)
    assert result.returncode == 0 and "already has data" in result.stdout
    assert run(Project.count()) == before
