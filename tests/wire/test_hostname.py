"""Issuer and URLs: from the request, fixed by --hostname, or from trusted proxy headers only (DESIGN §7)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from support import seed_realm
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
