"""Project list render time at scale: median of repeated requests, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/project_list.py [--projects 10000] [--repeat 15]

Builds a fresh database per engine (demo + N synthetic projects), then times the list page
(first page, a filtered page, a text search, the htmx fragment) through the real app in-process.
PostgreSQL is used when BENCH_POSTGRES_URL is set (a server database the script may drop/create).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(url: str, projects: int) -> float:
    env = {**os.environ, "DATABASE_URL": url}
    start = time.perf_counter()
    for args in (["migrate"], ["demo"], ["demo", "--projects", str(projects - 44)]):
        subprocess.run([sys.executable, "-m", "tracker.cli", *args], check=True, env=env, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def measure(url: str, repeat: int) -> dict[str, float]:
    code = f"""
import os, statistics, time, json
os.environ["DATABASE_URL"] = {url!r}
from litestar.testing import TestClient
from tracker.app import create_app
cases = {{
    "first page": ("/projects", {{}}),
    "colour=red & stage=construction": ("/projects?colour=red&stage=construction", {{}}),
    "text search": ("/projects?q=%E5%8C%97%E8%BE%B0", {{}}),
    "htmx fragment, page 20": ("/projects?page=20", {{"HX-Request": "true", "HX-Target": "project-table"}}),
    "dashboard": ("/", {{}}),
}}
out = {{}}
with TestClient(create_app()) as c:
    c.get("/login")
    c.post("/login", data={{"username": "coordinator", "password": "tracker-demo", "_csrf_token": c.cookies.get("csrftoken")}})
    for name, (path, headers) in cases.items():
        c.get(path, headers=headers)
        times = []
        for _ in range({repeat}):
            t = time.perf_counter(); r = c.get(path, headers=headers); times.append(time.perf_counter() - t)
            assert r.status_code == 200, (path, r.status_code)
        out[name] = statistics.median(times) * 1000
print(json.dumps(out))
"""
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_TODAY": "2026-11-27"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    engines = {"sqlite": f"sqlite:///{tempfile.mkdtemp(prefix='tracker-bench-')}/bench.sqlite"}
    if pg := os.environ.get("BENCH_POSTGRES_URL"):
        import asyncio

        import asyncpg

        async def recreate():
            admin = await asyncpg.connect(pg.rsplit("/", 1)[0] + "/postgres")
            name = pg.rsplit("/", 1)[1]
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            await admin.execute(f"CREATE DATABASE {name}")
            await admin.close()

        asyncio.run(recreate())
        engines["postgresql"] = pg
    for engine, url in engines.items():
        seconds = prepare(url, args.projects)
        print(f"{engine}: {args.projects} projects generated in {seconds:.1f} s")
        for name, ms in measure(url, args.repeat).items():
            print(f"  {name:34s} median {ms:7.1f} ms over {args.repeat} requests")


if __name__ == "__main__":
    main()
