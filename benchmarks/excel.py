"""Excel at scale: the import preview and the import of a 5,000-row ledger, and the export of the
project list at 10,000 projects. Each measurement runs in its own process, so its peak memory
(ru_maxrss) is its own.

    .venv/bin/python benchmarks/excel.py [--source /tmp/tracker-bench/bench.sqlite] [--rows 5000] [--runs 3]

--source is an SQLite database with the demo and 10,000 synthetic projects (benchmarks/load.py
builds one; `tracker demo --projects 10000` too). It is copied, never changed. Targets (issue 13):
preview of 5,000 rows under 10 s, export of 10,000 projects under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")

EXPORT = r"""
import io, json, resource, sys, time
sys.path.insert(0, ROOT)
from openpyxl import load_workbook
from tests.helpers import Client
from tracker.app import create_app
with Client(app=create_app()) as c:
    c.login("coordinator")
    t, cpu = time.perf_counter(), time.process_time()
    r = c.get("/projects/?format=xlsx&status=")
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert r.status_code == 200, r.status_code
    rows = sum(1 for _ in load_workbook(io.BytesIO(r.content), read_only=True).active.iter_rows()) - 1
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows, "bytes": len(r.content),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

IMPORT = r"""
import asyncio, json, resource, sys, time
sys.path.insert(0, ROOT)
from tracker.db import write_transaction
from tracker.excel import queries
from tracker.settings import today
content = open(BOOK, "rb").read()

async def main():
    t, cpu = time.perf_counter(), time.process_time()
    result = await queries.check(content, today())
    preview, preview_cpu = time.perf_counter() - t, time.process_time() - cpu
    outcomes = {}
    for r in result.results:
        outcomes[r.outcome] = outcomes.get(r.outcome, 0) + 1
    written = 0
    write = write_cpu = None
    if WRITE:
        t, cpu = time.perf_counter(), time.process_time()
        async with write_transaction():
            written = len(await queries.write(result, {}, [], None, today(), False, queries._no_progress))
        write, write_cpu = time.perf_counter() - t, time.process_time() - cpu
    return preview, preview_cpu, write, write_cpu, outcomes, written

preview, preview_cpu, write, write_cpu, outcomes, written = asyncio.run(main())
print(json.dumps({"preview_seconds": preview, "preview_cpu": preview_cpu, "write_seconds": write, "write_cpu": write_cpu, "outcomes": outcomes, "written": written,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_ledger(path: Path, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.excel_books import project_row, workbook_bytes

    path.write_bytes(workbook_bytes([project_row(900_000 + n) for n in range(rows)]))


def run(code: str, env: dict[str, str], **values: object) -> dict:
    prelude = "".join(f"{k} = {v!r}\n" for k, v in {"ROOT": str(ROOT), **values}.items())
    out = subprocess.run([PYTHON, "-c", prelude + code], env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def runs(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="/tmp/tracker-bench/bench.sqlite")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = Path(args.source)
    if not source.exists():
        sys.exit(f"{source}: missing; build it with `tracker demo --projects 10000` or benchmarks/load.py")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        shutil.copy(source, db)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "TRACKER_TODAY": "2026-11-27", "SECRET_KEY": "ab" * 32,
               "TRACKER_UPLOAD_DIR": str(Path(tmp) / "uploads")}
        subprocess.run([str(ROOT / ".venv" / "bin" / "tracker"), "migrate"], env=env, check=True, capture_output=True)
        book = Path(tmp) / "ledger.xlsx"
        build_ledger(book, args.rows)
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times stretch with it; CPU times less)")
        print(f"ledger: {args.rows} rows, {book.stat().st_size / 1024:.0f} KiB")

        exports = [run(EXPORT, env) for _ in range(args.runs)]
        print(f"export of the project list: {exports[0]['rows']} rows, {exports[0]['bytes'] / 1024:.0f} KiB; "
              f"median {statistics.median(e['seconds'] for e in exports):.2f} s "
              f"(runs {runs(e['seconds'] for e in exports)}; CPU {runs(e['cpu'] for e in exports)}), peak RSS {max(e['peak_mb'] for e in exports):.0f} MB")

        previews = [run(IMPORT, env, BOOK=str(book), WRITE=False) for _ in range(args.runs)]
        print(f"import preview of {args.rows} rows: median {statistics.median(p['preview_seconds'] for p in previews):.2f} s "
              f"(runs {runs(p['preview_seconds'] for p in previews)}; CPU {runs(p['preview_cpu'] for p in previews)}), outcomes {previews[0]['outcomes']}, "
              f"peak RSS {max(p['peak_mb'] for p in previews):.0f} MB")

        written = run(IMPORT, env, BOOK=str(book), WRITE=True)
        print(f"import of {args.rows} rows (preview + write in one transaction): write {written['write_seconds']:.2f} s (CPU {written['write_cpu']:.2f} s), "
              f"{written['written']} rows written, peak RSS {written['peak_mb']:.0f} MB")
        again = run(IMPORT, env, BOOK=str(book), WRITE=False)
        print(f"the same file again: preview {again['preview_seconds']:.2f} s, outcomes {again['outcomes']}")


if __name__ == "__main__":
    main()
