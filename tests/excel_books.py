"""Real workbooks for the import tests, built with openpyxl the way ledgers come in: a title
above the header, a header merged over two rows, blank and subtotal rows, text dates, serial
numbers, 1.2亿. Credit codes are made valid with python-stdnum."""

from __future__ import annotations

import io
import random
from datetime import date, datetime

from openpyxl import Workbook
from stdnum.cn import uscc

HEADERS = ["系统编号", "项目名称", "企业名称", "统一社会信用代码", "总投资（万元）", "产业类别", "区县/园区", "项目级别", "签约日期",
           "项目专员（姓名或电话）", "包保领导", "首签部门", "引进单位", "生命周期模板", "当前阶段", "绿色通道", "备注"]


def credit_code(seed: int, region: str = "230100") -> str:
    """A valid unified social credit code, different for each seed."""
    rng = random.Random(seed)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def project_row(n: int, **overrides) -> dict:
    """A valid new project (demo departments and officers), distinct for each n."""
    row = {
        "项目名称": f"测试导入智能装备产业园{n}号项目", "企业名称": f"哈尔滨测试导入装备{n}有限公司", "统一社会信用代码": credit_code(n),
        "总投资（万元）": 12000, "产业类别": "智能制造", "区县/园区": "平房区（哈经开区）/哈尔滨经济技术开发区", "项目级别": "市级重点项目",
        "签约日期": date(2026, 3, 5), "项目专员（姓名或电话）": "刘雪婷", "包保领导": "赵建国", "首签部门": "哈尔滨市投资促进局",
        "引进单位": "哈尔滨市投资促进局", "生命周期模板": "制造业项目", "当前阶段": "", "绿色通道": "否", "备注": "",
    }
    row.update(overrides)
    return row


def workbook_bytes(rows: list[dict], headers: list[str] | None = None, title: str | None = None, merged_two_row_header: bool = False,
                   blank_rows: bool = False, sheet_before: bool = False, macro: bool = False) -> bytes:
    headers = headers or HEADERS
    book = Workbook()
    ws = book.active
    if sheet_before:
        ws.title = "说明"
        ws["A1"] = "本表为重点项目台账，请勿修改表头"
        ws = book.create_sheet("台账")
    if title:
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    if merged_two_row_header:
        # Row 1 of the header: group titles merged across, single headers merged down.
        top = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value else 1
        for i, h in enumerate(headers, start=1):
            if h in ("企业名称", "统一社会信用代码"):
                continue
            ws.cell(top, i, h)
            ws.merge_cells(start_row=top, start_column=i, end_row=top + 1, end_column=i)
        first = headers.index("企业名称") + 1
        ws.cell(top, first, "项目单位")
        ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=first + 1)
        ws.cell(top + 1, first, "企业名称")
        ws.cell(top + 1, first + 1, "统一社会信用代码")
    else:
        ws.append(headers)
    for i, row in enumerate(rows):
        ws.append([row.get(h) for h in headers])
        if blank_rows and i % 2 == 0:
            ws.append([])
    if blank_rows:
        ws.append(["合计", None, None, None, sum(float(r.get("总投资（万元）") or 0) for r in rows if isinstance(r.get("总投资（万元）"), (int, float)))])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if macro:
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro")
        data = out.getvalue()
    return data


def excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


__all__ = ["HEADERS", "credit_code", "project_row", "workbook_bytes", "excel_serial", "datetime"]
