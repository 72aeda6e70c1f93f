"""Languages: Simplified Chinese by default, English on request.

Message ids are English; the Chinese catalogue is tracker/locale/zh/LC_MESSAGES/messages.po plus
an area's own <area>.po beside it, read with Babel at first use (no compile step, so a stale .mo
cannot exist).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from tracker.settings import TIMEZONE

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}
LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache
def translations(lang: str) -> NullTranslations:
    """The language's catalogue: messages.po, then each area's own catalogue (<area>.po) beside it."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))
    if not files:
        return NullTranslations()
    catalog = None
    for po in files:
        with po.open("rb") as f:
            part = read_po(f)
        if catalog is None:
            catalog = part
            continue
        for message in part:
            if message.id:
                catalog[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(lang: str, message: str, **params: object) -> str:
    text = translations(lang).gettext(message)
    return text % params if params else text


def ngettext(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """A message with a count: "1 fulfilment" and "3 fulfilments" in English, one form in Chinese.
    The count is available to the message as %(n)s."""
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"n": n, **params}


def pgettext(lang: str, context: str, message: str, **params: object) -> str:
    """A message whose English word has more than one meaning ("Next" page or next milestone,
    "Due" of a promise or of an action item): the context tells the translator which."""
    text = translations(lang).pgettext(context, message)
    return text % params if params else text


# Short English message ids used bare (without a context) in more than one area of the app. Each
# was checked to mean the same thing, and read the same in Chinese, wherever it appears; a test
# fails on any other short message id shared between areas, so a second meaning gets a context
# (pgettext) instead of silently reusing the first one's translation.
SAME_MEANING_EVERYWHERE = frozenset({
    "Absent", "Accept custody", "Acknowledge by", "Action", "Action items", "Active", "Add", "Addendum", "All",
    "Administration", "Answer by", "Audit trail", "Hand over", "Lifecycle templates", "Officer deactivated.", "Saved.", "Three-level responsibility", "Average satisfaction", "Baseline", "Briefings", "Cancel", "Category", "Chair", "Change password",
    "Closed rate", "Confirmed rate", "Dashboard", "Date", "Decision", "Delegate", "Department", "Discussion", "Disputed",
    "District", "Done on", "Due date", "Enterprise", "Enterprise requests", "Escalated", "Filter", "First responder",
    "Inactive", "Industry", "Lead officer", "Leader", "Location", "Mark done", "Meeting", "Meeting minutes", "Milestone",
    "Milestones", "My projects", "My requests", "New project", "None.", "Officers", "On-time rate", "Open",
    "Overdue", "Owner", "Planned", "Portal accounts", "Project", "Project one-pager", "Projects", "Promise", "Promises",
    "Raised on", "Reason", "Remove", "Request", "Requests", "Resolution", "Resolved rate", "Responsible leader", "Role",
    "Save", "Signed", "Stage", "Status", "Task", "Total investment", "Username", "Warning", "Weekly briefing", "now",
    "overdue", "provisional",
    # the administration pages (admin) share these with the pages they name
    "Client address", "Contact name", "Current projects", "Departments", "First-signing department", "Introducing unit",
    "Password", "Projects led", "State", "Users", "none",
    # the Excel import (excel) and merging (duplicates) name the same things as the pages they serve
    "Green channel", "Handovers", "Pages", "Park", "Project name", "When",
    # the bell in the header (base) and the notices pages (notices); the account pages link them
    "Notices", "How I am reminded",
    # the figures pages (districts, investment), the nav and the pages they sum up name the same things
    "Figures", "Approval figures", "Government credibility", "Signed on", "Made", "Note", "Overdue milestones", "Month",
    "Annual plan", "Completion rate", "Behind plan", "Total", "Year",
})


def negotiate(cookie: str | None, accept_language: str | None = None) -> str:
    """Chinese unless the user chose otherwise (the language switch sets a cookie). The browser's
    Accept-Language is not followed: the bureau's product speaks Chinese by default, also on an
    English-language browser."""
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache
def locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[lang])


# Formatting is memoised: a list of 50 projects formats the same few dates and amounts again and
# again, and Babel parses its pattern on every call.
@lru_cache(maxsize=8192)
def format_date(value: date | None, lang: str, style: str = "medium") -> str:
    if value is None:
        return ""
    return dates.format_date(value, format=style, locale=locale(lang))


def format_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return dates.format_datetime(value.astimezone(TIMEZONE), format="short", locale=locale(lang))


@lru_cache(maxsize=8192)
def format_wan(amount: Decimal | float | int | None, lang: str) -> str:
    """An amount held in 万元: "12,345.6万元" in Chinese, "CNY 123.46 m" in English."""
    if amount is None:
        return ""
    if lang == "zh":
        return numbers.format_decimal(amount, format="#,##0.##", locale=locale(lang)) + "万元"
    millions = Decimal(amount) / 100
    return "CNY " + numbers.format_decimal(millions, format="#,##0.##", locale=locale(lang)) + " m"


@lru_cache(maxsize=4096)
def format_number(value: int | float | Decimal, lang: str) -> str:
    return numbers.format_decimal(value, locale=locale(lang))


def N_(message: str) -> str:
    """Marks a message id for extraction; translation happens where it is shown."""
    return message
