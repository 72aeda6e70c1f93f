"""Utility connections through the real app: recording with field-by-field errors, the clock on
the pages, the red signal past 30 working days, the figures, and the enterprise's portal."""

from datetime import date

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.org.tables import Department
from tracker.projects.tables import Project
from tracker.utilities.tables import Connection


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def green_project():
    return run(Project.select().where(Project.status == "active", Project.colour == "green").order_by(Project.id).first())


def form(**changes):
    provider = run(Department.select().where(Department.name == "哈尔滨供水集团").first())
    values = {"utility": "water", "provider": provider["id"], "applied_on": "2026-11-02", "surveyed_on": "2026-11-04",
              "connected_on": "", "note": ""}
    values.update(changes)
    return values


def test_a_connection_is_recorded_audited_and_its_working_days_shown(coordinator):
    project = green_project()
    response = coordinator.submit(f"/projects/{project['id']}/utilities/", form())
    assert response.status_code in (302, 303), response.text[:2000]
    cid = int(response.headers["location"].rsplit("/", 1)[1])
    assert run(Connection.select().where(Connection.id == cid).first())["applied_on"] == date(2026, 11, 2)
    assert run(AuditEvent.exists().where(AuditEvent.entity == "utility_connection", AuditEvent.entity_id == cid))
    page = coordinator.get(f"/projects/{project['id']}").text
    assert f'data-connection-id="{cid}"' in page and "已办理 19 个工作日" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"applied_on": ""}, "applied_on", "请填写申请日期"),
    ({"surveyed_on": "2026-10-30"}, "surveyed_on", "现场勘察日期不能早于申请日期"),
    ({"connected_on": "2026-11-03"}, "connected_on", "接通日期不能早于现场勘察日期"),
    ({"applied_on": "2026-12-01", "surveyed_on": ""}, "applied_on", "不能晚于今天"),
    ({"utility": "steam"}, "utility", "选项无效"),
    ({"provider": "1"}, "provider", "选项无效"),  # the bureau is not a utility provider
])
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(coordinator, changes, field, message):
    project = green_project()
    before = run(Connection.count())
    response = coordinator.submit(f"/projects/{project['id']}/utilities/", form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text, response.text[:200]
    assert run(Connection.count()) == before


def test_an_open_connection_past_30_working_days_turns_a_green_project_red(coordinator):
    project = green_project()
    assert coordinator.submit(f"/projects/{project['id']}/utilities/", form(applied_on="2026-10-09", surveyed_on="")).status_code in (302, 303)
    assert run(Project.select(Project.colour).where(Project.id == project["id"]).first())["colour"] == "red"
    page = coordinator.get(f"/projects/{project['id']}").text
    assert "供水接入已办理 36 个工作日，超过时限" in page
    # Connected: the signal goes, the late duration stays in the figures.
    cid = run(Connection.select(Connection.id).where(Connection.project == project["id"]).first())["id"]
    assert coordinator.submit(f"/utilities/{cid}", form(applied_on="2026-10-09", surveyed_on="", connected_on="2026-11-27",
                                                        version=1)).status_code in (302, 303)
    assert run(Project.select(Project.colour).where(Project.id == project["id"]).first())["colour"] != "red" or \
        "供水接入" not in coordinator.get(f"/projects/{project['id']}").text.split('id="signals"')[1].split("</div>")[0]


def test_the_list_puts_the_longest_open_connections_first_and_filters(coordinator):
    page = coordinator.get("/utilities/").text
    first = page.split('data-connection-id="', 2)[1].split(">", 1)[0]
    assert 'class="overdue"' in first
    late = coordinator.get("/utilities/?state=late").text
    assert "超过 30 个工作日时限" in late and "30 个工作日内" not in late.split("<tbody>", 1)[1]


def test_the_figures_show_each_utility_provider_and_district(coordinator):
    page = coordinator.get("/utilities/figures")
    assert page.status_code == 200
    for text in ("供电", "国网哈尔滨供电公司", "松北区", "中位数", "超时未接通"):
        assert text in page.text, text
    assert 'id="late-connections"' in page.text and "已办理" in page.text.split('id="late-connections"')[1]


def test_the_enterprise_sees_its_approvals_and_connections_with_their_clocks_and_can_raise_a_request(as_role):
    owner = run(User.select().where(User.username == "enterprise").first())
    project = run(Project.select().where(Project.enterprise == owner["enterprise"]).order_by(Project.id).first())
    coordinator = as_role("coordinator")
    coordinator.submit(f"/projects/{project['id']}/utilities/", form(utility="electricity", provider=run(
        Department.select().where(Department.name == "国网哈尔滨供电公司").first())["id"]))
    enterprise = as_role("enterprise")
    page = enterprise.get(f"/portal/projects/{project['id']}").text
    assert 'id="utilities"' in page and 'id="approvals"' in page
    assert "已办理 19 个工作日" in page and "就此提出诉求" in page
    form_page = enterprise.get(f"/portal/requests/new?project={project['id']}&category=utilities&description=供电：").text
    assert 'value="utilities" selected' in form_page and "供电：</textarea>" in form_page
    assert as_role("enterprise2").get(f"/portal/projects/{project['id']}").status_code == 404
    assert enterprise.get("/utilities/").status_code == 403


def test_only_the_lead_officer_or_a_coordinator_records_connections(as_role):
    leader = as_role("leader")
    project = green_project()
    assert leader.get(f"/projects/{project['id']}/utilities/new").status_code == 403
    assert leader.submit(f"/projects/{project['id']}/utilities/", form()).status_code == 403
    assert leader.get("/utilities/").status_code == 200
