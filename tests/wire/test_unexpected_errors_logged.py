"""An unexpected error: the client gets Keycloak's generic 500 and no trace; the log gets the traceback,
redacted, with a SQL error's bind parameters hidden."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.app import create_app
from doorkeep.server import logs
from wire_env import Env

pytestmark = pytest.mark.anyio
SECRET = "s3cret-bind-value"


async def _broken(request: Request) -> Response:
    try:
        raise ValueError("deep inside")
    except ValueError as inner:
        raise IntegrityError("INSERT INTO clients (secret) VALUES (?)", (SECRET,), inner) from inner


def _client(env: Env) -> httpx.AsyncClient:
    app = create_app(env.settings, db=env.db, clock=env.clock)
    app.router.routes.insert(0, Route("/broken", _broken, methods=["GET"]))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


def _written(record: logging.LogRecord, output: str) -> str:
    """The record as the server's one handler writes it: through the redaction filter, then formatted."""
    assert logs.RedactingFilter().filter(record)
    return logs.formatter(output).format(record)


@pytest.mark.parametrize("output", ["text", "json"])
async def test_an_unexpected_error_is_a_generic_500_and_its_traceback_goes_to_the_log_without_bind_values(
    env: Env, caplog: pytest.LogCaptureFixture, output: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="doorkeep"):
        async with _client(env) as http:
            response = await http.get("/broken")
    assert response.status_code == 500
    assert response.json() == {
        "error": "unknown_error",
        "error_description": "For more on this error consult the server log.",
    }
    assert "Traceback" not in response.text and SECRET not in response.text
    [record] = [r for r in caplog.records if r.getMessage().startswith("unhandled IntegrityError")]
    line = _written(record, output)
    assert "Traceback" in line and "_broken" in line and "deep inside" in line
    assert "INSERT INTO clients" in line
    assert SECRET not in line
