"""Sorting and paging shared by every list page: both live in the URL (?sort=-due&page=3), so a
link, a bookmark and the Back button bring the same view back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.web import int_or_none

MAX_PAGE = 100_000


@dataclass(frozen=True)
class Sorting:
    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> str:
        """The sort parameter a column header links to: its own key, reversed when already on it."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key


def parse_sort(value: str | None, keys: Iterable[str], default: str) -> Sorting:
    """"name" or "-name" among the allowed keys; anything else falls back to the default."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in set(keys):
        return Sorting(default.removeprefix("-"), default.startswith("-"))
    return Sorting(key, descending)


def parse_page(value: str | None) -> int:
    return int_or_none(value, 1, MAX_PAGE) or 1


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int
    size: int

    @property
    def window(self) -> list[int | None]:
        """Page numbers to link to: the first, the last, and two either side of this one (None for a gap)."""
        shown = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and out[-1] is not None and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def page_bounds(total: int, page: int, size: int) -> tuple[int, int]:
    """(the page actually shown, the number of pages): a page past the end shows the last one."""
    pages = max(1, -(-total // size))
    return min(max(1, page), pages), pages


def paginate(rows: Sequence, page: int, size: int) -> Page:
    shown, pages = page_bounds(len(rows), page, size)
    return Page(list(rows[(shown - 1) * size: shown * size]), len(rows), shown, pages, size)


def sort_rows(rows: list[dict], sorting: Sorting, keys: dict[str, Callable[[dict], Any]]) -> list[dict]:
    """Rows sorted in Python by one of `keys` (missing values last whichever the direction), then
    by id so the order is stable."""
    key = keys[sorting.key]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: r.get("id", 0))
    present.sort(key=key, reverse=sorting.descending)
    return present + missing


def query_without(params: dict[str, str], *names: str) -> dict[str, str]:
    """The list's current parameters less some (page, sort), for building links."""
    return {k: v for k, v in params.items() if k not in names and v not in ("", None)}
