"""The `tracker` command: serve, migrate, demo, user/department/officer create, refresh-colours, notify."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys

from tracker.settings import ROOT, get_settings, today

FIXTURE = ROOT / "fixtures" / "demo.json"


def _run(coro):
    return asyncio.run(coro)


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from tracker.db import engine, is_sqlite

    if is_sqlite():
        # WAL lets readers go on while one writer writes; the setting stays with the file.
        await engine().run_ddl("PRAGMA journal_mode=WAL")
    result = await run_forwards(app_name="tracker", migration_id="all", fake=False)
    if not result.success:
        raise SystemExit(f"migration failed: {result.message}")


async def analyze() -> None:
    """Fresh planner statistics after a bulk load (the daily refresh keeps them fresh later)."""
    from tracker.db import engine

    await engine().run_ddl("ANALYZE")


async def _reset_sequences() -> None:
    """`piccolo fixtures load` on PostgreSQL leaves id sequences behind; move them past max(id)."""
    from tracker.db import engine, is_sqlite
    from tracker.piccolo_app import APP_CONFIG

    if is_sqlite():
        return
    for table in APP_CONFIG.table_classes:
        name = table._meta.tablename
        await engine().run_ddl(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        )


async def load_demo_fixture() -> None:
    from piccolo.apps.fixtures.commands.load import load_json_string

    from tracker.db import write_transaction
    from tracker.projects.queries import refresh_colours

    await load_json_string(FIXTURE.read_text(encoding="utf-8"))
    await _reset_sequences()
    async with write_transaction():
        await refresh_colours(None, today())
    # Approval procedures and utility connections (issue 17) are added on top of the fixture; the
    # late ones go to projects already red, so this second refresh changes no colour.
    from tracker.approvals.demo import add_demo as add_procedures
    from tracker.calendar.queries import load_calendar
    from tracker.utilities.demo import add_demo as add_connections

    async with write_transaction():
        calendar = await load_calendar()
        await add_procedures(today(), calendar)
        await add_connections(today(), calendar)
        await refresh_colours(None, today())
    # Visits and one drawn month of satisfaction callbacks (issue 18): no colour depends on them.
    from tracker.callbacks.demo import add_demo as add_callbacks
    from tracker.visits.demo import add_demo as add_visits

    async with write_transaction():
        await add_visits(today())
        await add_callbacks(today())
    # Investment plans and monthly completions (issue 18), some projects behind their plan.
    from tracker.investment.demo import add_demo as add_investment

    async with write_transaction():
        await add_investment(today())


async def _demo(projects: int | None, if_empty: bool, rebuild_fixture: bool) -> None:
    from tracker.db import write_transaction
    from tracker.projects.tables import Project

    if rebuild_fixture:
        await _rebuild_fixture()
        return
    empty = not await Project.exists()
    if empty:
        await load_demo_fixture()
        await analyze()
        print(f"Loaded the demo data from {FIXTURE.relative_to(ROOT)}.")
    elif if_empty and not projects:
        print("The database already has data; the demo was not loaded again.")
    elif not projects:
        print("The database already has data; nothing loaded (use --projects N to add synthetic projects).")
    if projects:
        from tracker.demo import generate_projects
        from tracker.projects.queries import refresh_colours

        async with write_transaction():
            await generate_projects(projects, today())
            await refresh_colours(None, today())
        await analyze()
        print(f"Added {projects} synthetic projects.")


async def _rebuild_fixture() -> None:
    """Write the demo into the (empty) database, then dump it to fixtures/demo.json."""
    from piccolo.apps.fixtures.commands.dump import FixtureConfig, dump_to_json_string

    from tracker.db import write_transaction
    from tracker.demo import build_demo
    from tracker.piccolo_app import APP_CONFIG
    from tracker.projects.tables import Project

    if await Project.exists():
        raise SystemExit("--rebuild-fixture needs an empty database")
    async with write_transaction():
        await build_demo()
    # The audit trail is not demo data, and the lifecycle templates come from the migrations.
    skip = {"AuditEvent", "LifecycleTemplate", "TemplateMilestone", "UserSession", "LoginAttempt"}
    names = [t.__name__ for t in APP_CONFIG.table_classes if t.__name__ not in skip]
    data = json.loads(await dump_to_json_string([FixtureConfig(app_name="tracker", table_class_names=names)]))
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {FIXTURE}")


async def _user_create(args: argparse.Namespace) -> None:
    from tracker.admin.commands import refuse
    from tracker.admin.queries import officer_link_problem, username_taken
    from tracker.admin.rules import officer_link_error, username_error
    from tracker.audit.record import audit
    from tracker.auth.passwords import hash_password
    from tracker.auth.roles import ROLES
    from tracker.auth.rules import password_problem
    from tracker.auth.tables import User
    from tracker.db import write_transaction
    from tracker.org.tables import Enterprise, Officer

    username = args.username or input("username: ").strip()
    if problem := username_error(username) if len(username) <= 50 else "at most 50 characters":
        refuse(f"--username: {problem}")
    role = args.role or input(f"role ({', '.join(ROLES)}): ").strip()
    if role not in ROLES:
        refuse(f"--role must be one of {', '.join(ROLES)}")
    password = args.password or getpass.getpass("password: ")
    if problem := password_problem(password, password, username):
        refuse(f"--password: {problem}")
    if await username_taken(username):
        refuse(f"user {username!r} already exists")
    officer_id = enterprise_id = None
    if role == "enterprise":
        code = args.enterprise or input("enterprise credit code: ").strip()
        row = await Enterprise.select(Enterprise.id).where(Enterprise.credit_code == code).first()
        if not row:
            refuse(f"no enterprise with credit code {code!r}")
        enterprise_id = row["id"]
    elif args.officer:
        row = await Officer.select(Officer.id).where(Officer.id == args.officer).first()
        if not row:
            refuse(f"no officer with id {args.officer}")
        officer_id = row["id"]
        if problem := await officer_link_problem(officer_id, None):
            refuse(f"--officer: {problem}")
    if problem := officer_link_error(role, officer_id):
        refuse(f"--officer: {problem}")
    async with write_transaction():
        rows = await User.insert(
            User(username=username, password_hash=hash_password(password), role=role, display_name=args.display_name or username,
                 officer=officer_id, enterprise=enterprise_id, must_change_password=role == "enterprise")
        ).returning(User.id)
        await audit(None, "create", "user", rows[0]["id"], {"username": username, "role": role, "via": "cli"})
    print(f"Created {role} {username}.")


async def _refresh() -> None:
    from tracker.db import write_transaction
    from tracker.projects.queries import refresh_colours

    async with write_transaction():
        changed = await refresh_colours(None, today())
    print(f"{changed} projects changed colour.")


async def _briefing(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from pathlib import Path

    from tracker import i18n
    from tracker.briefings import documents, render, rules
    from tracker.settings import today

    if args.kind == "weekly":
        try:
            week = rules.parse_week(args.week, today())
        except rules.BadWeek as bad:
            parser.error(i18n.gettext("en", bad.args[0]))
        document = await documents.weekly(week, args.lang, today(), annex=args.annex)
    else:
        if args.id is None:
            parser.error(f"give the {args.kind if args.kind == 'project' else 'meeting'} id")
        document = await (documents.project(args.id, args.lang, today()) if args.kind == "project" else documents.minutes(args.id, args.lang))
        if document is None:
            parser.error(f"there is no {'project' if args.kind == 'project' else 'meeting'} with id {args.id}")
    output = Path(args.output)
    if args.html:
        output.write_text(document, encoding="utf-8")
    else:
        output.write_bytes(render.pdf(document))
    print(f"Wrote {output}")


def main(argv: list[str] | None = None) -> None:
    from tracker.org.tables import DEPARTMENT_KINDS

    parser = argparse.ArgumentParser(prog="tracker", description="Key Project Tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true", help="log every request (off by default: the proxy in front logs them)")
    sub.add_parser("migrate", help="create or update the database schema")
    demo = sub.add_parser("demo", help="load the demo data into an empty database")
    demo.add_argument("--projects", type=int, default=None, help="add N synthetic projects for scale tests")
    demo.add_argument("--if-empty", action="store_true", help="say nothing is loaded when data exists")
    demo.add_argument("--rebuild-fixture", action="store_true", help=argparse.SUPPRESS)
    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    create = user_sub.add_parser("create", help="create a user (asks for what is not given)")
    create.add_argument("--username")
    create.add_argument("--role")
    create.add_argument("--password")
    create.add_argument("--display-name")
    create.add_argument("--officer", type=int, help="id of the staff user's officer record")
    create.add_argument("--enterprise", help="credit code of the enterprise user's enterprise")
    department = sub.add_parser("department", help="manage departments")
    department_sub = department.add_subparsers(dest="department_command", required=True)
    create = department_sub.add_parser("create", help="create a department")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True, choices=DEPARTMENT_KINDS)
    create.add_argument("--parent", help="name of the district a park belongs to")
    officer = sub.add_parser("officer", help="manage officers")
    officer_sub = officer.add_subparsers(dest="officer_command", required=True)
    create = officer_sub.add_parser("create", help="create an officer")
    create.add_argument("--name", required=True)
    create.add_argument("--department", required=True, help="name of the officer's department")
    create.add_argument("--title", help="job title")
    create.add_argument("--phone", help="mobile (13912345678) or landline with area code (0451-86668888)")
    create.add_argument("--email")
    create.add_argument("--leader", action="store_true", help="can be a responsible leader")
    sub.add_parser("refresh-colours", help="recompute warning colours for today (run daily)")
    sub.add_parser("notify", help="one reminder pass: create today's notices, send what is due; prints the counts")
    sub.add_parser("demo-logins", help=argparse.SUPPRESS)
    briefing = sub.add_parser("briefing", help="write a PDF briefing")
    briefing.add_argument("kind", choices=("weekly", "project", "minutes"))
    briefing.add_argument("id", nargs="?", type=int, help="the project or meeting id")
    briefing.add_argument("--week", help="ISO week such as 2026-W48 (weekly; default this week)")
    briefing.add_argument("--lang", choices=("zh", "en"), default="zh")
    briefing.add_argument("--output", required=True, help="the PDF file to write")
    briefing.add_argument("--html", action="store_true", help="write the HTML the PDF is made from instead")
    briefing.add_argument("--annex", action="store_true",
                          help="weekly: print every entry of every list (by default only the worst entries of each)")
    from tracker.excel.commands import add_arguments as add_import_arguments

    add_import_arguments(sub)
    from tracker.api.commands import add_arguments as add_token_arguments

    add_token_arguments(sub)
    backup = sub.add_parser("backup", help="write a consistent copy of the database and the uploads into one archive")
    backup.add_argument("--output", required=True, help="the archive to write (.tar.gz)")
    restore = sub.add_parser("restore", help="restore an archive from `tracker backup` into an empty database")
    restore.add_argument("file", help="the archive (.tar.gz) written by `tracker backup`")

    args = parser.parse_args(argv)
    if args.command == "serve":
        from tracker.serve import serve as serve_app

        settings = get_settings()
        serve_app(args.host or settings.host, args.port or settings.port, args.workers, args.access_log)
    elif args.command == "migrate":
        _run(_migrate())
    elif args.command == "demo":
        _run(_demo(args.projects, args.if_empty, args.rebuild_fixture))
    elif args.command == "user":
        _run(_user_create(args))
    elif args.command == "department":
        from tracker.admin.commands import department_create

        _run(department_create(args))
    elif args.command == "officer":
        from tracker.admin.commands import officer_create

        _run(officer_create(args))
    elif args.command == "refresh-colours":
        _run(_refresh())
    elif args.command == "notify":
        from tracker.notices.commands import notify_command

        _run(notify_command())
    elif args.command == "briefing":
        _run(_briefing(parser, args))
    elif args.command == "import":
        from tracker.excel.commands import import_projects

        _run(import_projects(args))
    elif args.command == "token":
        from tracker.api.commands import token_command

        _run(token_command(args))
    elif args.command == "backup":
        from tracker.backup.commands import backup_command

        backup_command(args.output)
    elif args.command == "restore":
        from tracker.backup.commands import restore_command

        restore_command(args.file)
    elif args.command == "demo-logins":
        from tracker.demo import DEMO_PASSWORD, DEMO_USERS

        print(f"Demo logins (password for all: {DEMO_PASSWORD}): {', '.join(DEMO_USERS)}")


if __name__ == "__main__":
    sys.exit(main())
