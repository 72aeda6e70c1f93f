"""Chinese by default, English when the browser asks or the user picks it; locale formatting."""

from datetime import date
from decimal import Decimal

from babel.messages.extract import extract_from_dir

from tracker import i18n
from tracker.settings import ROOT


def test_the_ui_is_chinese_by_default(as_role):
    page = as_role("coordinator").get("/projects")
    assert '<html lang="zh-CN">' in page.text and "重点项目" in page.text


def test_an_english_browser_still_gets_chinese_until_the_user_chooses_english(as_role):
    client = as_role("coordinator")
    page = client.get("/projects", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="zh-CN">' in page.text and "重点项目" in page.text
    client.get("/lang/en")
    page = client.get("/projects", headers={"Accept-Language": "zh-CN"})
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


def test_the_language_is_the_users_choice_else_chinese():
    assert i18n.negotiate("en", "zh-CN") == "en"
    assert i18n.negotiate(None, "fr-FR, en;q=0.8, zh;q=0.5") == "zh"
    assert i18n.negotiate("xx", None) == "zh"


def test_plural_forms_and_system_text_read_naturally_in_english(as_role):
    assert i18n.ngettext("en", "Reopened once", "Reopened %(n)s times", 1) == "Reopened once"
    assert i18n.ngettext("en", "Reopened once", "Reopened %(n)s times", 3) == "Reopened 3 times"
    client = as_role("coordinator")
    client.get("/lang/en")
    from tests.helpers import run
    from tracker.projects.tables import Project

    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    page = client.get(f"/projects/{project['id']}").text
    assert "Investment contract signed" in page and "签订投资合同" not in page  # a shipped milestone name
    assert project["name"] in page  # what users typed stays as typed


KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
METHOD_MAP = [("tracker/**.py", "python"), ("templates/**.html", "jinja2")]


PLURALS: set[str] = set()


def extracted() -> list[tuple[str, str | None, str]]:
    """(message id, context, area) of every translatable message in code and templates."""
    out = []
    for file, _line, message, _comments, context in extract_from_dir(str(ROOT), METHOD_MAP, keywords=KEYWORDS):
        parts = file.split("/")
        area = parts[1] if len(parts) > 2 else parts[-1].split(".")[0]
        if not isinstance(message, str):
            PLURALS.add(message[0])
        out.append((message if isinstance(message, str) else message[0], context, area))
    return out


def test_every_message_in_code_and_templates_has_a_chinese_translation():
    messages = extracted()
    catalogue = i18n.translations("zh")
    missing = sorted({f"{c}|{m}" if c else m for m, c, _a in messages
                      if (catalogue.pgettext(c, m) if c else catalogue.ngettext(m, m + "~", 1) if m in PLURALS else catalogue.gettext(m)) == m})
    assert not missing, f"add these to tracker/locale/zh/LC_MESSAGES/messages.po: {missing}"
    assert len(messages) > 150


def shared_short_ids(messages) -> dict[str, set[str]]:
    areas: dict[str, set[str]] = {}
    for message, context, area in messages:
        if context is None and len(message.split()) <= 2:
            areas.setdefault(message, set()).add(area)
    return {m: a for m, a in areas.items() if len(a) > 1}


def test_a_short_message_shared_by_two_areas_must_be_reviewed_or_carry_a_context():
    unreviewed = {m: sorted(a) for m, a in shared_short_ids(extracted()).items() if m not in i18n.SAME_MEANING_EVERYWHERE}
    assert not unreviewed, (
        "these short message ids are used in several areas: if they mean the same everywhere add them to "
        f"i18n.SAME_MEANING_EVERYWHERE, otherwise use pgettext(context, ...) where the meaning differs: {unreviewed}"
    )


def test_the_collision_check_catches_a_second_meaning():
    # "Due" of a promise and "Due" of an action item once shared one translation (兑现期限).
    messages = [("Due", None, "promises"), ("Due", None, "meetings"), ("Save", None, "auth")]
    assert "Due" in shared_short_ids(messages) and "Due" not in i18n.SAME_MEANING_EVERYWHERE


def test_words_with_two_meanings_read_differently_by_context():
    assert i18n.pgettext("zh", "pagination", "Next") != i18n.pgettext("zh", "milestone", "Next")
    assert i18n.pgettext("zh", "promise", "Due") != i18n.pgettext("zh", "action item", "Due")
    assert i18n.pgettext("zh", "project", "Description") != i18n.pgettext("zh", "request", "Description")


def test_the_request_inbox_and_the_portal_use_their_own_words(as_role):
    inbox = as_role("coordinator").get("/requests").text
    assert "诉求内容" in inbox and "项目简介" not in inbox
    portal = as_role("enterprise").get("/portal").text
    assert "下一页" not in portal
