"""Keycloak's new-framework TlsSslRequiredTest (tests/base/.../tests/ssl/) and LoginSSLTest (.../tests/forms/).

TlsSslRequiredTest runs Keycloak with TLS on and reaches the plain-HTTP listener (8080) beside it. Doorkeep serves
one listener, HTTP or HTTPS, never both; the realm's ``sslRequired`` decides the same answers over plain HTTP, so the
two methods run against the app over HTTP: with ``none`` discovery is served and names HTTP endpoints, with ``all``
discovery and the realm keys are refused, Keycloak's checkSsl in RealmsResource.getWellKnownResponse and
OIDCLoginProtocolService.certs (403 invalid_request "HTTPS required"; Doorkeep served both before).

LoginSSLTest#loginSuccessRealmSigningAlgorithms runs against a ``doorkeep start-dev`` serving HTTPS (its own
certificate): after a login the ``KEYCLOAK_IDENTITY`` cookie is signed with Keycloak's internal algorithm (HS512,
``Constants.INTERNAL_SIGNATURE_ALGORITHM``), still so after the realm's default signature algorithm became ES256,
and the cookie still answers a new authorization request with a code. Realm ``login-test``, its user and client are
created through the admin API; the LOGIN event is read from the realm's events API.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, login, start
from interop.server import DoorkeepProcess, self_signed_certificate
from pg import ThrowawayPostgres
from support import seed_login_realm, update_realm
from wire_env import Env, prepared_postgres

pytestmark = pytest.mark.anyio


async def test_http_access_allowed_when_ssl_not_required(env: Env) -> None:
    """TlsSslRequiredTest#testHttpAccessAllowedWhenSslNotRequired."""
    await seed_login_realm(env.db, env.clock)
    await update_realm(env.db, "test", ssl_required="none")
    response = await env.http.get("/realms/test/.well-known/openid-configuration")
    assert response.status_code == 200, response.text
    http_base = str(env.http.base_url).rstrip("/")
    assert http_base.startswith("http://")
    assert response.json()["authorization_endpoint"].startswith(http_base)


async def test_http_access_rejected_when_ssl_always_required(env: Env) -> None:
    """TlsSslRequiredTest#testHttpAccessRejectedWhenSslAlwaysRequired."""
    await seed_login_realm(env.db, env.clock)
    await update_realm(env.db, "test", ssl_required="all")
    refused = {"error": "invalid_request", "error_description": "HTTPS required"}  # checkSsl's 403
    well_known = await env.http.get("/realms/test/.well-known/openid-configuration")
    assert (well_known.status_code, well_known.json()) == (403, refused)
    keys = await env.http.get("/realms/test/protocol/openid-connect/certs")
    assert (keys.status_code, keys.json()) == (403, refused)


@pytest.fixture
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(postgres)
        yield url
        postgres.drop_database_of(url)
    else:
        yield f"sqlite:///{tmp_path / 'doorkeep.db'}"


@pytest.fixture
def tls_server(db_url: str, tmp_path: Path) -> Iterator[DoorkeepProcess]:
    server = DoorkeepProcess(tmp_path / "server", db_url=db_url, tls=self_signed_certificate(tmp_path))
    server.start()
    yield server
    server.stop()


def jws_header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


async def create_login_test_realm(http: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """LoginTest.LoginRealmConfig's parts this method uses: realm ``login-test``, its user and a client."""
    realm = {"realm": "login-test", "enabled": True, "eventsEnabled": True}
    assert (await http.post("/admin/realms", json=realm, headers=headers)).status_code == 201
    client = {"clientId": "test-app", "publicClient": True, "redirectUris": [REDIRECT]}
    assert (await http.post("/admin/realms/login-test/clients", json=client, headers=headers)).status_code == 201
    user = {"username": "login-test", "enabled": True, "email": "login@test.com", "firstName": "L", "lastName": "T"}
    user["credentials"] = [{"type": "password", "value": "test", "temporary": False}]
    assert (await http.post("/admin/realms/login-test/users", json=user, headers=headers)).status_code == 201


async def test_login_success_realm_signing_algorithms(tls_server: DoorkeepProcess) -> None:
    """LoginSSLTest#loginSuccessRealmSigningAlgorithms."""
    headers = {"Authorization": f"Bearer {tls_server.admin_token()}"}
    context = tls_server.ssl_context()
    assert context is not None
    async with httpx.AsyncClient(base_url=tls_server.base_url, verify=context, timeout=30) as http:
        await create_login_test_realm(http, headers)
        assert "code" in await login(http, "login-test", "test-app", username="login-test", password="test")

        users = (
            await http.get("/admin/realms/login-test/users", params={"username": "login-test"}, headers=headers)
        ).json()
        events = (await http.get("/admin/realms/login-test/events", params={"type": "LOGIN"}, headers=headers)).json()
        assert [(e["userId"], e["details"]["username"]) for e in events] == [(users[0]["id"], "login-test")]

        identity = http.cookies.get("KEYCLOAK_IDENTITY", path="/realms/login-test/")
        assert identity and jws_header(identity)["alg"] == "HS512"

        update = {"defaultSignatureAlgorithm": "ES256"}
        assert (await http.put("/admin/realms/login-test", json=update, headers=headers)).status_code == 204
        again = await start(http, "login-test", "test-app")
        assert again.status_code == 302 and "code=" in again.headers["location"], again.text[:300]
        identity = http.cookies.get("KEYCLOAK_IDENTITY", path="/realms/login-test/")
        assert identity and jws_header(identity)["alg"] == "HS512"
