"""``X-Forwarded-Port`` under ``--proxy-headers xforwarded``: Quarkus's ForwardedParser (quarkus-vertx-http), which
Keycloak runs for a trusted proxy. A forwarded scheme drops the request's own port, a forwarded host brings its own
port or none, ``X-Forwarded-Port`` then replaces the port (a malformed one is ignored), and the scheme's default port
is dropped. The issuer, redirects and e-mailed links all carry the result; without proxy headers none of it counts."""

from __future__ import annotations

import re

import pytest

from browser_flow import REDIRECT, form_action
from mail_sink import Sink
from support import seed_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

DISCOVERY = "/realms/test/.well-known/openid-configuration"
AUTH = "/realms/test/protocol/openid-connect/auth"
PROXY = {"X-Forwarded-Host": "id.example", "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "https"}


async def issuer(env: Env, headers: dict[str, str]) -> str:
    response = await env.http.get(DISCOVERY, headers={"Host": "localhost:8080", **headers})
    assert response.status_code == 200, response.text
    return str(response.json()["issuer"])


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_the_forwarded_port_goes_into_the_issuer_and_the_login_forms_url(realm: Env) -> None:
    assert await issuer(realm, PROXY) == "https://id.example:8443/realms/test"
    await seed_client(realm.db, "test", "web", redirect_uris=(REDIRECT,))
    params = {"client_id": "web", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = await realm.http.get(AUTH, params=params, headers=PROXY)
    assert page.status_code == 200, page.text
    assert form_action(page.text).startswith("https://id.example:8443/realms/test/login-actions/authenticate?")


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_a_redirect_built_from_the_request_carries_the_forwarded_port(realm: Env) -> None:
    response = await realm.http.get("/admin", headers=PROXY)
    assert response.status_code in (302, 303, 307), response.text
    assert response.headers["location"].startswith("https://id.example:8443/admin/"), response.headers


@pytest.mark.server_options(proxy_headers="xforwarded")
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Forwarded-Host": "id.example:9443", "X-Forwarded-Proto": "https"}, "https://id.example:9443"),
        ({"X-Forwarded-Host": "id.example:9443", "X-Forwarded-Port": "8443"}, "http://id.example:8443"),
        ({"X-Forwarded-Host": "id.example", "X-Forwarded-Proto": "https"}, "https://id.example"),
        ({"X-Forwarded-Proto": "https"}, "https://localhost"),
        ({"X-Forwarded-Port": "8443"}, "http://localhost:8443"),
        ({**PROXY, "X-Forwarded-Port": "443"}, "https://id.example"),
        ({"X-Forwarded-Host": "id.example:443", "X-Forwarded-Proto": "https"}, "https://id.example"),
        ({"X-Forwarded-Host": "id.example", "X-Forwarded-Port": "80"}, "http://id.example"),
        ({"X-Forwarded-Host": "id.example", "X-Forwarded-Port": "443"}, "http://id.example:443"),
        ({"X-Forwarded-Host": "[::1]", "X-Forwarded-Port": "8443"}, "http://[::1]:8443"),
        ({**PROXY, "X-Forwarded-Port": "8443, 80"}, "https://id.example:8443"),
    ],
)
async def test_the_port_follows_quarkus_forwarded_parser(realm: Env, headers: dict[str, str], expected: str) -> None:
    assert await issuer(realm, headers) == f"{expected}/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded")
@pytest.mark.parametrize("port", ["port", "-1", "123456", "65536", "84 43", "0x20FB", "++8443", "+"])
async def test_a_malformed_forwarded_port_is_ignored(realm: Env, port: str) -> None:
    headers = {"X-Forwarded-Host": "id.example:9443", "X-Forwarded-Port": port}
    assert await issuer(realm, headers) == "http://id.example:9443/realms/test"
    assert await issuer(realm, {**PROXY, "X-Forwarded-Port": port}) == "https://id.example/realms/test"


async def test_without_proxy_headers_the_forwarded_port_counts_for_nothing(realm: Env) -> None:
    assert await issuer(realm, PROXY) == "http://localhost:8080/realms/test"


@pytest.mark.server_options(proxy_headers="forwarded")
async def test_forwarded_mode_reads_no_x_forwarded_port(realm: Env) -> None:
    forwarded = {"Forwarded": "host=id.example;proto=https", "X-Forwarded-Port": "8443"}
    assert await issuer(realm, forwarded) == "https://id.example/realms/test"
    assert await issuer(realm, {"Forwarded": "proto=https"}) == "https://localhost/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_an_emailed_link_carries_the_forwarded_port(realm: Env, mail: Sink) -> None:
    await update_realm(realm.db, "test", smtp_server=mail.settings())
    grant = {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"}
    token = await realm.http.post("/realms/master/protocol/openid-connect/token", data=grant, headers=PROXY)
    admin = {"Authorization": f"Bearer {token.json()['access_token']}", **PROXY}
    users = await realm.http.get("/admin/realms/test/users?username=user1", headers=admin)
    user_id = users.json()[0]["id"]
    sent = await realm.http.put(
        f"/admin/realms/test/users/{user_id}/execute-actions-email", json=["UPDATE_PASSWORD"], headers=admin
    )
    assert sent.status_code == 204, sent.text
    [message] = mail.received
    assert re.match(r"https://id\.example:8443/realms/test/login-actions/action-token\?key=", message.link())
