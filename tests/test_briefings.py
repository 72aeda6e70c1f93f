"""PDF briefings rendered from the demo data and read back with poppler (pdftotext, pdffonts,
pdftoppm); their figures come from the same queries as the pages, so they must agree."""

import re
import subprocess
from pathlib import Path

from PIL import Image

from tests.helpers import run
from tracker.auth.tables import User
from tracker.cli import main as cli
from tracker.meetings.tables import Meeting
from tracker.projects.tables import Project
from tracker.requests.tables import EnterpriseRequest


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def figures(html: str, attribute: str) -> dict[str, int]:
    return {k: int(v.replace(",", "")) for k, v in re.findall(rf'{attribute}="(\w+)">([\d,]+)<', html)}


def test_the_weekly_briefing_is_a_chinese_a4_pdf_with_the_week_the_figures_and_an_embedded_font(as_role, tmp_path):
    response = as_role("leader").get("/briefings/weekly?week=2026-W48")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert 'filename="weekly-briefing-2026-W48.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content, tmp_path)
    flat = squeeze(text)
    for expected in ("哈尔滨市", "项目建设周报", "2026年第48周", "一、总体情况", "三、红灯项目", "六、企业诉求", "第2页/共"):
        assert expected in flat, expected
    red = run(Project.select(Project.name).where(Project.colour == "red", Project.status == "active"))
    assert red and all(squeeze(p["name"])[:8] in flat for p in red)
    active = run(Project.count().where(Project.status == "active"))
    assert f"总体情况{active}" in flat  # the first headline figure follows the section title
    fonts = subprocess.run(["pdffonts", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Kurinto-Sans-SC\s.*\byes\b", fonts), fonts
    info = subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], check=True, capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info  # A4 in points
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert page.size[0] > 300 and page.getextrema()[0] < 100  # something dark was drawn: the page rendered


def test_the_briefing_figures_equal_the_dashboards(as_role):
    leader = as_role("leader")
    dashboard = leader.get("/").text
    html = leader.get("/briefings/weekly?html=1").text
    assert figures(html, "data-stage") == figures(dashboard, "data-stage")
    assert figures(html, "data-colour") == figures(dashboard, "data-colour")
    red_list = re.search(r'id="red-list".*?</table>', html, re.S).group(0)
    assert red_list.count("<tr>") - 1 == figures(dashboard, "data-colour")["red"]
    requests = run(EnterpriseRequest.select())
    closed = sum(r["status"] == "closed" for r in requests)
    request_line = re.search(r'id="request-figures">(.*?)</p>', html, re.S).group(1)
    assert f"<strong>{len(requests)}</strong>" in request_line and f"{round(100 * closed / len(requests))}%" in request_line
    figures_page = leader.get("/requests/figures").text
    assert f"{round(100 * closed / len(requests))}%" in figures_page


def test_the_project_one_pager_has_the_timeline_team_promises_and_a_cancelled_project_is_marked(as_role, tmp_path):
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    leader = as_role("leader")
    flat = squeeze(pdf_text(leader.get(f"/briefings/projects/{project['id']}").content, tmp_path))
    for expected in (squeeze(project["name"]), "节点计划：基准与实际", "团队及交接", "最新议定事项", "第1页/共"):
        assert expected in flat, expected
    cancelled = run(Project.select().where(Project.status == "cancelled").first())
    html = leader.get(f"/briefings/projects/{cancelled['id']}?html=1").text
    assert 'id="status-stamp">已终止<' in html and cancelled["status_reason"] in html


def test_the_minutes_list_attendees_decisions_and_action_items(as_role, tmp_path):
    meeting = run(Meeting.select().first())
    response = as_role("coordinator").get(f"/briefings/minutes/{meeting['id']}")
    assert response.status_code == 200
    flat = squeeze(pdf_text(response.content, tmp_path))
    for expected in ("周例会会议纪要", "参会人员", "议题及议定事项", "孙丽娟", "省发改委已出具核准批复"):
        assert expected in flat, expected


def test_english_on_request(as_role):
    leader = as_role("leader")
    leader.get("/lang/en")
    html = leader.get("/briefings/weekly?week=2026-W47&html=1").text
    assert "Key project construction weekly briefing" in html and "Week 47, 2026" in html and "Harbin" in html
    assert "Page &#34; counter(page)" in html or 'Page " counter(page)' in html


def test_bad_weeks_unknown_objects_and_enterprises_are_refused(as_role):
    leader = as_role("leader")
    for week, message in (("2026-48", "请按 YYYY-Www 格式"), ("2025-W53", "没有该周次"), ("2026-W50", "该周尚未开始")):
        response = leader.get(f"/briefings/weekly?week={week}")
        assert response.status_code == 422 and message in response.text, week
    assert leader.get("/briefings/projects/999999").status_code == 404
    assert leader.get("/briefings/minutes/999999").status_code == 404
    enterprise = as_role("enterprise")
    enterprise_id = run(User.select(User.enterprise).where(User.username == "enterprise").first())["enterprise"]
    own = run(Project.select().where(Project.enterprise == enterprise_id).first())
    for url in ("/briefings", "/briefings/weekly", f"/briefings/projects/{own['id']}", "/briefings/minutes/1"):
        assert enterprise.get(url).status_code == 403, url


def test_the_command_line_writes_each_document(db, tmp_path, capsys):
    weekly = tmp_path / "briefing.pdf"
    cli(["briefing", "weekly", "--week", "2026-W48", "--output", str(weekly)])
    assert weekly.read_bytes().startswith(b"%PDF") and "2026年第48周" in squeeze(pdf_text(weekly.read_bytes(), tmp_path))
    project = run(Project.select(Project.id, Project.name).first())
    cli(["briefing", "project", str(project["id"]), "--output", str(tmp_path / "p.html"), "--html"])
    assert project["name"] in (tmp_path / "p.html").read_text()
    cli(["briefing", "minutes", "1", "--lang", "en", "--output", str(tmp_path / "m.html"), "--html"])
    assert "Minutes of the weekly coordination meeting" in (tmp_path / "m.html").read_text()
    for bad in (["weekly", "--week", "2030-W01"], ["project", "999999"], ["minutes"]):
        try:
            cli(["briefing", *bad, "--output", str(tmp_path / "x.pdf")])
        except SystemExit as exit_:
            assert exit_.code == 2
        else:
            raise AssertionError(bad)
    assert not (tmp_path / "x.pdf").exists()


def test_a_past_week_lists_the_colour_changes_recorded_in_it(as_role):
    from datetime import date

    from tracker.projects.tables import ColourChange

    turned_red = run(ColourChange.select(ColourChange.project.name.as_alias("name")).where(
        ColourChange.on >= date(2026, 11, 16), ColourChange.on <= date(2026, 11, 22), ColourChange.to_colour == "red",
        ColourChange.project.status == "active"))
    assert turned_red, "the demo has projects that turned red in week 47"
    html = as_role("leader").get("/briefings/weekly?week=2026-W47&html=1").text
    newly_red = re.search(r'<tr id="newly-red">(.*?)</tr>', html, re.S).group(1)
    assert f"新亮红灯 ({len(turned_red)})" in newly_red
    for row in turned_red:
        assert row["name"] in newly_red, row["name"]
    assert "2026年第47周" in html and "2026年11月22日" in html  # as of that week's Sunday


def test_a_long_list_prints_its_worst_entries_counts_the_rest_by_district_and_the_annex_has_all(as_role, monkeypatch):
    from tracker.briefings import rules

    leader = as_role("leader")
    red = run(Project.select(Project.id, Project.district.name.as_alias("district")).where(
        Project.colour == "red", Project.status == "active"))
    assert len(red) > 3
    monkeypatch.setattr(rules, "LIST_LIMIT", 3)
    html = leader.get("/briefings/weekly?html=1").text
    red_list = re.search(r'id="red-list".*?</table>', html, re.S).group(0)
    assert red_list.count("<tr>") - 1 == 3
    assert f"另有 {len(red) - 3} 项" in red_list
    by_district = re.search(r'id="red-by-district".*?</table>', html, re.S).group(0)
    totals = [int(n) for n in re.findall(r"data-total>(\d+)<", by_district)]
    assert sum(totals) == len(red)
    expected = sorted((sum(r["district"] == d for r in red) for d in {r["district"] for r in red}), reverse=True)
    assert totals == expected
    annex = leader.get("/briefings/weekly?html=1&annex=1").text
    assert 'id="annex-note"' in annex and 'id="red-by-district"' not in annex
    assert re.search(r'id="red-list".*?</table>', annex, re.S).group(0).count("<tr>") - 1 == len(red)
    monkeypatch.setattr(rules, "LIST_LIMIT", 1000)
    short = leader.get("/briefings/weekly?html=1").text
    assert 'id="red-by-district"' not in short and "另有" not in short
