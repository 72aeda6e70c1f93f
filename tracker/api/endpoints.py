"""The read API at /api/v1/: bearer tokens only (no session cookie opens it), read scopes and an
optional district limit per token, cursor pagination, ETag/If-None-Match, errors as
application/problem+json (RFC 9457), a read counter per token and day, and a rate limit per token.

The OpenAPI 3.1 document is Litestar's own, generated from these handlers by a schema-only app
built from the same router (the pages' app publishes no schema, so page routes never appear).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from http import HTTPStatus
from typing import Any, Literal

import msgspec
from litestar import Litestar, Request, Response, Router, get, route
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme, Server, Tag
from litestar.params import Parameter
from litestar.response import Template

from tracker import i18n
from tracker.api import queries, rules
from tracker.api import schemas as s
from tracker.api.queries import Caller
from tracker.projects import rules as project_rules
from tracker.projects.queries import ProjectFilter
from tracker.settings import get_settings, today

PREFIX = "/api/v1"
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
INT_MAX = 2**31 - 1

StageCode = Literal[tuple(project_rules.STAGES)]  # type: ignore[valid-type]
ColourCode = Literal[tuple(project_rules.COLOURS)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(project_rules.PROJECT_STATUSES)]  # type: ignore[valid-type]
IndustryCode = Literal[tuple(project_rules.INDUSTRIES)]  # type: ignore[valid-type]


class ApiProblem(HTTPException):
    """A refusal with its own status and headers (401 with WWW-Authenticate, 429 with Retry-After)."""


# --- problems ------------------------------------------------------------------------------


def language(request: Request) -> str:
    """English when the client asks for it first, else Chinese (the bureau's default)."""
    header = (request.headers.get("accept-language") or "").strip().lower()
    return "en" if header.startswith("en") else "zh"


def problem_response(request: Request, status: int, detail: str | None = None, headers: dict[str, str] | None = None) -> Response:
    kind = rules.problem_kind(status)
    titles = {lang: i18n.gettext(lang, kind.title) for lang in i18n.LANGUAGES}
    body = s.Problem(type=kind.type, title=titles[language(request)], status=status, detail=detail,
                     instance=request.url.path, titles=titles)
    return Response(msgspec.json.encode(body), status_code=status, media_type=PROBLEM_JSON,
                    headers={"cache-control": "no-store", **(headers or {})})


def on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        detail = exc.detail if exc.detail and exc.detail != HTTPStatus(exc.status_code).phrase else None
        if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
            detail = "; ".join(f"{e.get('key', '')}: {e.get('message', '')}" for e in exc.extra if isinstance(e, dict)) or detail
        return problem_response(request, exc.status_code, detail, exc.headers)
    import logging

    logging.getLogger("tracker").exception("API error", exc_info=exc)
    return problem_response(request, 500)


ERROR_HANDLERS: dict[Any, Any] = {code: on_error for code in (400, 401, 403, 404, 405, 413, 429, 500)}
ERROR_HANDLERS.update({cls: on_error for cls in (HTTPException, NotAuthorizedException, PermissionDeniedException,
                                                 NotFoundException, ValidationException, Exception)})


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=s.Problem, media_type=PROBLEM_JSON, description=description)


COMMON_RESPONSES = {
    304: ResponseSpec(data_container=None, description="Not modified (If-None-Match matched the ETag)"),
    400: _problem("Invalid parameters"),
    401: _problem("No valid token (missing, unknown, revoked or expired)"),
    403: _problem("The token's scopes do not open this"),
    429: _problem("Rate limit of the token reached; see Retry-After"),
}
ITEM_RESPONSES = {**COMMON_RESPONSES, 404: _problem("No such project, or not in the token's district")}


# --- authentication, rate limit, counting ----------------------------------------------------


@lru_cache
def window() -> rules.SlidingWindow:
    return rules.SlidingWindow(get_settings().api_rate_limit, 60.0)


def reset_rate_limits() -> None:
    window.cache_clear()


async def authenticate(request: Request) -> Caller:
    """The token of `Authorization: Bearer …`, live (not revoked, not expired) at this request.
    Counts the read (per token and day) and applies the token's rate limit."""
    token = rules.bearer(request.headers.get("authorization"))
    caller = await queries.caller_for(token, today()) if token else None
    if caller is None:
        raise ApiProblem(status_code=401, detail="Send Authorization: Bearer <token> with a valid API token.",
                         headers={"WWW-Authenticate": 'Bearer realm="tracker-api"'})
    wait = window().hit(caller.token_hash)
    if wait:
        raise ApiProblem(status_code=429, detail=f"At most {get_settings().api_rate_limit} requests a minute per token.",
                         headers={"Retry-After": str(int(wait) + 1)})
    await queries.count_read(caller.id, today())
    return caller


def need(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise PermissionDeniedException(detail=f"This token has no '{scope}' scope.")


def conditional(request: Request, data: msgspec.Struct) -> Response:
    """The JSON body with a strong ETag; 304 without a body when If-None-Match already has it."""
    body = msgspec.json.encode(data)
    tag = rules.etag(body)
    headers = {"etag": tag, "cache-control": "private, no-cache", "vary": "Authorization, Accept-Language"}
    if rules.not_modified(request.headers.get("if-none-match"), tag):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


# --- conversions -------------------------------------------------------------------------------


def _wan(value: Decimal | float | None) -> str | None:
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def _date(value):
    """SQLite may hand back dates and times as text in joined columns."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value or " " in value or len(value) > 10 else datetime.fromisoformat(value).date()
    return value


def _summary_fields(r: dict) -> dict:
    return dict(
        id=r["id"], name=r["name"], enterprise=r["enterprise_name"] or "", industry=r["industry"],
        district_id=r["district"], district=r["district_name"] or "", park_id=r["park"], park=r["park_name"],
        total_investment_wan=_wan(r["total_investment"]) or "0.00", signed_on=r["signed_on"], level=r["level"],
        stage=r["stage"], colour=r["colour"], status=r["status"], green_channel=bool(r["green_channel"]),
        lead_officer=r["lead_name"] or "", updated_at=r["updated_at"],
    )


def summary(r: dict) -> s.ProjectSummary:
    return s.ProjectSummary(**_summary_fields(r))


def milestone(m: dict) -> s.Milestone:
    return s.Milestone(id=m["id"], seq=m["seq"], stage=m["stage"], name=m["name"], baseline_on=m["baseline_on"],
                       planned_on=m["planned_on"], provisional=bool(m["provisional"]), actual_on=m["actual_on"],
                       not_applicable=bool(m["not_applicable"]), not_applicable_reason=m["na_reason"],
                       out_of_order=bool(m["out_of_order"]))


def assignment(a: dict) -> s.Assignment:
    return s.Assignment(id=a["id"], role=a["role"], officer_id=a["officer"], officer=a["officer_name"] or "",
                        department=a["department_name"], started_on=a["started_on"], ended_on=a["ended_on"],
                        active=bool(a["active"]), handover_reason=a["reason"], handover_accepted_at=_date(a["accepted_at"]))


def promise(p: dict) -> s.Promise:
    return s.Promise(
        id=p["id"], content=p["content"], category=p["category"], source=p["source"], department_id=p["department"],
        department=p["department_name"] or "", officer=p["officer_name"] or "", amount_wan=_wan(p["amount"]),
        promised_on=p["promised_on"], due_on=p["due_on"], due_provisional=bool(p["due_provisional"]), status=p["status"],
        overdue=bool(p.get("overdue")), status_reason=p["status_reason"], remedy_plan=p["remedy_plan"],
        remedy_due_on=p["remedy_due_on"], settled_on=p["settled_on"], enterprise_answer=p["answer"],
        enterprise_answer_reason=p["answer_reason"],
        fulfilments=[s.Fulfilment(id=f["id"], delivered_on=f["delivered_on"], description=f["description"],
                                  amount_wan=_wan(f["amount"]), delivered_by=f["delivered_by"], corrects=f["corrects"],
                                  recorded_at=f["recorded_at"]) for f in p["fulfilments"]],
    )


def enterprise_request(r: dict) -> s.EnterpriseRequest:
    return s.EnterpriseRequest(
        id=r["id"], category=r["category"], description=r["description"], status=r["status"], raised_on=r["raised_on"],
        first_responder=r["responder_name"] or "", department=r["department_name"], ack_due_on=r["ack_due_on"],
        answer_due_on=r["answer_due_on"], acknowledged_on=r["acknowledged_on"], answered_on=r["answered_on"],
        closed_on=r["closed_on"], resolution=r["resolution"], solved=r["solved"], satisfaction=r["satisfaction"],
        reopen_count=r["reopen_count"], escalated=bool(r["escalated"]), overdue=bool(r["overdue"]),
    )


def decision(d: dict) -> s.Decision:
    return s.Decision(
        agenda_item_id=d["id"], meeting_id=d["meeting"], held_on=_date(d["held_on"]), title=d["title"], decision=d["decision"],
        action_items=[s.ActionItem(id=a["id"], task=a["task"], owner_department=a["department_name"] or "",
                                   owner_officer=a["officer_name"] or "", due_on=a["due_on"], status=a["status"],
                                   outcome=a["outcome"], done_on=a["done_on"], resolution=a["resolution"],
                                   overdue=bool(a["overdue"])) for a in d["actions"]],
    )


# --- endpoints ---------------------------------------------------------------------------------


@get("/", summary="What this token may read", responses={401: COMMON_RESPONSES[401], 429: COMMON_RESPONSES[429]})
async def index(caller: Caller) -> s.Index:
    return s.Index(
        version="1", token=caller.name, scopes=list(caller.scopes), district_id=caller.district,
        links={"projects": f"{PREFIX}/projects", "figures": f"{PREFIX}/figures", "openapi": f"{PREFIX}/openapi.json",
               "docs": f"{PREFIX}/docs"},
    )


@get("/projects", summary="Projects, with the project list's filters", tags=["projects"], responses=COMMON_RESPONSES,
     description="Ordered by id. Follow `next_cursor` until it is null; pass the time of the last sync as `updated_since` "
                 "to get only projects changed since. A district-limited token sees only its district's projects.")
async def list_projects(
    request: Request,
    caller: Caller,
    q: str = Parameter(default="", max_length=100, pattern=r"^[^\x00]*$",
                       description="Name, enterprise or credit code contains this text (no NUL character)"),
    stage: StageCode | None = Parameter(default=None),
    colour: ColourCode | None = Parameter(default=None),
    area: int | None = Parameter(default=None, ge=1, le=INT_MAX, description="A district's or park's department id"),
    industry: IndustryCode | None = Parameter(default=None),
    lead: int | None = Parameter(default=None, ge=1, le=INT_MAX, description="The lead officer's id"),
    status: StatusCode | None = Parameter(default=None, description="All statuses when left out"),
    handover: Literal["pending"] | None = Parameter(default=None, description="pending: a handover not yet accepted"),
    green: bool = Parameter(default=False, description="Green-channel projects only"),
    updated_since: datetime | None = Parameter(default=None, description="Only projects updated at or after this time (ISO 8601, 1990..2100)"),
    cursor: str | None = Parameter(default=None, max_length=40),
    limit: int = Parameter(default=rules.LIST_LIMIT_DEFAULT, ge=1, le=rules.LIST_LIMIT_MAX),
) -> Response[s.ProjectList]:
    need(caller, "projects")
    after = None
    if cursor:
        after = rules.decode_cursor(cursor)
        if after is None:
            raise ValidationException(detail="cursor: not a cursor this API gave out")
    if updated_since is not None:
        # The app's bounded dates (as the forms'): nothing outside 1990..2100 reaches the database.
        if not 1990 <= updated_since.year <= 2100:
            raise ValidationException(detail="updated_since: a time between 1990 and 2100")
        updated_since = updated_since.replace(tzinfo=UTC) if updated_since.tzinfo is None else updated_since.astimezone(UTC)
    f = ProjectFilter(q=q, stage=stage or "", colour=colour or "", area=area, industry=industry or "", lead=lead,
                      status=status or "", handover=handover or "", green=green)
    rows = await queries.list_projects(f, caller.district, updated_since, after, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    page = s.ProjectList(items=[summary(r) for r in rows], limit=limit,
                         next_cursor=rules.encode_cursor(rows[-1]["id"]) if more and rows else None)
    return conditional(request, page)


@get("/projects/{project_id:int}", summary="One project", tags=["projects"], responses=ITEM_RESPONSES,
     description="With its milestones and assignment history; promises (with fulfilments), requests (without "
                 "attachments) and meeting decisions (with action items) when the token's scopes open them, else null.")
async def get_project(request: Request, caller: Caller, project_id: int) -> Response[s.ProjectDetail]:
    need(caller, "projects")
    row = await queries.project(project_id, caller.district)
    if row is None:
        raise NotFoundException()
    now = today()
    detail = s.ProjectDetail(
        **_summary_fields(row),
        description=row["description"], status_reason=row["status_reason"],
        introducing_unit=row["introducing_unit_name"] or "", responsible_leader=row["responsible_leader_name"] or "",
        lead_officer_phone=row["lead_phone"] or "", colour_since=row["colour_since"], merged_into=row["merged_into"],
        milestones=[milestone(m) for m in await queries.milestones(project_id)],
        assignments=[assignment(a) for a in await queries.assignments(project_id)],
        promises=[promise(p) for p in await queries.promises(project_id, now)] if "promises" in caller.scopes else None,
        requests=[enterprise_request(r) for r in await queries.requests(project_id, now)] if "requests" in caller.scopes else None,
        decisions=[decision(d) for d in await queries.decisions(project_id, now)] if "meetings" in caller.scopes else None,
    )
    return conditional(request, detail)


@get("/figures", summary="Dashboard and credibility figures", tags=["figures"], responses=COMMON_RESPONSES,
     description="Counts of active projects by stage and by colour (the dashboard's), and each department's promise "
                 "record (the credibility table's). A district-limited token gets them for its district's projects.")
async def get_figures(request: Request, caller: Caller) -> Response[s.Figures]:
    need(caller, "figures")
    now = today()
    data = await queries.figures(caller.district, now)
    figures = s.Figures(
        as_of=now, district_id=caller.district, by_stage=data["by_stage"], by_colour=data["by_colour"],
        credibility=[s.CredibilityRow(
            department_id=r.department, department=name, made=r.made, on_time=r.on_time, late=r.late, overdue=r.overdue,
            unfulfillable=r.unfulfillable, disputed=r.disputed, on_time_rate=r.on_time_rate, confirmed_rate=r.confirmed_rate,
        ) for r, name in data["credibility"]],
    )
    return conditional(request, figures)


@get("/openapi.json", include_in_schema=False)
async def openapi_json(caller: Caller) -> Response:
    return Response(openapi_document(), media_type="application/vnd.oai.openapi+json")


@get("/docs", include_in_schema=False)
async def docs(caller: Caller) -> Template:
    return Template("api/docs.html", context=docs_context())


@get(["/{rest:path}"], include_in_schema=False)
async def unknown(caller: Caller, rest: str) -> None:
    """Any other path under /api/v1/ is a 404 problem (to a token holder; 401 to others), not the
    pages' HTML error page."""
    raise NotFoundException()


@route(["/", "/projects", "/projects/{project_id:int}", "/figures", "/openapi.json", "/docs", "/{rest:path}"],
       http_method=["POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def read_only(caller: Caller) -> None:
    """The API is read-only: any writing method is a 405 problem (to a token holder; 401 to others)."""
    raise MethodNotAllowedException(headers={"Allow": "GET, HEAD"})


HANDLERS = [index, list_projects, get_project, get_figures, openapi_json, docs, unknown, read_only]


def api_router() -> Router:
    """The router the app mounts at /api/v1 (a new one per app: handlers are bound to one app)."""
    return Router(
        path=PREFIX,
        route_handlers=HANDLERS,
        dependencies={"caller": Provide(authenticate)},
        exception_handlers=ERROR_HANDLERS,
        include_in_schema=True,
        security=[{"bearer": []}],
    )


# --- the OpenAPI document ------------------------------------------------------------------


OPENAPI = OpenAPIConfig(
    title="Key Project Tracker API (重点项目全程服务平台)",
    version="1.0.0",
    description="Read-only data of the key-project tracker for data exchange (一张网) and the leaders' big screen. "
                "Every request carries `Authorization: Bearer <token>`; an admin issues tokens with read scopes, "
                "an optional district limit and an expiry. Errors are application/problem+json (RFC 9457).",
    servers=[Server(url="/")],
    components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", description="An API token")}),
    security=[{"bearer": []}],
    tags=[Tag(name="projects"), Tag(name="figures")],
    render_plugins=[],
    path="/api/v1/_schema",
)


@lru_cache
def openapi_schema() -> dict:
    """Litestar's own schema of the API router, from an app that holds only it (never served)."""
    app = Litestar(route_handlers=[api_router()], openapi_config=OPENAPI)
    # Through JSON and back: plain dicts and lists only (to_schema() may leave schema objects inside).
    schema = msgspec.json.decode(msgspec.json.encode(app.openapi_schema.to_schema()))
    schema["paths"] = {p: v for p, v in schema["paths"].items() if p.startswith(PREFIX)}
    return schema


@lru_cache
def openapi_document() -> bytes:
    return msgspec.json.encode(openapi_schema())


def docs_context() -> dict:
    """The operations of the schema for the docs page, in path order."""
    schema = openapi_schema()
    operations = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            operations.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": [p for p in op.get("parameters", []) if p.get("in") in ("query", "path")],
                "responses": sorted(op.get("responses", {}).items()),
            })
    return {"operations": operations, "info": schema["info"], "scopes": rules.SCOPES, "scope_labels": rules.SCOPE_LABELS,
            "rate_limit": get_settings().api_rate_limit, "schemas": sorted(schema.get("components", {}).get("schemas", {}).items())}
