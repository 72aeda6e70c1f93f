"""The three lifecycle templates a database starts with (manufacturing, services/HQ,
infrastructure), and the projects created before templates existed marked as manufacturing, with
each milestone's offset from signing kept (so a later calendar or green-channel change can
re-plan it)."""

from datetime import UTC, datetime

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T16:24:05:000000"
VERSION = "1.38.0"
DESCRIPTION = "seed the shipped lifecycle templates"

# code, name, description, milestones (stage, name, offset, green-channel offset, applies): a
# copy of tracker.projects.rules.SHIPPED_TEMPLATES as they were when this migration was written.
TEMPLATES = (
    ("manufacturing", "制造业项目", "新建厂房的工业项目：供地、规划施工许可、开工、竣工、投产", (
        ("signed", "签订投资合同", 0, 0, True),
        ("registered", "完成企业注册", 20, 10, True),
        ("filed", "项目立项备案", 40, 25, True),
        ("land", "取得土地使用权", 90, 60, True),
        ("permitted", "取得施工许可证", 130, 85, True),
        ("construction", "项目开工建设", 150, 100, True),
        ("completed", "竣工验收", 400, 300, True),
        ("operating", "投产运营", 460, 340, True),
    )),
    ("services", "服务业及总部项目", "租用或购置楼宇的服务业、总部及研发项目：无需供地", (
        ("signed", "签订投资合同", 0, 0, True),
        ("registered", "完成企业注册", 15, 8, True),
        ("filed", "项目备案", 30, 15, True),
        ("land", "取得土地使用权", 30, 15, False),
        ("permitted", "取得装修施工许可", 50, 30, True),
        ("construction", "开始装修改造", 60, 35, True),
        ("completed", "装修竣工验收", 140, 100, True),
        ("operating", "正式开业运营", 160, 115, True),
    )),
    ("infrastructure", "基础设施项目", "道路、管网、能源等基础设施：可研批复、用地预审和较长的建设期", (
        ("signed", "签订投资合同", 0, 0, True),
        ("registered", "组建项目公司", 20, 15, True),
        ("filed", "取得可行性研究报告批复", 80, 55, True),
        ("land", "取得用地批复", 140, 100, True),
        ("permitted", "取得施工许可证", 180, 130, True),
        ("construction", "项目开工建设", 200, 145, True),
        ("completed", "竣工验收", 560, 430, True),
        ("operating", "建成投用", 600, 460, True),
    )),
)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        sqlite = engine.engine_type == "sqlite"
        now = datetime.now(UTC).isoformat()
        true, false = ("1", "0") if sqlite else ("TRUE", "FALSE")
        for code, name, description, milestones in TEMPLATES:
            await engine.run_ddl(
                "INSERT INTO lifecycle_template (code, name, description, active, version, updated_at) "
                f"VALUES ({_q(code)}, {_q(name)}, {_q(description)}, {true}, 1, {_q(now)})"
            )
            template_id = (await engine.run_ddl(f"SELECT id FROM lifecycle_template WHERE code = {_q(code)}"))[0]["id"]
            for seq, (stage, mname, offset, green, applies) in enumerate(milestones, start=1):
                await engine.run_ddl(
                    "INSERT INTO template_milestone (template, seq, stage, name, offset_workdays, green_offset_workdays, applies) "
                    f"VALUES ({template_id}, {seq}, {_q(stage)}, {_q(mname)}, {offset}, {green}, {true if applies else false})"
                )
        manufacturing = (await engine.run_ddl("SELECT id FROM lifecycle_template WHERE code = 'manufacturing'"))[0]["id"]
        await engine.run_ddl(f"UPDATE project SET template = {manufacturing} WHERE template IS NULL")
        for stage, _name, offset, _green, _applies in TEMPLATES[0][3]:
            await engine.run_ddl(f"UPDATE milestone SET offset_workdays = {offset} WHERE stage = {_q(stage)} AND offset_workdays IS NULL")

    async def undo():
        engine = engine_finder()
        await engine.run_ddl("UPDATE project SET template = NULL")
        await engine.run_ddl("DELETE FROM template_milestone")
        await engine.run_ddl("DELETE FROM lifecycle_template")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
