"""What every page needs: the language, formatting for templates, form helpers."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, Template, pass_context
from litestar import Request
from litestar.datastructures import FormMultiDict
from markupsafe import Markup

from tracker import i18n
from tracker.i18n import N_

LANG_COOKIE = "lang"


def lang_of(request: Request) -> str:
    """The request's language, worked out once per request (templates ask for it per value)."""
    lang = request.scope.get("tracker_lang")
    if lang is None:
        lang = request.scope["tracker_lang"] = i18n.negotiate(request.cookies.get(LANG_COOKIE))
    return lang


def translator(request: Request):
    lang = lang_of(request)

    def _(message: str, **params: object) -> str:
        return i18n.gettext(lang, message, **params)

    return _


# Every id and count the database stores is a 32-bit INTEGER (SERIAL on PostgreSQL): a number
# outside this range can match nothing, so it is refused here, once, before any query sees it.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# Dates anyone may enter: far enough back for old contracts, far enough ahead for long plans.
DATE_MIN = date(1990, 1, 1)
DATE_MAX = date(2100, 12, 31)


def in_int_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def int_or_none(value: str | None, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int | None:
    """A query parameter as an int, or None when absent, malformed or out of range (old bookmarks
    and hand-typed URLs still open, with the parameter ignored)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    if number is None or not minimum <= number <= maximum:
        return None
    return number


def ids_of(values: list[str]) -> list[int]:
    """Ids from repeated form fields (checkboxes, multi-selects); malformed ones are dropped."""
    return [n for v in values if isinstance(v, str) and (n := int_or_none(v.strip(), 1)) is not None]


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths, so a crafted link cannot send a user elsewhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


# --- template callables -----------------------------------------------------------------------
# The language is set once per render (LangTemplate) and read from a context variable, so these
# callables take no Jinja context. A callable that takes the context makes Jinja copy the whole
# context on every call made inside a loop (Context.derived): on a 50-row list that was ~350
# copies and a third of the page's CPU.

_RENDER_LANG: ContextVar[str] = ContextVar("tracker_render_lang", default=i18n.DEFAULT_LANGUAGE)


class LangTemplate(Template):
    """A template that fixes the language of its render: the context's `lang` (documents rendered
    outside a request) or the request's."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        request = context.get("request")
        lang = context.get("lang") or (lang_of(request) if request is not None else i18n.DEFAULT_LANGUAGE)
        token = _RENDER_LANG.set(lang)
        try:
            return super().render(context)
        finally:
            _RENDER_LANG.reset(token)


def render_lang() -> str:
    return _RENDER_LANG.get()


def t_gettext(message: str, **params: object) -> str:
    return i18n.gettext(_RENDER_LANG.get(), message, **params)


def t_ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    return i18n.ngettext(_RENDER_LANG.get(), singular, plural, n, **params)


def t_pgettext(context: str, message: str, **params: object) -> str:
    return i18n.pgettext(_RENDER_LANG.get(), context, message, **params)


def t_date(value: date | str | None, style: str = "medium") -> str:
    if isinstance(value, str):  # ISO dates kept in JSON snapshots
        value = date.fromisoformat(value)
    return i18n.format_date(value, _RENDER_LANG.get(), style)


def t_datetime(value) -> str:
    return i18n.format_datetime(value, _RENDER_LANG.get())


def t_wan(value) -> str:
    return i18n.format_wan(value, _RENDER_LANG.get())


def t_number(value) -> str:
    return i18n.format_number(value, _RENDER_LANG.get())


def t_query(params: dict[str, str]) -> str:
    return urlencode(params)


TEMPLATE_CALLABLES = {
    "_": t_gettext,
    "pgettext": t_pgettext,
    "ngettext": t_ngettext,
    "fmt_date": t_date,
    "fmt_datetime": t_datetime,
    "fmt_wan": t_wan,
    "fmt_number": t_number,
    "current_lang": render_lang,
    "urlencode": t_query,
}


# --- form parsing: each returns (value, error message id or None) ----------------------------


class Form:
    """Reads a posted form field by field and collects errors (English message ids)."""

    def __init__(self, data: FormMultiDict | dict[str, Any]):
        self.data = data
        self.errors: dict[str, str] = {}

    def raw(self, name: str) -> str:
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else ""

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, required: bool = True, max_length: int = 200) -> str:
        value = self.raw(name)
        if required and not value:
            self.error(name, N_("This field is required."))
        elif len(value) > max_length:
            self.error(name, N_("This text is too long."))
        return value

    def choice(self, name: str, choices: tuple[str, ...] | list[str], required: bool = True) -> str:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, N_("Please choose one."))
            return ""
        if value not in choices:
            self.error(name, N_("This choice is not valid."))
        return value

    def integer(self, name: str, required: bool = True, choices: set[int] | None = None,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        """A whole number. Choices (ids) must be among `choices`; counts within minimum..maximum.
        Nothing outside the database's integer range ever gets through."""
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, N_("Please choose one.") if choices is not None else N_("This field is required."))
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(name, N_("Enter a whole number."))
            return None
        if not in_int_range(number):
            self.error(name, N_("This choice is not valid.") if choices is not None else N_("This number is out of range."))
            return None
        if choices is not None and number not in choices:
            self.error(name, N_("This choice is not valid."))
            return None
        if minimum is not None and number < minimum:
            self.error(name, N_("This number is too small.") if minimum > 0 else N_("The number cannot be negative."))
            return None
        if maximum is not None and number > maximum:
            self.error(name, N_("This number is too large."))
            return None
        return number

    def version(self, name: str = "version") -> int:
        """The optimistic-lock version the form was built from; a missing or forged one can only
        conflict (0 matches no row), never pass."""
        number = int_or_none(self.raw(name), 1)
        return number if number is not None else 0

    def date(self, name: str, required: bool = True, minimum: date = DATE_MIN, maximum: date = DATE_MAX) -> date | None:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, N_("Enter a date."))
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.error(name, N_("Enter a date as YYYY-MM-DD."))
            return None
        if not DATE_MIN <= day <= DATE_MAX:
            self.error(name, N_("Enter a date between 1990-01-01 and 2100-12-31."))
            return None
        if day < minimum or day > maximum:
            self.error(name, N_("This date is outside the allowed range."))
            return None
        return day

    def decimal(self, name: str, required: bool = True, minimum: Decimal | None = None) -> Decimal | None:
        value = self.raw(name).replace(",", "")
        if not value:
            if required:
                self.error(name, N_("This field is required."))
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.error(name, N_("Enter a number."))
            return None
        if not number.is_finite():
            self.error(name, N_("Enter a number."))
            return None
        if minimum is not None and number < minimum:
            self.error(name, N_("The amount cannot be negative."))
            return None
        if number >= Decimal("1e12"):
            self.error(name, N_("The amount is too large."))
            return None
        return number.quantize(Decimal("0.01"))

    def boolean(self, name: str) -> bool:
        return self.raw(name) in ("1", "on", "true", "yes")

    @property
    def ok(self) -> bool:
        return not self.errors


def t_label(kind: str, code: str | None, **params: object) -> str:
    from tracker.labels import label

    return i18n.gettext(_RENDER_LANG.get(), label(kind, code), **params)


TEMPLATE_CALLABLES["label"] = t_label

COLOUR_MARKS = {"red": "●", "amber": "▲", "green": "✓"}


def t_colour_badge(colour: str, status: str = "active") -> Markup:
    """A project's warning colour as a badge (mark and word, never colour alone), or its status
    when it is not active. A function, not a Jinja macro: the project list draws fifty of them,
    and a macro call costs Jinja several times more."""
    if status != "active":
        return Markup('<span class="badge text-bg-secondary">{}</span>').format(t_label("status", status))
    word = t_label("colour", colour)
    return Markup('<span class="badge colour-{}" title="{}"><span aria-hidden="true">{}</span> {}</span>').format(
        colour, word, COLOUR_MARKS[colour], word)


TEMPLATE_CALLABLES["colour_badge"] = t_colour_badge


def t_user(ctx: Any):
    """The logged-in user, or None on public pages (where request.user is not set)."""
    return ctx["request"].scope.get("user")


TEMPLATE_CALLABLES["current_user"] = t_user


def from_json(value: Any) -> dict:
    """JSON columns come back as text on SQLite and may as str on PostgreSQL; templates want dicts."""
    import json

    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


# --- messages after an action (one mechanism for every page) ---------------------------------

FLASH_KEY = "flash"


def flash(request: Request, message: str, **params: object) -> None:
    """Tell the user an action worked ("Project created."). The message, translated now, waits in
    the session until the next page or fragment shows it in the #flash area (an htmx form takes
    that area along with hx-select-oob="#flash")."""
    if request.scope.get("session") is None:
        return
    text = i18n.gettext(lang_of(request), message, **params)
    request.set_session({**request.session, FLASH_KEY: [*request.session.get(FLASH_KEY, []), text]})


def t_take_flashes(ctx: Any) -> list[str]:
    """The messages waiting for this page, removed from the session as they are shown."""
    request = ctx.get("request")
    if request is None or request.scope.get("session") is None:
        return []
    messages = request.session.get(FLASH_KEY) or []
    if messages:
        request.set_session({k: v for k, v in request.session.items() if k != FLASH_KEY})
    return list(messages)


def t_issuer() -> str:
    from tracker.settings import get_settings

    return get_settings().issuer[_RENDER_LANG.get()]


TEMPLATE_CALLABLES["take_flashes"] = t_take_flashes
TEMPLATE_CALLABLES["issuer"] = t_issuer


def t_system_text(table: dict[str, str]):
    def translate(text: str | None) -> str:
        if not text:
            return ""
        lang = _RENDER_LANG.get()
        return i18n.gettext(lang, table[text]) if lang != "zh" and text in table else text

    return translate


def _register_system_text() -> None:
    from tracker.labels import SYSTEM_MILESTONE_NAMES, SYSTEM_TITLES

    TEMPLATE_CALLABLES["milestone_name"] = t_system_text(SYSTEM_MILESTONE_NAMES)
    TEMPLATE_CALLABLES["title_text"] = t_system_text(SYSTEM_TITLES)


_register_system_text()


def t_with_params(params: dict, **changes: object) -> str:
    """"?a=1&b=2": the list's current parameters with some changed (None or "" drops one)."""
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


TEMPLATE_CALLABLES["with_params"] = t_with_params


# Callables that need the request itself (the user, the session's flashes) take the Jinja context.
CONTEXT_CALLABLES = frozenset({"current_user", "take_flashes"})


def install_template_callables(env: Environment) -> None:
    """Every Jinja environment (pages, briefings, e-mails) renders with the same callables."""
    env.template_class = LangTemplate
    for name, function in TEMPLATE_CALLABLES.items():
        env.globals[name] = pass_context(function) if name in CONTEXT_CALLABLES else function
