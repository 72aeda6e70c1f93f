"""Imports of the project ledger: one batch per uploaded file, one row per sheet row.

The preview is kept here (not in the session cookie) until the user confirms, and the progress
of a running check or import is read from here by whichever app server answers the poll.
"""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User


class ImportBatch(Table, tablename="import_batch"):
    filename = Varchar(length=200)
    size = Integer()
    sha256 = Varchar(length=64)
    # reading | checking | ready | writing | done | failed
    status = Varchar(length=20, default="reading", index=True)
    # Why it failed, or a note for the user (an English message id).
    message = Text(default="")
    done = Integer(default=0)
    total = Integer(default=0)
    sheet = Varchar(length=100, default="")
    header_row = Integer(null=True, default=None)
    # The recognised columns ({field: [letter, header]}), the headers ignored, the required ones missing.
    columns = JSON(default="{}")
    notes = JSON(default="{}")
    # The officers and departments the sheet names that do not exist, and those the user chose to create.
    unknown = JSON(default="[]")
    create = JSON(default="[]")
    skip_errors = Boolean(default=False)
    counts = JSON(default="{}")
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class ImportRow(Table, tablename="import_row"):
    batch = ForeignKey(ImportBatch, null=False, on_delete=OnDelete.restrict, index=True)
    number = Integer()  # the sheet's row number
    outcome = Varchar(length=20, index=True)  # new | update | unchanged | duplicate | error
    values = JSON(default="{}")  # as read (see rules.Row)
    shown = JSON(default="{}")
    problems = JSON(default="[]")
    result = JSON(default="{}")  # rules.Result: match, candidates, changes, needs, plan
    # For a likely duplicate: "same" (not imported) or "different" (imported as a new project).
    decision = Varchar(length=20, null=True, default=None)
    # The project the confirmed import created or updated.
    project = Integer(null=True, default=None)
