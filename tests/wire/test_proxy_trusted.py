"""--proxy-trusted-addresses: proxy headers count only from the listed peers, as Keycloak 26 does (review I5).

The test client connects from 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from doorkeep.settings import Settings
from support import seed_client, seed_realm, seed_user
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio
DISCOVERY = "/realms/test/.well-known/openid-configuration"
TOKEN = "/realms/test/protocol/openid-connect/token"
FORWARDED = {"X-Forwarded-Host": "id.example.com", "X-Forwarded-Proto": "https", "X-Forwarded-For": "8.8.8.8"}

Start = Callable[..., AbstractAsyncContextManager[Env]]


@pytest.fixture
def start(tmp_path: Path) -> Start:
    started: list[int] = []

    @asynccontextmanager
    async def run(**settings: object) -> AsyncIterator[Env]:
        started.append(1)
        url = f"sqlite:///{tmp_path / f'doorkeep{len(started)}.db'}"
        base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
        env, db = await make_env(url, dataclasses.replace(base, **settings))  # type: ignore[arg-type]
        try:
            await seed_realm(env.db, env.clock, ssl_required="external")
            await seed_client(env.db, "test", "app")
            await seed_user(env.db, env.clock, "test", "user1")
            yield env
        finally:
            await env.drain()
            await env.http.aclose()
            await db.dispose()

    return run


async def issuer_and_token_status(env: Env) -> tuple[str, int]:
    doc = (await env.http.get(DISCOVERY, headers=FORWARDED)).json()
    token = await env.http.post(
        TOKEN,
        headers={"X-Forwarded-For": "8.8.8.8"},
        data={
            "grant_type": "password",
            "client_id": "app",
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
        },
    )
    return str(doc["issuer"]), token.status_code


@pytest.mark.parametrize(
    "trusted", [(), ("127.0.0.1",), ("127.0.0.0/8",), ("10.0.0.1", "127.0.0.1/32"), ("::1", "127.0.0.1")]
)
async def test_headers_from_a_trusted_peer_count(start: Start, trusted: tuple[str, ...]) -> None:
    async with start(proxy_headers="xforwarded", proxy_trusted_addresses=trusted) as env:
        issuer, status = await issuer_and_token_status(env)
    assert issuer == "https://id.example.com/realms/test"
    assert status == 403  # the forwarded public address, over plain HTTP: sslRequired=external refuses


@pytest.mark.parametrize("trusted", [("10.0.0.1",), ("192.168.0.0/16", "::1"), ("127.0.0.2",)])
async def test_headers_from_any_other_peer_are_ignored(start: Start, trusted: tuple[str, ...]) -> None:
    async with start(proxy_headers="xforwarded", proxy_trusted_addresses=trusted) as env:
        issuer, status = await issuer_and_token_status(env)
    assert issuer == "http://localhost/realms/test"
    assert status == 200  # the X-Forwarded-For was ignored: the loopback peer needs no TLS


async def test_a_trusted_proxy_forwarding_https_for_a_public_client_is_served(start: Start) -> None:
    async with start(proxy_headers="xforwarded", proxy_trusted_addresses=("127.0.0.1",)) as env:
        response = await env.http.post(
            TOKEN,
            headers=FORWARDED,
            data={
                "grant_type": "password",
                "client_id": "app",
                "client_secret": "secret",
                "username": "user1",
                "password": "password",
            },
        )
    assert response.status_code == 200, response.text


async def test_forwarded_header_also_needs_a_trusted_peer(start: Start) -> None:
    headers = {"Forwarded": "for=8.8.8.8;proto=https;host=id.example.com"}
    async with start(proxy_headers="forwarded", proxy_trusted_addresses=("10.0.0.0/8",)) as env:
        doc = (await env.http.get(DISCOVERY, headers=headers)).json()
    assert doc["issuer"] == "http://localhost/realms/test"
    async with start(proxy_headers="forwarded", proxy_trusted_addresses=("127.0.0.1",)) as env:
        doc = (await env.http.get(DISCOVERY, headers=headers)).json()
    assert doc["issuer"] == "https://id.example.com/realms/test"


@pytest.mark.parametrize(
    "forwarded",
    ["for=8.8.8.8", 'for="8.8.8.8:4711";proto=http', 'for="[2001:4860::8888]"', "for=8.8.8.8, for=10.0.0.1"],
)
async def test_forwarded_for_is_the_client_address_behind_a_trusted_proxy(start: Start, forwarded: str) -> None:
    form = {
        "grant_type": "password",
        "client_id": "app",
        "client_secret": "secret",
        "username": "user1",
        "password": "password",
    }
    async with start(proxy_headers="forwarded", proxy_trusted_addresses=("127.0.0.1",)) as env:
        public = await env.http.post(TOKEN, headers={"Forwarded": forwarded}, data=form)
    async with start(proxy_headers="forwarded", proxy_trusted_addresses=("10.0.0.0/8",)) as env:
        untrusted = await env.http.post(TOKEN, headers={"Forwarded": forwarded}, data=form)
    assert public.status_code == 403  # a public client over plain HTTP: sslRequired=external refuses
    assert untrusted.status_code == 200  # the header of an untrusted peer is ignored: loopback
