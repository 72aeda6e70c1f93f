"""The reference for benchmarks/load.py: a bare Litestar app served the way `tracker serve` serves.

    .venv/bin/python benchmarks/bare_app.py --port 8001 [--workers 2]

One route (`/`) renders a small Jinja template; `/static/` serves the tracker's own static
folder, so `/static/css/app.css` is the same file as in the app. No sessions, CSRF, middleware,
database or security headers: what is left is the floor of Litestar + Jinja + uvicorn on this
machine. It is started through the same function as `tracker serve` (tracker/serve.py): uvloop, httptools,
one SO_REUSEPORT socket per worker, no access log.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "tracker" / "static"

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/css/app.css"></head>
<body><main><h1>{{ title }}</h1>
<table>{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td><td>{{ row.colour }}</td></tr>{% endfor %}</table>
</main></body></html>
"""

ROWS = [{"id": i, "name": f"项目 {i}", "colour": ("red", "amber", "green")[i % 3]} for i in range(10)]


@get("/")
async def page() -> Template:
    return Template("page.html", context={"title": "重点项目", "rows": ROWS})


def create_app() -> Litestar:
    environment = Environment(loader=DictLoader({"page.html": PAGE}), autoescape=select_autoescape(), enable_async=False)
    return Litestar(
        route_handlers=[page, create_static_files_router(path="/static", directories=[STATIC])],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment)),
        openapi_config=None,
    )


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--access-log", action="store_true", help="log every request, as `tracker serve --access-log`")
    args = parser.parse_args()
    # Served exactly as `tracker serve` serves (tracker/serve.py).
    from tracker.serve import serve

    serve(args.host, args.port, args.workers, access_log=args.access_log, app="bare_app:create_app",
          app_dir=str(Path(__file__).resolve().parent))

if __name__ == "__main__":
    main()
