"""Hostile sweep of ``X-Forwarded-Port`` (``web/host_header.proxied_origin``): it counts only from a trusted proxy
under ``xforwarded``, never under ``forwarded`` or a full-URL ``--hostname``, its odd values never make a 500 or a
malformed URL, and the discovery document, the tokens and the token endpoint's checks agree on the issuer."""

from __future__ import annotations

import jwt
import pytest

from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

DISCOVERY = "/realms/test/.well-known/openid-configuration"
TOKEN = "/realms/test/protocol/openid-connect/token"
PROXY = {"X-Forwarded-Host": "id.example", "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "https"}


async def issuer(env: Env, headers: dict[str, str] | list[tuple[str, str]]) -> str:
    response = await env.http.get(DISCOVERY, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["issuer"])


async def tokens(env: Env, headers: dict[str, str]) -> dict[str, str]:
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret"}
    form |= {"username": "user1", "password": "password", "scope": "openid"}
    response = await env.http.post(TOKEN, data=form, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def iss(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["iss"])


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_discovery_and_every_token_carry_one_issuer(realm: Env) -> None:
    expected = await issuer(realm, PROXY)
    assert expected == "https://id.example:8443/realms/test"
    got = await tokens(realm, PROXY)
    assert {iss(got["access_token"]), iss(got["id_token"]), iss(got["refresh_token"])} == {expected}
    refresh = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret"}
    again = await realm.http.post(TOKEN, data={**refresh, "refresh_token": got["refresh_token"]}, headers=PROXY)
    assert again.status_code == 200, again.text
    elsewhere = {**PROXY, "X-Forwarded-Port": "9443"}  # the issuer differs: Keycloak's "Invalid refresh token"
    moved = await realm.http.post(TOKEN, data={**refresh, "refresh_token": got["refresh_token"]}, headers=elsewhere)
    assert (moved.status_code, moved.json()["error"]) == (400, "invalid_grant")
    userinfo = "/realms/test/protocol/openid-connect/userinfo"
    bearer = {"Authorization": f"Bearer {got['access_token']}"}
    assert (await realm.http.get(userinfo, headers={**PROXY, **bearer})).status_code == 200
    assert (await realm.http.get(userinfo, headers={**elsewhere, **bearer})).status_code == 401


@pytest.mark.server_options(proxy_headers="xforwarded", proxy_trusted_addresses=("10.0.0.1",))
async def test_an_untrusted_peers_forwarded_port_counts_for_nothing(realm: Env) -> None:
    assert await issuer(realm, {"Host": "localhost:8080", **PROXY}) == "http://localhost:8080/realms/test"
    got = await tokens(realm, {"Host": "localhost:8080", "X-Forwarded-Port": "1"})
    assert iss(got["access_token"]) == "http://localhost:8080/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded")
@pytest.mark.parametrize(
    ("port", "expected"),
    [
        ("443, 80", "https://id.example"),
        ("80, 443", "https://id.example:80"),
        ("0", "https://id.example:0"),  # ForwardedParser takes 0 (PORT_MIN_VALID_VALUE)
        ("65535", "https://id.example:65535"),
        ("65536", "https://id.example"),
        ("443abc", "https://id.example"),
        ("", "https://id.example"),
        (" 8443 ", "https://id.example:8443"),
        ("8443/evil", "https://id.example"),
        ("8443@evil.example", "https://id.example"),
        ("99999999999999999999", "https://id.example"),
        ("+8443", "https://id.example:8443"),  # Integer.parseInt takes a sign: Quarkus reads 8443
        ("008443", "https://id.example:8443"),
        ("0" * 5000 + "8443", "https://id.example:8443"),
        ("9" * 5000, "https://id.example"),
    ],
)
async def test_odd_forwarded_ports_make_a_well_formed_issuer(realm: Env, port: str, expected: str) -> None:
    headers = {"X-Forwarded-Host": "id.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": port}
    assert await issuer(realm, headers) == f"{expected}/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded")
async def test_of_repeated_headers_the_first_counts(realm: Env) -> None:
    headers = [
        ("X-Forwarded-Host", "id.example"),
        ("X-Forwarded-Port", "8443"),
        ("X-Forwarded-Port", "9443"),
    ]
    assert await issuer(realm, headers) == "http://id.example:8443/realms/test"


@pytest.mark.server_options(proxy_headers="forwarded")
async def test_forwarded_mode_ignores_the_port_header_even_without_forwarded(realm: Env) -> None:
    assert await issuer(realm, {"Host": "localhost:8080", "X-Forwarded-Port": "8443"}) == (
        "http://localhost:8080/realms/test"
    )
    assert await issuer(realm, {"Forwarded": "host=id.example:9443", "X-Forwarded-Port": "8443"}) == (
        "http://id.example:9443/realms/test"
    )


@pytest.mark.server_options(proxy_headers="xforwarded", hostname="https://kc.example:7443")
async def test_a_full_url_hostname_makes_every_forwarded_value_irrelevant(realm: Env) -> None:
    assert await issuer(realm, PROXY) == "https://kc.example:7443/realms/test"
    assert await issuer(realm, {"X-Forwarded-Port": "1"}) == "https://kc.example:7443/realms/test"
    got = await tokens(realm, PROXY)
    assert iss(got["access_token"]) == "https://kc.example:7443/realms/test"
    plain = await password_grant(realm.http, "test", "app")
    assert iss(plain.json()["access_token"]) == "https://kc.example:7443/realms/test"


@pytest.mark.server_options(proxy_headers="xforwarded", hostname="kc.example")
async def test_a_plain_hostname_keeps_the_forwarded_scheme_and_port(realm: Env) -> None:
    assert await issuer(realm, PROXY) == "https://kc.example:8443/realms/test"
