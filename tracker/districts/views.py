"""District and park figures for leaders and staff: /figures/ (the index), /figures/districts (the
side-by-side table, districts or parks), /figures/districts/{id} (one unit). Enterprises get 403."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response, Template

from tracker.auth.roles import staff_only
from tracker.districts import export, queries, rules
from tracker.investment import queries as investment_queries
from tracker.investment.views import year_param
from tracker.settings import today


class FiguresController(Controller):
    path = "/figures"
    guards = [staff_only]

    @get("/")
    async def index(self) -> Template:
        return Template("districts/index.html", context={"year": today().year})

    @get("/districts")
    async def districts(self, request: Request) -> Response:
        day = today()
        year = year_param(request.query_params.get("year"), day.year)
        kind = "park" if request.query_params.get("kind") == "park" else "district"
        if request.query_params.get("format") == "xlsx":
            projects = await investment_queries.project_years(year, day)
            districts = await queries.rows("district", year, day, project_years=projects)
            parks = await queries.rows("park", year, day, project_years=projects)
            return export.workbook_response(request, year, districts, parks)
        rows = await queries.rows(kind, year, day)
        return Template("districts/index_table.html", context={
            "rows": rows, "total": rules.total(rows, ""), "kind": kind, "year": year, "today": day,
            "years": sorted(set(await investment_queries.years_with_data()) | {day.year, day.year - 1}, reverse=True),
            "params": dict(request.query_params), "stages": list(rules.STAGES), "colours": rules.COLOURS,
        })

    @get("/districts/{department_id:int}")
    async def district(self, request: Request, department_id: int) -> Response:
        unit = await queries.district(department_id)
        if unit is None:
            raise NotFoundException()
        day = today()
        year = year_param(request.query_params.get("year"), day.year)
        figures = await investment_queries.year_figures(year, day)
        row = next((r for r in await queries.rows(unit["kind"], year, day, project_years=figures.projects) if r.id == department_id), None)
        if row is None:  # an inactive unit
            raise NotFoundException()
        parks = [r for r in await queries.rows("park", year, day, project_years=figures.projects)
                 if unit["kind"] == "district" and _parent_of(r, unit)]
        column = "district" if unit["kind"] == "district" else "park"
        behind = [p for p in figures.behind if p[column] == department_id]
        months = await investment_queries.months_for(figures.projects, year, day, column, department_id)
        if request.query_params.get("format") == "xlsx":
            return export.unit_response(request, year, row, parks, behind)
        return Template("districts/detail.html", context={
            "unit": unit, "row": row, "parks": parks, "year": year, "today": day, "behind": behind, "months": months,
            "attention": await queries.attention(unit["kind"], department_id), "params": dict(request.query_params),
            "stages": list(rules.STAGES), "colours": rules.COLOURS, "f": figures,
        })


def _parent_of(park: rules.Row, district: dict) -> bool:
    return park.parent_id == district["id"]
