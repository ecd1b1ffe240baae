"""``X-Forwarded-Prefix`` (keycloak#45699): under ``--proxy-headers xforwarded`` Keycloak turns on Quarkus's
``enable-forwarded-prefix``, so a trusted proxy that serves the server under a path of its own (``/kc``) and strips
it says so in that header, and every URL the server builds from the request carries it: the issuer and endpoints,
the login form's action, the realm's cookie path. ``--proxy-headers forwarded`` has no such parameter, and an
untrusted peer's header counts for nothing.

The browser tests go through a real reverse proxy (a small one on a port of its own, in front of Doorkeep on
another) that strips ``/kc`` and sets ``X-Forwarded-Prefix``, ``X-Forwarded-Host``, ``-Proto`` and ``-For``."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from browser_flow import REDIRECT, code_from, start, submit
from doorkeep.settings import Settings
from served_app import serving
from support import seed_login_realm
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio
DISCOVERY = "/realms/test/.well-known/openid-configuration"
PREFIX = "/kc"
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


async def env_with(tmp_path: Path, **settings: object) -> tuple[Env, Any]:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    env, db = await make_env(url, dataclasses.replace(base, **settings))  # type: ignore[arg-type]
    await seed_login_realm(env.db, env.clock)
    return env, db


def reverse_proxy(upstream: str, client: httpx.AsyncClient) -> Starlette:
    """nginx's ``location /kc/ { proxy_pass http://upstream/; proxy_set_header X-Forwarded-Prefix /kc; ... }``:
    the prefix stripped, the request passed on as it came, the answer passed back as it is (no redirect followed)."""

    async def forward(request: Request) -> Response:
        path = request.url.path[len(PREFIX) :] or "/"
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP]
        headers += [
            ("X-Forwarded-Prefix", PREFIX),
            ("X-Forwarded-Host", request.headers["host"]),
            ("X-Forwarded-Proto", "http"),
            ("X-Forwarded-For", "192.168.0.7"),  # a private address: sslRequired external lets it use http
        ]
        sent = client.build_request(
            request.method, path, params=request.url.query, headers=headers, content=await request.body()
        )
        answer = await client.send(sent)
        passed = [(k.encode(), v.encode()) for k, v in answer.headers.multi_items() if k.lower() not in HOP]
        response = Response(answer.content, status_code=answer.status_code)
        response.raw_headers = [*passed, (b"content-length", str(len(answer.content)).encode())]
        return response

    methods = ["GET", "POST", "PUT", "DELETE", "OPTIONS"]
    return Starlette(routes=[Route(PREFIX + "/{path:path}", forward, methods=methods)])


@asynccontextmanager
async def behind_proxy(tmp_path: Path, **settings: object) -> AsyncIterator[tuple[Env, str]]:
    """Doorkeep on a port of its own and the reverse proxy in front of it: the env and the proxy's base URL."""
    env, db = await env_with(tmp_path, **settings)
    try:
        async with (
            serving(env.apps[0]) as upstream,
            httpx.AsyncClient(base_url=upstream, follow_redirects=False, timeout=30) as client,
            serving(reverse_proxy(upstream, client)) as front,
        ):
            yield env, front
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


def browser(front: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=front + PREFIX, follow_redirects=False, timeout=30)


def cookie_paths(response: httpx.Response) -> dict[str, str]:
    """Each cookie the answer sets, by name: its Path attribute."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        paths = [part.strip()[5:] for part in header.split(";")[1:] if part.strip().lower().startswith("path=")]
        found[name] = paths[0] if paths else ""
    return found


async def test_a_proxied_discovery_names_the_proxys_prefix(tmp_path: Path) -> None:
    async with behind_proxy(tmp_path, proxy_headers="xforwarded") as (_, front), browser(front) as http:
        doc = (await http.get(DISCOVERY)).json()
    assert doc["issuer"] == f"{front}{PREFIX}/realms/test"
    assert doc["authorization_endpoint"] == f"{front}{PREFIX}/realms/test/protocol/openid-connect/auth"
    assert doc["token_endpoint"] == f"{front}{PREFIX}/realms/test/protocol/openid-connect/token"


async def test_a_browser_logs_in_through_the_proxy_and_its_cookies_come_back(tmp_path: Path) -> None:
    """The login form posts under the prefix, the cookies are set on ``/kc/realms/test/`` (so the browser sends
    them back through the proxy), the ID token's ``iss`` is the prefixed issuer, and a second authorization request
    is answered by SSO over the identity cookie."""
    async with behind_proxy(tmp_path, proxy_headers="xforwarded") as (_, front), browser(front) as http:
        page = await start(http, "test", "app")
        assert page.status_code == 200, page.text[:800]
        assert f'action="{front}{PREFIX}/realms/test/login-actions/authenticate' in page.text, page.text[:3000]
        assert cookie_paths(page)["AUTH_SESSION_ID"] == f"{PREFIX}/realms/test/"
        done = await submit(http, page, username="user1", password="password")
        assert cookie_paths(done)["KEYCLOAK_IDENTITY"] == f"{PREFIX}/realms/test/"
        code = code_from(done)["code"]
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        tokens = await http.post("/realms/test/protocol/openid-connect/token", data=form, auth=("app", "secret"))
        assert tokens.status_code == 200, tokens.text
        assert jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})["iss"] == (
            f"{front}{PREFIX}/realms/test"
        )
        again = await start(http, "test", "app")
        assert "code" in code_from(again), again.text[:800]


@pytest.mark.parametrize(
    ("settings", "headers"),
    [
        ({"proxy_headers": "forwarded"}, {"Forwarded": "host=id.example.com;proto=https"}),
        ({"proxy_headers": "xforwarded", "proxy_trusted_addresses": ("10.0.0.1",)}, {}),
        ({}, {}),
    ],
    ids=["forwarded-has-no-prefix", "untrusted-peer", "no-proxy-headers"],
)
async def test_the_prefix_counts_only_under_xforwarded_from_a_trusted_peer(
    tmp_path: Path, settings: dict[str, Any], headers: dict[str, str]
) -> None:
    env, db = await env_with(tmp_path, **settings)
    try:
        doc = (await env.http.get(DISCOVERY, headers={**headers, "X-Forwarded-Prefix": PREFIX})).json()
        assert PREFIX + "/" not in doc["issuer"], doc["issuer"]
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


async def test_a_hostname_url_replaces_the_prefix_and_a_plain_hostname_keeps_it(tmp_path: Path) -> None:
    """--hostname as a full URL is the whole base; a plain one replaces only the host, the path (prefix and
    --http-relative-path) stays the request's."""
    for hostname, issuer in (
        ("https://id.example.com", "https://id.example.com/realms/test"),
        ("id.example.com", f"http://id.example.com{PREFIX}/realms/test"),
    ):
        env, db = await env_with(tmp_path, proxy_headers="xforwarded", hostname=hostname)
        try:
            doc = (await env.http.get(DISCOVERY, headers={"X-Forwarded-Prefix": PREFIX + "/"})).json()
            assert doc["issuer"] == issuer
        finally:
            await env.drain()
            await env.http.aclose()
            await db.dispose()
        (tmp_path / "doorkeep.db").unlink()
