"""Departments administration (/admin/departments): admins change, coordinators read (issue 12)."""

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.org.tables import Department
from tracker.projects.tables import Project
from tracker.promises.rules import OPEN_STATUSES
from tracker.promises.tables import Promise
from tracker.web import from_json


def department(name: str) -> dict | None:
    return run(Department.select().where(Department.name == name).first())


def all_departments() -> list[dict]:
    return run(Department.select().order_by(Department.id))


def last_audit(entity_id: int) -> dict:
    event = run(AuditEvent.select().where(AuditEvent.entity == "department", AuditEvent.entity_id == entity_id)
                .order_by(AuditEvent.id, ascending=False).first())
    return {**event, "changes": from_json(event["changes"])}


def first_of(query) -> dict:
    return run(query.order_by(Department.id).first())


def new_department(admin, name: str = "哈尔滨市浙江商会", kind: str = "introducing") -> dict:
    """A department nothing points at yet (the demo's own may gain projects and promises)."""
    admin.submit("/admin/departments/", {"name": name, "kind": kind})
    return department(name)


def edit_form(row: dict, **changes) -> dict:
    """The edit form as the page builds it (with the values it was built from), then changed."""
    before = {"name": row["name"], "kind": row["kind"], "parent": "" if row["parent"] is None else str(row["parent"])}
    return {**before, **{f"before_{k}": v for k, v in before.items()}, **changes}


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def test_an_admin_creates_a_district_and_a_park_inside_it(admin):
    response = admin.submit("/admin/departments/", {"name": "阿城区", "kind": "district"})
    assert response.status_code in (302, 303)
    district = department("阿城区")
    assert response.headers["location"] == f"/admin/departments/{district['id']}"
    assert (district["kind"], district["parent"], district["active"]) == ("district", None, True)
    admin.submit("/admin/departments/", {"name": "阿城经济开发区", "kind": "park", "parent": district["id"]})
    assert department("阿城经济开发区")["parent"] == district["id"]
    page = admin.get(f"/admin/departments/{district['id']}").text
    assert "阿城经济开发区" in page and "区县政府" in page


def test_the_new_kind_introducing_unit_can_be_created(admin):
    admin.submit("/admin/departments/", {"name": "哈尔滨市浙江商会", "kind": "introducing"})
    assert department("哈尔滨市浙江商会")["kind"] == "introducing"
    assert "引进单位" in admin.get("/admin/departments").text


def test_the_list_shows_each_kind_parent_and_the_open_projects_and_promises_pointing_at_it(admin):
    page = admin.get("/admin/departments").text
    assert "市投资促进局" in page and "市直部门" in page and "公用事业单位" in page
    assert all(f'href="/admin/departments/{d["id"]}">{d["name"]}<' in page for d in all_departments())


def test_a_duplicate_name_is_refused_whatever_its_case_and_spacing(admin):
    admin.submit("/admin/departments/", {"name": "Harbin Invest Agency", "kind": "introducing"})
    before = all_departments()
    existing = first_of(Department.select().where(Department.kind == "district"))["name"]
    for name in (f"  {existing} ", "harbin  invest agency", "HARBIN INVEST AGENCY"):
        response = admin.submit("/admin/departments/", {"name": name, "kind": "introducing"})
        assert response.status_code == 422, name
        assert "已有同名部门" in response.text
    assert all_departments() == before


def test_a_park_needs_a_district_and_no_other_kind_has_a_parent(admin):
    before = all_departments()
    bureau = first_of(Department.select().where(Department.kind == "bureau"))
    district = first_of(Department.select().where(Department.kind == "district"))
    no_parent = admin.submit("/admin/departments/", {"name": "新园区", "kind": "park"})
    assert no_parent.status_code == 422 and "请选择该园区所属的区县" in no_parent.text
    wrong_parent = admin.submit("/admin/departments/", {"name": "新园区", "kind": "park", "parent": bureau["id"]})
    assert wrong_parent.status_code == 422 and "园区的上级必须是区县政府" in wrong_parent.text
    district_with_parent = admin.submit("/admin/departments/", {"name": "新区", "kind": "district", "parent": district["id"]})
    assert district_with_parent.status_code == 422 and "只有园区才有上级部门" in district_with_parent.text
    assert all_departments() == before


def test_bad_input_gets_a_message_on_each_field_and_nothing_is_saved(admin):
    before = all_departments()
    response = admin.submit("/admin/departments/", {"name": "", "kind": "ministry", "parent": "abc"})
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="kind-error"' in response.text and 'id="parent-error"' in response.text
    too_long = admin.submit("/admin/departments/", {"name": "长" * 101, "kind": "approval"})
    assert too_long.status_code == 422 and 'id="name-error"' in too_long.text
    assert all_departments() == before


def test_an_edit_is_saved_and_audited_with_before_and_after(admin):
    row = department("哈尔滨市自然资源和规划局")
    response = admin.submit(f"/admin/departments/{row['id']}", edit_form(row, name="哈尔滨市自然资源和规划局（林草局）"))
    assert response.status_code in (302, 303)
    assert department("哈尔滨市自然资源和规划局（林草局）")["id"] == row["id"]
    event = last_audit(row["id"])
    assert event["action"] == "update" and event["changes"]["name_before"] == "哈尔滨市自然资源和规划局"
    assert event["changes"]["name_after"] == "哈尔滨市自然资源和规划局（林草局）" and "kind_before" not in event["changes"]


def test_renaming_to_its_own_name_in_another_case_is_not_a_duplicate(admin):
    admin.submit("/admin/departments/", {"name": "Harbin Invest Agency", "kind": "introducing"})
    row = department("Harbin Invest Agency")
    response = admin.submit(f"/admin/departments/{row['id']}", edit_form(row, name="Harbin investment agency"))
    assert response.status_code in (302, 303) and department("Harbin investment agency")["id"] == row["id"]


def test_an_edit_built_from_values_changed_meanwhile_is_a_conflict_showing_both(admin, as_role):
    row = new_department(admin)
    stale = edit_form(row, name="我的改名")
    admin.submit(f"/admin/departments/{row['id']}", edit_form(row, name="别人的改名"))
    changed = department("别人的改名")
    response = as_role("admin").submit(f"/admin/departments/{row['id']}", stale)
    assert response.status_code == 409
    assert "他人已修改此内容" in response.text
    assert 'data-current="name">别人的改名' in response.text and 'data-yours="name">我的改名' in response.text
    assert department("别人的改名") == changed and department("我的改名") is None


def test_a_district_with_parks_keeps_its_kind(admin):
    park = first_of(Department.select().where(Department.kind == "park"))
    row = run(Department.select().where(Department.id == park["parent"]).first())
    response = admin.submit(f"/admin/departments/{row['id']}", edit_form(row, kind="approval"))
    assert response.status_code == 422 and "该区县下仍有园区" in response.text
    assert department(row["name"]) == row


def test_a_department_with_open_projects_is_not_deactivated_and_the_page_lists_them(admin):
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    row = run(Department.select().where(Department.id == project["district"]).first())
    projects = run(Project.select(Project.name).where(Project.district == row["id"], Project.status.is_in(["active", "paused"])))
    response = admin.submit(f"/admin/departments/{row['id']}/deactivate")
    assert response.status_code == 409 and 'id="blocked"' in response.text
    assert all(p["name"] in response.text for p in projects)
    assert department(row["name"])["active"] is True


def test_a_department_answering_for_open_promises_is_not_deactivated(admin):
    promise = run(Promise.select().where(Promise.status.is_in(list(OPEN_STATUSES))).order_by(Promise.id).first())
    row = run(Department.select().where(Department.id == promise["department"]).first())
    response = admin.submit(f"/admin/departments/{row['id']}/deactivate")
    assert response.status_code == 409 and f'href="/promises/{promise["id"]}"' in response.text
    assert department(row["name"])["active"] is True


def test_a_department_nothing_open_points_at_is_deactivated_and_reactivated_with_audit(admin):
    row = new_department(admin)
    assert admin.submit(f"/admin/departments/{row['id']}/deactivate").status_code in (302, 303)
    assert department(row["name"])["active"] is False
    assert last_audit(row["id"])["changes"] == {"active_before": True, "active_after": False}
    assert admin.submit(f"/admin/departments/{row['id']}/reactivate").status_code in (302, 303)
    assert department(row["name"])["active"] is True
    assert last_audit(row["id"])["action"] == "reactivate"


def test_a_new_department_is_audited_with_its_values(admin):
    row = new_department(admin, "哈尔滨市数据局", "approval")
    event = last_audit(row["id"])
    assert event["action"] == "create" and event["changes"]["name_after"] == "哈尔滨市数据局"
    assert event["changes"]["kind_after"] == "approval"


def test_coordinators_read_the_pages_but_every_write_is_refused(as_role):
    coordinator = as_role("coordinator")
    row = first_of(Department.select())
    before = all_departments()
    assert coordinator.get("/admin/departments").status_code == 200
    page = coordinator.get(f"/admin/departments/{row['id']}")
    assert page.status_code == 200 and "<form method=\"post\" action=\"/admin/departments/" not in page.text
    assert coordinator.get("/admin/departments/new").status_code == 403
    assert coordinator.submit("/admin/departments/", {"name": "协调员建的", "kind": "approval"}).status_code == 403
    assert coordinator.submit(f"/admin/departments/{row['id']}", edit_form(row, name="x")).status_code == 403
    assert coordinator.submit(f"/admin/departments/{row['id']}/deactivate").status_code == 403
    assert all_departments() == before


@pytest.mark.parametrize("role", ["officer", "leader", "enterprise"])
def test_other_roles_cannot_even_read(as_role, role):
    client = as_role(role)
    row = first_of(Department.select())
    assert client.get("/admin/departments", follow_redirects=False).status_code == 403
    assert client.get(f"/admin/departments/{row['id']}", follow_redirects=False).status_code == 403


def test_an_unknown_department_is_a_404(admin):
    assert admin.get("/admin/departments/999999").status_code == 404
    assert admin.submit("/admin/departments/999999/deactivate").status_code == 404
