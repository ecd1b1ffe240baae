"""An unexpected exception is answered with Keycloak's generic 500 and logged in one line, no traceback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from doorkeep.app import create_app
from doorkeep.settings import Settings
from doorkeep.web.server_errors import CatchServerErrors

pytestmark = pytest.mark.anyio


async def _boom(request: Request) -> Response:
    raise RuntimeError("secret-looking detail that must not reach the client")


async def _late_boom(request: Request) -> Response:
    async def body() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("after the headers")

    return StreamingResponse(body())


def _client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[Route("/boom", _boom), Route("/late", _late_boom)], middleware=[Middleware(CatchServerErrors)]
    )
    # raise_app_exceptions=True: the test fails if the exception escapes the app as it did before.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_an_unhandled_exception_is_a_clean_500_json_and_does_not_escape(caplog: pytest.LogCaptureFixture) -> None:
    async with _client() as http:
        with caplog.at_level(logging.ERROR, logger="doorkeep"):
            response = await http.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": "unknown_error",
        "error_description": "For more on this error consult the server log.",
    }
    assert "secret-looking" not in response.text
    records = [r for r in caplog.records if r.name == "doorkeep"]
    assert [r.getMessage() for r in records] == ["unhandled RuntimeError on GET /boom"]
    assert all(r.exc_info is not None and r.exc_info[0] is RuntimeError for r in records)  # the traceback, logged


async def test_an_exception_after_the_headers_went_out_is_reraised_so_the_server_aborts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with _client() as http:
        with caplog.at_level(logging.ERROR, logger="doorkeep"), pytest.raises(RuntimeError, match="after the headers"):
            await http.get("/late")
    assert any(r.getMessage() == "unhandled RuntimeError on GET /late" for r in caplog.records)


def test_the_application_is_wrapped() -> None:
    app = create_app(Settings(db_url="sqlite:///:memory:"))
    classes: list[object] = [m.cls for m in app.user_middleware]
    assert any(cls is CatchServerErrors for cls in classes)
