"""Rules of the monthly satisfaction callbacks, as pure functions: which month, how many, which
items (a seeded uniform sample), who calls (never the project's lead officer), the answers, and the
figures that set the callbacks beside the enterprise's own ratings and the bureau's closed rate."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.i18n import N_

KINDS = ("request", "fulfilment")
# A gap worth a leader's eye: a point of satisfaction, or 20 percentage points of "solved".
SATISFACTION_GAP = 1.0
SHARE_GAP = 0.2


def previous_month(today: date) -> str:
    first = today.replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def parse_month(text: str | None) -> str | None:
    """"YYYY-MM", or None when malformed."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
    except ValueError:
        return None
    if not 1990 <= year <= 2100 or not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of the month."""
    year, m = (int(x) for x in month.split("-"))
    start = date(year, m, 1)
    end = (date(year + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
    return start, end


def check_month(month: str | None, today: date) -> str | None:
    if month is None:
        return N_("Enter a month as YYYY-MM.")
    if month_bounds(month)[1] >= today:
        return N_("Only a month that has ended can be drawn.")
    return None


def sample_size(eligible: int, percent: int) -> int:
    """The share, rounded up, and at least one when there is anything to call."""
    if eligible <= 0:
        return 0
    return min(eligible, max(1, math.ceil(eligible * percent / 100)))


def derive_seed(month: str, secret: str) -> int:
    """The random generator's seed: the month and the random secret stored with the draw."""
    return int.from_bytes(hashlib.sha256(f"{month}:{secret}".encode()).digest()[:8], "big")


Item = tuple[str, int]  # (kind, id)


def draw(items: Iterable[Item], month: str, secret: str, percent: int) -> list[Item]:
    """A uniform sample without replacement: every eligible item has the same chance. The items are
    put in a fixed order first, so the same month, secret and items give the same sample."""
    ordered = sorted(set(items))
    return sorted(random.Random(derive_seed(month, secret)).sample(ordered, sample_size(len(ordered), percent)))


def assign(sample: list[tuple[Item, int | None]], pool: list[int], month: str, secret: str) -> dict[Item, int | None]:
    """Callers in turn from the pool (its order shuffled by the draw's seed), skipping the item's
    lead officer; None when nobody else is in the pool."""
    callers = sorted(set(pool))
    random.Random(derive_seed(month, secret) + 1).shuffle(callers)
    out: dict[Item, int | None] = {}
    turn = 0
    for item, lead in sample:
        chosen = None
        for step in range(len(callers)):
            candidate = callers[(turn + step) % len(callers)]
            if candidate != lead:
                chosen = candidate
                turn += step + 1
                break
        out[item] = chosen
    return out


def check_answer(caller: int | None, lead_officer: int | None, reached: bool | None, solved: bool | None,
                 satisfaction: int | None) -> list[tuple[str, str]]:
    problems = []
    if caller is None:
        problems.append(("caller", N_("Please choose one.")))
    elif caller == lead_officer:
        problems.append(("caller", N_("The project's own lead officer may not make its satisfaction callback.")))
    if reached is None:
        problems.append(("reached", N_("Please choose one.")))
    elif reached:
        if solved is None:
            problems.append(("solved", N_("Please choose one.")))
        if satisfaction is None:
            problems.append(("satisfaction", N_("Enter a satisfaction from 1 to 5.")))
        elif not 1 <= satisfaction <= 5:
            problems.append(("satisfaction", N_("Satisfaction is from 1 to 5.")))
    return problems


@dataclass
class Figures:
    """One department's or officer's numbers: the callbacks against what the enterprise said itself
    and the bureau's own closed rate."""

    sampled: int = 0
    called: int = 0
    reached: int = 0
    solved: int = 0
    rated: int = 0
    satisfaction_sum: int = 0
    # The enterprise's own word on the same items (its rating of a closed request; a confirmed
    # fulfilment counts as solved).
    own_answered: int = 0
    own_solved: int = 0
    own_rated: int = 0
    own_sum: int = 0
    # The bureau's own closed rate over all the requests of the department or officer.
    closed_rate: float | None = None

    def add(self, done: bool, reached: bool | None, solved: bool | None, satisfaction: int | None,
            own_solved: bool | None, own_satisfaction: int | None) -> None:
        self.sampled += 1
        self.called += done
        if done and reached:
            self.reached += 1
            self.solved += solved is True
            if satisfaction is not None:
                self.rated += 1
                self.satisfaction_sum += satisfaction
        if own_solved is not None:
            self.own_answered += 1
            self.own_solved += own_solved
        if own_satisfaction is not None:
            self.own_rated += 1
            self.own_sum += own_satisfaction

    @property
    def solved_share(self) -> float | None:
        return self.solved / self.reached if self.reached else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.rated if self.rated else None

    @property
    def own_solved_share(self) -> float | None:
        return self.own_solved / self.own_answered if self.own_answered else None

    @property
    def own_satisfaction(self) -> float | None:
        return self.own_sum / self.own_rated if self.own_rated else None

    @property
    def satisfaction_gap(self) -> float | None:
        """The enterprise's own rating minus the callback's: positive when it told the bureau more than the caller."""
        if self.satisfaction is None or self.own_satisfaction is None:
            return None
        return self.own_satisfaction - self.satisfaction

    @property
    def closed_gap(self) -> float | None:
        """The bureau's closed rate minus the callbacks' solved share (办结率 against 办成率)."""
        if self.solved_share is None or self.closed_rate is None:
            return None
        return self.closed_rate - self.solved_share

    @property
    def flagged(self) -> bool:
        return ((self.satisfaction_gap is not None and abs(self.satisfaction_gap) >= SATISFACTION_GAP)
                or (self.closed_gap is not None and self.closed_gap >= SHARE_GAP)
                or (self.own_solved_share is not None and self.solved_share is not None
                    and self.own_solved_share - self.solved_share >= SHARE_GAP))


def waiting_too_long(drawn_on: date, today: date, workdays_elapsed: int, limit: int) -> bool:
    return workdays_elapsed > limit and drawn_on < today
