"""The token endpoint served before Starlette's middleware stack (web/token_route.py, issue #8) answers exactly as
the router did: every other method or spelling of the path still goes through Starlette, an unexpected error is
still the generic 500 with the security headers, and the metrics still name the route (tests/wire/test_metrics.py)."""

from __future__ import annotations

import logging

import httpx
import pytest

from doorkeep.app import create_app
from doorkeep.oauth import token_endpoint
from doorkeep.oauth.context import OAuthRequest, Services
from doorkeep.store.tx import Tx
from wire_env import Env

pytestmark = pytest.mark.anyio
TOKEN = "/realms/master/protocol/openid-connect/token"
SECURITY = ("referrer-policy", "strict-transport-security", "x-content-type-options", "x-frame-options")


async def test_other_methods_and_spellings_of_the_path_answer_as_before(env: Env) -> None:
    for method in ("GET", "PUT", "DELETE"):
        refused = await env.http.request(method, TOKEN)
        assert refused.status_code == 405, (method, refused.text)
        assert refused.json()["error"] == "HTTP 405 Method Not Allowed" and refused.headers["allow"] == "POST"
    slash = await env.http.post(TOKEN + "/", data={"grant_type": "password"})
    assert slash.status_code == 307 and slash.headers["location"].endswith(TOKEN)
    unknown = await env.http.post("/realms/nope/protocol/openid-connect/token", data={"grant_type": "password"})
    assert unknown.status_code == 404 and unknown.json() == {"error": "Realm does not exist"}
    longer = await env.http.post(TOKEN + "/extra", data={"grant_type": "password"})
    assert longer.status_code == 404


async def test_the_token_answer_carries_the_security_and_no_store_headers(env: Env) -> None:
    answer = await env.http.post(TOKEN + "?ignored=1", data={"grant_type": "password", "client_id": "nobody"})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert all(name in answer.headers for name in SECURITY)
    assert answer.headers["cache-control"] == "no-store" and answer.headers["pragma"] == "no-cache"


async def test_each_security_header_is_sent_once_and_the_answers_own_cache_control_kept(env: Env) -> None:
    answer = await env.http.post(TOKEN, data={"grant_type": "password", "client_id": "nobody"})
    names = [name.lower() for name, _ in answer.headers.raw]
    assert all(names.count(name.encode()) == 1 for name in (*SECURITY, "cache-control")), names
    assert answer.headers["cache-control"] == "no-store"


async def test_an_unexpected_error_at_the_token_endpoint_is_the_generic_500(
    env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(tx: Tx, services: Services, req: OAuthRequest) -> None:
        raise RuntimeError("deep inside the grant")

    monkeypatch.setattr(token_endpoint, "grant_tokens", broken)
    app = create_app(env.settings, db=env.db, clock=env.clock)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    with caplog.at_level(logging.ERROR, logger="doorkeep"):
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            response = await http.post(TOKEN, data={"grant_type": "password", "client_id": "admin-cli"})
    assert response.status_code == 500
    assert response.json() == {
        "error": "unknown_error",
        "error_description": "For more on this error consult the server log.",
    }
    assert all(name in response.headers for name in SECURITY)
    assert any(r.getMessage() == f"unhandled RuntimeError on POST {TOKEN}" for r in caplog.records)
