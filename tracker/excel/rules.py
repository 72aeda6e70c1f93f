"""Reading the bureau's project ledger (重点项目台账), as pure functions.

Real ledgers are messy: a title above the header, header cells merged over two rows, blank and
subtotal rows, dates typed as text (2026.3.5, 2026年3月5日) or kept as Excel serial numbers,
amounts written 1.2亿 or 1,200万. Each function here reads one kind of cell and says, with an
English message id, why it could not; `classify` decides what each row will do to the database
from look-ups the caller loads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.duplicates import rules as duplicate_rules
from tracker.i18n import N_
from tracker.liaison import rules as liaison_rules
from tracker.org.rules import credit_code_error
from tracker.projects import rules as project_rules
from tracker.web import DATE_MAX, DATE_MIN

# --- the columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    header: str  # the template's (Chinese) header: part of the ledger's format, like its codes
    aliases: tuple[str, ...]  # other headers ledgers use for it (compared by header_key)
    required: bool = False  # for a new project
    note: str = ""  # what the template's explanation sheet says about it (message id)

    @property
    def english(self) -> str:
        """The header of an English export (also read on import)."""
        return ENGLISH_HEADERS[self.name]


FIELDS: tuple[Field, ...] = (
    Field("code", "系统编号", ("项目系统编号",), note=N_("This system's project number, as exported. Leave it empty for a new project; "
                                                      "with it the row updates that project.")),
    Field("name", "项目名称", ("项目", "项目全称", "名称"), True, N_("The project's name.")),
    Field("enterprise", "企业名称", ("项目单位", "投资主体", "投资企业", "投资方", "签约企业", "企业", "项目业主", "建设单位", "投资单位"), True,
          N_("The investing enterprise.")),
    Field("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "统一信用代码", "企业信用代码"), True,
          N_("18 characters. May be left empty only when the enterprise is already recorded under exactly this name.")),
    Field("investment", "总投资（万元）", ("总投资", "计划总投资", "投资总额", "总投资额", "投资额", "协议投资额", "合同投资额", "签约额"), True,
          N_("In 10,000 CNY (万元). Also read: 1.2亿, 1,200万, 3000000元; a header that says 亿元 or 元 sets the unit of plain numbers.")),
    Field("industry", "产业类别", ("产业", "行业", "所属行业", "所属产业", "产业类型", "行业类别", "产业领域"), True,
          N_("One of the list (the drop-down).")),
    Field("area", "区县/园区", ("区县园区", "所在区县/园区", "所在地", "属地", "落地区县"), True,
          N_("A district, a park, or \"district/park\" (the drop-down). Separate columns 区县 and 园区 are read too.")),
    Field("district", "区县", ("所在区县", "区县市", "区市县"), note=N_("Only when the sheet has separate district and park columns.")),
    Field("park", "园区", ("所在园区", "开发区", "产业园区"), note=N_("Only when the sheet has separate district and park columns.")),
    Field("level", "项目级别", ("级别", "重点项目级别", "项目层级"), note=N_("Provincial, city or district key project; empty means a city key project.")),
    Field("signed_on", "签约日期", ("签约时间", "签约日", "合同签订日期", "签订日期"), True,
          N_("A date: 2026-03-05, 2026.3.5, 2026/3/5, 2026年3月5日 or a date cell.")),
    Field("lead_officer", "项目专员（姓名或电话）", ("项目专员", "服务专员", "联络员", "项目联络员", "专员"), True,
          N_("The fixed contact: an officer's name, or the phone number when two officers share a name.")),
    Field("responsible_leader", "包保领导", ("包保市领导", "责任领导", "包联领导", "市包保领导"), True,
          N_("An officer marked as a leader.")),
    Field("first_signing_department", "首签部门", ("签约部门",), True, N_("Fixed at signing; never changes afterwards.")),
    Field("first_signing_leader", "首签领导", ("签约领导",), note=N_("Empty: the responsible leader.")),
    Field("introducing_unit", "引进单位", ("招商单位", "引资单位"), True, N_("The department that brought the project in.")),
    Field("area_leader", "区县/园区包保责任人", ("园区包保责任人", "区县包保责任人", "属地包保责任人", "属地责任人"),
          note=N_("Someone of the project's district or park; empty leaves the level vacant until someone is named.")),
    Field("unit_leader", "引进单位包保责任人", ("引进单位责任人",),
          note=N_("Someone of the introducing unit; empty leaves the level vacant until someone is named.")),
    Field("template", "生命周期模板", ("项目类型", "模板"), note=N_("Empty: the default template.")),
    Field("stage", "当前阶段", ("项目阶段", "进展阶段", "推进阶段"),
          note=N_("The stage the project has reached. Its milestones and all earlier ones are recorded done, on the dates of "
                  "the stage columns at the end or else on their planned dates (never after today). Empty: signed.")),
    Field("green_channel", "绿色通道", ("是否绿色通道", "是否纳入绿色通道"), note=N_("是 or 否; empty means no.")),
    Field("notes", "备注", ("项目简介", "建设内容", "主要建设内容", "说明"), note=N_("Becomes the project's description.")),
)
FIELD = {f.name: f for f in FIELDS}
ENGLISH_HEADERS = {
    "code": "Project number", "name": "Project name", "enterprise": "Enterprise", "credit_code": "Unified social credit code",
    "investment": "Total investment (10,000 CNY)", "industry": "Industry", "area": "District/park", "district": "District",
    "park": "Park", "level": "Level", "signed_on": "Signed on", "lead_officer": "Lead officer", "responsible_leader": "Responsible leader",
    "first_signing_department": "First-signing department", "first_signing_leader": "First-signing leader",
    "introducing_unit": "Introducing unit", "area_leader": "District/park responsible person",
    "unit_leader": "Introducing-unit responsible person", "template": "Lifecycle template", "stage": "Current stage",
    "green_channel": "Green channel", "notes": "Notes",
}
# The stages whose completion date may be given in a column of its own ("<stage>完成日期").
DATED_STAGES = project_rules.STAGES[1:]
STAGE_DATE_SUFFIXES = ("完成日期", "日期", "完成时间", "时间")


def stage_date_field(stage: str) -> str:
    return f"done_{stage}"


def header_key(text: Any) -> str:
    """A header as compared with the known ones: half-width, no spaces, no "*" marks, no
    parenthesised unit or hint, case-folded."""
    s = unicodedata.normalize("NFKC", str(text or "")).casefold()
    s = re.sub(r"\([^)]*\)", "", s)
    return re.sub(r"[\s*＊:：]+", "", s)


def unit_factor(header: str) -> Decimal | None:
    """The unit an amount column's header names: 万元 → 1, 亿元 → 10,000, 元 → 0.0001 (in 万元)."""
    s = unicodedata.normalize("NFKC", header or "")
    if "亿" in s:
        return Decimal(10000)
    if "万" in s:
        return Decimal(1)
    if re.search(r"\(\s*元\s*\)|（\s*元\s*）|单位\s*[:：]?\s*元", s):
        return Decimal("0.0001")
    return None


@dataclass(frozen=True)
class Column:
    field: str
    index: int  # 0-based
    header: str  # as written

    @property
    def letter(self) -> str:
        return column_letter(self.index)


def column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Header:
    row: int  # 0-based index of the last header row; data starts after it
    columns: dict[str, Column]
    ignored: list[str] = field(default_factory=list)  # headers not recognised
    factor: Decimal = Decimal(1)  # the investment column's unit

    @property
    def missing(self) -> list[str]:
        """Columns a new project needs that the sheet lacks (the area may come as two columns)."""
        have = set(self.columns)
        out = [f.name for f in FIELDS if f.required and f.name not in have and f.name != "area"]
        if not have & {"area", "district", "park"}:
            out.insert(0, "area")
        return out


def _aliases(stage_labels: dict[str, Iterable[str]]) -> dict[str, str]:
    out = {}
    for f in FIELDS:
        for alias in (f.header, *f.aliases, f.english):
            out.setdefault(header_key(alias), f.name)
    for stage, labels in stage_labels.items():
        for label in labels:
            for suffix in STAGE_DATE_SUFFIXES:
                out.setdefault(header_key(label + suffix), stage_date_field(stage))
    return out


def _match_row(cells: Sequence[Any], aliases: dict[str, str]) -> dict[int, str]:
    return {i: aliases[k] for i, value in enumerate(cells) if (k := header_key(value)) and k in aliases}


def find_header(rows: Sequence[Sequence[Any]], stage_labels: dict[str, Iterable[str]], scan: int = 20) -> Header | None:
    """The header among the first rows: the row (or two rows, for header cells merged over two
    rows) naming the most known columns, at least three of them including the project name.
    A cell of the lower row wins over the one above it (a merged group title such as 项目单位
    over 企业名称 and 统一社会信用代码)."""
    aliases = _aliases(stage_labels)
    best: tuple[int, int, dict[int, str]] | None = None  # (score, last header row, matches)
    for r in range(min(scan, len(rows))):
        upper = _match_row(rows[r], aliases)
        options = [(r, upper)]
        if r + 1 < len(rows):
            options.append((r + 1, {**upper, **_match_row(rows[r + 1], aliases)}))
        for last, matches in options:
            fields = set(matches.values())
            score = len(fields)
            if "name" in fields and score >= 3 and (best is None or score > best[0]):
                best = (score, last, matches)
    if best is None:
        return None
    _score, last, matches = best
    columns: dict[str, Column] = {}
    texts = {}
    for r in range(max(0, last - 1), last + 1):
        for i, value in enumerate(rows[r]):
            if value not in (None, ""):
                texts[i] = str(value).strip()
    for i in sorted(matches):
        name = matches[i]
        if name not in columns:  # the first column of a field wins; a repeat is ignored
            columns[name] = Column(name, i, texts.get(i, ""))
    ignored = [t for i, t in sorted(texts.items()) if i not in {c.index for c in columns.values()}]
    factor = unit_factor(columns["investment"].header) if "investment" in columns else None
    return Header(last, columns, ignored, factor or Decimal(1))


# --- cells -------------------------------------------------------------------------------------

Problem = tuple[str, str, dict]  # (field, message id, parameters)

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text_of(value: Any) -> str:
    """A cell as text: half-width (NFKC), trimmed; whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _checked_day(year: int, month: int, day: int) -> tuple[date | None, str | None]:
    try:
        d = date(year, month, day)
    except ValueError:
        return None, N_("There is no such date.")
    if not DATE_MIN <= d <= DATE_MAX:
        return None, N_("Enter a date between 1990-01-01 and 2100-12-31.")
    return d, None


def parse_date(value: Any) -> tuple[date | None, str | None]:
    """A date cell, an Excel serial number, or text: 2026-03-05, 2026.3.5, 2026/3/5, 2026年3月5日,
    20260305. (None, None) for an empty cell."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _checked_day(value.year, value.month, value.day)
    if isinstance(value, bool):
        return None, N_("This is not a date.")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return parse_date(str(int(value)))
        if 1 <= value < 2958466:  # Excel's serial day numbers (the 1900 date system)
            d = _EXCEL_EPOCH + timedelta(days=int(value))
            return _checked_day(d.year, d.month, d.day)
        return None, N_("This is not a date.")
    text = text_of(value)
    if m := _DATE_TEXT.match(text) or _DATE_DIGITS.match(text):
        return _checked_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return parse_date(float(text))
    return None, N_("This is not a date (write it as 2026-03-05).")


_AMOUNT = re.compile(r"^(?:约|计划|预计)?(-?\d+(?:\.\d+)?)(亿元|亿|万元|万|元)?$")
_UNITS = {"亿元": Decimal(10000), "亿": Decimal(10000), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001")}
AMOUNT_LIMIT = Decimal("1e12")


def parse_amount(value: Any, factor: Decimal = Decimal(1)) -> tuple[Decimal | None, str | None]:
    """An amount in 万元: a number (in the column's unit), or text with its own unit: 1.2亿,
    1,200万, 3000000元, 12000. (None, None) for an empty cell."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, N_("This is not an amount.")
    if isinstance(value, (int, float, Decimal)):
        number, unit = Decimal(str(value)), factor
    else:
        text = re.sub(r"[\s,，]", "", text_of(value))
        m = _AMOUNT.match(text)
        if not m:
            return None, N_("This is not an amount (write it as 12000, 1.2亿 or 1,200万).")
        try:
            number = Decimal(m.group(1))
        except InvalidOperation:
            return None, N_("This is not an amount (write it as 12000, 1.2亿 or 1,200万).")
        unit = _UNITS[m.group(2)] if m.group(2) else factor
    if not number.is_finite():
        return None, N_("This is not an amount.")
    amount = number * unit
    if amount < 0:
        return None, N_("The amount cannot be negative.")
    if amount >= AMOUNT_LIMIT:
        return None, N_("The amount is too large.")
    return amount.quantize(Decimal("0.01")), None


def parse_credit_code(value: Any) -> tuple[str, str | None]:
    """A unified social credit code, compacted (spaces and dashes out, capitals); ("", None) when empty."""
    code = re.sub(r"[\s\-]", "", text_of(value)).upper()
    if not code:
        return "", None
    return code, credit_code_error(code)


def choice_key(text: Any) -> str:
    return re.sub(r"\s+", "", text_of(text)).casefold()


def parse_choice(value: Any, spellings: dict[str, str]) -> tuple[str | None, str | None]:
    """A code from the spellings people use for it (the Chinese and English labels, the code)."""
    key = choice_key(value)
    if not key:
        return None, None
    if key in spellings:
        return spellings[key], None
    return None, N_("This is not one of the choices of the list.")


_YES = {"是", "yes", "y", "true", "1", "√", "✓", "✔", "有", "绿色通道", "纳入"}
_NO = {"否", "no", "n", "false", "0", "×", "✗", "无", "-", "—", "不"}


def parse_yes_no(value: Any) -> tuple[bool | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return value, None
    key = choice_key(value)
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return None, N_("Write 是 or 否.")


def person_key(text: str) -> str:
    """A person's or department's name as compared: half-width, no spaces, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def phone_digits(text: str) -> str | None:
    """The digits of a phone number typed in a person's cell ("139 1234 5678", "0451-86668888"), or None."""
    digits = re.sub(r"[\s\-()（）+]", "", text_of(text))
    return digits if re.fullmatch(r"\d{7,15}", digits) else None


def split_area(text: str) -> list[str]:
    """"district/park" into its names (a single name stays one)."""
    return [part.strip() for part in re.split(r"[/\\|]", text_of(text)) if part.strip()]


# --- a row -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of the sheet as read: values JSON-friendly (dates ISO, amounts as text)."""

    number: int  # the sheet's row number (1-based)
    values: dict[str, Any]
    shown: dict[str, str]  # the cells as written, for the preview
    problems: list[list] = field(default_factory=list)  # [field, message id, params]


_SUMMARY = re.compile(r"^(合计|总计|小计|共计)")
# The template's example row says so in its number column; it is never imported.
EXAMPLE_MARKS = ("示例", "example")


def parse_row(cells: Sequence[Any], number: int, header: Header, vocab: Vocabulary) -> Row | None:
    """The row's values and the cells that could not be read; None for a row to skip (blank, a
    section title in one cell, a subtotal line)."""
    filled = [v for v in cells if v not in (None, "") and text_of(v)]
    if not filled:
        return None
    if len(filled) == 1 and "name" in header.columns and len(cells) > header.columns["name"].index \
            and text_of(cells[header.columns["name"].index]) != text_of(filled[0]):
        return None  # a section title ("一、省级重点项目") in a merged cell
    if len(filled) == 1 and "name" not in header.columns:
        return None
    if any(_SUMMARY.match(text_of(v)) for v in filled[:3]):
        return None
    if "code" in header.columns and text_of(cells[header.columns["code"].index] if header.columns["code"].index < len(cells) else "") \
            in EXAMPLE_MARKS:
        return None  # the template's example row

    def cell(name: str) -> Any:
        column = header.columns.get(name)
        return cells[column.index] if column and column.index < len(cells) else None

    values: dict[str, Any] = {}
    shown = {name: text_of(cell(name)) for name in header.columns}
    problems: list[list] = []

    def problem(name: str, message: str, **params: Any) -> None:
        problems.append([name, message, params])

    for name in ("name", "enterprise", "lead_officer", "responsible_leader", "first_signing_department", "first_signing_leader",
                 "introducing_unit", "area_leader", "unit_leader", "template", "notes", "area", "district", "park"):
        values[name] = text_of(cell(name))
    for name, limit in (("name", 150), ("enterprise", 150), ("notes", 2000)):
        if len(values[name]) > limit:
            problem(name, N_("This text is too long."))
    code = text_of(cell("code"))
    if code:
        if re.fullmatch(r"\d{1,9}", code):
            values["code"] = int(code)
        else:
            problem("code", N_("This is not a project number of this system (a whole number)."))
    credit, error = parse_credit_code(cell("credit_code"))
    values["credit_code"] = credit
    if error:
        problem("credit_code", error)
    amount, error = parse_amount(cell("investment"), header.factor)
    values["investment"] = str(amount) if amount is not None else None
    if error:
        problem("investment", error)
    signed, error = parse_date(cell("signed_on"))
    values["signed_on"] = signed.isoformat() if signed else None
    if error:
        problem("signed_on", error)
    for name, spellings in (("industry", vocab.industries), ("level", vocab.levels), ("stage", vocab.stages)):
        code_, error = parse_choice(cell(name), spellings)
        values[name] = code_
        if error:
            problem(name, error)
    green, error = parse_yes_no(cell("green_channel"))
    values["green_channel"] = green
    if error:
        problem("green_channel", error)
    dates = {}
    for stage in DATED_STAGES:
        key = stage_date_field(stage)
        if key in header.columns:
            shown[key] = text_of(cell(key))
            done_on, error = parse_date(cell(key))
            if error:
                problem(key, error)
            elif done_on:
                dates[stage] = done_on.isoformat()
    values["stage_dates"] = dates
    return Row(number, values, shown, problems)


# --- deciding what each row does -----------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The spellings of the coded choices (Chinese and English labels, codes), by choice_key."""

    industries: dict[str, str]
    levels: dict[str, str]
    stages: dict[str, str]
    stage_labels: dict[str, tuple[str, ...]]  # for the "<stage>完成日期" columns


@dataclass
class Lookups:
    """What the database holds, loaded once per check (see queries.load_lookups)."""

    index: duplicate_rules.Index
    projects: dict[int, dict]  # id -> current values (see queries), merged ones left out
    enterprises: dict[str, dict]  # credit code -> {id, name}
    enterprise_names: dict[str, list[dict]]  # person_key(name) -> [{id, credit_code}]
    officers: dict[str, list[dict]]  # person_key(name) -> [{id, name, is_leader, department, active}]
    officers_by_id: dict[int, dict]
    phones: dict[str, dict]  # digits -> officer
    departments: dict[str, dict]  # person_key(name) -> {id, name, kind, parent, active}
    templates: dict[str, int]  # choice_key(name or code) -> id
    default_template: int | None
    today: date


@dataclass
class Unknown:
    """An officer or department named in the sheet that does not exist yet, and how it would be
    created: a department with its kind (and district, for a park), an officer in a department."""

    key: str  # "officer:<name>" / "department:<name>"
    kind: str  # officer | department
    name: str
    department_kind: str = ""  # district | park | introducing | approval
    parent: Any = None  # a park's district: id or "department:<name>"
    department: Any = None  # an officer's department: id or "department:<name>"
    is_leader: bool = False
    rows: list[int] = field(default_factory=list)


OUTCOMES = ("new", "update", "unchanged", "duplicate", "error")


@dataclass
class Result:
    number: int
    outcome: str
    problems: list[list] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # keys of Unknowns the row needs created
    match: int | None = None
    candidates: list[dict] = field(default_factory=list)
    changes: dict[str, list] = field(default_factory=dict)  # field -> [before, after]
    plan: dict = field(default_factory=dict)

    def fingerprint(self) -> tuple:
        """What the user saw in the preview; a confirm that would do something else is refused."""
        return (self.outcome, self.match, sorted(self.changes.items()), sorted(c["id"] for c in self.candidates), sorted(self.needs))


def department_ref(ref: Any) -> bool:
    return isinstance(ref, str) and ref.startswith("department:")


class _Classifier:
    def __init__(self, lk: Lookups, create: set[str]):
        self.lk = lk
        self.create = create
        self.unknown: dict[str, Unknown] = {}
        self.new_rows = duplicate_rules.Index()

    # -- names -----------------------------------------------------------------------------

    def _need(self, result: Result, unknown: Unknown) -> str:
        existing = self.unknown.setdefault(unknown.key, unknown)
        if result.number not in existing.rows:
            existing.rows.append(result.number)
        existing.is_leader = existing.is_leader or unknown.is_leader
        if unknown.key not in result.needs:
            result.needs.append(unknown.key)
        return unknown.key

    def department(self, result: Result, name: str, field_: str, kind: str, parent: Any = None) -> Any:
        """The department's id, or the key of the one to create; None (with a problem) when unusable."""
        row = self.lk.departments.get(person_key(name))
        if row is not None:
            if not row["active"]:
                result.problems.append([field_, N_("This department is deactivated."), {}])
                return None
            return row["id"]
        return self._need(result, Unknown(f"department:{name}", "department", name, department_kind=kind, parent=parent))

    def officer(self, result: Result, text: str, field_: str, department: Any, leader: bool) -> Any:
        digits = phone_digits(text)
        if digits:
            row = self.lk.phones.get(digits)
            if row is None:
                result.problems.append([field_, N_("No officer has this phone number."), {}])
                return None
            rows = [row]
        else:
            rows = self.lk.officers.get(person_key(text), [])
        active = [r for r in rows if r["active"]]
        if len(active) > 1:
            result.problems.append([field_, N_("Several officers have this name: give the phone number instead."), {}])
            return None
        if not active:
            if rows:
                result.problems.append([field_, N_("This officer is no longer active."), {}])
                return None
            return self._need(result, Unknown(f"officer:{text}", "officer", text, department=department, is_leader=leader))
        officer = active[0]
        if leader and not officer["is_leader"]:
            result.problems.append([field_, N_("A responsible leader must be an officer marked as a leader."), {}])
            return None
        return officer["id"]

    # -- a row -----------------------------------------------------------------------------

    def area(self, result: Result, v: dict, required: bool) -> tuple[Any, Any]:
        """(district, park) from "district/park", a single name, or separate columns."""
        names = [*split_area(v["area"]), *split_area(v["district"]), *split_area(v["park"])]
        if not names:
            if required:
                result.problems.append(["area", N_("This field is required."), {}])
            return None, None
        district = park = None
        for position, name in enumerate(names[:2]):
            row = self.lk.departments.get(person_key(name))
            if row is None:
                if position == 0:
                    district = self.department(result, name, "area", "district")
                else:
                    park = self.department(result, name, "area", "park", parent=district)
                continue
            if not row["active"]:
                result.problems.append(["area", N_("This department is deactivated."), {}])
            elif row["kind"] == "district":
                district = row["id"]
            elif row["kind"] == "park":
                park = row["id"]
                if district is None:
                    district = row["parent"]
                elif row["parent"] not in (None, district):
                    result.problems.append(["area", N_("This park is not in the chosen district."), {}])
            else:
                result.problems.append(["area", N_("This is neither a district nor a park."), {}])
        if district is None and park is not None and not department_ref(park):
            result.problems.append(["area", N_("Give the park's district too: district/park."), {}])
        if len(names) > 2:
            result.problems.append(["area", N_("Give at most a district and a park."), {}])
        return district, park

    def row(self, row: Row, decision: str | None) -> Result:
        v = row.values
        lk = self.lk
        result = Result(row.number, "new", problems=[list(p) for p in row.problems])
        key = duplicate_rules.name_key(v["name"])
        code = v["credit_code"]
        # Which existing project the row is: by this system's number, else the same enterprise
        # with the same name (normalised).
        match = None
        if v.get("code") is not None:
            if v["code"] not in lk.projects:
                result.problems.append(["code", N_("There is no project with this number."), {}])
            else:
                match = v["code"]
        elif v["name"] and code:
            exact = [k for k in lk.index.exact(key, code) if k.id in lk.projects]
            if len(exact) == 1:
                match = exact[0].id
            elif len(exact) > 1:
                result.candidates = [_candidate(k, duplicate_rules.SAME_ENTERPRISE) for k in exact]
        if match is not None:
            return self._update(row, result, match)

        for name in ("name", "enterprise", "signed_on", "investment", "industry", "lead_officer", "responsible_leader",
                     "first_signing_department", "introducing_unit"):
            if v.get(name) in (None, "") and not any(p[0] == name for p in result.problems):
                result.problems.append([name, N_("This field is required."), {}])
        enterprise = self._enterprise(result, v)
        district, park = self.area(result, v, required=True)
        introducing = self.department(result, v["introducing_unit"], "introducing_unit", "introducing") if v["introducing_unit"] else None
        fs_department = self.department(result, v["first_signing_department"], "first_signing_department", "approval") \
            if v["first_signing_department"] else None
        fs_department_for_people = fs_department
        responsible = self.officer(result, v["responsible_leader"], "responsible_leader", fs_department_for_people, True) \
            if v["responsible_leader"] else None
        fs_leader = self.officer(result, v["first_signing_leader"], "first_signing_leader", fs_department_for_people, True) \
            if v["first_signing_leader"] else responsible
        lead = self.officer(result, v["lead_officer"], "lead_officer", fs_department_for_people, False) if v["lead_officer"] else None
        area_leader = self.officer(result, v["area_leader"], "area_leader", park or district, False) if v["area_leader"] else None
        unit_leader = self.officer(result, v["unit_leader"], "unit_leader", introducing, False) if v["unit_leader"] else None
        self._eligible(result, area_leader, unit_leader, {d for d in (district, park) if d is not None}, introducing)
        template = lk.default_template
        if v["template"]:
            template = lk.templates.get(choice_key(v["template"]))
            if template is None:
                result.problems.append(["template", N_("There is no lifecycle template of this name."), {}])
        signed_on = date.fromisoformat(v["signed_on"]) if v["signed_on"] else None
        if signed_on and signed_on > lk.today:
            result.problems.append(["signed_on", N_("The signing date cannot be in the future."), {}])
        for stage, done_on in v["stage_dates"].items():
            day = date.fromisoformat(done_on)
            if signed_on and day < signed_on:
                result.problems.append([stage_date_field(stage), N_("The completion date cannot be before the signing date."), {}])
            elif day > lk.today:
                result.problems.append([stage_date_field(stage), N_("The completion date cannot be in the future."), {}])
        result.plan = {
            "name": v["name"], "enterprise": enterprise, "industry": v["industry"], "district": district, "park": park,
            "investment": v["investment"], "signed_on": v["signed_on"], "level": v["level"] or "city",
            "green_channel": bool(v["green_channel"]), "introducing_unit": introducing, "first_signing_department": fs_department,
            "first_signing_leader": fs_leader, "responsible_leader": responsible, "lead_officer": lead,
            "area_leader": area_leader, "unit_leader": unit_leader, "template": template, "stage": v["stage"] or "signed",
            "stage_dates": v["stage_dates"], "description": v["notes"],
        }
        if not result.candidates:
            exclude = [k.id for k in lk.index.exact(key, code)]
            result.candidates = [_candidate(c.known, c.why) for c in lk.index.likely(key, code, exclude)
                                 if c.known.id in lk.projects]
            result.candidates += [_candidate(c.known, c.why) for c in self.new_rows.likely(key, code)]
        unresolved = [n for n in result.needs if n not in self.create]
        for n in unresolved:
            unknown = self.unknown[n]
            result.problems.append([_field_of(row, unknown), N_("Not recorded yet: %(name)s (create it with the import, or correct the name)."), {"name": unknown.name}])
        if result.problems:
            result.outcome = "error"
        elif result.candidates:
            result.outcome = "duplicate"
        if result.outcome != "error" and (result.outcome == "new" or decision == "different"):
            self.new_rows.add(duplicate_rules.Known(-row.number, v["name"], key, code, v["enterprise"]))
        return result

    def _enterprise(self, result: Result, v: dict) -> dict | None:
        code = v["credit_code"]
        if code and not any(p[0] == "credit_code" for p in result.problems):
            known = self.lk.enterprises.get(code)
            if known:
                return {"id": known["id"]}
            if not v["enterprise"]:
                return None
            return {"new": [v["enterprise"], code]}
        if not code and v["enterprise"]:
            same_name = self.lk.enterprise_names.get(person_key(v["enterprise"]), [])
            if len(same_name) == 1:
                v["credit_code"] = same_name[0]["credit_code"]
                return {"id": same_name[0]["id"]}
            result.problems.append(["credit_code", N_("Give the credit code: this enterprise is not recorded yet."), {}])
        return None

    def _eligible(self, result: Result, area_leader: Any, unit_leader: Any, area: set, introducing: Any) -> None:
        for field_, role, officer in (("area_leader", "area_leader", area_leader), ("unit_leader", "unit_leader", unit_leader)):
            if not isinstance(officer, int):
                continue  # an officer to be created goes into the right department
            row = self.lk.officers_by_id.get(officer)
            if row is None:
                continue
            candidate = liaison_rules.Candidate(row["id"], row["active"], row["is_leader"], row["department"])
            if problem := liaison_rules.eligibility_error(role, candidate, area, introducing):
                result.problems.append([field_, problem, {}])

    def _update(self, row: Row, result: Result, project_id: int) -> Result:
        """A row of a recorded project: the details that differ are updated (never its
        first-signing fields, its people or its milestones: those change on the project page)."""
        v = row.values
        current = self.lk.projects[project_id]
        result.match = project_id
        after = dict(current["values"])
        if v["name"] and duplicate_rules.name_key(v["name"]) != duplicate_rules.name_key(current["values"]["name"]):
            after["name"] = v["name"]
        if v["credit_code"] or v["enterprise"]:
            enterprise = self._enterprise(result, v)
            if enterprise and "id" in enterprise:
                after["enterprise_id"] = enterprise["id"]
            elif enterprise:
                result.plan["new_enterprise"] = enterprise["new"]
                after["enterprise_id"] = f"enterprise:{enterprise['new'][1]}"
        if v["industry"]:
            after["industry"] = v["industry"]
        if v["area"] or v["district"] or v["park"]:
            district, park = self.area(result, v, required=False)
            if district is not None and (district != current["values"]["district_id"] or park is not None):
                after["district_id"], after["park_id"] = district, park
        if v["investment"] is not None:
            after["total_investment"] = v["investment"]
        if v["level"]:
            after["level"] = v["level"]
        if v["green_channel"] is not None:
            after["green_channel"] = v["green_channel"]
        if v["notes"]:
            after["description"] = v["notes"]
        unresolved = [n for n in result.needs if n not in self.create]
        for n in unresolved:
            unknown = self.unknown[n]
            result.problems.append([_field_of(row, unknown), N_("Not recorded yet: %(name)s (create it with the import, or correct the name)."), {"name": unknown.name}])
        result.changes = {k: [_display(current["values"][k]), _display(after[k])] for k in after if _display(after[k]) != _display(current["values"][k])}
        result.plan = {"values": after, "version": current["version"]}
        result.outcome = "error" if result.problems else ("update" if result.changes else "unchanged")
        return result


def _field_of(row: Row, unknown: Unknown) -> str:
    for name in ("lead_officer", "responsible_leader", "first_signing_leader", "area_leader", "unit_leader", "introducing_unit",
                 "first_signing_department", "area", "district", "park"):
        text = row.values.get(name) or ""
        if unknown.name == text or unknown.name in split_area(text):
            return name
    return "name"


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):
        return str(Decimal(value).quantize(Decimal("0.01")))
    return str(value)


def _candidate(k: duplicate_rules.Known, why: str) -> dict:
    return {"id": k.id, "name": k.name, "enterprise": k.enterprise_name, "code": k.enterprise_code, "why": why,
            "row": -k.id if k.id < 0 else None}


def classify(rows: Sequence[Row], lk: Lookups, decisions: dict[int, str] | None = None,
             create: Iterable[str] = ()) -> tuple[list[Result], list[Unknown]]:
    """What each row will do: new, update, unchanged, likely duplicate (of a recorded project or of
    an earlier row), or error (with the column and the reason). `decisions`: row number ->
    "same" / "different" for likely duplicates; `create`: keys of the unknown officers and
    departments the user agreed to create (the others make their rows errors)."""
    classifier = _Classifier(lk, set(create))
    decisions = decisions or {}
    results = [classifier.row(r, decisions.get(r.number)) for r in rows]
    return results, list(classifier.unknown.values())


def will_write(result: Result, decision: str | None) -> bool:
    """Whether confirming writes this row: new rows, updates, and likely duplicates the user marked
    as a different project. A likely duplicate counts as the same project (nothing written) until
    the user says otherwise."""
    return result.outcome in ("new", "update") or (result.outcome == "duplicate" and decision == "different")


def done_dates(stage: str, milestones: Sequence[dict], given: dict[str, str], today: date) -> list[tuple[int, date]]:
    """The milestones an imported project records done for its current stage: those of that
    stage and every earlier one (not "does not apply" ones), on the given stage date, else on
    the planned date, never after today. milestones: id, stage, planned_on, actual_on,
    not_applicable."""
    reached = project_rules.STAGES.index(stage)
    out = []
    for m in milestones:
        if m["actual_on"] is not None or m["not_applicable"] or project_rules.STAGES.index(m["stage"]) > reached:
            continue
        day = date.fromisoformat(given[m["stage"]]) if m["stage"] in given else m["planned_on"]
        out.append((m["id"], min(day, today)))
    return out


def summary(results: Iterable[Result], decisions: dict[int, str]) -> dict[str, int]:
    counts = {o: 0 for o in OUTCOMES}
    counts["write"] = 0
    for r in results:
        counts[r.outcome] += 1
        counts["write"] += will_write(r, decisions.get(r.number))
    return counts
