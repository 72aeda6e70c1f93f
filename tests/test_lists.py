"""Lists sort and page through their URL, and a user can save a named view of any of them."""

import re

import pytest

from tests.helpers import run
from tracker.listing import Sorting, paginate, parse_sort, sort_rows
from tracker.projects.tables import Project
from tracker.savedviews.tables import SavedView


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def project_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-project-id="(\d+)"', html)]


def test_parse_sort_takes_known_keys_either_way_and_falls_back_to_the_default():
    assert parse_sort("-name", ("name", "due"), "due") == Sorting("name", True)
    assert parse_sort("name", ("name",), "-due") == Sorting("name", False)
    assert parse_sort("evil; drop", ("name",), "-due") == Sorting("due", True)
    assert Sorting("name").toggled("name") == "-name" and Sorting("name", True).toggled("name") == "name"
    assert Sorting("name").toggled("due") == "due"


def test_sorting_in_python_puts_missing_values_last_both_ways():
    rows = [{"id": 1, "v": 2}, {"id": 2, "v": None}, {"id": 3, "v": 1}]
    assert [r["id"] for r in sort_rows(rows, Sorting("v"), {"v": lambda r: r["v"]})] == [3, 1, 2]
    assert [r["id"] for r in sort_rows(rows, Sorting("v", True), {"v": lambda r: r["v"]})] == [1, 3, 2]


def test_a_page_past_the_end_shows_the_last_page_and_the_window_skips_with_gaps():
    page = paginate(list(range(95)), 99, 10)
    assert (page.page, page.pages, page.rows) == (10, 10, list(range(90, 95)))
    assert paginate(list(range(200)), 10, 10).window == [1, None, 8, 9, 10, 11, 12, None, 20]


@pytest.mark.parametrize("key,column,reverse", [
    ("name", "name", False), ("-name", "name", True), ("investment", "total_investment", False),
    ("-signed", "signed_on", True), ("signed", "signed_on", False),
])
def test_the_project_list_sorts_by_a_column_from_the_url(coordinator, key, column, reverse):
    html = coordinator.get("/projects/", params={"sort": key, "status": ""}).text
    shown = project_ids(html)
    rows = {p["id"]: p for p in run(Project.select())}
    values = [rows[i][column] for i in shown]
    assert values == sorted(values, reverse=reverse) and len(shown) == min(50, len(rows))
    assert 'aria-sort="' + ("descending" if reverse else "ascending") + '"' in html


def test_the_project_list_sorts_by_urgency_and_next_due_date(coordinator):
    html = coordinator.get("/projects/", params={"sort": "colour"}).text
    colours = [run(Project.select(Project.colour).where(Project.id == i).first())["colour"] for i in project_ids(html)]
    order = {"red": 0, "amber": 1, "green": 2}
    assert [order[c] for c in colours] == sorted(order[c] for c in colours) and colours[0] == "red"
    dues = re.findall(r'<span class="text-nowrap ?(?:overdue)?">([^<]+)</span>', coordinator.get("/projects/", params={"sort": "next_due"}).text)
    assert len(dues) > 5


def test_sort_and_page_links_keep_the_filters(coordinator):
    html = coordinator.get("/projects/", params={"colour": "amber", "sort": "name"}).text
    assert 'href="?colour=amber&amp;sort=-name"' in html  # the header toggles the direction, keeps the filter
    assert 'name="sort" value="name" form="filters"' in html  # the filter form keeps the sort


@pytest.mark.parametrize("path,sort,first_key", [
    ("/promises/", "-due", "due"), ("/requests/?status=all", "raised", "raised"), ("/action-items/?show=all", "-due", "due"),
])
def test_other_lists_sort_and_page_too(coordinator, path, sort, first_key):
    response = coordinator.get(path + ("&" if "?" in path else "?") + f"sort={sort}")
    assert response.status_code == 200
    assert 'aria-sort="' in response.text and "保存当前视图" in response.text


def test_a_saved_view_keeps_filters_and_sort_and_is_the_owners_alone(coordinator, as_role):
    response = coordinator.submit("/saved-views/", {"list": "projects", "name": "红灯按名称", "query": "colour=red&sort=name&page=3"})
    assert response.status_code in (302, 303) and response.headers["location"] == "/projects/?colour=red&sort=name"
    view = run(SavedView.select().where(SavedView.name == "红灯按名称").first())
    assert view["query"] == "colour=red&sort=name"
    page = coordinator.get("/projects/").text
    assert 'href="/projects/?colour=red&amp;sort=name">红灯按名称</a>' in page
    assert "红灯按名称" not in as_role("officer").get("/projects/").text
    assert as_role("officer").submit(f"/saved-views/{view['id']}/delete").status_code == 404
    assert coordinator.submit(f"/saved-views/{view['id']}/delete").status_code in (302, 303)
    assert not run(SavedView.exists().where(SavedView.id == view["id"]))


def test_a_saved_view_for_an_unknown_list_or_without_a_name_is_refused(coordinator):
    coordinator.submit("/saved-views/", {"list": "nowhere", "name": "x", "query": "a=1"})
    coordinator.submit("/saved-views/", {"list": "projects", "name": "", "query": "a=1"})
    assert run(SavedView.count()) == 0


def test_a_flash_message_confirms_an_action_once(coordinator):
    project = run(Project.select().where(Project.status == "active").first())
    response = coordinator.submit(f"/projects/{project['id']}/status", {"status": "paused", "reason": "企业要求暂停", "version": project["version"]})
    assert response.status_code in (302, 303)
    page = coordinator.get(f"/projects/{project['id']}").text
    assert '<div class="flash">已保存。</div>' in page
    assert '<div class="flash">' not in coordinator.get(f"/projects/{project['id']}").text  # shown once
