"""Helpers for tests: no side effects on import (the environment is set in conftest)."""

from __future__ import annotations

import asyncio

from litestar.testing import TestClient

DEMO_PASSWORD = "tracker-demo"


def run(awaitable):
    """Await a coroutine or Piccolo query against the test database from a synchronous test."""

    async def wrapper():
        return await awaitable

    return asyncio.run(wrapper())


class Client(TestClient):
    """The Litestar test client with the chores of a browser: CSRF token and login."""

    def csrf(self) -> str:
        if not self.cookies.get("csrftoken"):
            self.get("/login")
        return self.cookies.get("csrftoken")

    def login(self, username: str, password: str = DEMO_PASSWORD):
        response = self.post("/login", data={"username": username, "password": password, "_csrf_token": self.csrf()}, follow_redirects=False)
        assert response.status_code in (302, 303), response.text
        return response

    def submit(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        """POST a form with the CSRF token, as the page's form (or htmx) would."""
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", "x-csrftoken": self.csrf(), **headers}
            return self.post(url, data=data or {}, headers=headers, **kwargs)
        return self.post(url, data={**(data or {}), "_csrf_token": self.csrf()}, headers=headers, follow_redirects=False, **kwargs)


def is_postgres() -> bool:
    import os

    return os.environ.get("DATABASE_URL", "").startswith(("postgresql://", "postgres://"))
