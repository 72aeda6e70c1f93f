"""Backup and restore: one archive with the database copy, the uploads and a manifest.

`archive.py` is the archive format, `databases.py` the engine-specific copy and restore
(SQLite's online backup API, pg_dump and pg_restore), `commands.py` the two `tracker` commands.
"""
