"""Weekly briefing at scale: time and peak memory to gather, render and print the PDF.

    .venv/bin/python benchmarks/briefing.py [--sizes 40,500,5000]

For each size a fresh SQLite database gets the demo (44 projects) plus synthetic projects up to
the size; a separate process then builds the weekly briefing six times (cold, then the median of five
warm runs, as an app server that has made one before) and reports the time of each step and the
process's peak resident memory. Target: under 3 s at 500 projects.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEASURE = """
import asyncio, json, resource, time
from datetime import date
from tracker.briefings import documents, render, rules

async def once():
    today = date(2026, 11, 27)
    t0 = time.perf_counter()
    html = await documents.weekly(rules.parse_week("2026-W48", today), "zh", today)
    t1 = time.perf_counter()
    laid_out = render.layout(html)
    pdf = laid_out.write_pdf(hinting=False)
    t2 = time.perf_counter()
    return {"html_s": t1 - t0, "pdf_s": t2 - t1, "total_s": t2 - t0, "pdf_kb": len(pdf) // 1024, "pages": len(laid_out.pages)}

cold = asyncio.run(once())
runs = sorted((asyncio.run(once()) for _ in range(5)), key=lambda r: r["total_s"])
warm = runs[2]  # the median of five
warm["range"] = [round(runs[0]["total_s"], 2), round(runs[-1]["total_s"], 2)]
print(json.dumps({"cold": cold, "warm": warm, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def prepare(url: str, projects: int) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    steps = [["migrate"], ["demo"]] + ([["demo", "--projects", str(projects - 44)]] if projects > 44 else [])
    for args in steps:
        subprocess.run([sys.executable, "-m", "tracker.cli", *args], check=True, env=env, cwd=ROOT, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="40,500,5000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            url = f"sqlite:///{tmp}/bench-{size}.sqlite"
            start = time.perf_counter()
            prepare(url, size)
            built = time.perf_counter() - start
            env = {**os.environ, "DATABASE_URL": url, "TRACKER_TODAY": "2026-11-27"}
            out = subprocess.run([sys.executable, "-c", MEASURE], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            cold, warm = r["cold"], r["warm"]
            print(f"{max(size, 44):>5} projects (db built in {built:.0f} s): "
                  f"cold {cold['total_s']:.2f} s (data+html {cold['html_s']:.2f}, pdf {cold['pdf_s']:.2f}), "
                  f"warm median {warm['total_s']:.2f} s (data+html {warm['html_s']:.2f}, pdf {warm['pdf_s']:.2f}; range {warm['range'][0]}-{warm['range'][1]} s), "
                  f"{warm['pages']} pages, {warm['pdf_kb']} KB, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
