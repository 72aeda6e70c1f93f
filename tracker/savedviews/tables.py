"""A user's named views of a list: its filters and sort, kept as the list's query string."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User


class SavedView(Table, tablename="saved_view"):
    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    list_name = Varchar(length=30)
    name = Varchar(length=60)
    query = Text(default="")
    created_at = Timestamptz()
