"""Issuer and URLs: from the request, fixed by --hostname, or from trusted proxy headers only (DESIGN §7)."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from support import seed_client, seed_realm, seed_user
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio
DISCOVERY = "/realms/test/.well-known/openid-configuration"


async def env_with(tmp_path: Path, **settings: object) -> tuple[Env, object]:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    env, db = await make_env(url, dataclasses.replace(base, **settings))  # type: ignore[arg-type]
    await seed_realm(env.db, env.clock)
    return env, db


@pytest.fixture
async def fixed(tmp_path: Path) -> AsyncIterator[Env]:
    env, _ = await env_with(tmp_path, hostname="https://id.example.com")
    yield env
    await env.http.aclose()
    await env.db.dispose()


@pytest.fixture
async def proxied(tmp_path: Path) -> AsyncIterator[Env]:
    env, _ = await env_with(tmp_path, proxy_headers="xforwarded")
    yield env
    await env.http.aclose()
    await env.db.dispose()


async def test_hostname_fixes_the_issuer_whatever_the_host_header(fixed: Env) -> None:
    doc = (await fixed.http.get(DISCOVERY, headers={"Host": "evil.example"})).json()
    assert doc["issuer"] == "https://id.example.com/realms/test"
    assert doc["token_endpoint"].startswith("https://id.example.com/")


async def test_forwarded_headers_are_ignored_unless_trusted(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    doc = (
        await env.http.get(DISCOVERY, headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    ).json()
    assert doc["issuer"] == "http://localhost/realms/test"


async def test_trusted_forwarded_headers_set_scheme_and_host(proxied: Env) -> None:
    doc = (
        await proxied.http.get(DISCOVERY, headers={"X-Forwarded-Host": "id.example.com", "X-Forwarded-Proto": "https"})
    ).json()
    assert doc["issuer"] == "https://id.example.com/realms/test"


async def test_a_hostname_url_with_a_path_fixes_the_issuer_while_the_server_answers_at_its_own_path(
    tmp_path: Path,
) -> None:
    env, _ = await env_with(tmp_path, hostname="https://id.example.com/auth/")
    await seed_client(env.db, "test", "app", redirect_uris=("http://localhost/cb",))
    try:
        doc = (await env.http.get(DISCOVERY)).json()
        page = await env.http.get(
            "/realms/test/protocol/openid-connect/auth",
            params={"client_id": "app", "redirect_uri": "http://localhost/cb", "response_type": "code"},
        )
    finally:
        await env.http.aclose()
        await env.db.dispose()
    assert doc["issuer"] == "https://id.example.com/auth/realms/test"
    assert doc["jwks_uri"] == "https://id.example.com/auth/realms/test/protocol/openid-connect/certs"
    assert page.status_code == 200, page.text
    assert "Path=/auth/realms/test/" in page.headers["set-cookie"]  # the browser reaches it through /auth


async def test_a_plain_hostname_replaces_only_the_requests_host(tmp_path: Path) -> None:
    env, _ = await env_with(tmp_path, hostname="id.example.com")
    try:
        doc = (await env.http.get(DISCOVERY, headers={"Host": "internal:8080"})).json()
    finally:
        await env.http.aclose()
        await env.db.dispose()
    assert doc["issuer"] == "http://id.example.com:8080/realms/test"  # scheme and port stay the request's


async def test_a_dynamic_backchannel_lists_backend_endpoints_on_the_requests_url(tmp_path: Path) -> None:
    env, _ = await env_with(
        tmp_path, hostname="https://id.example.com", hostname_backchannel_dynamic=True, http_relative_path="/auth"
    )
    try:
        inside = (await env.http.get(f"/auth{DISCOVERY}", headers={"Host": "internal:8080"})).json()
        outside = await env.http.get(DISCOVERY, headers={"Host": "internal:8080"})
    finally:
        await env.http.aclose()
        await env.db.dispose()
    front, back = "https://id.example.com/realms/test", "http://internal:8080/auth/realms/test"
    oidc = "/protocol/openid-connect"
    assert outside.status_code == 404
    assert inside["issuer"] == front
    for name, path in [
        ("token_endpoint", f"{oidc}/token"),
        ("introspection_endpoint", f"{oidc}/token/introspect"),
        ("userinfo_endpoint", f"{oidc}/userinfo"),
        ("jwks_uri", f"{oidc}/certs"),
        ("registration_endpoint", "/clients-registrations/openid-connect"),
        ("pushed_authorization_request_endpoint", f"{oidc}/ext/par/request"),
    ]:
        assert inside[name] == back + path, name
    for name, path in [
        ("authorization_endpoint", f"{oidc}/auth"),
        ("end_session_endpoint", f"{oidc}/logout"),
        ("check_session_iframe", f"{oidc}/login-status-iframe.html"),
        ("revocation_endpoint", f"{oidc}/revoke"),
        ("device_authorization_endpoint", f"{oidc}/auth/device"),
    ]:
        assert inside[name] == front + path, name


async def test_a_realms_frontend_url_attribute_is_its_issuer_and_its_tokens_iss(tmp_path: Path) -> None:
    """HostnameV2Provider.getRealmFrontUriBuilder: the realm's ``frontendUrl`` (set by PUT realm) comes before
    --hostname for that realm's requests, default port and trailing slash dropped; a value that is not an http(s)
    URL is passed over; other realms keep the server's URL."""
    env, _ = await env_with(tmp_path, hostname="https://id.example.com")
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "alice")
    admin = await env.admin_headers()

    async def frontend_url(value: str) -> tuple[str, str]:
        put = await env.http.put("/admin/realms/test", json={"attributes": {"frontendUrl": value}}, headers=admin)
        assert put.status_code == 204, put.text
        doc = (await env.http.get(DISCOVERY)).json()
        grant = {"grant_type": "password", "username": "alice", "password": "password"}
        tokens = await env.http.post("/realms/test/protocol/openid-connect/token", data=grant, auth=("app", "secret"))
        assert tokens.status_code == 200, tokens.text
        return doc["issuer"], unverified_claims(tokens.json()["access_token"])["iss"]

    try:
        realm = (await env.http.get("/admin/realms/test", headers=admin)).json()
        assert await frontend_url("https://login.example.com:443/sso/") == (
            "https://login.example.com/sso/realms/test",
            "https://login.example.com/sso/realms/test",
        )
        after = (await env.http.get("/admin/realms/test", headers=admin)).json()
        assert after["attributes"]["frontendUrl"] == "https://login.example.com:443/sso/", after["attributes"]
        master = (await env.http.get("/realms/master/.well-known/openid-configuration")).json()
        assert master["issuer"] == "https://id.example.com/realms/master"
        fallback = "https://id.example.com/realms/test"
        assert await frontend_url("login.example.com") == (fallback, fallback)
        assert await frontend_url("") == (fallback, fallback)
    finally:
        await env.http.aclose()
        await env.db.dispose()
    assert "frontendUrl" not in realm.get("attributes", {})


def unverified_claims(token: str) -> dict[str, str]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
