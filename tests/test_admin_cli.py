"""Scripted set-up (`tracker department|officer|user create`), and a new bureau's first day end to end."""

import re
from pathlib import Path

import pytest

from tests.helpers import Client, run
from tracker import cli
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.settings import get_settings, sqlite_path


def refused(argv: list[str], capsys) -> str:
    """Run the command, expect exit code 2, return what it wrote on stderr."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def department(name: str) -> dict | None:
    return run(Department.select().where(Department.name == name).first())


def officer(name: str) -> dict | None:
    return run(Officer.select().where(Officer.name == name).first())


# --- tracker department create --------------------------------------------------------------


def test_department_create_makes_a_park_under_its_district_and_says_so(db, capsys):
    cli.main(["department", "create", "--name", "阿城区", "--kind", "district"])
    cli.main(["department", "create", "--name", "阿城经济开发区", "--kind", "park", "--parent", "阿城区"])
    out = capsys.readouterr().out
    assert "Created department 阿城区 (district)" in out and "Created department 阿城经济开发区 (park in 阿城区)" in out
    park = department("阿城经济开发区")
    assert park["parent"] == department("阿城区")["id"] and park["kind"] == "park"
    event = run(AuditEvent.select().where(AuditEvent.entity == "department", AuditEvent.entity_id == park["id"]).first())
    assert event["action"] == "create" and event["user"] is None


def test_department_create_refuses_an_unknown_kind(db, capsys):
    err = refused(["department", "create", "--name", "某部", "--kind", "ministry"], capsys)
    assert "invalid choice" in err and department("某部") is None


def test_department_create_refuses_a_duplicate_name_in_any_case_or_spacing(db, capsys):
    cli.main(["department", "create", "--name", "Harbin Invest Agency", "--kind", "introducing"])
    capsys.readouterr()
    err = refused(["department", "create", "--name", " harbin invest  AGENCY", "--kind", "introducing"], capsys)
    assert "--name: A department with this name exists already." in err
    assert [d["name"] for d in run(Department.select()) if d["name"].lower().replace(" ", "") == "harbininvestagency"] == [
        "Harbin Invest Agency"]


def test_department_create_refuses_an_unknown_or_unfit_parent(db, capsys):
    before = run(Department.count())
    assert "no department named '不存在区'" in refused(["department", "create", "--name", "新园", "--kind", "park", "--parent", "不存在区"], capsys)
    err = refused(["department", "create", "--name", "新园", "--kind", "park", "--parent", "哈尔滨市投资促进局"], capsys)
    assert "--parent: A park's parent must be a district." in err
    err = refused(["department", "create", "--name", "新园", "--kind", "park"], capsys)
    assert "--parent: Choose the district this park belongs to." in err
    assert run(Department.count()) == before


# --- tracker officer create -----------------------------------------------------------------


def test_officer_create_makes_an_officer_with_contacts(db, capsys):
    cli.main(["officer", "create", "--name", "李明", "--department", "哈尔滨市投资促进局", "--title", "项目专员",
              "--phone", "0451-86668888", "--email", "liming@hrbinvest.gov.cn", "--leader"])
    assert "Created officer 李明 (哈尔滨市投资促进局, can be a responsible leader)" in capsys.readouterr().out
    row = officer("李明")
    assert (row["title"], row["phone"], row["email"], row["is_leader"]) == ("项目专员", "0451-86668888", "liming@hrbinvest.gov.cn", True)


def test_officer_create_refuses_bad_input_with_a_message_and_exit_code_2(db, capsys):
    before = run(Officer.count())
    assert "no department named '不存在局'" in refused(["officer", "create", "--name", "李明", "--department", "不存在局"], capsys)
    err = refused(["officer", "create", "--name", "李明", "--department", "哈尔滨市投资促进局", "--phone", "12345"], capsys)
    assert "--phone: Enter a mobile number" in err
    err = refused(["officer", "create", "--name", "李明", "--department", "哈尔滨市投资促进局", "--email", "li@"], capsys)
    assert "--email: Enter a valid e-mail address." in err
    assert "--name: This field is required." in refused(["officer", "create", "--name", " ", "--department", "哈尔滨市投资促进局"], capsys)
    assert run(Officer.count()) == before


# --- tracker user create --------------------------------------------------------------------


def test_user_create_refuses_bad_input_with_a_message_and_exit_code_2(db, capsys):
    before = run(User.count())
    assert "already exists" in refused(["user", "create", "--username", "Admin", "--role", "admin", "--password", "long-enough-pw"], capsys)
    assert "--username: Use letters" in refused(["user", "create", "--username", "张 三", "--role", "admin", "--password", "long-enough-pw"], capsys)
    assert "--role must be one of" in refused(["user", "create", "--username", "li", "--role", "boss", "--password", "long-enough-pw"], capsys)
    assert "--password: The new password needs at least 10 characters." in refused(
        ["user", "create", "--username", "li", "--role", "admin", "--password", "short"], capsys)
    assert "no officer with id 999999" in refused(
        ["user", "create", "--username", "li", "--role", "officer", "--password", "long-enough-pw", "--officer", "999999"], capsys)
    assert "--officer: A user with the officer role must be linked to an officer." in refused(
        ["user", "create", "--username", "li", "--role", "officer", "--password", "long-enough-pw"], capsys)
    taken = run(User.select(User.officer).where(User.username == "officer").first())["officer"]
    assert "--officer: This officer is already linked to another active user." in refused(
        ["user", "create", "--username", "li", "--role", "officer", "--password", "long-enough-pw", "--officer", str(taken)], capsys)
    assert run(User.count()) == before


def test_user_create_still_creates_a_user(db, capsys):
    cli.main(["user", "create", "--username", "li", "--role", "coordinator", "--password", "long-enough-pw"])
    assert "Created coordinator li." in capsys.readouterr().out
    assert run(User.select(User.role).where(User.username == "li").first())["role"] == "coordinator"


# --- a new bureau's first day ---------------------------------------------------------------


async def _drop_everything(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture
def empty_database(db):
    """The test database with nothing in it, not even tables: a new bureau before `tracker migrate`.
    The next test's `db` fixture puts the demo copy back."""
    url = get_settings().database_url
    if (path := sqlite_path(url)) is not None:
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with open(path, "wb"):  # truncated: an empty file is an empty SQLite database
            pass
    else:
        run(_drop_everything(url))
    yield


def one_time_password(response) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', response.text).group(1)


def id_from(response) -> int:
    assert response.status_code in (302, 303), response.text
    return int(response.headers["location"].rstrip("/").rsplit("/", 1)[1])


def set_up_organisation() -> dict:
    """A new bureau's first day, as its IT officer does it: migrate, one admin from the command
    line, then departments, officers and a coordinator login in the browser."""
    cli.main(["migrate"])
    assert run(Department.count()) == 0 and run(User.count()) == 0
    cli.main(["user", "create", "--username", "it.admin", "--role", "admin", "--password", "first-admin-2026",
              "--display-name", "信息科管理员"])
    with Client(app=create_app()) as browser:
        browser.login("it.admin", "first-admin-2026")
        district = id_from(browser.submit("/admin/departments/", {"name": "阿城区", "kind": "district"}))
        park = id_from(browser.submit("/admin/departments/", {"name": "阿城经济开发区", "kind": "park", "parent": district}))
        bureau = id_from(browser.submit("/admin/departments/", {"name": "哈尔滨市投资促进局", "kind": "bureau"}))
        chamber = id_from(browser.submit("/admin/departments/", {"name": "哈尔滨市浙江商会", "kind": "introducing"}))
        leader = id_from(browser.submit("/admin/officers/", {"name": "赵建国", "title": "局长", "department": bureau,
                                                             "phone": "0451-86668888", "is_leader": "1"}))
        lead = id_from(browser.submit("/admin/officers/", {"name": "钱晓明", "title": "项目专员", "department": bureau,
                                                           "phone": "13945678901", "email": "qian@hrbinvest.gov.cn"}))
        area = id_from(browser.submit("/admin/officers/", {"name": "孙开发", "title": "管委会副主任", "department": park,
                                                           "phone": "13800001111"}))
        unit = id_from(browser.submit("/admin/officers/", {"name": "周商会", "title": "秘书长", "department": chamber,
                                                           "phone": "13800002222"}))
        created = browser.submit("/admin/users/", {"username": "qian.xm", "display_name": "钱晓明", "role": "coordinator",
                                                   "officer": lead})
        password = one_time_password(created)
        departments = browser.get("/admin/departments").text
        assert all(name in departments for name in ("阿城区", "阿城经济开发区", "哈尔滨市投资促进局", "哈尔滨市浙江商会"))
        officers = browser.get("/admin/officers").text
        assert "赵建国" in officers and "钱晓明" in officers and "qian.xm" in officers
    return {"district": district, "park": park, "bureau": bureau, "chamber": chamber, "leader": leader, "lead": lead,
            "area": area, "unit": unit, "password": password}


def test_a_new_bureau_sets_up_its_organisation_from_an_empty_database(empty_database, capsys):
    ids = set_up_organisation()
    assert run(Department.select(Department.parent).where(Department.id == ids["park"]).first())["parent"] == ids["district"]
    assert run(Department.select(Department.kind).where(Department.id == ids["chamber"]).first())["kind"] == "introducing"
    assert run(Officer.select(Officer.is_leader).where(Officer.id == ids["leader"]).first())["is_leader"] is True
    with Client(app=create_app()) as coordinator:
        assert coordinator.login("qian.xm", ids["password"]).headers["location"] == "/account/password"
        coordinator.submit("/account/password", {"current_password": ids["password"], "new_password": "qian-2026-own-pw",
                                                 "confirm_password": "qian-2026-own-pw"})
        assert "阿城经济开发区" in coordinator.get("/admin/departments").text


def test_the_new_bureau_creates_a_project_from_a_template_and_hands_it_to_a_newly_added_officer(empty_database, capsys):
    """Continues the set-up: a lifecycle template, a project from it with the three levels, a new
    hire added as an officer with a login, the project handed over to them, custody accepted."""
    from tracker.liaison.tables import Assignment, Handover
    from tracker.projects.tables import LifecycleTemplate, Milestone, Project

    ids = set_up_organisation()
    assert run(LifecycleTemplate.count()) == 3  # shipped by the migrations
    with Client(app=create_app()) as admin:
        admin.login("it.admin", "first-admin-2026")
        template = id_from(admin.submit("/admin/templates/", {
            "code": "acheng", "name": "阿城园区标准项目", "rows": "4",
            "stage_0": "signed", "mname_0": "签订投资合同", "offset_0": "0", "green_0": "0", "applies_0": "1",
            "stage_1": "registered", "mname_1": "完成企业注册", "offset_1": "15", "green_1": "10", "applies_1": "1",
            "stage_2": "construction", "mname_2": "项目开工建设", "offset_2": "60", "green_2": "40", "applies_2": "1",
            "stage_3": "operating", "mname_3": "投产运营", "offset_3": "200", "green_3": "150", "applies_3": "1",
        }))
    with Client(app=create_app()) as coordinator:
        coordinator.login("qian.xm", ids["password"])
        coordinator.submit("/account/password", {"current_password": ids["password"], "new_password": "qian-2026-own-pw",
                                                 "confirm_password": "qian-2026-own-pw"})
    with Client(app=create_app()) as coordinator:
        coordinator.login("qian.xm", "qian-2026-own-pw")
        response = coordinator.submit("/projects/", {
            "name": "阿城新材料产业园项目", "enterprise_mode": "new", "new_enterprise_name": "哈尔滨阿城新材料有限公司",
            "new_credit_code": "91230109MA1B2C3D4B", "industry": "new_materials", "district_id": ids["district"],
            "park_id": ids["park"], "total_investment": "50000", "signed_on": "2026-11-02", "level": "city",
            "template_id": template, "introducing_unit_id": ids["chamber"], "first_signing_department_id": ids["bureau"],
            "first_signing_leader_id": ids["leader"], "responsible_leader_id": ids["leader"], "lead_officer_id": ids["lead"],
            "area_leader_id": ids["area"], "unit_leader_id": ids["unit"],
        })
        project = id_from(response)
        assert [m["name"] for m in run(Milestone.select().where(Milestone.project == project).order_by(Milestone.seq))] == [
            "签订投资合同", "完成企业注册", "项目开工建设", "投产运营"]
    with Client(app=create_app()) as admin:
        admin.login("it.admin", "first-admin-2026")
        newcomer = id_from(admin.submit("/admin/officers/", {"name": "吴新来", "title": "项目专员", "department": ids["bureau"],
                                                             "phone": "13912345678"}))
        password = one_time_password(admin.submit("/admin/users/", {"username": "wu.xl", "display_name": "吴新来", "role": "officer",
                                                                   "officer": newcomer}))
    with Client(app=create_app()) as coordinator:
        coordinator.login("qian.xm", "qian-2026-own-pw")
        version = run(Project.select(Project.version).where(Project.id == project).first())["version"]
        handed = coordinator.submit(f"/projects/{project}/handover/", {"role": "lead_officer", "to_officer": newcomer,
                                                                       "reason": "workload", "note": "新同事接手", "version": version})
        assert handed.status_code in (302, 303), handed.text
    with Client(app=create_app()) as newcomer_browser:
        newcomer_browser.login("wu.xl", password)
        newcomer_browser.submit("/account/password", {"current_password": password, "new_password": "wu-2026-own-pw-x",
                                                      "confirm_password": "wu-2026-own-pw-x"})
        handover = run(Handover.select().where(Handover.project == project).first())
        assert newcomer_browser.submit(f"/handovers/{handover['id']}/accept").status_code in (302, 303)
    assert run(Project.select(Project.lead_officer).where(Project.id == project).first())["lead_officer"] == newcomer
    assert run(Handover.select().where(Handover.id == handover["id"]).first())["accepted_at"] is not None
    roles = {a["role"]: a["officer"] for a in run(Assignment.select().where(Assignment.project == project, Assignment.active == True))}  # noqa: E712
    assert roles == {"lead_officer": newcomer, "responsible_leader": ids["leader"], "area_leader": ids["area"], "unit_leader": ids["unit"]}
