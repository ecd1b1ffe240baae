"""``--hostname-debug``: the page at /realms/{realm}/hostname-debug and its test endpoint, as Keycloak 26's
DebugHostnameSettingsResource answers them; without the option both are unknown paths."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep import hostname
from doorkeep.settings import Settings
from support import seed_realm, update_realm
from wire_env import Env, make_env

pytestmark = pytest.mark.anyio
PAGE = "/realms/test/hostname-debug"
TEST = "/realms/test/hostname-debug/test"


async def _env(tmp_path: Path, **settings: object) -> Env:
    url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    env, _ = await make_env(url, dataclasses.replace(base, **settings))  # type: ignore[arg-type]
    await seed_realm(env.db, env.clock)
    return env


@pytest.fixture
async def debug(tmp_path: Path) -> AsyncIterator[Env]:
    env = await _env(tmp_path, hostname_debug=True, proxy_headers="xforwarded")
    yield env
    await env.http.aclose()
    await env.db.dispose()


async def test_without_the_option_both_paths_are_unknown(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    for path in (PAGE, TEST):
        answer = await env.http.get(path)
        assert answer.status_code == 404
        assert answer.json()["error"] == "Unable to find matching target resource method"


async def test_an_unknown_realm_is_404(debug: Env) -> None:
    assert (await debug.http.get("/realms/nope/hostname-debug")).status_code == 404


async def test_the_page_shows_the_urls_options_and_proxy_headers(debug: Env) -> None:
    await update_realm(debug.db, "test", attributes={"frontendUrl": "https://realm.example.com"})
    page = await debug.http.get(PAGE, headers={"X-Forwarded-Host": "id.example.com", "X-Forwarded-Proto": "https"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    # the trusted proxy headers make the frontend URL; the realm's frontendUrl is shown, not applied
    assert "https://id.example.com/realms/test/hostname-debug/test?frontEnd=true" in text
    assert "https://id.example.com/realms/test/hostname-debug/test?frontEnd=false" in text
    assert "https://realm.example.com" in text
    assert 'X-Forwarded-Host</td><td class="value">id.example.com' in page.text
    assert 'proxy-headers</td><td class="value">xforwarded' in page.text
    assert "production [start]" in text


async def test_a_hostile_header_is_escaped_on_the_page(debug: Env) -> None:
    page = await debug.http.get(PAGE, headers={"X-Forwarded-For": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_test_endpoint_is_ok_and_readable_from_another_origin(debug: Env) -> None:
    answer = await debug.http.get(TEST, headers={"Origin": "https://probe.example"})
    assert answer.status_code == 200 and answer.text == "OK"
    assert answer.headers["access-control-allow-origin"] == "https://probe.example"
    assert answer.headers["access-control-allow-methods"] == "GET"
    assert "access-control-allow-credentials" not in answer.headers


async def test_the_frontend_test_names_an_origin_that_is_not_the_frontend(tmp_path: Path) -> None:
    env = await _env(tmp_path, hostname_debug=True, hostname="https://id.example.com")
    try:
        answer = await env.http.get(TEST, params={"frontEnd": "true"})
    finally:
        await env.http.aclose()
        await env.db.dispose()
    # the request came to http://localhost, the frontend is https://id.example.com, no proxy headers at all
    assert answer.text == hostname.ORIGIN_MISMATCH + hostname.PROXY_NOT_TRUSTED + hostname.NO_PROXY_HEADERS


def test_the_frontend_check_rules() -> None:
    ok = hostname.frontend_check(
        "https://id.example.com", "https://id.example.com", proxy_trusted=True, proxy_headers_sent=True
    )
    assert ok == "OK"
    assert (
        hostname.frontend_check(
            "http://127.0.0.1:8080", "http://127.0.0.1:8080", proxy_trusted=False, proxy_headers_sent=False
        )
        == "OK"
    )
    insecure = hostname.frontend_check(
        "http://id.example.com", "http://id.example.com", proxy_trusted=False, proxy_headers_sent=False
    )
    assert insecure == "OK" + hostname.NOT_SECURE
    trusted = hostname.frontend_check(
        "http://10.0.0.5:8080", "https://id.example.com", proxy_trusted=True, proxy_headers_sent=True
    )
    assert trusted == hostname.ORIGIN_MISMATCH
    assert hostname.secure_context("http://app.localhost:3000") and hostname.secure_context("http://[::1]:8080")
    assert not hostname.secure_context("http://10.0.0.5")
