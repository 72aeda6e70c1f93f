"""Officers administration (/admin/officers): create, edit, deactivate through the departure flow."""

import pytest

from tests.helpers import run
from tracker.admin import rules
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.liaison.queries import led_projects
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Project
from tracker.web import from_json


def bureau_id() -> int:
    return run(Department.select(Department.id).where(Department.kind == "bureau").first())["id"]


def officer(name: str) -> dict | None:
    return run(Officer.select().where(Officer.name == name).first())


def all_officers() -> list[dict]:
    return run(Officer.select().order_by(Officer.id))


def last_audit(entity_id: int) -> dict:
    event = run(AuditEvent.select().where(AuditEvent.entity == "officer", AuditEvent.entity_id == entity_id)
                .order_by(AuditEvent.id, ascending=False).first())
    return {**event, "changes": from_json(event["changes"])}


def new_officer(**changes) -> dict:
    return {"name": "李明", "title": "项目专员", "department": bureau_id(), "phone": "13945678901",
            "email": "liming@hrbinvest.gov.cn", **changes}


def created(admin, **changes) -> dict:
    """A new officer holding no project (the demo's own may gain some)."""
    admin.submit("/admin/officers/", new_officer(**changes))
    return officer(changes.get("name", "李明"))


def edit_form(row: dict, **changes) -> dict:
    before = {"name": row["name"], "title": row["title"], "department": str(row["department"]), "phone": row["phone"],
              "email": row["email"], "is_leader": "1" if row["is_leader"] else "0"}
    form = {**before, **{f"before_{k}": v for k, v in before.items()}}
    if not row["is_leader"]:
        del form["is_leader"]  # an unticked checkbox is not posted
    return {**form, **changes}


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def test_an_admin_creates_an_officer_with_phone_and_email_and_it_is_audited(admin):
    response = admin.submit("/admin/officers/", new_officer(is_leader="1"))
    row = officer("李明")
    assert response.status_code in (302, 303) and response.headers["location"] == f"/admin/officers/{row['id']}"
    assert (row["title"], row["department"], row["phone"], row["email"], row["is_leader"], row["active"]) == (
        "项目专员", bureau_id(), "13945678901", "liming@hrbinvest.gov.cn", True, True)
    event = last_audit(row["id"])
    assert event["action"] == "create" and event["changes"]["phone_after"] == "13945678901"


def test_a_new_officer_can_at_once_be_named_successor_on_a_handover(admin, as_role):
    admin.submit("/admin/officers/", new_officer())
    project = run(Project.select().where(Project.status == "active").first())
    form = as_role("coordinator").get(f"/projects/{project['id']}/handover/?role=lead_officer").text
    assert "李明" in form


def test_phone_and_email_are_optional(admin):
    response = admin.submit("/admin/officers/", new_officer(phone="", email=""))
    assert response.status_code in (302, 303) and officer("李明")["phone"] == ""


@pytest.mark.parametrize("phone, stored", [
    ("13945678901", "13945678901"),
    ("139 4567 8901", "13945678901"),
    ("0451-86668888", "0451-86668888"),
    ("010-62345678", "010-62345678"),
    ("0451-86668888-123", "0451-86668888-123"),
])
def test_a_mobile_or_a_landline_with_area_code_is_accepted(admin, phone, stored):
    response = admin.submit("/admin/officers/", new_officer(phone=phone))
    assert response.status_code in (302, 303), response.text
    assert officer("李明")["phone"] == stored


@pytest.mark.parametrize("phone", ["12345678901", "1394567890", "86668888", "0451-8666", "0451 8666 8888 x", "+86 13945678901", "0451-06668888"])
def test_a_phone_number_that_is_neither_is_refused_with_a_field_message(admin, phone):
    before = all_officers()
    response = admin.submit("/admin/officers/", new_officer(phone=phone))
    assert response.status_code == 422 and 'id="phone-error"' in response.text and "请输入11位手机号码" in response.text
    assert all_officers() == before


@pytest.mark.parametrize("email", ["liming@", "li ming@hrbinvest.gov.cn", "liming@localhost", "@hrbinvest.gov.cn", "liming"])
def test_an_invalid_email_is_refused_with_a_field_message(admin, email):
    before = all_officers()
    response = admin.submit("/admin/officers/", new_officer(email=email))
    assert response.status_code == 422 and 'id="email-error"' in response.text and "有效的电子邮箱" in response.text
    assert all_officers() == before


def test_every_bad_field_gets_its_own_message_at_once(admin):
    before = all_officers()
    response = admin.submit("/admin/officers/", {"name": "", "department": "999999", "phone": "123", "email": "x@"})
    assert response.status_code == 422
    for field in ("name", "department", "phone", "email"):
        assert f'id="{field}-error"' in response.text, field
    assert all_officers() == before


def test_an_edit_is_saved_and_audited_with_before_and_after(admin):
    row = created(admin)
    response = admin.submit(f"/admin/officers/{row['id']}", edit_form(row, title="项目服务处副处长", phone="0451-84670000"))
    assert response.status_code in (302, 303)
    after = officer("李明")
    assert (after["title"], after["phone"]) == ("项目服务处副处长", "0451-84670000")
    changes = last_audit(row["id"])["changes"]
    assert changes["title_before"] == "项目专员" and changes["title_after"] == "项目服务处副处长"
    assert changes["phone_before"] == "13945678901" and "name_before" not in changes


def test_an_edit_from_values_changed_meanwhile_is_a_conflict_and_changes_nothing(admin):
    row = created(admin)
    stale = edit_form(row, title="我改的职务")
    admin.submit(f"/admin/officers/{row['id']}", edit_form(row, title="别人改的职务"))
    changed = officer("李明")
    response = admin.submit(f"/admin/officers/{row['id']}", stale)
    assert response.status_code == 409 and "他人已修改此内容" in response.text
    assert 'data-current="title">别人改的职务' in response.text and 'data-yours="title">我改的职务' in response.text
    assert officer("李明") == changed


def test_a_bad_edit_changes_nothing(admin):
    row = created(admin)
    response = admin.submit(f"/admin/officers/{row['id']}", edit_form(row, email="not-an-address"))
    assert response.status_code == 422 and 'id="email-error"' in response.text
    assert officer("李明") == row


def test_the_leader_flag_stays_while_the_officer_answers_for_projects_as_their_leader(admin):
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    row = run(Officer.select().where(Officer.id == project["responsible_leader"]).first())
    assert any(a["role"] == "responsible_leader" for a in run(led_projects(row["id"])))
    response = admin.submit(f"/admin/officers/{row['id']}", edit_form(row, is_leader=""))
    assert response.status_code == 422 and "包保领导" in response.text
    assert officer(row["name"])["is_leader"] is True


def test_an_officer_who_still_leads_projects_is_sent_to_the_departure_flow(admin):
    officer_id = run(User.select(User.officer).where(User.username == "officer").first())["officer"]
    assert run(led_projects(officer_id))
    response = admin.submit(f"/admin/officers/{officer_id}/deactivate")
    assert response.status_code in (302, 303) and response.headers["location"] == f"/officers/{officer_id}/depart"
    assert run(Officer.select(Officer.active).where(Officer.id == officer_id).first())["active"] is True
    assert f'href="/officers/{officer_id}/depart"' in admin.get(f"/admin/officers/{officer_id}").text


def test_an_officer_without_projects_is_deactivated_and_reactivated(admin):
    row = created(admin)
    assert admin.submit(f"/admin/officers/{row['id']}/deactivate").headers["location"] == f"/admin/officers/{row['id']}"
    assert officer("李明")["active"] is False
    assert last_audit(row["id"])["action"] == "officer_deactivate"
    admin.submit(f"/admin/officers/{row['id']}/reactivate")
    assert officer("李明")["active"] is True
    assert last_audit(row["id"])["changes"] == {"active_before": False, "active_after": True}


def test_the_list_shows_department_contacts_workload_and_login(admin):
    row = created(admin, title="项目服务处处长", phone="0451-86668888", email="liming@hrbinvest.gov.cn")
    page = admin.get("/admin/officers").text
    assert f'href="/admin/officers/{row["id"]}">李明<' in page
    assert "项目服务处处长" in page and "0451-86668888" in page and "liming@hrbinvest.gov.cn" in page
    assert ">officer<" in page  # the login linked to the demo's lead officer


def test_coordinators_read_but_cannot_change_officers(as_role):
    coordinator = as_role("coordinator")
    row = run(Officer.select().order_by(Officer.id).first())
    before = all_officers()
    assert coordinator.get("/admin/officers").status_code == 200
    assert coordinator.get(f"/admin/officers/{row['id']}").status_code == 200
    assert coordinator.get("/admin/officers/new").status_code == 403
    assert coordinator.submit("/admin/officers/", new_officer()).status_code == 403
    assert coordinator.submit(f"/admin/officers/{row['id']}", edit_form(row, title="x")).status_code == 403
    assert coordinator.submit(f"/admin/officers/{row['id']}/deactivate").status_code == 403
    assert all_officers() == before


@pytest.mark.parametrize("role", ["officer", "leader", "enterprise"])
def test_other_roles_cannot_read_the_officers_administration(as_role, role):
    client = as_role(role)
    assert client.get("/admin/officers", follow_redirects=False).status_code == 403
    assert client.get(f"/admin/officers/{bureau_id()}", follow_redirects=False).status_code == 403


def test_an_officer_answering_for_projects_for_their_department_keeps_it():
    assert rules.department_change_error(1, 2, ["lead_officer"]) is None
    assert rules.department_change_error(1, 1, ["area_leader"]) is None
    assert rules.department_change_error(1, 2, ["area_leader"]) and rules.department_change_error(1, 2, ["unit_leader"])


def test_only_the_city_level_needs_the_leader_flag():
    assert rules.leader_flag_error(True, False, ["responsible_leader"])
    assert rules.leader_flag_error(True, False, ["area_leader", "lead_officer"]) is None
    assert rules.leader_flag_error(False, True, ["responsible_leader"]) is None
