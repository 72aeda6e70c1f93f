"""How long a reminder pass takes at scale: the first pass of a day (every notice created, queued
and sent) and the passes after it (nothing new), phase by phase, with the counts per channel.

    .venv/bin/python benchmarks/notify.py [--source /tmp/tracker-bench/bench.sqlite] [--projects 10000]
    BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:55432/tracker_bench_notify .venv/bin/python benchmarks/notify.py --postgres

SQLite: copies --source (never changes it) or, when it is missing, builds a database with the demo
and --projects synthetic projects under a temporary folder. PostgreSQL (--postgres): drops and
creates the database BENCH_POSTGRES_URL names and builds it the same way. E-mails go to a local
SMTP sink (aiosmtpd, from the test extras) so the sending is real; staff also get the group chat
(a local HTTP sink), as a bureau that switched it on for everyone would.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/tmp/tracker-bench/bench.sqlite")

MEASURE = r"""
import asyncio, json, time
from datetime import UTC, datetime
from tests.notice_servers import SmtpServer, WebhookReceiver
from tracker.auth.tables import User
from tracker.calendar.queries import load_calendar
from tracker.notices import commands, queries, rules
from tracker.notices.config import NotifyConfig
from tracker.notices.tables import Notice, NoticePreference
from tracker.projects.tables import Project
from tracker.settings import today
import tempfile, pathlib

async def main(smtp, hook):
    now = datetime.now(UTC)
    for u in await User.select().where(User.role != "enterprise"):
        if not await NoticePreference.exists().where(NoticePreference.user == u["id"]):
            await NoticePreference.insert(NoticePreference(user=u["id"], email=True, webhook=True, updated_at=now))
    config = NotifyConfig.from_settings()
    config = NotifyConfig(**{**config.__dict__, "smtp_url": smtp.url(), "mail_from": "tracker@example.org", "webhook_url": hook.url,
                             "fixed_day": True})
    out = {"projects": await Project.count(), "day": today().isoformat()}
    calendar = await load_calendar()
    t = time.perf_counter(); people, contacts = await queries.load_people(config.default_channels); out["load people (s)"] = time.perf_counter() - t
    t = time.perf_counter(); facts = await queries.gather_facts(today(), calendar, config.policy); out["gather facts (s)"] = time.perf_counter() - t
    t = time.perf_counter(); drafts = rules.drafts(facts, people, today(), calendar, config.policy); out["rules (s)"] = time.perf_counter() - t
    t = time.perf_counter(); first = await commands.run_pass(config, today(), now); out["first pass (s)"] = time.perf_counter() - t
    out["notices created"] = first.created.notices
    out["notices per channel"] = dict(first.created.by_channel)
    out["urgent"] = first.created.urgent
    out["deliveries"] = first.queued
    out["sent"] = {f"{c}/{s}": n for (c, s), n in first.outcomes.items()}
    out["e-mails received"] = len(smtp.messages)
    out["webhook posts received"] = len(hook.posts)
    times = []
    for _ in range(3):
        t = time.perf_counter(); again = await commands.run_pass(config, today(), now); times.append(time.perf_counter() - t)
        assert again.created.notices == 0 and again.queued == 0
    out["later pass, nothing new (s, best of 3)"] = min(times)
    out["notices in the outbox"] = await Notice.count()
    return out

with tempfile.TemporaryDirectory() as folder, SmtpServer(pathlib.Path(folder)) as smtp, WebhookReceiver() as hook:
    print(json.dumps(asyncio.run(main(smtp, hook)), ensure_ascii=False))
"""


def tracker(url: str, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "tracker.cli", *args], check=True, cwd=ROOT, capture_output=True,
                   env={**os.environ, "DATABASE_URL": url, "TRACKER_TODAY": "2026-11-27"})


def build(url: str, projects: int) -> None:
    tracker(url, "migrate")
    tracker(url, "demo")
    tracker(url, "demo", "--projects", str(projects - 44))


def measure(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_TODAY": "2026-11-27", "TRACKER_DB_POOL_SIZE": "0", "PICCOLO_CONF": "piccolo_conf"}
    result = subprocess.run([sys.executable, "-c", MEASURE], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="an SQLite database with the demo and N projects (copied)")
    parser.add_argument("--projects", type=int, default=10000, help="projects to build when there is no source")
    parser.add_argument("--postgres", action="store_true", help="measure on BENCH_POSTGRES_URL instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as folder:
        if args.postgres:
            url = os.environ["BENCH_POSTGRES_URL"]
            name = re.sub(r".*/", "", url)
            admin = re.sub(r"/[^/]*$", "/postgres", url)
            import asyncio

            import asyncpg

            async def recreate():
                conn = await asyncpg.connect(admin)
                await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                await conn.execute(f"CREATE DATABASE {name}")
                await conn.close()

            asyncio.run(recreate())
            started = time.perf_counter()
            build(url, args.projects)
            print(f"built {url} with {args.projects} projects in {time.perf_counter() - started:.0f} s")
        else:
            path = Path(folder) / "bench.sqlite"
            url = f"sqlite:///{path}"
            if args.source.exists():
                shutil.copy(args.source, path)
                tracker(url, "migrate")
                print(f"copied {args.source}")
            else:
                started = time.perf_counter()
                build(url, args.projects)
                print(f"built {path} with {args.projects} projects in {time.perf_counter() - started:.0f} s")
        for key, value in measure(url).items():
            print(f"{key:40} {value:.2f}" if isinstance(value, float) else f"{key:40} {value}")


if __name__ == "__main__":
    main()
