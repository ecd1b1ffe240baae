"""``X-Forwarded-Ssl: on`` under ``--proxy-headers xforwarded``: Quarkus's ForwardedParser.processXForwarded (which
Keycloak runs for a trusted proxy) reads it after ``X-Forwarded-Proto`` and, when it is ``on`` in any case, makes the
scheme https and drops the request's port. The issuer and the realm's ``sslRequired`` check see that scheme; under
``forwarded`` or without proxy headers the header counts for nothing."""

from __future__ import annotations

import pytest

from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
DISCOVERY = "/realms/test/.well-known/openid-configuration"


async def issuer(env: Env, headers: dict[str, str]) -> str:
    response = await env.http.get(DISCOVERY, headers={"Host": "localhost:8080", **headers})
    assert response.status_code == 200, response.text
    return str(response.json()["issuer"])


@pytest.mark.server_options(proxy_headers="xforwarded")
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Forwarded-Ssl": "on"}, "https://localhost"),
        ({"X-Forwarded-Ssl": "ON"}, "https://localhost"),
        ({"X-Forwarded-Ssl": "on", "X-Forwarded-Proto": "http"}, "https://localhost"),
        ({"X-Forwarded-Ssl": "on", "X-Forwarded-Host": "id.example:9443"}, "https://id.example:9443"),
        ({"X-Forwarded-Ssl": "on", "X-Forwarded-Port": "8443"}, "https://localhost:8443"),
        ({"X-Forwarded-Ssl": "off"}, "http://localhost:8080"),
        ({"X-Forwarded-Ssl": "off", "X-Forwarded-Proto": "https"}, "https://localhost"),
        ({"X-Forwarded-Ssl": "true"}, "http://localhost:8080"),
    ],
)
async def test_x_forwarded_ssl_on_makes_the_scheme_https(realm: Env, headers: dict[str, str], expected: str) -> None:
    assert await issuer(realm, headers) == f"{expected}/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_x_forwarded_ssl_on_satisfies_ssl_required_all(realm: Env) -> None:
    await update_realm(realm.db, "test", ssl_required="all")
    plain = await realm.http.get(DISCOVERY)
    assert plain.status_code == 403, plain.text
    assert (await realm.http.get(DISCOVERY, headers={"X-Forwarded-Ssl": "on"})).status_code == 200


async def test_without_proxy_headers_x_forwarded_ssl_counts_for_nothing(realm: Env) -> None:
    assert await issuer(realm, {"X-Forwarded-Ssl": "on"}) == "http://localhost:8080/realms/test"


@pytest.mark.server_options(proxy_headers="forwarded")
async def test_forwarded_mode_reads_no_x_forwarded_ssl(realm: Env) -> None:
    assert await issuer(realm, {"X-Forwarded-Ssl": "on"}) == "http://localhost:8080/realms/test"
