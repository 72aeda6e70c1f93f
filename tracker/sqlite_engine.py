"""The SQLite engine the app runs on (no tracker imports: settings builds it)."""

import asyncio

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory


class TrackerSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, with one long-lived connection per app server for the statements
    run outside a transaction (reads, mostly).

    Piccolo opens a new connection, and aiosqlite a new thread, for every such statement: about
    3 ms each against hundredths of a millisecond of SQLite work, and a page runs several. While
    the app runs (see app.lifespan) those statements share one connection in autocommit mode
    (isolation_level None: each statement sees every committed write). Transactions keep
    their own connections, so writers queue on SQLite's lock as before."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shared: dict[asyncio.AbstractEventLoop, aiosqlite.Connection] = {}

    async def open_shared_connection(self) -> None:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        await connection.execute("PRAGMA foreign_keys = 1")
        self._shared[asyncio.get_running_loop()] = connection

    async def close_shared_connection(self) -> None:
        connection = self._shared.pop(asyncio.get_running_loop(), None)
        if connection is not None:
            await connection.close()

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = self._shared.get(asyncio.get_running_loop())
        if connection is None:
            return await super()._run_in_new_connection(query, args, query_type, table)
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()
