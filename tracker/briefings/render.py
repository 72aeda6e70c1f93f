"""HTML of the documents from the project's templates, and PDF from that HTML (WeasyPrint)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from tracker.briefings.charts import font_file
from tracker.settings import ROOT, today
from tracker.web import TEMPLATE_CALLABLES, from_json


@lru_cache
def environment() -> Environment:
    """The web pages' template callables, outside a request: the language comes from the context."""
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(default=True))
    for name, function in TEMPLATE_CALLABLES.items():
        env.globals[name] = pass_context(function)
    env.globals["today"] = today
    env.filters["from_json"] = from_json
    return env


def html(template: str, context: dict[str, Any], lang: str) -> str:
    fonts = {"regular": font_file("Rg").as_uri(), "bold": font_file("Bd").as_uri()}
    return environment().get_template(template).render(**context, lang=lang, fonts=fonts)


def layout(document: str):
    """The laid-out WeasyPrint document (its pages can be counted before writing)."""
    from weasyprint import HTML

    return HTML(string=document, base_url=str(ROOT)).render()


def pdf(document: str) -> bytes:
    return layout(document).write_pdf()
