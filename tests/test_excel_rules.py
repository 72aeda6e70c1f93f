"""Reading ledger cells and headers: the forms real ledgers use, and the reason when a cell cannot be read."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from tracker.excel import rules
from tracker.excel.queries import vocabulary
from tracker.excel.workbook import Limits, check_upload


@pytest.mark.parametrize("value", ["2026-03-05", "2026.3.5", "2026/3/5", "2026年3月5日", "2026年03月05号", "20260305", "２０２６．３．５",
                                   "2026-03-05 00:00:00", 46086, 46086.0, "46086", 20260305, datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)])
def test_dates_are_read_in_the_forms_ledgers_use(value):
    assert rules.parse_date(value) == (date(2026, 3, 5), None)


@pytest.mark.parametrize("value, reason", [
    ("2026年13月5日", "There is no such date."), ("2026.2.30", "There is no such date."), ("明天", "This is not a date (write it as 2026-03-05)."),
    ("1989-12-31", "Enter a date between 1990-01-01 and 2100-12-31."), (True, "This is not a date."), (-5, "This is not a date."),
])
def test_an_unreadable_date_says_why(value, reason):
    assert rules.parse_date(value) == (None, reason)


def test_an_empty_date_cell_is_no_date_and_no_error():
    assert rules.parse_date(None) == (None, None) and rules.parse_date("") == (None, None)


@pytest.mark.parametrize("value, wan", [
    ("1.2亿", "12000.00"), ("1.2 亿元", "12000.00"), ("12000", "12000.00"), (12000, "12000.00"), (12000.5, "12000.50"), ("1,200万", "1200.00"),
    ("1，200万元", "1200.00"), ("3000000元", "300.00"), ("约5亿", "50000.00"), ("０.５亿", "5000.00"),
])
def test_amounts_are_read_in_wan(value, wan):
    assert rules.parse_amount(value) == (Decimal(wan), None)


def test_a_header_unit_sets_the_unit_of_plain_numbers():
    assert rules.unit_factor("总投资（亿元）") == Decimal(10000) and rules.unit_factor("总投资(万元)") == 1
    assert rules.unit_factor("总投资（元）") == Decimal("0.0001") and rules.unit_factor("总投资") is None
    assert rules.parse_amount(1.5, Decimal(10000)) == (Decimal("15000.00"), None)
    assert rules.parse_amount("2000万", Decimal(10000)) == (Decimal("2000.00"), None)  # the cell's own unit wins


@pytest.mark.parametrize("value, reason", [("很多", "This is not an amount (write it as 12000, 1.2亿 or 1,200万)."),
                                           ("-5", "The amount cannot be negative."), ("1e13", "This is not an amount (write it as 12000, 1.2亿 or 1,200万)."),
                                           ("100000000亿", "The amount is too large."), (False, "This is not an amount.")])
def test_an_unreadable_amount_says_why(value, reason):
    assert rules.parse_amount(value) == (None, reason)


def test_credit_codes_are_compacted_and_checked():
    assert rules.parse_credit_code(" 91230109ma1b2c3d4b ") == ("91230109MA1B2C3D4B", None)
    assert rules.parse_credit_code("9123-0109-MA1B2C3D4B") == ("91230109MA1B2C3D4B", None)
    assert rules.parse_credit_code("91230109MA1B2C3D4X")[1] == "The check character of the unified social credit code is wrong."
    assert rules.parse_credit_code("123")[1] == "A unified social credit code has 18 characters."
    assert rules.parse_credit_code(None) == ("", None)


def test_choices_are_read_by_their_chinese_or_english_label_or_code():
    v = vocabulary()
    assert rules.parse_choice("智能制造", v.industries) == ("smart_manufacturing", None)
    assert rules.parse_choice("Smart manufacturing", v.industries) == ("smart_manufacturing", None)
    assert rules.parse_choice("省级", v.levels) == ("provincial", None) and rules.parse_choice("市级重点项目", v.levels) == ("city", None)
    assert rules.parse_choice("供地", v.stages) == ("land", None) and rules.parse_choice("投产运营", v.stages) == ("operating", None)
    assert rules.parse_choice("造船", v.industries) == (None, "This is not one of the choices of the list.")


@pytest.mark.parametrize("value, result", [("是", True), ("√", True), ("Y", True), (True, True), ("否", False), ("", None), (None, None)])
def test_yes_and_no(value, result):
    assert rules.parse_yes_no(value) == (result, None)


def test_a_header_under_a_title_and_over_two_rows_is_found():
    rows = [
        ("2026年哈尔滨市重点项目台账",),
        ("单位：万元",),
        ("序号", "项目名称", "项目单位", None, "总投资（亿元）", "所属行业", "所在区县", "所在园区", "签约时间", "包保市领导", "备注"),
        (None, None, "企业名称", "统一社会信用代码"),
        (1, "某项目", "某公司", "91230109MA1B2C3D4B", 1.2, "新能源", "呼兰区", "利民经济技术开发区", "2026.3.5", "赵建国", ""),
    ]
    header = rules.find_header(rows, vocabulary().stage_labels)
    assert header.row == 3
    found = {f: c.letter for f, c in header.columns.items()}
    assert found == {"name": "B", "enterprise": "C", "credit_code": "D", "investment": "E", "industry": "F", "district": "G", "park": "H",
                     "signed_on": "I", "responsible_leader": "J", "notes": "K"}
    assert header.factor == Decimal(10000) and "序号" in header.ignored
    assert "lead_officer" in header.missing and "area" not in header.missing


def test_no_header_is_found_in_a_sheet_of_other_things():
    assert rules.find_header([("姓名", "电话"), ("张三", "13900000000")], vocabulary().stage_labels) is None


def test_blank_title_and_total_rows_are_skipped():
    header = rules.find_header([("项目名称", "企业名称", "总投资（万元）")], vocabulary().stage_labels)
    v = vocabulary()
    assert rules.parse_row((None, None, None), 2, header, v) is None
    assert rules.parse_row((None, "二、市级重点项目"), 3, header, v) is None
    assert rules.parse_row(("合计", None, 36000), 9, header, v) is None


def test_the_templates_example_row_is_never_imported():
    header = rules.find_header([("系统编号", "项目名称", "企业名称")], vocabulary().stage_labels)
    assert rules.parse_row(("示例", "（示例）某项目", "某公司"), 2, header, vocabulary()) is None


LIMITS = Limits(max_bytes=1000, max_rows=10, max_unpacked=5000)


def test_uploads_are_judged_by_content_not_by_name():
    import io
    import zipfile

    def zipped(**parts: bytes) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name.replace("__", "/").replace("_xml", ".xml").replace("_bin", ".bin").replace("CT", "[Content_Types].xml"), data)
        return buffer.getvalue()

    assert check_upload(b"", LIMITS).problem == "The file is empty."
    assert "larger than the limit" in check_upload(b"x" * 1001, LIMITS).problem
    assert "old .xls" in check_upload(b"\xd0\xcf\x11\xe0" + b"\0" * 100, LIMITS).problem
    assert "not an Excel workbook" in check_upload("项目名称,企业名称\n".encode(), LIMITS).problem
    assert "not an Excel workbook" in check_upload(zipped(word__document_xml=b"<w/>", CT=b"<x/>"), LIMITS).problem
    assert check_upload(zipped(CT=b"<x/>", xl__workbook_xml=b"<w/>"), LIMITS).problem is None
    assert check_upload(zipped(CT=b"<x/>", xl__workbook_xml=b"<w/>", xl__vbaProject_bin=b"macro"), LIMITS).macros
    bomb = zipped(CT=b"<x/>", xl__workbook_xml=b" " * 6000)
    assert len(bomb) < 1000 and check_upload(bomb, LIMITS).problem == "The workbook is too large once unpacked."
