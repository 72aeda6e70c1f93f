"""Rules of visits (回访) and of the visit plan, as pure functions.

The seed asks for a city / district / street system of leaders keeping in touch with enterprises
(市、区、街(乡镇)三级领导干部联系企业家制度) but names no interval, so the plan is a setting. A
visit counts for the level of each person who went: a leader of a district or park visits at the
district level, any other leader at the city level, everyone else at the officer level; and any
visit at all counts for the officer level (the enterprise was seen).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.i18n import N_

LEVELS = ("officer", "district", "city")
MODES = ("on_site", "phone")
PROJECT_LEVELS = ("provincial", "city", "district")
DISTRICT_KINDS = ("district", "park")
MAX_ITEMS = 10

# Days between visits per project level and visiting level. Provincial key projects are seen most
# often; a district key project has no city-level visit due.
DEFAULT_PLAN: dict[str, dict[str, int]] = {
    "provincial": {"officer": 30, "district": 60, "city": 120},
    "city": {"officer": 30, "district": 90, "city": 180},
    "district": {"officer": 30, "district": 90},
}


def parse_plan(text: str) -> dict[str, dict[str, int]]:
    """The plan setting ("provincial:officer=30,district=60;district:officer=45") over the
    defaults; a malformed part is ignored rather than stopping the app, 0 removes a level."""
    plan = {k: dict(v) for k, v in DEFAULT_PLAN.items()}
    for part in (text or "").split(";"):
        head, _, body = part.partition(":")
        if head.strip() not in PROJECT_LEVELS:
            continue
        for pair in body.split(","):
            level, _, days = pair.partition("=")
            if level.strip() in LEVELS and days.strip().isdigit():
                n = int(days)
                if n > 0:
                    plan[head.strip()][level.strip()] = n
                else:
                    plan[head.strip()].pop(level.strip(), None)
    return plan


def officer_level(is_leader: bool, department_kind: str | None) -> str:
    if not is_leader:
        return "officer"
    return "district" if department_kind in DISTRICT_KINDS else "city"


def check_visit(visited_on: date | None, signed_on: date | None, today: date, follow_up_on: date | None) -> list[tuple[str, str]]:
    """Field problems of the dates: a visit happens between the signing and today; a follow-up comes after it."""
    problems = []
    if visited_on is not None:
        if visited_on > today:
            problems.append(("visited_on", N_("A visit cannot be dated in the future.")))
        elif signed_on is not None and visited_on < signed_on:
            problems.append(("visited_on", N_("A visit cannot be dated before the project was signed.")))
    if follow_up_on is not None and visited_on is not None and follow_up_on < visited_on:
        problems.append(("follow_up_on", N_("The follow-up date must not be before the visit.")))
    return problems


@dataclass(frozen=True)
class Due:
    """A level of visit a project is past: when it was last visited at that level (None: never,
    counted from the signing), when the next was due, and by how many days it is late."""

    level: str
    last_on: date | None
    due_on: date
    days_late: int


def overdue_levels(project_level: str, signed_on: date, last: dict[str, date], today: date,
                   plan: dict[str, dict[str, int]]) -> list[Due]:
    """The levels whose interval has passed on `today` (a visit on the due day is in time).
    `last` maps a level to its latest visit; the officer level is met by a visit of any level."""
    latest_any = max(last.values(), default=None)
    out = []
    for level, days in plan.get(project_level, {}).items():
        seen = latest_any if level == "officer" else last.get(level)
        base = seen if seen is not None and seen >= signed_on else signed_on
        due_on = base + timedelta(days=days)
        if due_on < today:
            out.append(Due(level, seen, due_on, (today - due_on).days))
    return sorted(out, key=lambda d: -d.days_late)


def most_late(dues: Iterable[Due]) -> int:
    return max((d.days_late for d in dues), default=0)


def clean_items(texts: Iterable[str]) -> list[str]:
    """The raised items as entered, blanks dropped, order kept."""
    return [" ".join(t.split()) for t in texts if t and t.strip()]
