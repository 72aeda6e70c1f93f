"""Load at 10,000 projects: the real server under wrk, per page, on SQLite and PostgreSQL (issue 16).

    .venv/bin/python benchmarks/load.py [--engine sqlite|postgres|both] [--duration 20] [--runs 1]
        [--urls healthz,list,...] [--postgres postgresql://postgres@127.0.0.1:55432/postgres]
        [--rebuild] [--json results.json]

For each engine it builds a database once and caches it (SQLite: /tmp/tracker-bench/bench.sqlite;
PostgreSQL: the database `tracker_bench` on the --postgres server) with the real CLI:
`tracker migrate`, `tracker demo`, `tracker demo --projects 10000` (timed; --rebuild forces it).
Every run then applies `tracker migrate` (new migrations reach the cached database), starts
`tracker serve --workers 2 --port P` as a user would, logs in as coordinator through the login
form and runs wrk (20 connections, 2 threads) against every page, after checking once that each
page answers 200 (a 302 to /login means the cookie did not work). A bare Litestar + Jinja app
(benchmarks/bare_app.py, the same uvicorn options) is measured the same way in the same run as
the floor. While wrk runs, the RSS of each worker process is sampled every 0.5 s, its CPU time
is taken before and after, and its established connections are counted: uvicorn --workers 2
often hands every keep-alive connection to one worker (DESIGN.md §5), and the CPU column shows it.

The machine is shared and small, so absolute numbers are noisy; compare pages by their ratio to
/healthz in the same run, and the app's floor to the bare app's.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TRACKER = BIN / "tracker"
CACHE = Path("/tmp/tracker-bench")
SQLITE_FILE = CACHE / "bench.sqlite"
PG_DATABASE = "tracker_bench"
DEFAULT_POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:55432/postgres")
PROJECTS = 10000
TODAY = "2026-11-27"  # the demo data's anchor
SECRET_KEY = "5eed" * 16  # fixed, so a cached database's sessions and the server agree
WORKERS = 2
USERNAME, PASSWORD = "coordinator", "tracker-demo"
SEARCH_WORD = "储能"

# key -> path; "{project}" is replaced by an id found on the list page.
URLS = {
    "healthz": "/healthz",
    "static": "/static/css/app.css",
    "list": "/projects/",
    "red": "/projects/?colour=red",
    "search": "/projects/?q=" + urllib.parse.quote(SEARCH_WORD),
    "sort": "/projects/?sort=name",
    "project": "/projects/{project}",
    "dashboard": "/",
}
BARE_URLS = {"page": "/", "static": "/static/css/app.css"}

LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"requests\\": %.0f, \\"duration_us\\": %.0f, \\"bytes\\": %.0f, " ..
    "\\"connect\\": %.0f, \\"read\\": %.0f, \\"write\\": %.0f, \\"status\\": %.0f, \\"timeout\\": %.0f, " ..
    "\\"p50_us\\": %.0f, \\"p90_us\\": %.0f, \\"p95_us\\": %.0f, \\"p99_us\\": %.0f, " ..
    "\\"max_us\\": %.0f, \\"mean_us\\": %.1f}\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""

SERVERS: list[Server] = []


# --------------------------------------------------------------------------- processes (/proc)


def _stat(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/<pid>/stat (after the command name, which may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, process group) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))):
            table[int(entry)] = (int(fields[1]), int(fields[2]))
    return table


def cpu_ticks(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else None  # utime + stime


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _established_inodes(port: int) -> set[str]:
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "01" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    except OSError:
        pass
    return found


def connections_per_worker(pids: list[int], port: int) -> dict[int, int]:
    established = _established_inodes(port)
    return {pid: len(_socket_inodes(pid) & established) for pid in pids}


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """A server process group started in its own session; stop() kills the whole group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, ready_path: str) -> None:
        self.name, self.argv, self.env, self.port, self.ready_path = name, argv, env, port, ready_path
        self.log_path = CACHE / f"server-{name}.log"
        self.proc: subprocess.Popen | None = None
        self.started_workers: list[int] = []

    def start(self, timeout: float = 120) -> None:
        if port_in_use(self.port):
            raise SystemExit(f"port {self.port} is already in use")
        log = open(self.log_path, "w")  # noqa: SIM115 - closed with the process
        SERVERS.append(self)
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name}: the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            started = self.log_path.read_text(errors="replace").count("Application startup complete")
            if started >= WORKERS and len(self.workers()) >= WORKERS:
                try:
                    status, _, _ = request(self.port, self.ready_path)
                except OSError:
                    status = None
                if status == 200:
                    self.started_workers = self.workers()
                    return
            time.sleep(0.3)
        raise SystemExit(f"{self.name}: not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def workers(self) -> list[int]:
        """The worker processes: the leader's children started by multiprocessing (not its
        resource tracker); the leader itself when it has none (a single-process server)."""
        if not self.proc:
            return []
        children = [pid for pid, (ppid, _) in _processes().items() if ppid == self.proc.pid]
        spawned = [pid for pid in children if "spawn_main" in _cmdline(pid) or "multiprocessing-fork" in _cmdline(pid)]
        if not spawned:
            spawned = [pid for pid in children if "resource_tracker" not in _cmdline(pid)]
        return sorted(spawned) or [self.proc.pid]

    def group(self) -> list[int]:
        if not self.proc:
            return []
        return [pid for pid, (_, pgrp) in _processes().items() if pgrp == self.proc.pid]

    def stop(self) -> None:
        if not self.proc:
            return
        proc, self.proc = self.proc, None
        pgid = proc.pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        # Whatever is left of the group (a worker that ignored SIGTERM, an orphan): SIGKILL.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = [pid for pid, (_, pgrp) in _processes().items() if pgrp == pgid]
            if not left:
                break
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        deadline = time.monotonic() + 30
        while port_in_use(self.port) and time.monotonic() < deadline:
            time.sleep(0.2)
        if self in SERVERS:
            SERVERS.remove(self)


def stop_all() -> None:
    for server in list(SERVERS):
        try:
            server.stop()
        except Exception as exc:  # noqa: BLE001 - keep stopping the others
            print(f"could not stop {server.name}: {exc}", file=sys.stderr)


# --------------------------------------------------------------------------- HTTP (login, checks)


def request(port: int, path: str, cookie: str = "", method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 120) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _take_cookies(jar: dict[str, str], headers: http.client.HTTPMessage) -> None:
    for header in headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if morsel["max-age"] == "0" or not morsel.value or morsel.value == "null":
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def login(port: int) -> str:
    """Log in through the real form; the Cookie header a logged-in browser would send."""
    jar: dict[str, str] = {}
    status, headers, _ = request(port, "/login")
    _take_cookies(jar, headers)
    if status != 200 or "csrftoken" not in jar:
        raise SystemExit(f"GET /login answered {status} without a csrftoken cookie ({sorted(jar)})")
    form = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "next": "/", "_csrf_token": jar["csrftoken"]})
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, body = request(port, "/login", cookie, "POST", form.encode(),
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    _take_cookies(jar, headers)
    if status not in (301, 302, 303) or "/login" in (headers.get("Location") or ""):
        snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body.decode(errors="replace")))[:300]
        raise SystemExit(f"login as {USERNAME} failed: POST /login answered {status}: {snippet}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def check_page(port: int, path: str, cookie: str, times: int = 2) -> int:
    """GET the page (also warms both workers' caches a little); 200 or abort. Returns its size."""
    size = 0
    for _ in range(times):
        status, headers, body = request(port, path, cookie)
        if status in (301, 302, 303, 307) and "/login" in (headers.get("Location") or ""):
            raise SystemExit(f"{path} answered {status} to {headers.get('Location')}: the session cookie did not work, "
                             "so wrk would measure the login redirect. Aborting.")
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200: {body[:300]!r}")
        size = len(body)
    return size


# --------------------------------------------------------------------------- databases


def cli_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_TODAY": TODAY, "SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"}
    for name in ("TRACKER_DB_POOL_SIZE", "HOST", "PORT"):
        env.pop(name, None)  # the defaults, as a user starting the server would have
    return env


def run_cli(engine: str, url: str, *args: str) -> float:
    log_path = CACHE / f"build-{engine}.log"
    start = time.perf_counter()
    with open(log_path, "a") as log:
        log.write(f"\n$ tracker {' '.join(args)}\n")
        log.flush()
        result = subprocess.run([str(TRACKER), *args], env=cli_env(url), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if result.returncode:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"{engine}: `tracker {' '.join(args)}` failed ({result.returncode}); {log_path}:\n{tail}")
    return seconds


def _pg_url(server_url: str, database: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + database))


async def _pg(server_url: str, *statements: str) -> list:
    import asyncpg

    conn = await asyncpg.connect(server_url)
    try:
        return [await conn.fetch(statement) for statement in statements]
    finally:
        await conn.close()


def count_projects(engine: str, url: str) -> int | None:
    try:
        if engine == "sqlite":
            if not SQLITE_FILE.exists():
                return None
            with sqlite3.connect(f"file:{SQLITE_FILE}?mode=ro", uri=True) as conn:
                return conn.execute("SELECT count(*) FROM project").fetchone()[0]
        return asyncio.run(_pg(url, "SELECT count(*) AS n FROM project"))[0][0]["n"]
    except Exception:  # noqa: BLE001 - missing database or table: not built
        return None


def ensure_database(engine: str, postgres: str, rebuild: bool) -> tuple[str, dict]:
    """The cached 10,000-project database of the engine, built when missing; its URL and build info."""
    CACHE.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        url = f"sqlite:///{SQLITE_FILE}"
        marker = CACHE / "sqlite.json"
    else:
        url = _pg_url(postgres, PG_DATABASE)
        where = urllib.parse.urlsplit(postgres)
        marker = CACHE / f"postgres-{where.hostname}-{where.port or 5432}.json"
        try:
            exists = asyncio.run(_pg(postgres, f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"))[0]
        except Exception as exc:  # noqa: BLE001
            raise SystemExit(f"cannot reach PostgreSQL at {postgres}: {exc}") from exc
    info = json.loads(marker.read_text()) if marker.exists() else None
    count = count_projects(engine, url) if info and not rebuild else None
    if info and count is not None and count >= PROJECTS:
        print(f"{engine}: cached database {url} ({count:,} projects, built {info['built_at']} "
              f"in {info['generation_s']:.1f} s; --rebuild to build it again)", flush=True)
        info = {**info, "cached": True, "projects": count}
    else:
        marker.unlink(missing_ok=True)
        (CACHE / f"build-{engine}.log").unlink(missing_ok=True)
        if engine == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        else:
            if exists:
                asyncio.run(_pg(postgres, f"DROP DATABASE {PG_DATABASE} WITH (FORCE)"))
            asyncio.run(_pg(postgres, f"CREATE DATABASE {PG_DATABASE}"))
        print(f"{engine}: building {url} (migrate, demo, demo --projects {PROJECTS}) ...", flush=True)
        steps = {
            "migrate_s": run_cli(engine, url, "migrate"),
            "demo_s": run_cli(engine, url, "demo"),
            "demo_projects_s": run_cli(engine, url, "demo", "--projects", str(PROJECTS)),
        }
        count = count_projects(engine, url)
        info = {"engine": engine, "url": url, "projects": count, "built_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
                "generation_s": sum(steps.values()), **steps, "git": git_state()}
        marker.write_text(json.dumps(info, indent=1))
        print(f"{engine}: {count:,} projects generated in {info['generation_s']:.1f} s (migrate {steps['migrate_s']:.1f} s, "
              f"demo {steps['demo_s']:.1f} s, demo --projects {PROJECTS} {steps['demo_projects_s']:.1f} s)", flush=True)
        info = {**info, "cached": False}
    # New migrations (an index, say) reach the cached database, as they would in production.
    info["migrate_now_s"] = run_cli(engine, url, "migrate")
    return url, info


def git_state() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    return {"head": git("rev-parse", "--short", "HEAD"), "changed_files": len(git("status", "--porcelain").splitlines())}


# --------------------------------------------------------------------------- measuring


class Sampler(threading.Thread):
    """Every `interval` s: VmRSS and established connections of each worker process."""

    def __init__(self, server: Server, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.halt = threading.Event()
        self.rss: dict[int, int] = {}
        self.rss_sum = 0
        self.conns: dict[int, int] = {}
        self.samples = 0

    def sample(self) -> None:
        pids = self.server.workers()
        total = 0
        for pid in pids:
            if (kb := rss_kb(pid)) is not None:
                self.rss[pid] = max(self.rss.get(pid, 0), kb)
                total += kb
        self.rss_sum = max(self.rss_sum, total)
        for pid, n in connections_per_worker(pids, self.server.port).items():
            self.conns[pid] = max(self.conns.get(pid, 0), n)
        self.samples += 1

    def run(self) -> None:
        self.sample()
        while not self.halt.wait(self.interval):
            self.sample()

    def finish(self) -> None:
        self.halt.set()
        self.join()


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match[1]), match[2]
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, cookie: str, args: argparse.Namespace, lua: Path) -> dict:
    argv = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
            "--timeout", f"{args.wrk_timeout}s", "-s", str(lua)]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run([args.wrk, *argv[1:], url], capture_output=True, text=True,
                            timeout=args.duration + args.wrk_timeout + 60)
    out = result.stdout
    match = re.search(r"^BENCH_JSON (\{.*\})$", out, re.M)
    if result.returncode or not match:
        raise SystemExit(f"wrk failed ({result.returncode}) on {url}:\n{out}\n{result.stderr}")
    data = json.loads(match[1])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    dist = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M))
    return {
        "requests": int(data["requests"]),
        "rps": float(rps[1]) if rps else data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": _duration_ms(dist["50"]) if "50" in dist else data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "non_2xx_3xx": int(non2xx[1]) if non2xx else int(data["status"]),
        "socket_errors": {k: int(data[k]) for k in ("connect", "read", "write", "timeout")},
        "mb_read": data["bytes"] / 1e6,
        "wrk_output": out,
    }


def probe(server: Server, label: str, path: str, cookie: str, args: argparse.Namespace, lua: Path) -> dict | None:
    """One keep-alive connection for a few seconds: its p50 is the per-request latency without
    queueing. About 40 ms on a page that takes 1 ms means Nagle's algorithm meets the client's
    delayed ACK: the accepted sockets lack TCP_NODELAY (uvicorn --workers N binds its listener with
    proto 0, and asyncio then skips TCP_NODELAY: Kludex/uvicorn#3149), which caps every page at
    about connections / 45 ms (~440 req/s at 20 connections) however fast the app is."""
    if args.probe <= 0:
        return None
    one = argparse.Namespace(**{**vars(args), "threads": 1, "connections": 1, "duration": args.probe})
    settle(server)
    result = run_wrk(f"http://127.0.0.1:{server.port}{path}", cookie, one, lua)
    stalled = result["p50_ms"] >= 30
    note = (f"{label}: one keep-alive connection on {display(path)}: p50 {result['p50_ms']:.1f} ms, {result['rps']:.0f} req/s"
            + (" -- a ~40 ms stall per response (Nagle x delayed ACK: no TCP_NODELAY on accepted sockets, "
               "Kludex/uvicorn#3149); it caps every page near connections / 45 ms" if stalled else ""))
    print(note, flush=True)
    return {"engine": label, "path": path, "p50_ms": result["p50_ms"], "rps": result["rps"], "stalled": stalled, "note": note}


def settle(server: Server, limit: float = 60) -> None:
    """Wait until the workers are idle (requests queued by the last wrk run are done)."""
    deadline = time.monotonic() + limit
    before = {pid: cpu_ticks(pid) or 0 for pid in server.workers()}
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = {pid: cpu_ticks(pid) or 0 for pid in server.workers()}
        if sum(now.get(pid, 0) - before.get(pid, 0) for pid in now) <= 2:  # ticks of 10 ms
            return
        before = now


def measure(server: Server, label: str, paths: dict[str, str], cookie: str, args: argparse.Namespace, lua: Path) -> list[dict]:
    runs: dict[str, list[dict]] = {key: [] for key in paths}
    for run in range(args.runs):
        for key, path in paths.items():
            settle(server)
            pids = server.workers()
            cpu_before = {pid: cpu_ticks(pid) for pid in pids}
            sampler = Sampler(server)
            sampler.start()
            try:
                result = run_wrk(f"http://127.0.0.1:{server.port}{path}", cookie, args, lua)
            finally:
                sampler.finish()
            cpu_after = {pid: cpu_ticks(pid) for pid in pids}
            result["cpu_s"] = {pid: ((cpu_after[pid] or 0) - (cpu_before[pid] or 0)) / os.sysconf("SC_CLK_TCK")
                               for pid in pids if cpu_before[pid] is not None}
            result["rss_mb"] = {pid: kb / 1024 for pid, kb in sampler.rss.items()}
            result["rss_sum_mb"] = sampler.rss_sum / 1024
            result["connections"] = dict(sampler.conns)
            result["workers"] = pids
            runs[key].append(result)
            errors = result["non_2xx_3xx"] + sum(result["socket_errors"].values())
            print(f"  {label:8s} {pad(display(path), 28)} run {run + 1}/{args.runs}: {result['rps']:8.1f} req/s, "
                  f"p50 {result['p50_ms']:7.1f} ms, p95 {result['p95_ms']:7.1f} ms, errors {errors}, "
                  f"cpu {share(result['cpu_s'])}, conns {'/'.join(str(result['connections'].get(p, 0)) for p in pids)}",
                  flush=True)
    return [aggregate(label, key, paths[key], results) for key, results in runs.items()]


def share(cpu: dict[int, float]) -> str:
    total = sum(cpu.values())
    if total <= 0:
        return "-"
    return "/".join(f"{100 * cpu[pid] / total:.0f}%" for pid in sorted(cpu))


def aggregate(label: str, key: str, path: str, results: list[dict]) -> dict:
    rps = [r["rps"] for r in results]
    cpu: dict[int, float] = {}
    rss: dict[int, float] = {}
    conns: dict[int, int] = {}
    for r in results:
        for pid, seconds in r["cpu_s"].items():
            cpu[pid] = cpu.get(pid, 0) + seconds
        for pid, mb in r["rss_mb"].items():
            rss[pid] = max(rss.get(pid, 0), mb)
        for pid, n in r["connections"].items():
            conns[pid] = max(conns.get(pid, 0), n)
    errors = {"non_2xx_3xx": sum(r["non_2xx_3xx"] for r in results)}
    for kind in ("connect", "read", "write", "timeout"):
        errors[kind] = sum(r["socket_errors"][kind] for r in results)
    return {
        "engine": label, "key": key, "path": path, "runs": len(results),
        "rps": statistics.median(rps), "rps_min": min(rps), "rps_max": max(rps),
        "p50_ms": statistics.median(r["p50_ms"] for r in results),
        "p95_ms": statistics.median(r["p95_ms"] for r in results),
        "p99_ms": statistics.median(r["p99_ms"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "errors": errors,
        "rss_max_mb_per_worker": {str(pid): round(mb, 1) for pid, mb in sorted(rss.items())},
        "rss_max_sum_mb": max(r["rss_sum_mb"] for r in results),
        "cpu_s_per_worker": {str(pid): round(s, 2) for pid, s in sorted(cpu.items())},
        "cpu_share": share(cpu),
        "cpu_ms_per_request": 1000 * sum(cpu.values()) / max(1, sum(r["requests"] for r in results)),
        "max_connections_per_worker": {str(pid): n for pid, n in sorted(conns.items())},
        "each_run": [{k: v for k, v in r.items() if k != "wrk_output"} | {"cpu_s": {str(p): s for p, s in r["cpu_s"].items()},
                      "rss_mb": {str(p): s for p, s in r["rss_mb"].items()},
                      "connections": {str(p): s for p, s in r["connections"].items()}} for r in results],
    }


# --------------------------------------------------------------------------- output


def display(path: str) -> str:
    return urllib.parse.unquote(path)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, n: int, right: bool = False) -> str:
    fill = " " * max(0, n - width(text))
    return fill + text if right else text + fill


def fmt_errors(errors: dict) -> str:
    total = sum(errors.values())
    if not total:
        return "0"
    parts = [f"{n} {'non-2xx' if k == 'non_2xx_3xx' else k}" for k, n in errors.items() if n]
    return f"{total} ({', '.join(parts)})"


def table(rows: list[dict], runs: int) -> str:
    reference: dict[str, float] = {}
    for row in rows:
        if (row["engine"] != "bare" and row["key"] == "healthz") or (row["engine"] == "bare" and row["key"] == "page"):
            reference[row["engine"]] = row["rps"]
    headers = ["engine", "url", "req/s" + (" (range)" if runs > 1 else ""), "p50 ms", "p95 ms", "p99 ms", "errors",
               "max RSS/worker MB", "CPU/worker", "CPU ms/req", "conns/worker", "vs healthz"]
    lines = []
    for row in rows:
        rps = f"{row['rps']:.1f}" + (f" ({row['rps_min']:.0f}-{row['rps_max']:.0f})" if runs > 1 else "")
        ref = reference.get(row["engine"])
        lines.append([
            row["engine"], display(row["path"]), rps, f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}", f"{row['p99_ms']:.1f}",
            fmt_errors(row["errors"]), "/".join(f"{mb:.0f}" for mb in row["rss_max_mb_per_worker"].values()),
            row["cpu_share"], f"{row['cpu_ms_per_request']:.1f}", "/".join(str(n) for n in row["max_connections_per_worker"].values()),
            f"{100 * row['rps'] / ref:.1f}%" if ref else "-",
        ])
    widths = [max(width(h), *(width(line[i]) for line in lines)) for i, h in enumerate(headers)]
    numeric = {2, 3, 4, 5, 9, 11}
    out = ["  ".join(pad(h, widths[i], i in numeric) for i, h in enumerate(headers)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(pad(cell, widths[i], i in numeric) for i, cell in enumerate(line)) for line in lines]
    return "\n".join(out)


def floor_summary(rows: list[dict]) -> list[str]:
    bare = {row["key"]: row for row in rows if row["engine"] == "bare"}
    lines = []
    for row in rows:
        if row["engine"] == "bare":
            continue
        against = {"healthz": "page", "static": "static"}.get(row["key"])
        if against and against in bare and row["rps"] > 0:
            times = bare[against]["rps"] / row["rps"]
            lines.append(f"{row['engine']}: {display(row['path'])} {row['rps']:.0f} req/s; bare {bare[against]['path']} "
                         f"{bare[against]['rps']:.0f} req/s = {times:.1f}× the app's (goal: at most 2×)")
    return lines


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per URL and run (default 20)")
    parser.add_argument("--runs", type=int, default=1, help="repeat each URL N times; median req/s and range (default 1)")
    parser.add_argument("--urls", default=",".join(URLS),
                        help=f"comma-separated subset of: {', '.join(f'{k}={display(v)}' for k, v in URLS.items())} (keys or paths)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES,
                        help=f"PostgreSQL server URL; the database {PG_DATABASE} is created there (default {DEFAULT_POSTGRES})")
    parser.add_argument("--rebuild", action="store_true", help="build the cached databases again")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Litestar reference")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk-timeout", type=int, default=30,
                        help="wrk's per-request timeout in s (default 30; wrk's own 2 s would drop slow pages' latencies)")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--probe", type=int, default=3,
                        help="seconds of one-connection load on /healthz and the bare page first (latency floor; 0 skips)")
    args = parser.parse_args()

    chosen = {}
    for item in filter(None, (s.strip() for s in args.urls.split(","))):
        key = item if item in URLS else next((k for k, v in URLS.items() if v == item or display(v) == item), None)
        if key is None:
            parser.error(f"--urls: unknown {item!r}; choose from {', '.join(URLS)}")
        chosen[key] = URLS[key]
    if not Path(args.wrk).exists():
        parser.error(f"wrk not found at {args.wrk}")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]

    # Ctrl-C raises KeyboardInterrupt; SIGTERM/SIGHUP become SystemExit: either way the finally
    # below (and atexit, as a last resort) stops every server group this script started.
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    atexit.register(stop_all)
    CACHE.mkdir(parents=True, exist_ok=True)
    lua = Path(tempfile.mkstemp(prefix="wrk-done-", suffix=".lua", dir=CACHE)[1])
    lua.write_text(LUA)

    report: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "today": TODAY, "projects": PROJECTS,
        "workers": WORKERS, "connections": args.connections, "threads": args.threads, "duration_s": args.duration,
        "runs": args.runs, "cpus": os.cpu_count(), "loadavg_before": os.getloadavg(), "git": git_state(),
        "databases": {}, "rows": [], "probes": [], "notes": [],
    }
    rows: list[dict] = report["rows"]
    print(f"load benchmark: {args.connections} connections, {args.threads} wrk threads, {args.duration} s per URL, "
          f"{args.runs} run(s), {WORKERS} workers, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    try:
        urls_by_engine = {engine: ensure_database(engine, args.postgres, args.rebuild) for engine in engines}
        for engine, (_, info) in urls_by_engine.items():
            report["databases"][engine] = info

        if not args.no_bare:
            port = free_port()
            server = Server("bare", [sys.executable, str(ROOT / "benchmarks" / "bare_app.py"), "--port", str(port),
                                     "--workers", str(WORKERS)], cli_env("sqlite:///" + str(CACHE / "unused.sqlite")), port, "/")
            server.start()
            try:
                for path in BARE_URLS.values():
                    check_page(port, path, "")
                print(f"bare: Litestar + Jinja (benchmarks/bare_app.py) on port {port}, workers {server.workers()}", flush=True)
                if found := probe(server, "bare", BARE_URLS["page"], "", args, lua):
                    report["probes"].append(found)
                rows += measure(server, "bare", BARE_URLS, "", args, lua)
                report["notes"] += worker_notes(server, "bare")
            finally:
                server.stop()

        for engine, (url, _) in urls_by_engine.items():
            port = free_port()
            server = Server(engine, [str(TRACKER), "serve", "--workers", str(WORKERS), "--port", str(port)],
                            cli_env(url), port, "/healthz")
            server.start()
            try:
                cookie = login(port)
                paths = dict(chosen)
                if "project" in paths:
                    status, _, body = request(port, "/projects/", cookie)
                    ids = re.findall(r'href="/projects/(\d+)"', body.decode(errors="replace"))
                    if status != 200 or not ids:
                        raise SystemExit(f"{engine}: no project link on /projects/ (status {status})")
                    paths["project"] = URLS["project"].format(project=ids[0])
                sizes = {key: check_page(port, path, cookie) for key, path in paths.items()}
                if "search" in paths:
                    _, _, body = request(port, paths["search"], cookie)
                    found = len(set(re.findall(r'href="/projects/(\d+)"', body.decode(errors="replace"))))
                    print(f"{engine}: search {SEARCH_WORD!r} lists {found} projects on its first page", flush=True)
                    if not found:
                        report["notes"].append(f"{engine}: the search for {SEARCH_WORD} found nothing")
                print(f"{engine}: tracker serve on port {port}, workers {server.workers()}, logged in as {USERNAME}; "
                      f"page sizes " + ", ".join(f"{key} {size / 1024:.0f} KB" for key, size in sizes.items()), flush=True)
                if found := probe(server, engine, URLS["healthz"], cookie, args, lua):
                    report["probes"].append(found)
                engine_rows = measure(server, engine, paths, cookie, args, lua)
                for row in engine_rows:
                    row["page_kb"] = round(sizes[row["key"]] / 1024, 1)
                rows += engine_rows
                # The session must still be good at the end, or the last rows measured a redirect.
                check_page(port, paths.get("list", "/projects/"), cookie, times=1)
                report["notes"] += worker_notes(server, engine)
            finally:
                server.stop()
    finally:
        stop_all()
        lua.unlink(missing_ok=True)
        report["loadavg_after"] = os.getloadavg()
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False))

    print()
    for engine, info in report["databases"].items():
        print(f"{engine}: {info['projects']:,} projects, generated in {info['generation_s']:.1f} s"
              + (f" (cached, built {info['built_at']})" if info.get("cached") else "")
              + f"; tracker migrate on the cached database {info['migrate_now_s']:.1f} s")
    print(table(rows, args.runs))
    for line in floor_summary(rows) + [p["note"] for p in report["probes"]] + report["notes"]:
        print(line)
    print("CPU/worker: share of the workers' CPU time during the load (sorted by pid); CPU ms/req: the workers' CPU time "
          "per request (steadier than req/s on a busy machine; PostgreSQL's own CPU is not in it); conns/worker: most "
          "established connections seen per worker; vs healthz: req/s against the same server's /healthz (bare: against its page).")
    if args.json:
        print(f"wrote {args.json}")


def worker_notes(server: Server, label: str) -> list[str]:
    notes = []
    now = server.workers()
    if server.started_workers and now and now != server.started_workers:
        notes.append(f"{label}: worker processes changed during the run ({server.started_workers} -> {now}): a worker restarted")
    log = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
    for pattern, what in (("Traceback", "tracebacks"), ("died", "'died' lines"), ('" 500 ', "500 responses in the access log")):
        if (n := log.count(pattern)):
            notes.append(f"{label}: {n} {what} in {server.log_path}")
    return notes


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; every server this script started is stopped")
