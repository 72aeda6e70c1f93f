"""`tracker import projects FILE.xlsx [--dry-run]`: the page's import from the command line, with a
progress bar. A refusal (unreadable file, rows with errors, undecided duplicates, unknown names)
is a message on stderr and exit code 2, with nothing written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tracker import i18n
from tracker.db import write_transaction
from tracker.excel import queries, rules, workbook
from tracker.settings import today

LANG = "zh"


def _refuse(message: str) -> NoReturn:
    print(f"tracker: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _t(message: str, **params: object) -> str:
    return i18n.gettext(LANG, message, **params)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="import projects from an Excel workbook (the ledger)")
    what = parser.add_subparsers(dest="import_command", required=True)
    projects = what.add_parser("projects", help="import the project ledger (.xlsx); see /projects/import/template.xlsx")
    projects.add_argument("file", help="the workbook (.xlsx)")
    projects.add_argument("--dry-run", action="store_true", help="check every row and say what it would do; write nothing")
    projects.add_argument("--create-missing", action="store_true", help="create the officers and departments the sheet names that do not exist")
    projects.add_argument("--duplicates", choices=("stop", "same", "different"), default="stop",
                          help="likely duplicates: stop (refuse, the default), same (leave them out), different (import them as new)")
    projects.add_argument("--skip-errors", action="store_true", help="leave out rows with errors and import the others")


async def import_projects(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        _refuse(f"{args.file}: no such file")
    content = path.read_bytes()
    checked = workbook.check_upload(content)
    if checked.problem:
        _refuse(f"{args.file}: {_t(checked.problem, mb=workbook.limits().max_bytes // (1024 * 1024))}")
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(_t("Reading the workbook…"), total=None)

        async def progress(phase: str, done: int, total: int) -> None:
            words = {"reading": "Reading the workbook…", "checking": "Checking the rows…", "writing": "Importing…"}
            bar.update(task, description=_t(words[phase]), completed=done, total=total or None)

        try:
            result = await queries.check(content, today(), progress=progress)
        except workbook.Unreadable as unreadable:
            _refuse(f"{args.file}: {_t(unreadable.args[0], n=workbook.limits().max_rows)}")
        create = [u.key for u in result.unknown] if args.create_missing else []
        decisions = {r.number: args.duplicates for r in result.results if r.outcome == "duplicate" and args.duplicates != "stop"}
        if create or decisions:
            result = queries.Check(result.parsed, *(await _reclassify(result, decisions, create)))
        counts = rules.summary(result.results, decisions)
        _report(result, counts, args)
        problems = counts["error"] and not args.skip_errors
        undecided = counts["duplicate"] and args.duplicates == "stop"
        if problems or undecided:
            _refuse(_t("nothing was written: correct the rows above, or see --skip-errors, --duplicates and --create-missing"))
        if args.dry_run:
            print(_t("Dry run: %(n)s rows would be written; nothing was written.", n=counts["write"]))
            return
        if not counts["write"]:
            print(_t("Nothing to import: every row is already recorded as it is in the workbook."))
            return
        try:
            async with write_transaction():
                written = await queries.write(result, decisions, create, None, today(), args.skip_errors, progress)
        except queries.Changed:
            _refuse(_t("The data changed since the preview (or rows still have errors): nothing was written. Check the new preview and confirm again."))
    print(_t("Imported: %(n)s rows written.", n=len(written)))


async def _reclassify(result: queries.Check, decisions: dict[int, str], create: list[str]):
    lookups = await queries.load_lookups(today())
    return rules.classify(result.parsed.rows, lookups, decisions, create)


def _report(result: queries.Check, counts: dict[str, int], args: argparse.Namespace) -> None:
    header = result.parsed.header
    print(f"{args.file}: {_t('sheet “%(sheet)s”, header in row %(row)s', sheet=result.parsed.sheet, row=header.row + 1)}")
    words = {"new": "New project", "update": "Update", "unchanged": "Unchanged", "duplicate": "Likely duplicate", "error": "Error"}
    print("  " + " · ".join(f"{_t(words[o])} {counts[o]}" for o in rules.OUTCOMES))
    letters = {f: c.letter for f, c in header.columns.items()}
    for r in result.results:
        for field, message, params in r.problems:
            column = f"{letters[field]}列「{header.columns[field].header}」" if field in letters else f"「{rules.FIELD[field].header if field in rules.FIELD else field}」"
            print(f"  {_t('Row')} {r.number} {column}: {_t(message, **params)}", file=sys.stderr)
        if r.outcome == "duplicate":
            names = "; ".join(f"#{c['id']} {c['name']}" if not c.get("row") else f"{_t('Row')} {c['row']} {c['name']}" for c in r.candidates)
            print(f"  {_t('Row')} {r.number}: {_t('Likely duplicate')}: {names}", file=sys.stderr)
    for u in result.unknown:
        print(f"  {_t('Not recorded yet: create them with the import?')} {u.name} ({u.kind}; {_t('rows')} {', '.join(map(str, u.rows[:10]))})",
              file=sys.stderr)
