"""The three documents as HTML, ready for WeasyPrint; shared by the web routes and the CLI."""

from __future__ import annotations

from datetime import date

from tracker import i18n
from tracker.briefings import charts, queries, render, rules
from tracker.i18n import N_
from tracker.labels import label
from tracker.settings import get_settings


def week_label(week: rules.Week, lang: str) -> str:
    return i18n.gettext(lang, N_("Week %(n)s, %(year)s"), n=week.number, year=week.year)


def _charts(data: queries.Weekly, lang: str) -> dict[str, str]:
    def t(kind: str, code: str) -> str:
        return i18n.gettext(lang, label(kind, code))

    stages = list(data.by_stage)
    industries = sorted(data.investment_by_industry, key=lambda k: -data.investment_by_industry[k])
    return {
        "funnel": charts.horizontal_bars([t("stage", s) for s in stages], [data.by_stage[s] for s in stages],
                                         [str(data.by_stage[s]) for s in stages]),
        "industry": charts.horizontal_bars([t("industry", i) for i in industries],
                                           [float(data.investment_by_industry[i]) for i in industries],
                                           [i18n.format_wan(data.investment_by_industry[i], lang) for i in industries]),
        "trend": charts.colour_trend([f"W{w.number:02d}" for w, _ in data.colour_trend],
                                     {c: [counts[c] for _, counts in data.colour_trend] for c in ("red", "amber", "green")},
                                     {c: t("colour", c) for c in ("red", "amber", "green")}),
    }


async def weekly(week: rules.Week, lang: str, today: date, annex: bool = False) -> str:
    """The weekly briefing: each list capped at its worst rules.LIST_LIMIT entries, or with
    annex=True every entry of every list."""
    data = await queries.weekly(week, today)
    s = get_settings()
    limit = None if annex else rules.LIST_LIMIT
    return render.html("briefings/weekly.html", {
        "data": data, "charts": _charts(data, lang), "week_label": week_label(week, lang), "city": s.city[lang],
        "issuer": s.issuer[lang], "annex": annex, "cap": lambda items: rules.cap(items, limit)}, lang)


async def project(project_id: int, lang: str, today: date) -> str | None:
    context = await queries.project_sheet(project_id, today)
    if not context:
        return None
    ms = context["milestones"]
    context["timeline"] = charts.milestone_timeline(
        [m["name"] for m in ms], [m["baseline_on"] for m in ms], [m["actual_on"] for m in ms], [m["planned_on"] for m in ms], today,
        {k: i18n.gettext(lang, v) for k, v in (("baseline", N_("Baseline")), ("actual", N_("Actual")), ("planned", N_("Planned")),
                                                ("today", N_("Today")))})
    return render.html("briefings/project.html", context, lang)


async def minutes(meeting_id: int, lang: str) -> str | None:
    context = await queries.minutes(meeting_id)
    return render.html("briefings/minutes.html", context, lang) if context else None
