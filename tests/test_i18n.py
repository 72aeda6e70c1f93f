"""Chinese by default, English when the browser asks or the user picks it; locale formatting."""

from datetime import date
from decimal import Decimal

from babel.messages.extract import extract_from_dir

from tracker import i18n
from tracker.settings import ROOT


def test_the_ui_is_chinese_by_default(as_role):
    page = as_role("coordinator").get("/projects")
    assert '<html lang="zh-CN">' in page.text and "重点项目" in page.text


def test_the_browser_can_ask_for_english(as_role):
    client = as_role("coordinator")
    page = client.get("/projects", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in page.text and "Key projects" in page.text


def test_a_chosen_language_is_remembered_over_the_browser(as_role):
    client = as_role("coordinator")
    response = client.get("/lang/en?next=/projects", follow_redirects=False)
    assert response.headers["location"] == "/projects"
    page = client.get("/projects", headers={"Accept-Language": "zh-CN"})
    assert "Key projects" in page.text
    client.get("/lang/zh?next=/projects")
    assert "重点项目" in client.get("/projects", headers={"Accept-Language": "en"}).text


def test_the_language_switch_works_before_login(client):
    client.get("/lang/en")
    assert "Log in" in client.get("/login").text


def test_dates_and_amounts_are_formatted_for_the_locale():
    assert i18n.format_date(date(2026, 11, 27), "zh") == "2026年11月27日"
    assert i18n.format_date(date(2026, 11, 27), "en") == "27 Nov 2026"
    assert i18n.format_wan(Decimal("125000.5"), "zh") == "125,000.5万元"
    assert i18n.format_wan(Decimal("12345"), "en") == "CNY 123.45 m"


def test_english_pages_show_amounts_in_millions(as_role):
    client = as_role("coordinator")
    client.get("/lang/en")
    assert "CNY " in client.get("/projects").text


def test_negotiation_prefers_the_cookie_then_the_best_supported_browser_language():
    assert i18n.negotiate("en", "zh-CN") == "en"
    assert i18n.negotiate(None, "fr-FR, en;q=0.8, zh;q=0.5") == "en"
    assert i18n.negotiate(None, "fr-FR") == "zh"
    assert i18n.negotiate("xx", None) == "zh"


def test_every_message_in_code_and_templates_has_a_chinese_translation():
    method_map = [("tracker/**.py", "python"), ("templates/**.html", "jinja2")]
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords={"_": None, "N_": None}
    ):
        ids.add(message if isinstance(message, str) else message[0])
    catalogue = i18n.translations("zh")
    missing = sorted(m for m in ids if catalogue.gettext(m) == m)
    assert not missing, f"add these to tracker/locale/zh/LC_MESSAGES/messages.po: {missing}"
    assert len(ids) > 150
