"""The import template (/projects/import/template.xlsx): the ledger's columns with Chinese
headers, one example row, drop-down lists of the coded columns, and a sheet explaining each column."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from tracker import i18n
from tracker.excel import rules
from tracker.excel.workbook import HEADER_FILL, HEADER_FONT, display_width
from tracker.labels import LABELS
from tracker.org.tables import Department, Officer
from tracker.projects import lifecycle
from tracker.projects.rules import STAGES

# The template's columns, in order (stage completion dates last).
COLUMNS = ("code", "name", "enterprise", "credit_code", "investment", "industry", "area", "level", "signed_on", "lead_officer",
           "responsible_leader", "first_signing_department", "first_signing_leader", "introducing_unit", "area_leader", "unit_leader",
           "template", "stage", "green_channel", "notes")
DATA_ROWS = 2000  # rows the drop-downs cover
LISTS_SHEET = "选项"


def _zh(message: str) -> str:
    return i18n.gettext("zh", message)


async def build(lang: str) -> bytes:
    """The template as bytes. Its headers are the ledger's Chinese ones whatever the page's
    language (they are the format the import reads); the explanations follow the language."""
    departments = await Department.select(Department.id, Department.name, Department.kind, Department.parent).where(
        Department.active == True).order_by(Department.name)  # noqa: E712
    districts = [d for d in departments if d["kind"] == "district"]
    names = {d["id"]: d["name"] for d in departments}
    parks = [d for d in departments if d["kind"] == "park"]
    areas = [d["name"] for d in districts] + [f"{names.get(p['parent'], '')}/{p['name']}" if p["parent"] else p["name"] for p in parks]
    templates = await lifecycle.templates()
    leader = await Officer.select(Officer.name).where(Officer.active == True, Officer.is_leader == True).first()  # noqa: E712
    officer = await Officer.select(Officer.name).where(Officer.active == True, Officer.is_leader == False).first()  # noqa: E712
    bureau = next((d["name"] for d in departments if d["kind"] == "bureau"), departments[0]["name"] if departments else "")
    lists = {
        "industry": [_zh(LABELS["industry"][c]) for c in LABELS["industry"]],
        "area": areas,
        "level": [_zh(LABELS["level"][c]) for c in LABELS["level"]],
        "template": [t["name"] for t in templates],
        "stage": [_zh(LABELS["stage"][s]) for s in STAGES],
        "green_channel": ["是", "否"],
    }
    example = {
        "code": "示例", "name": "（示例，导入时跳过）哈尔滨某智能装备产业园项目", "enterprise": "哈尔滨某智能装备有限公司",
        "credit_code": "91230109MA1B2C3D4B", "investment": 120000, "industry": lists["industry"][2] if len(lists["industry"]) > 2 else "",
        "area": areas[-1] if areas else "", "level": lists["level"][1], "signed_on": "2026-03-05", "lead_officer": officer["name"] if officer else "",
        "responsible_leader": leader["name"] if leader else "", "first_signing_department": bureau, "first_signing_leader": "",
        "introducing_unit": bureau, "area_leader": "", "unit_leader": "", "template": templates[0]["name"] if templates else "",
        "stage": lists["stage"][1], "green_channel": "否", "notes": "本行为示例，系统编号为“示例”的行不会导入",
    }
    stage_columns = [(s, _zh(LABELS["stage"][s]) + "完成日期") for s in rules.DATED_STAGES]

    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    headers = [rules.FIELD[c].header for c in COLUMNS] + [h for _s, h in stage_columns]
    sheet.append(headers)
    sheet.append([example[c] for c in COLUMNS])
    for i, header in enumerate(headers, start=1):
        cell = sheet.cell(1, i)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(40, display_width(header) + 4))
    sheet.column_dimensions[get_column_letter(COLUMNS.index("name") + 1)].width = 36
    sheet.freeze_panes = "B2"
    # The lists the drop-downs offer, on a hidden sheet (a list longer than 255 characters must be a range).
    hidden = book.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"
    for col, (name, values) in enumerate(lists.items(), start=1):
        hidden.cell(1, col, rules.FIELD[name].header)
        for row, value in enumerate(values, start=2):
            hidden.cell(row, col, value)
        if not values:
            continue
        letter = get_column_letter(col)
        validation = DataValidation(type="list", formula1=f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}",
                                    allow_blank=True, showErrorMessage=name != "area")
        validation.error = "请从下拉列表中选择"
        validation.prompt = rules.FIELD[name].header
        target = get_column_letter(COLUMNS.index(name) + 1)
        validation.add(f"{target}2:{target}{DATA_ROWS + 1}")
        sheet.add_data_validation(validation)
    # The explanations.
    guide = book.create_sheet("填写说明", 1)

    def _(message: str) -> str:
        return i18n.gettext(lang, message)

    guide.append([_("Column"), _("Required for a new project"), _("What to write")])
    for c in COLUMNS:
        f = rules.FIELD[c]
        guide.append([f.header, _("yes") if f.required else "", _(f.note)])
    for _stage, header in stage_columns:
        guide.append([header, "", _("The day this stage was completed, if the current stage is at or past it (else its planned date is used).")])
    guide.append([])
    for line in (_("One row per project. Rows left blank, title rows and total rows are skipped; so is the example row (系统编号 “示例”)."),
                 _("Importing the same workbook again changes nothing: a row is matched to its project by the credit code and the "
                     "project name (spaces, full-width letters, 项目 and （一期） do not count), or by 系统编号."),
                 _("Nothing is written before you confirm the preview; then every row is written, or none.")):
        guide.append([line])
    for i, width in enumerate((26, 16, 100), start=1):
        guide.column_dimensions[get_column_letter(i)].width = width
    for cell in guide[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, color="FFFFFF")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
