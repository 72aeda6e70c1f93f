"""A delivery's message, written for its channel in the reader's language: an e-mail (plain text
and HTML from templates/notices/email.html), a markdown digest for the group chat, a short SMS."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tracker.notices import rules, texts
from tracker.notices.channels import Outgoing
from tracker.notices.channels.webhook import MAX_BYTES
from tracker.notices.config import NotifyConfig
from tracker.settings import ROOT
from tracker.web import install_template_callables

# Items shown per section of an e-mail; the rest are counted, with a link to the notices page.
EMAIL_ITEMS_PER_SECTION = 50


@lru_cache
def environment() -> Environment:
    """The pages' template callables outside a request: the language comes from the context."""
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(default=True))
    install_template_callables(env)
    return env


def digest(notices: list[dict], lang: str, config: NotifyConfig, limit: int | None = None) -> list[dict]:
    """The notices as titled sections of sentences with absolute links."""
    out = []
    for section in rules.sections(notices):
        shown = section.items if limit is None else section.items[:limit]
        out.append({
            "rule": section.rule,
            "title": texts.section_title(section.rule, lang),
            "count": len(section.items),
            "items": [{"text": texts.describe(n["rule"], n["params"], lang), "url": config.link(n["link"]) if n["link"] else ""}
                      for n in shown],
            "more": texts.more(len(section.items) - len(shown), lang) if len(section.items) > len(shown) else "",
        })
    return out


def _email(delivery: dict, notices: list[dict], config: NotifyConfig, subject: str) -> Outgoing:
    lang = delivery["language"]
    day: date = delivery["day"]
    has_login = delivery["user"] is not None
    heading = texts.heading(delivery["name"], day, delivery["urgent"], lang)
    sections = digest(notices, lang, config, EMAIL_ITEMS_PER_SECTION)
    lines = [heading, ""]
    for s in sections:
        lines.append(f"{s['title']} ({s['count']})")
        for item in s["items"]:
            lines.append(f"- {item['text']}")
            if item["url"]:
                lines.append(f"  {item['url']}")
        if s["more"]:
            lines.append(f"  {s['more']}")
        lines.append("")
    if has_login:
        lines += [f"{texts.see_all(lang)}: {config.link('/notices')}", ""]
    lines += ["-- ", texts.why(has_login, lang)]
    if has_login:
        lines.append(config.link("/account/notifications"))
    html = environment().get_template("notices/email.html").render(
        lang=lang, subject=subject, heading=heading, sections=sections, has_login=has_login,
        notices_url=config.link("/notices"), settings_url=config.link("/account/notifications"), why=texts.why(has_login, lang),
        see_all=texts.see_all(lang),
    )
    return Outgoing(delivery["id"], "email", delivery["address"], delivery["name"], subject, "\n".join(lines) + "\n", html=html,
                    notices=len(notices))


def _escape_markdown(text: str) -> str:
    """Brackets would end a markdown link early; the full-width ones read the same in Chinese."""
    return text.replace("[", "［").replace("]", "］").replace("\n", " ")


def markdown(delivery: dict, notices: list[dict], config: NotifyConfig, limit_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """(title, markdown) for the group robot, cut to the robot's size limit with a count of the rest."""
    lang = delivery["language"]
    title = texts.heading(delivery["name"], delivery["day"], delivery["urgent"], lang)
    tail = f"[{_escape_markdown(texts.see_all(lang))}]({config.link('/notices')})"
    lines = [f"**{_escape_markdown(title)}**"]
    size = len(lines[0].encode()) + len(tail.encode()) + 200  # room for the tail and a "… and N more"
    left = len(notices)
    cut = False
    for s in digest(notices, lang, config):
        header = f"> **{_escape_markdown(s['title'])}** ({s['count']})"
        for i, item in enumerate(s["items"]):
            line = f"· [{_escape_markdown(item['text'])}]({item['url']})" if item["url"] else f"· {_escape_markdown(item['text'])}"
            add = ([header] if i == 0 else []) + [line]
            cost = sum(len(x.encode()) + 1 for x in add)
            if size + cost > limit_bytes:
                cut = True
                break
            lines += add
            size += cost
            left -= 1
        if cut:
            break
    if cut and left:
        lines.append(texts.more(left, lang))
    lines.append(tail)
    return title, "\n".join(lines)


def sms(delivery: dict, notices: list[dict], config: NotifyConfig) -> str:
    counts = [(s.rule, len(s.items)) for s in rules.sections(notices)]
    return texts.sms_text(delivery["name"], counts, config.link("/notices"), delivery["language"])


def build(delivery: dict, notices: list[dict], config: NotifyConfig) -> Outgoing:
    """The message of one delivery (a row of notice_delivery) carrying these notices."""
    lang = delivery["language"]
    subject = texts.subject(len(notices), delivery["urgent"], delivery["day"], lang)
    channel = delivery["channel"]
    if channel == "email":
        return _email(delivery, notices, config, subject)
    if channel == "webhook":
        title, text = markdown(delivery, notices, config)
        return Outgoing(delivery["id"], channel, "", delivery["name"], title, text, markdown=text, notices=len(notices))
    text = sms(delivery, notices, config)
    return Outgoing(delivery["id"], channel, delivery["address"], delivery["name"], subject, text, notices=len(notices))
