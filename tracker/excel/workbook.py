"""Workbooks in and out (openpyxl reads, XlsxWriter writes the exports): what an upload is
(judged by content), reading its cells, and writing styled sheets. No database here."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from tracker.i18n import N_

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # an upload larger than this is refused
    max_rows: int  # a sheet with more rows is refused
    max_unpacked: int  # the parts of the ZIP together, unpacked (a "zip bomb" is refused)


@lru_cache
def limits() -> Limits:
    """From the environment, read once (like tracker.settings): TRACKER_IMPORT_MAX_BYTES (10 MB)
    and TRACKER_IMPORT_MAX_ROWS (20,000)."""
    max_bytes = int(os.environ.get("TRACKER_IMPORT_MAX_BYTES", 10 * 1024 * 1024))
    return Limits(max_bytes, int(os.environ.get("TRACKER_IMPORT_MAX_ROWS", 20000)), max(200 * 1024 * 1024, 20 * max_bytes))


# --- what an upload is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    problem: str | None  # why it is refused (message id), or None
    macros: bool = False  # a macro-enabled workbook (.xlsm): read for its values, macros dropped unread


def check_upload(content: bytes, lim: Limits | None = None) -> Upload:
    """An .xlsx (or .xlsm) workbook judged by its content, never by its file name: a ZIP holding
    the parts of a spreadsheet. Old .xls files, password-protected workbooks, CSV, other Office
    files and oversized or over-compressed archives are refused."""
    lim = lim or limits()
    if not content:
        return Upload(N_("The file is empty."))
    if len(content) > lim.max_bytes:
        return Upload(N_("The file is larger than the limit of %(mb)s MB."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        # The OLE container: an old .xls workbook, or an encrypted .xlsx.
        return Upload(N_("This is an old .xls workbook or a password-protected one: remove the password and save it as an "
                         "Excel workbook (.xlsx)."))
    if not content.startswith(b"PK\x03\x04"):
        return Upload(N_("This is not an Excel workbook (.xlsx): save it as an Excel workbook and upload it again."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return Upload(N_("This is not an Excel workbook (.xlsx): save it as an Excel workbook and upload it again."))
            if sum(i.file_size for i in infos) > lim.max_unpacked:
                return Upload(N_("The workbook is too large once unpacked."))
            return Upload(None, macros=any(n.lower().endswith("vbaproject.bin") for n in names))
    except (zipfile.BadZipFile, ValueError):
        return Upload(N_("This is not an Excel workbook (.xlsx): save it as an Excel workbook and upload it again."))


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    rows: list[tuple]


class Unreadable(Exception):
    """The workbook could not be read; args[0] is the message id."""


def read_sheets(content: bytes, max_rows: int) -> list[Sheet]:
    """Every worksheet's cell values. Formulas come as the values Excel last calculated
    (data_only); macros are never run (openpyxl does not run them, and drops them unread); links
    to other workbooks are not followed."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is "unreadable"
        raise Unreadable(N_("The workbook could not be read: it may be damaged.")) from exc
    sheets = []
    try:
        for ws in book.worksheets:
            rows = []
            for values in ws.iter_rows(values_only=True):
                if len(rows) >= max_rows:
                    raise Unreadable(N_("The sheet has more than %(n)s rows."))
                rows.append(_trimmed(values))
            sheets.append(Sheet(ws.title, rows))
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001
        raise Unreadable(N_("The workbook could not be read: it may be damaged.")) from exc
    finally:
        book.close()
    return sheets


def _trimmed(values: Sequence[Any]) -> tuple:
    end = len(values)
    while end and values[end - 1] in (None, ""):
        end -= 1
    return tuple(values[:end])


# --- writing ---------------------------------------------------------------------------------
#
# Exports are written with XlsxWriter: openpyxl's write-only mode took 7.6 s of CPU for the
# 10,000-project list (about 35 µs a cell), XlsxWriter 1.6 s. openpyxl stays the reader (imports,
# tests) and writes the import template, which needs its data-validation lists on an existing book.

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")  # the template's header (openpyxl)
HEADER_FONT = Font(bold=True, color="FFFFFF")
COLOUR_HEX = {"red": "#F4B6B6", "amber": "#FBE3A6", "green": "#C9E7C5"}
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
_FORMATS = {
    "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3A5F", "valign": "vcenter", "text_wrap": True},
    "title": {"bold": True, "font_size": 14},
    "date": {"num_format": DATE_FORMAT},
    "amount": {"num_format": AMOUNT_FORMAT},
    "count": {"num_format": COUNT_FORMAT},
    "percent": {"num_format": PERCENT_FORMAT},
    **{f"colour_{name}": {"bg_color": colour, "pattern": 1} for name, colour in COLOUR_HEX.items()},
}


@dataclass(frozen=True)
class Col:
    """A column of an exported sheet: its header and the kind of its values."""

    header: str
    kind: str = "text"  # text | date | amount | count | percent | colour | number (amount or count by value)
    min_width: int = 6


def display_width(value: Any) -> int:
    """Roughly how many character cells a value takes: CJK characters take two."""
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return len(f"{value:,.2f}") if isinstance(value, (float, Decimal)) else len(f"{value:,}")
    text = str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


MAX_WIDTH = 60


class Book:
    """An export being written (XlsxWriter, in memory): sheets are added, then to_bytes()."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        # Strings are always strings: never a formula ("=…" typed by a user) nor a link.
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                                      "strings_to_numbers": False, "remove_timezone": True})
        self.formats = {name: self.book.add_format(spec) for name, spec in _FORMATS.items()}

    def sheet(self, title: str, columns: Sequence[Col], rows: list[list], first_row: int):
        ws = self.book.add_worksheet(title[:31])
        widths = [max(c.min_width, display_width(c.header)) for c in columns]
        for r in rows:
            for i, value in enumerate(r[:len(columns)]):
                widths[i] = max(widths[i], display_width(value))
        for i, width in enumerate(widths):
            ws.set_column(i, i, min(MAX_WIDTH, width + 2))
        ws.freeze_panes(first_row + 1, 0)
        ws.set_row(first_row, None, self.formats["header"])
        for i, col in enumerate(columns):
            ws.write_string(first_row, i, col.header, self.formats["header"])
        return ws

    def write(self, ws, row: int, column: int, kind: str, value: Any, colour_words: dict[str, str] | None) -> None:
        if value is None or value == "":
            return
        if kind == "colour":
            fmt = self.formats.get(f"colour_{value}")
            ws.write_string(row, column, str((colour_words or {}).get(value, value)), fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value)
        elif isinstance(value, (date, datetime)):
            ws.write_datetime(row, column, value, self.formats["date"])
        elif isinstance(value, (int, float, Decimal)):
            fmt = self.formats.get(kind) if kind in ("amount", "count", "percent") else None
            ws.write_number(row, column, float(value), fmt)
        else:
            ws.write_string(row, column, str(value))


def new_book() -> Book:
    return Book()


def add_table_sheet(book: Book, title: str, columns: Sequence[Col], rows: Iterable[Sequence[Any]],
                    colour_words: dict[str, str] | None = None) -> None:
    """A sheet with a bold header row that stays in view (frozen) with a filter, column widths
    that fit their contents, dates as dates, amounts and counts as numbers. A "colour" column holds
    a code (red/amber/green) and shows its word on the colour's fill."""
    rows = [list(r) for r in rows]
    shown = [[(colour_words or {}).get(v, v) if c.kind == "colour" else v for c, v in zip(columns, r)] for r in rows]
    ws = book.sheet(title, columns, shown, 0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(columns) - 1)
    kinds = [c.kind for c in columns]
    for n, r in enumerate(rows, start=1):
        for i, value in enumerate(r[:len(columns)]):
            book.write(ws, n, i, kinds[i], value, colour_words)


def add_report_sheet(book: Book, title: str, heading: str, subheading: str, columns: Sequence[Col],
                     rows: Iterable[Sequence[Any]]) -> None:
    """A sheet of a report: its heading and date above a table whose header stays in view."""
    rows = [list(r) for r in rows]
    ws = book.sheet(title, columns, rows, 3)
    ws.write_string(0, 0, heading, book.formats["title"])
    ws.write_string(1, 0, subheading)
    for n, r in enumerate(rows, start=4):
        for i, (col, value) in enumerate(zip(columns, r)):
            kind = col.kind
            if kind == "number":
                kind = "amount" if isinstance(value, Decimal) else "count"
            book.write(ws, n, i, kind, value, None)


def to_bytes(book: Book) -> bytes:
    book.book.close()
    return book.buffer.getvalue()


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment with a Chinese file name (RFC 5987) and an ASCII one for old clients."""
    from urllib.parse import quote

    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
