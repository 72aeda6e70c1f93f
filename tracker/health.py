from litestar import get
from litestar.response import Response

from tracker.db import engine


@get("/healthz")
async def healthz() -> Response:
    """200 with {"database": "ok"} when the database answers, 503 otherwise."""
    try:
        await engine().run_ddl("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means the database did not answer
        return Response({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return Response({"status": "ok", "database": "ok", "engine": engine().engine_type})
