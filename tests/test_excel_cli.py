"""`tracker import projects FILE.xlsx [--dry-run]`: the same check and write as the page, with exit
code 2 and a message when the file or its rows are refused."""

import pytest

from tests.excel_books import project_row, workbook_bytes
from tests.helpers import run
from tracker import cli
from tracker.org.tables import Officer
from tracker.projects.tables import Project


def refused(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.fixture
def ledger(tmp_path):
    def write(rows, name="台账.xlsx", **options) -> str:
        path = tmp_path / name
        path.write_bytes(workbook_bytes(rows, **options))
        return str(path)

    return write


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(db, ledger, capsys):
    before = run(Project.count())
    cli.main(["import", "projects", ledger([project_row(1), project_row(2, 签约日期="2026.3.5")], title="台账"), "--dry-run"])
    out = capsys.readouterr().out
    assert "新建项目 2" in out and "试运行：将写入 2 行" in out
    assert run(Project.count()) == before


def test_the_import_writes_every_row(db, ledger, capsys):
    before = run(Project.count())
    cli.main(["import", "projects", ledger([project_row(n) for n in range(1, 4)])])
    assert "导入完成：写入 3 行" in capsys.readouterr().out
    assert run(Project.count()) == before + 3
    cli.main(["import", "projects", ledger([project_row(n) for n in range(1, 4)], name="again.xlsx")])
    assert "没有需要导入的内容" in capsys.readouterr().out and run(Project.count()) == before + 3


def test_a_missing_file_or_a_file_that_is_not_a_workbook_is_refused(db, tmp_path, capsys):
    assert "no such file" in refused(["import", "projects", str(tmp_path / "none.xlsx")], capsys)
    csv = tmp_path / "台账.xlsx"
    csv.write_text("项目名称,企业名称\n某项目,某公司\n", encoding="utf-8")
    assert "这不是 Excel 工作簿" in refused(["import", "projects", str(csv)], capsys)


def test_rows_with_errors_are_named_and_nothing_is_written(db, ledger, capsys):
    before = run(Project.count())
    err = refused(["import", "projects", ledger([project_row(1), project_row(2, 签约日期="2026年2月30日")])], capsys)
    assert "行 3 I列「签约日期」: 没有这个日期。" in err and "没有写入任何数据" in err
    assert run(Project.count()) == before
    cli.main(["import", "projects", ledger([project_row(1), project_row(2, 签约日期="2026年2月30日")], name="b.xlsx"), "--skip-errors"])
    assert run(Project.count()) == before + 1


def test_unknown_names_are_created_only_when_asked(db, ledger, capsys):
    path = ledger([project_row(1, **{"包保领导": "司马新"})])
    assert "司马新" in refused(["import", "projects", path], capsys)
    cli.main(["import", "projects", path, "--create-missing"])
    leader = run(Officer.select().where(Officer.name == "司马新").first())
    assert leader["is_leader"] and run(Project.exists().where(Project.responsible_leader == leader["id"]))


def test_likely_duplicates_stop_the_import_unless_decided(db, ledger, capsys):
    name = run(Project.select(Project.name).order_by(Project.id).first())["name"]
    path = ledger([project_row(1, 项目名称=name)])
    assert "疑似重复" in refused(["import", "projects", path], capsys)
    before = run(Project.count())
    cli.main(["import", "projects", path, "--duplicates", "same"])
    assert run(Project.count()) == before
    cli.main(["import", "projects", path, "--duplicates", "different"])
    assert run(Project.count()) == before + 1
