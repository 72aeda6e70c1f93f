"""HTML of the documents from the project's templates, and PDF from that HTML (WeasyPrint)."""

from __future__ import annotations

import atexit
import threading
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tracker.briefings.charts import font_file
from tracker.settings import ROOT, today
from tracker.web import from_json, install_template_callables


@lru_cache
def environment() -> Environment:
    """The web pages' template callables, outside a request: the language comes from the context."""
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape(default=True))
    install_template_callables(env)
    env.globals["today"] = today
    env.filters["from_json"] = from_json
    return env


def html(template: str, context: dict[str, Any], lang: str) -> str:
    return environment().get_template(template).render(**context, lang=lang)


_per_thread = threading.local()


def _fonts():
    """The CJK font (Kurinto Sans SC, regular and bold), loaded once per thread: reading the
    two 10 MB files for every document costs more than laying out a page."""
    if not hasattr(_per_thread, "fonts"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        faces = "".join(
            f'@font-face {{ font-family: "Kurinto Sans SC"; src: url("{font_file(f).as_uri()}"); font-weight: {w}; }}'
            for f, w in (("Rg", "normal"), ("Bd", "bold"))
        )
        _per_thread.fonts = (config, CSS(string=faces, font_config=config))
        if threading.current_thread() is threading.main_thread():
            # Let it go before the interpreter tears down the modules its finaliser needs.
            atexit.register(lambda: _per_thread.__dict__.pop("fonts", None))
    return _per_thread.fonts


def layout(document: str):
    """The laid-out WeasyPrint document (its pages can be counted before writing)."""
    from weasyprint import HTML

    config, faces = _fonts()
    return HTML(string=document, base_url=str(ROOT)).render(stylesheets=[faces], font_config=config)


def pdf(document: str) -> bytes:
    # Hinting is for screens at small sizes; printed briefings do without it (and subset faster).
    return layout(document).write_pdf(hinting=False)
