"""Reads and writes of the API: tokens, their daily counts, and the data the endpoints serve, from
the same queries the pages and the briefings use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker.api import rules
from tracker.api.tables import ApiToken, ApiUsage
from tracker.audit.record import audit
from tracker.audit.tables import AuditEvent
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.liaison import queries as liaison
from tracker.meetings import queries as meeting_queries
from tracker.org.tables import Department
from tracker.projects import queries as project_queries
from tracker.projects.tables import ColourChange, Project
from tracker.promises import queries as promise_queries
from tracker.promises.tables import Fulfilment
from tracker.requests import queries as request_queries


class Refused(Exception):
    """A token cannot be created or revoked as asked (an English message id)."""


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """The token a request came with, as the endpoints need it."""

    id: int
    name: str
    scopes: tuple[str, ...]
    district: int | None
    token_hash: str


async def create_token(name: str, scopes: list[str], district: int | None, expires_on: date | None,
                       user_id: int | None) -> tuple[int, str]:
    """A new token: (id, the token itself, to show once). Refused for a name in use or an unknown district."""
    name = name.strip()
    if problem := rules.name_problem(name):
        raise Refused(problem)
    if not scopes:
        raise Refused(N_("Choose at least one area the token may read."))
    token = rules.new_token()
    async with write_transaction():
        if await ApiToken.exists().where(ApiToken.name == name, ApiToken.revoked_at.is_null()):
            raise Refused(N_("An active token already has this name."))
        if district is not None and not await Department.exists().where(Department.id == district, Department.kind == "district"):
            raise Refused(N_("No such district."))
        row = await ApiToken.insert(ApiToken(
            name=name, token_hash=rules.hash_token(token), prefix=token[:10], scopes=",".join(scopes), district=district,
            expires_on=expires_on, created_by=user_id, created_at=datetime.now(UTC),
        )).returning(ApiToken.id)
        token_id = row[0]["id"]
        await audit(user_id, "api_token_create", "api_token", token_id, {
            "name": name, "scopes": ",".join(scopes), "district": district, "expires_on": expires_on,
        })
    return token_id, token


async def revoke_token(token_id: int | None, user_id: int | None, name: str | None = None) -> str:
    """Revoke an active token, by id or by name; effective for the next request. Returns its name."""
    async with write_transaction():
        query = ApiToken.select(ApiToken.id, ApiToken.name).where(ApiToken.revoked_at.is_null())
        query = query.where(ApiToken.id == token_id) if token_id is not None else query.where(ApiToken.name == (name or ""))
        row = await query.first()
        if row is None:
            raise Refused(N_("No active token by that name."))
        await ApiToken.update({ApiToken.revoked_at: datetime.now(UTC), ApiToken.revoked_by: user_id}).where(ApiToken.id == row["id"])
        await audit(user_id, "api_token_revoke", "api_token", row["id"], {"name": row["name"]})
    return row["name"]


async def token_rows() -> list[dict]:
    """Every token, newest first, with its district, last use and reads (today and in all)."""
    rows = await ApiToken.select(
        *ApiToken.all_columns(exclude=[ApiToken.token_hash]),
        ApiToken.district.name.as_alias("district_name"),
        ApiToken.created_by.display_name.as_alias("created_by_name"),
    ).order_by(ApiToken.id, ascending=False)
    usage: dict[int, dict] = {}
    for u in await ApiUsage.select(ApiUsage.token, ApiUsage.day, ApiUsage.reads, ApiUsage.last_at):
        agg = usage.setdefault(u["token"], {"reads": 0, "last_at": None, "by_day": {}})
        agg["reads"] += u["reads"]
        agg["by_day"][u["day"]] = u["reads"]
        if agg["last_at"] is None or u["last_at"] > agg["last_at"]:
            agg["last_at"] = u["last_at"]
    for r in rows:
        agg = usage.get(r["id"], {"reads": 0, "last_at": None, "by_day": {}})
        r["reads"], r["last_used_at"], r["by_day"] = agg["reads"], agg["last_at"], agg["by_day"]
        r["scope_list"] = rules.parse_scopes(r["scopes"])
    return rows


async def caller_for(token: str, today: date) -> Caller | None:
    """The live token with this value (not revoked, not expired), else None: one indexed query,
    so a revocation is effective on the next request on every app server."""
    row = await ApiToken.select(
        ApiToken.id, ApiToken.name, ApiToken.scopes, ApiToken.district, ApiToken.expires_on, ApiToken.revoked_at
    ).where(ApiToken.token_hash == rules.hash_token(token)).first()
    if row is None or rules.token_state(row["revoked_at"], row["expires_on"], today) != "active":
        return None
    return Caller(row["id"], row["name"], tuple(rules.parse_scopes(row["scopes"])), row["district"], rules.hash_token(token))


COUNT_READ = (
    "INSERT INTO api_usage (token, day, reads, last_at) VALUES ({}, {}, 1, {}) "
    "ON CONFLICT (token, day) DO UPDATE SET reads = api_usage.reads + 1, last_at = excluded.last_at"
)


async def count_read(token_id: int, day: date) -> None:
    """One more read by this token today (an upsert on the token and day), and when."""
    async with write_transaction():
        await ApiUsage.raw(COUNT_READ, token_id, day, datetime.now(UTC))


# --- data ----------------------------------------------------------------------------------


PROJECT_COLUMNS = (
    *project_queries.LIST_COLUMNS,
    Project.district,
    Project.park,
    Project.updated_at,
)


async def list_projects(f: project_queries.ProjectFilter, district: int | None, updated_since: datetime | None,
                        after_id: int | None, limit: int) -> list[dict]:
    """The project list's filters (the same clauses as /projects), ordered by id for a stable cursor;
    one row more than asked, to tell whether there is a next page."""
    clauses = project_queries._where(f)  # the list page's filter clauses, shared on purpose
    if district is not None:
        clauses.append(Project.district == district)
    if updated_since is not None:
        # Changed: the project row itself, or anything audited against it (promises, fulfilments,
        # requests, meetings, handovers: every write that matters is audited with its project), or
        # its colour (the daily refresh; by day, so a sync may see a project twice, never miss one).
        clauses.append(
            (Project.updated_at >= updated_since)
            | Project.id.is_in(AuditEvent.select(AuditEvent.project).where(AuditEvent.at >= updated_since,
                                                                             AuditEvent.project.is_not_null()))
            | Project.id.is_in(ColourChange.select(ColourChange.project).where(ColourChange.on >= updated_since.date()))
        )
    if after_id is not None:
        clauses.append(Project.id > after_id)
    return await Project.select(*PROJECT_COLUMNS).where(*clauses).order_by(Project.id).limit(limit + 1)


async def project(project_id: int, district: int | None) -> dict | None:
    """One project (as the project page reads it), or None when it is not there or in another district."""
    row = await project_queries.get_project(project_id)
    if row is None or (district is not None and row["district"] != district):
        return None
    return row


async def milestones(project_id: int) -> list[dict]:
    return await project_queries.project_milestones(project_id)


async def assignments(project_id: int) -> list[dict]:
    return await liaison.succession(project_id)


async def promises(project_id: int, today: date) -> list[dict]:
    """The project's promises as the project page shows them (overdue derived), each with its fulfilments."""
    calendar = await project_queries.load_calendar()
    rows = promise_queries.annotate(await promise_queries.project_promises(project_id), today, calendar)
    # One query for all their fulfilments (the promise page's columns), not one per promise.
    by_promise: dict[int, list[dict]] = {r["id"]: [] for r in rows}
    if rows:
        for f in await Fulfilment.select(*Fulfilment.all_columns()).where(Fulfilment.promise.is_in(list(by_promise))).order_by(Fulfilment.id):
            by_promise[f["promise"]].append(f)
    for r in rows:
        r["fulfilments"] = by_promise[r["id"]]
    return rows


async def requests(project_id: int, today: date) -> list[dict]:
    """The project's requests (the inbox's query); attachments are not part of it."""
    return await request_queries.listing(request_queries.InboxFilter(project=project_id), today)


async def decisions(project_id: int, today: date) -> list[dict]:
    return await meeting_queries.project_decisions(project_id, today)


async def figures(district: int | None, today: date) -> dict:
    """The dashboard's counts and the credibility table, from the queries those pages use; for a
    district-limited token, of that district's projects only."""
    where = [Project.district == district] if district is not None else []
    calendar = await project_queries.load_calendar()
    rows = await promise_queries.register(promise_queries.RegisterFilter(), today, calendar)
    if district is not None:
        ids = {r["id"] for r in await Project.select(Project.id).where(Project.district == district)}
        rows = [r for r in rows if r["project"] in ids]
    records, names = await promise_queries.credibility_ranking(rows, today)
    return {
        "by_stage": await project_queries.count_by(Project.stage, where),
        "by_colour": await project_queries.count_by(Project.colour, where),
        "credibility": [(r, names.get(r.department, "")) for r in records],
    }
