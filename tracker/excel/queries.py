"""Importing the project ledger: look-ups, the check (preview), and the write, shared by the
pages (/projects/import) and the command line (`tracker import projects`).

Nothing is written until the user confirms; the confirm checks every row again inside its write
transaction and writes all rows or none.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from anyio import to_thread

from tracker import i18n
from tracker.admin import queries as admin_queries
from tracker.audit.record import audit
from tracker.db import engine, is_sqlite
from tracker.duplicates import rules as duplicate_rules
from tracker.excel import rules, workbook
from tracker.excel.tables import ImportBatch, ImportRow
from tracker.i18n import N_
from tracker.labels import LABELS
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects import lifecycle
from tracker.projects import queries as project_queries
from tracker.projects import rules as project_rules
from tracker.projects.tables import Milestone, MilestoneChange, Project
from tracker.settings import get_settings, sqlite_path
from tracker.web import from_json

Progress = Callable[[str, int, int], Awaitable[None]]


async def _no_progress(_phase: str, _done: int, _total: int) -> None:
    return None


def _now() -> datetime:
    return datetime.now(UTC)


# --- what the database holds ---------------------------------------------------------------------


def vocabulary() -> rules.Vocabulary:
    """The spellings of industries, levels and stages: the code, the English and the Chinese label,
    and for levels the short forms ledgers use (省级, 市重点)."""

    def spellings(kind: str, extra: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
        out = {}
        for code, message in LABELS[kind].items():
            for text in (code, message, i18n.gettext("zh", message), *(extra or {}).get(code, ())):
                out[rules.choice_key(text)] = code
        return out

    levels = spellings("level", {"provincial": ("省级", "省重点", "省级重点"), "city": ("市级", "市重点", "市级重点"),
                                 "district": ("区级", "区县级", "区重点", "区级重点", "县级")})
    stage_labels = {code: (i18n.gettext("zh", message), message) for code, message in LABELS["stage"].items()}
    return rules.Vocabulary(spellings("industry"), levels, spellings("stage"), stage_labels)


def _editable(p: dict) -> dict:
    """A project's editable details, keyed as projects.queries.update_project takes them."""
    return {"name": p["name"], "enterprise_id": p["enterprise"], "industry": p["industry"], "district_id": p["district"],
            "park_id": p["park"], "total_investment": str(Decimal(p["total_investment"]).quantize(Decimal("0.01"))), "level": p["level"],
            "green_channel": p["green_channel"], "description": p["description"]}


async def load_lookups(today: date) -> rules.Lookups:
    """Everything a check compares rows with, in a few queries (thousands of projects are fine)."""
    projects = await Project.select(
        Project.id, Project.name, Project.enterprise, Project.industry, Project.district, Project.park, Project.total_investment,
        Project.level, Project.green_channel, Project.description, Project.version, Project.status,
        Project.enterprise.credit_code.as_alias("code"), Project.enterprise.name.as_alias("enterprise_name"),
    ).where(Project.merged_into.is_null())
    known = [duplicate_rules.Known(p["id"], p["name"], duplicate_rules.name_key(p["name"]), p["code"], p["enterprise_name"], p["status"])
             for p in projects]
    enterprises = await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.credit_code)
    enterprise_names: dict[str, list[dict]] = {}
    for e in enterprises:
        enterprise_names.setdefault(rules.person_key(e["name"]), []).append(e)
    officers = await Officer.select(Officer.id, Officer.name, Officer.is_leader, Officer.department, Officer.active, Officer.phone)
    by_name: dict[str, list[dict]] = {}
    for o in officers:
        by_name.setdefault(rules.person_key(o["name"]), []).append(o)
    phones = {d: o for o in officers if o["active"] and (d := rules.phone_digits(o["phone"] or ""))}
    departments = {rules.person_key(d["name"]): d for d in
                   await Department.select(Department.id, Department.name, Department.kind, Department.parent, Department.active)}
    templates = {}
    for t in await lifecycle.templates():
        templates[rules.choice_key(t["name"])] = t["id"]
        templates[rules.choice_key(t["code"])] = t["id"]
    return rules.Lookups(
        index=duplicate_rules.Index(known),
        projects={p["id"]: {"values": _editable(p), "version": p["version"], "row": p} for p in projects},
        enterprises={e["credit_code"]: e for e in enterprises},
        enterprise_names=enterprise_names, officers=by_name, officers_by_id={o["id"]: o for o in officers}, phones=phones,
        departments=departments, templates=templates, default_template=await lifecycle.default_template_id(), today=today,
    )


# --- reading a workbook --------------------------------------------------------------------------


@dataclass
class Parsed:
    sheet: str
    header: rules.Header
    rows: list[rules.Row]
    skipped: list[int] = field(default_factory=list)  # blank, title and subtotal rows

    def columns(self) -> dict:
        return {"found": {f: [c.letter, c.header] for f, c in self.header.columns.items()}, "ignored": self.header.ignored,
                "missing": self.header.missing}


def parse_workbook(content: bytes, vocab: rules.Vocabulary) -> Parsed:
    """The first sheet with a recognisable header, its rows read. Raises workbook.Unreadable."""
    sheets = workbook.read_sheets(content, workbook.limits().max_rows)
    for sheet in sheets:
        header = rules.find_header(sheet.rows, vocab.stage_labels)
        if header is None:
            continue
        rows, skipped = [], []
        for i in range(header.row + 1, len(sheet.rows)):
            row = rules.parse_row(sheet.rows[i], i + 1, header, vocab)
            if row is None:
                if any(v not in (None, "") for v in sheet.rows[i]):
                    skipped.append(i + 1)
                continue
            rows.append(row)
        return Parsed(sheet.title, header, rows, skipped)
    raise workbook.Unreadable(N_NO_HEADER)


N_NO_HEADER = N_("No sheet has a header row with the project name and at least two other known columns (see the template).")


@dataclass
class Check:
    parsed: Parsed
    results: list[rules.Result]
    unknown: list[rules.Unknown]


async def check(content: bytes, today: date, decisions: dict[int, str] | None = None, create: Sequence[str] = (),
                progress: Progress = _no_progress) -> Check:
    """Read and check a workbook without writing anything (the CLI's --dry-run, the page's preview).
    The workbook is parsed in a worker thread so the server keeps answering meanwhile."""
    await progress("reading", 0, 0)
    parsed = await to_thread.run_sync(parse_workbook, content, vocabulary())
    await progress("checking", 0, len(parsed.rows))
    lookups = await load_lookups(today)
    results, unknown = rules.classify(parsed.rows, lookups, decisions, create)
    await progress("checking", len(parsed.rows), len(parsed.rows))
    return Check(parsed, results, unknown)


# --- writing -------------------------------------------------------------------------------------


class Changed(Exception):
    """The database changed since the preview: what confirming would do is no longer what was shown."""


async def _create_unknowns(unknown: Sequence[rules.Unknown], create: set[str], user_id: int | None) -> dict[str, int]:
    """Create the officers and departments the user agreed to; departments first (a park's
    district, an officer's department may be among them)."""
    ids: dict[str, int] = {}

    def resolve(ref: Any) -> Any:
        return ids.get(ref) if rules.department_ref(ref) else ref

    wanted = [u for u in unknown if u.key in create]
    for u in sorted((u for u in wanted if u.kind == "department"), key=lambda u: u.department_kind == "park"):
        ids[u.key] = await admin_queries.create_department({"name": u.name, "kind": u.department_kind, "parent": resolve(u.parent)},
                                                           user_id)
    bureau = await Department.select(Department.id).where(Department.kind == "bureau", Department.active == True).first()  # noqa: E712
    for u in (u for u in wanted if u.kind == "officer"):
        department = resolve(u.department) or (bureau["id"] if bureau else None)
        ids[u.key] = await admin_queries.create_officer({"name": u.name, "title": "", "department": department, "phone": "", "email": "",
                                                         "is_leader": u.is_leader}, user_id)
    return ids


async def _record_stage(project_id: int, stage: str, given: dict[str, str], user_id: int | None, today: date) -> str:
    """The milestones up to the imported current stage recorded done (on the stage dates given,
    else on their plan dates), then the stage derived by the same rule as everywhere."""
    milestones = await Milestone.select(Milestone.id, Milestone.stage, Milestone.name, Milestone.planned_on, Milestone.actual_on,
                                        Milestone.not_applicable).where(Milestone.project == project_id).order_by(Milestone.seq)
    done = dict(rules.done_dates(stage, milestones, given, today))
    for milestone_id, day in done.items():
        await Milestone.update({Milestone.actual_on: day, Milestone.version: Milestone.version + 1}).where(Milestone.id == milestone_id)
    if done:
        await MilestoneChange.insert(*[
            MilestoneChange(milestone=mid, kind="done", to_date=day, reason="import", user=user_id, at=_now()) for mid, day in done.items()
        ])
        names = {m["id"]: m["name"] for m in milestones}
        await audit(user_id, "milestone_done", "project", project_id,
                    {"via": "import", "done": "; ".join(f"{names[mid]} {day.isoformat()}" for mid, day in done.items())})
    derived = project_rules.derive_stage(
        (m["stage"], m["actual_on"] is not None or m["not_applicable"] or m["id"] in done) for m in milestones)
    if derived != "signed":
        await Project.update({Project.stage: derived}).where(Project.id == project_id)
    return derived


async def write(check_: Check, decisions: dict[int, str], create: Sequence[str], user_id: int | None, today: date,
                skip_errors: bool = False, progress: Progress = _no_progress) -> dict[int, int]:
    """Write every row that confirming writes; call inside one write transaction (all or none).

    The rows are checked again against the database as it is now; when the outcome of any row
    differs from `check_` (someone created or changed a project meanwhile), Changed is raised
    before anything is written. Returns {row number: project id} of the rows written."""
    lookups = await load_lookups(today)
    results, unknown = rules.classify(check_.parsed.rows, lookups, decisions, create)
    if [r.fingerprint() for r in results] != [r.fingerprint() for r in check_.results]:
        raise Changed()
    if any(r.outcome == "error" for r in results) and not skip_errors:
        raise Changed()
    calendar = await project_queries.load_calendar()
    ids = await _create_unknowns(unknown, set(create), user_id)
    enterprises: dict[str, int] = {}

    async def enterprise_id(ref: Any) -> int:
        if isinstance(ref, dict) and "id" in ref:
            return ref["id"]
        name, code = ref["new"] if isinstance(ref, dict) else ref
        if code not in enterprises:
            enterprises[code] = await project_queries.create_enterprise(name, code, "", "", user_id)
        return enterprises[code]

    def ref(value: Any) -> Any:
        return ids[value] if isinstance(value, str) and value in ids else value

    todo = [r for r in results if rules.will_write(r, decisions.get(r.number))]
    written: dict[int, int] = {}
    staged: list[int] = []
    for n, r in enumerate(todo):
        if r.outcome == "update":
            values = dict(r.plan["values"])
            if isinstance(values["enterprise_id"], str):
                values["enterprise_id"] = await enterprise_id(r.plan["new_enterprise"])
            values.update(total_investment=Decimal(values["total_investment"]), district_id=ref(values["district_id"]),
                          park_id=ref(values["park_id"]))
            current = lookups.projects[r.match]["row"]
            await project_queries.update_project(current, values, r.plan["version"], user_id, today, calendar)
            written[r.number] = r.match
        else:
            p = r.plan
            project_id = await project_queries.create_project(project_queries.NewProject(
                name=p["name"], enterprise_id=await enterprise_id(p["enterprise"]), industry=p["industry"], district_id=ref(p["district"]),
                park_id=ref(p["park"]), total_investment=Decimal(p["investment"]), signed_on=date.fromisoformat(p["signed_on"]),
                level=p["level"], green_channel=p["green_channel"], introducing_unit_id=ref(p["introducing_unit"]),
                first_signing_department_id=ref(p["first_signing_department"]), first_signing_leader_id=ref(p["first_signing_leader"]),
                responsible_leader_id=ref(p["responsible_leader"]), lead_officer_id=ref(p["lead_officer"]), description=p["description"],
                template_id=p["template"], area_leader_id=ref(p["area_leader"]), unit_leader_id=ref(p["unit_leader"]),
            ), user_id, today, calendar)
            if p["stage"] != "signed" and await _record_stage(project_id, p["stage"], p["stage_dates"], user_id, today) != "signed":
                staged.append(project_id)
            written[r.number] = project_id
        if n % 25 == 0 or n == len(todo) - 1:
            await progress("writing", n + 1, len(todo))
    # Milestones recorded done change colours: refreshed once for all of them.
    for start in range(0, len(staged), 500):
        await project_queries.refresh_colours(staged[start:start + 500], today, calendar)
    return written


# --- batches (the pages) -------------------------------------------------------------------------


def result_json(r: rules.Result) -> dict:
    return {k: v for k, v in asdict(r).items() if k not in ("number", "outcome", "problems")}


def result_from(row: dict) -> rules.Result:
    data = from_json(row["result"])
    return rules.Result(row["number"], row["outcome"], _json_list(row["problems"]), data.get("needs", []), data.get("match"),
                        data.get("candidates", []), data.get("changes", {}), data.get("plan", {}))


def row_from(row: dict) -> rules.Row:
    return rules.Row(row["number"], from_json(row["values"]), from_json(row["shown"]), [])


def _json_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return json.loads(value) if value else []


async def new_batch(filename: str, content: bytes, user_id: int) -> int:
    now = _now()
    row = await ImportBatch.insert(ImportBatch(
        filename=filename[:200], size=len(content), sha256=hashlib.sha256(content).hexdigest(), status="reading",
        created_by=user_id, created_at=now, updated_at=now,
    )).returning(ImportBatch.id)
    return row[0]["id"]


async def get_batch(batch_id: int) -> dict | None:
    row = await ImportBatch.select(*ImportBatch.all_columns(), ImportBatch.created_by.display_name.as_alias("user_name")).where(
        ImportBatch.id == batch_id).first()
    if row:
        for name in ("columns", "notes", "counts"):
            row[name] = from_json(row[name])
        for name in ("unknown", "create"):
            row[name] = _json_list(row[name])
        row.update(_progress_file_state(batch_id, row))
    return row


async def recent_batches(limit: int = 10) -> list[dict]:
    return await ImportBatch.select(ImportBatch.id, ImportBatch.filename, ImportBatch.status, ImportBatch.created_at,
                                    ImportBatch.counts, ImportBatch.created_by.display_name.as_alias("user_name")).order_by(
        ImportBatch.id, ascending=False).limit(limit)


async def _set(batch_id: int, **values: Any) -> None:
    await ImportBatch.update({**{getattr(ImportBatch, k): v for k, v in values.items()}, ImportBatch.updated_at: _now()}).where(
        ImportBatch.id == batch_id)


async def _store(batch_id: int, result: Check, decisions: dict[int, str], progress: Progress) -> None:
    rows = {r.number: r for r in result.parsed.rows}
    total = len(result.results)
    for start in range(0, total, 500):
        chunk = result.results[start:start + 500]
        await ImportRow.insert(*[
            ImportRow(batch=batch_id, number=r.number, outcome=r.outcome, values=json.dumps(rows[r.number].values, ensure_ascii=False),
                      shown=json.dumps(rows[r.number].shown, ensure_ascii=False), problems=json.dumps(r.problems, ensure_ascii=False),
                      result=json.dumps(result_json(r), ensure_ascii=False), decision=decisions.get(r.number))
            for r in chunk
        ])
        await progress("checking", min(total, start + 500), total)


def _unknown_json(unknown: Sequence[rules.Unknown]) -> str:
    return json.dumps([asdict(u) for u in unknown], ensure_ascii=False)


def batch_progress(batch_id: int) -> Progress:
    async def report(phase: str, done: int, total: int) -> None:
        if phase == "writing":
            await _report_from_transaction(batch_id, done, total)
        else:
            await _set(batch_id, status=phase, done=done, total=total)

    return report


async def run_check(batch_id: int, content: bytes, today: date) -> None:
    """The background part of an upload: read, check, keep the preview; the batch says how far it is."""
    progress = batch_progress(batch_id)
    try:
        result = await check(content, today, progress=progress)
        await ImportBatch.update({
            ImportBatch.sheet: result.parsed.sheet[:100], ImportBatch.header_row: result.parsed.header.row + 1,
            ImportBatch.columns: json.dumps(result.parsed.columns(), ensure_ascii=False),
            ImportBatch.notes: json.dumps({"macros": workbook.check_upload(content).macros, "skipped": result.parsed.skipped[:50],
                                           "skipped_count": len(result.parsed.skipped)}, ensure_ascii=False),
            ImportBatch.unknown: _unknown_json(result.unknown),
        }).where(ImportBatch.id == batch_id)
        await _store(batch_id, result, {}, progress)
        await _set(batch_id, status="ready", counts=json.dumps(rules.summary(result.results, {})), done=len(result.results),
                   total=len(result.results))
    except workbook.Unreadable as unreadable:
        await _set(batch_id, status="failed", message=unreadable.args[0])
    except Exception:  # noqa: BLE001 - the user sees "failed", the log has the traceback
        import logging

        logging.getLogger("tracker").exception("import check failed")
        await _set(batch_id, status="failed", message=N_FAILED)


N_FAILED = N_("The check failed unexpectedly. Nothing was written.")


async def stored_check(batch_id: int) -> tuple[Check, dict[int, str]]:
    """The batch's rows as kept at the preview, with the user's choices for likely duplicates."""
    batch = await get_batch(batch_id)
    stored = await ImportRow.select().where(ImportRow.batch == batch_id).order_by(ImportRow.number)
    columns = batch["columns"].get("found", {})
    header = rules.Header((batch["header_row"] or 1) - 1, {f: rules.Column(f, 0, h) for f, (_l, h) in columns.items()})
    parsed = Parsed(batch["sheet"], header, [row_from(r) for r in stored])
    unknown = [rules.Unknown(**u) for u in batch["unknown"]]
    decisions = {r["number"]: r["decision"] for r in stored if r["decision"]}
    return Check(parsed, [result_from(r) for r in stored], unknown), decisions


async def save_choices(batch_id: int, decisions: dict[int, str], create: Sequence[str], skip_errors: bool, today: date) -> None:
    """Keep the user's choices and check the rows again with them (an unknown name ticked for
    creation turns its rows from errors into new projects)."""
    previous, stored_decisions = await stored_check(batch_id)
    stored_decisions.update(decisions)
    lookups = await load_lookups(today)
    results, unknown = rules.classify(previous.parsed.rows, lookups, stored_decisions, create)
    before = {r.number: r for r in previous.results}
    for r in results:
        old = before[r.number]
        if r.fingerprint() != old.fingerprint() or r.problems != old.problems or r.number in decisions:
            await ImportRow.update({
                ImportRow.outcome: r.outcome, ImportRow.problems: json.dumps(r.problems, ensure_ascii=False),
                ImportRow.result: json.dumps(result_json(r), ensure_ascii=False), ImportRow.decision: stored_decisions.get(r.number),
            }).where(ImportRow.batch == batch_id, ImportRow.number == r.number)
    # The unknown names stay those of the first check (plus any new ones), so a tick can be undone.
    known_keys = {u.key for u in previous.unknown}
    all_unknown = previous.unknown + [u for u in unknown if u.key not in known_keys]
    await _set(batch_id, unknown=_unknown_json(all_unknown), create=json.dumps(list(create), ensure_ascii=False), skip_errors=skip_errors,
               counts=json.dumps(rules.summary(results, stored_decisions)), message="", version=ImportBatch.version + 1)


async def start_write(batch_id: int, version: int) -> bool:
    """Claim a ready batch for writing (one confirm only, even when clicked twice)."""
    updated = await ImportBatch.update({ImportBatch.status: "writing", ImportBatch.done: 0, ImportBatch.updated_at: _now(),
                                        ImportBatch.version: ImportBatch.version + 1}).where(
        ImportBatch.id == batch_id, ImportBatch.status == "ready", ImportBatch.version == version).returning(ImportBatch.id)
    return bool(updated)


async def run_write(batch_id: int, user_id: int, today: date) -> None:
    """The background part of a confirm: one write transaction for every row, or nothing."""
    from tracker.db import write_transaction

    stored, decisions = await stored_check(batch_id)
    batch = await get_batch(batch_id)
    progress = batch_progress(batch_id)
    try:
        async with write_transaction():
            written = await write(stored, decisions, batch["create"], user_id, today, batch["skip_errors"], progress)
            for start in range(0, len(written), 500):
                chunk = list(written.items())[start:start + 500]
                cases = " ".join("WHEN CAST({} AS INTEGER) THEN CAST({} AS INTEGER)" for _ in chunk)
                args = [v for pair in chunk for v in pair]
                await ImportRow.raw(f"UPDATE import_row SET project = CASE number {cases} END WHERE batch = {{}} AND number IN "
                                    f"({', '.join('{}' for _ in chunk)})", *args, batch_id, *[n for n, _p in chunk])
            counts = {**batch["counts"], "written": len(written)}
            if written:
                await audit(user_id, "import", "import_batch", batch_id, {
                    "filename": batch["filename"], "sha256": batch["sha256"], "rows": len(written),
                    "created": sum(1 for r in stored.results if r.number in written and r.outcome != "update"),
                    "updated": sum(1 for r in stored.results if r.number in written and r.outcome == "update")})
            await ImportBatch.update({ImportBatch.status: "done", ImportBatch.counts: json.dumps(counts), ImportBatch.done: len(written),
                                      ImportBatch.total: len(written), ImportBatch.finished_at: _now(),
                                      ImportBatch.updated_at: _now()}).where(ImportBatch.id == batch_id)
    except Changed:
        await save_choices(batch_id, {}, batch["create"], batch["skip_errors"], today)
        await _set(batch_id, status="ready", message=N_CHANGED)
    except Exception:  # noqa: BLE001 - rolled back: nothing was written
        import logging

        logging.getLogger("tracker").exception("import failed")
        await _set(batch_id, status="failed", message=N_WRITE_FAILED)
    finally:
        _progress_path(batch_id).unlink(missing_ok=True)


N_CHANGED = N_("The data changed since the preview (or rows still have errors): nothing was written. Check the new preview and confirm again.")
N_WRITE_FAILED = N_("The import failed and was rolled back: nothing was written.")


# --- progress of a write, seen from other app servers ---------------------------------------------


def _progress_path(batch_id: int) -> Path:
    path = sqlite_path(get_settings().database_url)
    folder = Path(path).parent if path else Path(".")
    return folder / "imports" / f"batch-{batch_id}.json"


async def _report_from_transaction(batch_id: int, done: int, total: int) -> None:
    """A write holds its transaction open: its progress must be told outside it. On PostgreSQL
    through another connection (every app server reads the batch row); on SQLite, whose one
    writer is this transaction, in a small file beside the database (SQLite's app servers share
    that machine)."""
    if is_sqlite():
        path = _progress_path(batch_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": done, "total": total}))
        temporary.replace(path)
        return
    # A task with an empty context runs outside this transaction (Piccolo keeps it in a context variable).
    await asyncio.get_running_loop().create_task(_set(batch_id, done=done, total=total), context=contextvars.Context())


def _progress_file_state(batch_id: int, row: dict) -> dict:
    if row["status"] != "writing" or not engine() or not is_sqlite():
        return {}
    try:
        state = json.loads(_progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return {}
    return {"done": state.get("done", 0), "total": state.get("total", 0)}


async def batch_rows(batch_id: int, outcome: str = "") -> list[dict]:
    """The preview's rows (one outcome, or all), in the sheet's order, JSON decoded."""
    query = ImportRow.select().where(ImportRow.batch == batch_id).order_by(ImportRow.number)
    if outcome:
        query = query.where(ImportRow.outcome == outcome)
    rows = await query
    for r in rows:
        r["shown"] = from_json(r["shown"])
        r["problems"] = _json_list(r["problems"])
        r["result"] = from_json(r["result"])
    return rows
