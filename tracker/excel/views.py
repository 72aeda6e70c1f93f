"""Importing the project ledger (/projects/import, coordinators and admins) and the monthly report
workbook (/briefings/monthly.xlsx). The list exports are called from the lists' own views."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser, managers_only, staff_only
from tracker.duplicates import rules as duplicate_rules
from tracker.excel import exports, queries, rules, template, workbook
from tracker.i18n import N_
from tracker.listing import Page, paginate, parse_page
from tracker.settings import today
from tracker.web import Form, flash, lang_of

ROWS_PER_PAGE = 100
WORDS = {
    "status_words": {"reading": N_("Reading the workbook…"), "checking": N_("Checking the rows…"), "ready": N_("Checked: waiting for your confirmation"),
                     "writing": N_("Importing…"), "done": N_("Imported"), "failed": N_("Failed")},
    "outcome_words": {"new": N_("New project"), "update": N_("Update"), "unchanged": N_("Unchanged"), "duplicate": N_("Likely duplicate"),
                      "error": N_("Error")},
    "outcome_badges": {"new": "text-bg-primary", "update": "text-bg-info", "unchanged": "text-bg-light border", "duplicate": "text-bg-warning",
                       "error": "text-bg-danger"},
    "change_words": {"name": N_("Project name"), "enterprise_id": N_("Enterprise"), "industry": N_("Industry"), "district_id": N_("District"),
                     "park_id": N_("Park"), "total_investment": N_("Total investment (10,000 CNY)"), "level": N_("Level"),
                     "green_channel": N_("Green channel"), "description": N_("Notes")},
    "why_words": duplicate_rules.WHY,
}
# A check or write that has not reported for this long stopped (its server went away).
STALLED_SECONDS = 300


def _stalled(batch: dict) -> bool:
    from datetime import UTC, datetime

    return batch["status"] in ("reading", "checking", "writing") and (datetime.now(UTC) - batch["updated_at"]).total_seconds() > STALLED_SECONDS \
        and not batch.get("done")


class ImportController(Controller):
    path = "/projects/import"
    guards = [managers_only]

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template("excel/import.html", context=await self._index_context())

    async def _index_context(self, error: str | None = None) -> dict:
        return {**WORDS, "fields": rules.FIELDS, "batches": await queries.recent_batches(), "error": error,
                "max_mb": workbook.limits().max_bytes // (1024 * 1024), "max_rows": workbook.limits().max_rows}

    @get("/template.xlsx")
    async def template_workbook(self, request: Request) -> Response:
        content = await template.build(lang_of(request))
        return Response(content, media_type=workbook.XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": workbook.content_disposition("重点项目导入模板.xlsx", "project-import-template.xlsx"),
            "Cache-Control": "private, no-store"})

    @post("/")
    async def upload(self, request: Request) -> Response:
        """Keep the file's check as a batch and show its preview; the check runs after the answer
        is sent, and the batch page shows its progress meanwhile."""
        user: CurrentUser = request.user
        data = await request.form()
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return Template("excel/import.html", status_code=422, context=await self._index_context(N_("Choose a workbook to upload.")))
        content = await upload.read()
        checked = workbook.check_upload(content)
        if checked.problem:
            return Template("excel/import.html", status_code=422, context=await self._index_context(checked.problem))
        batch_id = await queries.new_batch(upload.filename, content, user.id)
        return Redirect(f"/projects/import/{batch_id}", background=BackgroundTask(queries.run_check, batch_id, content, today()))

    async def _batch(self, batch_id: int) -> dict:
        batch = await queries.get_batch(batch_id)
        if batch is None:
            raise NotFoundException()
        batch["stalled"] = _stalled(batch)
        return batch

    @get("/{batch_id:int}")
    async def show(self, request: Request, batch_id: int) -> Template:
        batch = await self._batch(batch_id)
        if batch["status"] in ("reading", "checking", "writing") and not batch["stalled"]:
            return Template("excel/progress.html", context={**WORDS, "batch": batch})
        outcome = request.query_params.get("outcome", "")
        outcome = outcome if outcome in rules.OUTCOMES else ""
        stored = await queries.batch_rows(batch_id, outcome)
        page: Page = paginate(stored, parse_page(request.query_params.get("page")), ROWS_PER_PAGE)
        return Template("excel/preview.html", context={
            **WORDS, "batch": batch, "page": page, "outcome": outcome, "outcomes": rules.OUTCOMES, "fields": rules.FIELD,
            "headers": {f: h for f, (_letter, h) in batch["columns"].get("found", {}).items()},
            "letters": {f: letter for f, (letter, _h) in batch["columns"].get("found", {}).items()},
            "params": {"outcome": outcome} if outcome else {},
        })

    @get("/{batch_id:int}/progress")
    async def progress(self, request: Request, batch_id: int) -> Response:
        """Polled by the progress page: the bar, or (when finished) a refresh to the preview."""
        batch = await self._batch(batch_id)
        if batch["status"] not in ("reading", "checking", "writing") or batch["stalled"]:
            return Response("", status_code=200, headers={"HX-Refresh": "true"})
        return Template("excel/_progress.html", context={**WORDS, "batch": batch})

    @post("/{batch_id:int}")
    async def choose(self, request: Request, batch_id: int) -> Response:
        """Save the choices on the preview (likely duplicates, names to create, rows with errors
        left out), check again with them, and with "confirm" write everything in one transaction."""
        batch = await self._batch(batch_id)
        data = await request.form()
        form = Form(data)
        if batch["status"] != "ready":
            flash(request, N_("This import is not waiting for a confirmation any more."))
            return Redirect(f"/projects/import/{batch_id}")
        if form.version() != batch["version"]:
            flash(request, N_("Someone else changed this import since you opened the page. Check it again."))
            return Redirect(f"/projects/import/{batch_id}")
        decisions = {}
        bulk = form.raw("all_duplicates")
        if bulk in ("same", "different"):
            decisions = {r["number"]: bulk for r in await queries.batch_rows(batch_id, "duplicate")}
        for key in data:
            if key.startswith("dup_") and data.get(key) in ("same", "different") and key[4:].isdigit():
                decisions[int(key[4:])] = data.get(key)
        known = {u["key"] for u in batch["unknown"]}
        create = [k for k in data.getall("create", []) if k in known]
        skip_errors = form.boolean("skip_errors")
        await queries.save_choices(batch_id, decisions, create, skip_errors, today())
        if form.raw("action") != "confirm":
            flash(request, N_("The preview was checked again with your choices."))
            return Redirect(f"/projects/import/{batch_id}#choices")
        fresh = await self._batch(batch_id)
        if fresh["counts"].get("error") and not skip_errors:
            flash(request, N_("Some rows still have errors: correct the workbook and upload it again, or leave those rows out."))
            return Redirect(f"/projects/import/{batch_id}?outcome=error")
        if not fresh["counts"].get("write"):
            flash(request, N_("Nothing to import: every row is already recorded as it is in the workbook."))
            return Redirect(f"/projects/import/{batch_id}")
        if not await queries.start_write(batch_id, fresh["version"]):
            return Redirect(f"/projects/import/{batch_id}")
        user: CurrentUser = request.user
        return Redirect(f"/projects/import/{batch_id}", background=BackgroundTask(queries.run_write, batch_id, user.id, today()))


class MonthlyReportController(Controller):
    path = "/briefings"
    guards = [staff_only]

    @get("/monthly.xlsx")
    async def monthly(self, request: Request) -> Response:
        try:
            content, name, fallback = await exports.monthly(request.query_params.get("month"), lang_of(request))
        except exports.BadMonth as bad:
            return Template("errors/error.html", status_code=422, context={"status": 422, "message": bad.args[0]})
        return Response(content, media_type=workbook.XLSX_MEDIA_TYPE, headers={
            "Content-Disposition": workbook.content_disposition(name, fallback), "Cache-Control": "private, no-store"})
