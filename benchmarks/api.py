"""The read API at 10,000 projects: requests per second of the list endpoint (and a few others)
through the real server under wrk, on SQLite and PostgreSQL (issue 19).

    .venv/bin/python benchmarks/api.py [--engine sqlite|postgres|both] [--duration 10]
        [--postgres postgresql://postgres@127.0.0.1:55432/postgres] [--rebuild]

It uses benchmarks/load.py's cached 10,000-project databases (built with the real CLI when
missing), applies `tracker migrate`, issues a token with `tracker token create` (all scopes),
starts `tracker serve --workers 2` with the rate limit off (TRACKER_API_RATE_LIMIT=0) and runs wrk
(20 connections, 2 threads) with `Authorization: Bearer …` against each URL, after checking once
that each answers 200. Every request also counts the token's read for the day (one upsert), as in
production.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402 - benchmarks/load.py: databases, server processes, wrk's Lua reporter

URLS = {
    "list": "/api/v1/projects",
    "list-50": "/api/v1/projects?limit=50",
    "list-red": "/api/v1/projects?colour=red&status=active",
    "list-deep": "/api/v1/projects?cursor={cursor}",
    "item": "/api/v1/projects/{project}",
    "list-304": "/api/v1/projects",  # with If-None-Match: the ETag of the first page
    "figures": "/api/v1/figures",
}


def get(port: int, path: str, token: str, extra: dict | None = None) -> tuple[int, dict, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}", **(extra or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def wrk(args: argparse.Namespace, url: str, headers: list[str], lua: Path) -> dict:
    argv = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "30s",
            "-s", str(lua)]
    for header in headers:
        argv += ["-H", header]
    result = subprocess.run([*argv, url], capture_output=True, text=True, timeout=args.duration + 120)
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)$", out, re.M)
    if result.returncode or not rps:
        raise SystemExit(f"wrk failed on {url}:\n{out}\n{result.stderr}")
    return {"rps": float(rps[1]), "p50": p50[1] if p50 else "?", "non_2xx_3xx": int(non2xx[1]) if non2xx else 0}


def token_for(url: str) -> str:
    name = f"bench-{int(time.time())}"
    result = subprocess.run([str(load.TRACKER), "token", "create", "--name", name], env=load.cli_env(url), cwd=load.ROOT,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"tracker token create failed: {result.stderr}")
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL (default 10)")
    parser.add_argument("--urls", default=",".join(URLS), help=f"comma-separated subset of {', '.join(URLS)}")
    parser.add_argument("--postgres", default=load.DEFAULT_POSTGRES)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    keys = [k for k in args.urls.split(",") if k]
    if unknown := set(keys) - set(URLS):
        parser.error(f"--urls: unknown {', '.join(sorted(unknown))}")
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    load.CACHE.mkdir(parents=True, exist_ok=True)
    lua = Path(tempfile.mkstemp(prefix="wrk-done-", suffix=".lua", dir=load.CACHE)[1])
    lua.write_text(load.LUA)
    results = []
    print(f"API benchmark: {args.connections} connections, {args.threads} wrk threads, {args.duration} s per URL, "
          f"{load.WORKERS} workers, load average {__import__('os').getloadavg()[0]:.2f}", flush=True)
    try:
        for engine in engines:
            url, _info = load.ensure_database(engine, args.postgres, args.rebuild)
            token = token_for(url)
            port = load.free_port()
            env = {**load.cli_env(url), "TRACKER_API_RATE_LIMIT": "0"}
            server = load.Server(f"api-{engine}", [str(load.TRACKER), "serve", "--workers", str(load.WORKERS), "--port", str(port)],
                                 env, port, "/healthz")
            server.start()
            try:
                status, headers, body = get(port, URLS["list"], token)
                if status != 200:
                    raise SystemExit(f"{engine}: {URLS['list']} answered {status}: {body[:300]!r}")
                first = json.loads(body)
                paths = {k: URLS[k].format(cursor=first["next_cursor"], project=first["items"][0]["id"]) for k in keys}
                for key in keys:
                    extra = {"If-None-Match": headers["etag"]} if key == "list-304" else {}
                    st, _, page = get(port, paths[key], token, extra)
                    if st not in (200, 304):
                        raise SystemExit(f"{engine}: {paths[key]} answered {st}")
                    load.settle(server)
                    sent = [f"Authorization: Bearer {token}", *([f"If-None-Match: {extra['If-None-Match']}"] if extra else [])]
                    measured = wrk(args, f"http://127.0.0.1:{port}{paths[key]}", sent, lua)
                    row = {"engine": engine, "key": key, "path": paths[key], "status": st, "kb": round(len(page) / 1024, 1), **measured}
                    results.append(row)
                    print(f"{engine:8} {key:10} {row['rps']:8.1f} req/s  p50 {row['p50']:>8}  {row['kb']:6.1f} KB  "
                          f"non-2xx/3xx {row['non_2xx_3xx']}", flush=True)
            finally:
                server.stop()
    finally:
        load.stop_all()
        lua.unlink(missing_ok=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
