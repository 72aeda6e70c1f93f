"""`tracker department create` and `tracker officer create`: scripted set-up of a new bureau.

They read their options through the same Form and checks as the pages, so they refuse the same
input; a refusal is a message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from tracker import i18n
from tracker.admin import queries
from tracker.db import write_transaction
from tracker.web import Form

# Form fields as the command line names them.
OPTIONS = {"parent": "--parent", "department": "--department", "is_leader": "--leader"}


def refuse(message: str) -> NoReturn:
    print(f"tracker: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _refuse_form(form: Form) -> NoReturn:
    for field, message in form.errors.items():
        print(f"tracker: error: {OPTIONS.get(field, '--' + field)}: {i18n.gettext('en', message)}", file=sys.stderr)
    raise SystemExit(2)


async def _department_id(name: str, option: str) -> int:
    department = await queries.department_by_name(name)
    if department is None:
        refuse(f"{option}: there is no department named {name!r}")
    if not department["active"]:
        refuse(f"{option}: the department {department['name']!r} is deactivated")
    return department["id"]


async def department_create(args: argparse.Namespace) -> None:
    data = {"name": args.name, "kind": args.kind, "parent": ""}
    if args.parent:
        data["parent"] = str(await _department_id(args.parent, "--parent"))
    form = Form(data)
    values = queries.read_department(form)
    async with write_transaction():
        await queries.check_department(form, values)
        if form.ok:
            department_id = await queries.create_department(values, None)
    if not form.ok:
        _refuse_form(form)
    parent = f" in {args.parent}" if args.parent else ""
    print(f"Created department {values['name']} ({values['kind']}{parent}), id {department_id}.")


async def officer_create(args: argparse.Namespace) -> None:
    data = {
        "name": args.name, "title": args.title or "", "department": str(await _department_id(args.department, "--department")),
        "phone": args.phone or "", "email": args.email or "", "is_leader": "1" if args.leader else "",
    }
    form = Form(data)
    values = queries.read_officer(form)
    async with write_transaction():
        await queries.check_officer(form, values)
        if form.ok:
            officer_id = await queries.create_officer(values, None)
    if not form.ok:
        _refuse_form(form)
    leader = ", can be a responsible leader" if values["is_leader"] else ""
    print(f"Created officer {values['name']} ({args.department}{leader}), id {officer_id}.")

