"""`tracker token create --name NAME [--district ID] [--expires YYYY-MM-DD] [--scopes a,b]` prints a
new API token once; `tracker token revoke NAME` revokes the active token of that name at once. For
scripted integration; a refusal is a message on stderr and exit code 2. Both are audited (as the
command line: no user)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import NoReturn

from tracker import i18n
from tracker.api import queries, rules
from tracker.org.tables import Department
from tracker.settings import today


def _refuse(message: str) -> NoReturn:
    print(f"tracker: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def add_arguments(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("token", help="issue and revoke API tokens (/api/v1/)")
    what = parser.add_subparsers(dest="token_command", required=True)
    create = what.add_parser("create", help="issue a token and print it (once: only its hash is kept)")
    create.add_argument("--name", required=True, help="who uses it; unique among the active tokens")
    create.add_argument("--district", help="only this district's projects (its department id or name)")
    create.add_argument("--expires", help="valid through this day, YYYY-MM-DD")
    create.add_argument("--scopes", default=",".join(rules.SCOPES),
                        help=f"the areas it may read, comma-separated (default all: {','.join(rules.SCOPES)})")
    revoke = what.add_parser("revoke", help="revoke the active token of this name, effective at once")
    revoke.add_argument("name")


async def _district(value: str | None) -> int | None:
    if not value:
        return None
    query = Department.select(Department.id).where(Department.kind == "district")
    query = query.where(Department.id == int(value)) if value.isdigit() and len(value) < 10 else query.where(Department.name == value)
    row = await query.first()
    if row is None:
        _refuse(f"--district: there is no district {value!r}")
    return row["id"]


async def token_command(args: argparse.Namespace) -> None:
    if args.token_command == "revoke":
        try:
            name = await queries.revoke_token(None, None, name=args.name)
        except queries.Refused as refused:
            _refuse(i18n.gettext("en", str(refused)))
        print(f"revoked: {name}")
        return
    scopes = rules.parse_scopes(args.scopes)
    unknown = {s.strip() for s in args.scopes.split(",")} - set(rules.SCOPES)
    if unknown or not scopes:
        _refuse(f"--scopes: choose among {', '.join(rules.SCOPES)}")
    expires = None
    if args.expires:
        try:
            expires = date.fromisoformat(args.expires)
        except ValueError:
            _refuse("--expires: a date as YYYY-MM-DD")
        if expires < today():
            _refuse("--expires: this day has passed")
    district = await _district(args.district)
    try:
        _id, token = await queries.create_token(args.name, scopes, district, expires, None)
    except queries.Refused as refused:
        _refuse(i18n.gettext("en", str(refused)))
    print(token)
