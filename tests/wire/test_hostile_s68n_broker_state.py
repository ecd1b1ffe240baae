"""Hostile: the broker ``state`` of session 68 (``{secret}.{tab}.{client}[.{client_data}]``, IdentityBrokerState)
and the answers it now drives: a tab gone while the browser is signed in sends ``temporarily_unavailable`` to the
client the state names, at the redirect its ``client_data`` carries; the provider's ``authentication_expired``
retries the login at the provider (retryLogin).

Everything after the secret is the attacker's to write. These tests forge it: the redirect it carries is checked
against the named client's registered ones (a userinfo host, a dot-segment, another host, ``javascript:`` and a
``form_post`` to any of them get the error page, never a redirect); a client of another realm is not found by its
id's bytes; a forged retry asks no provider; no malformed state is a 500; no code is ever sent."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
import pytest

from broker_support import ALIAS, browser, callback, query, served_with_fake, to_provider
from browser_flow import REDIRECT, login
from wire_env import Env

pytestmark = pytest.mark.anyio

EVIL = (
    "https://evil.example/cb",
    "http://127.0.0.1:9999@evil.example/cb",
    "http://127.0.0.1:9999/../../evil",
    "http://127.0.0.1:9999/%2e%2e/%2e%2e/evil",
    "javascript:alert(document.domain)//",
    "//evil.example/cb",
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _data(ru: str, **more: str) -> str:
    return _b64(json.dumps({"ru": ru, "rt": "code", **more}).encode())


def _state(client_key: bytes, data: str | None, tab: str = "gone-tab") -> str:
    value = f"forgedsecret.{tab}.{_b64(client_key)}"
    return value if data is None else f"{value}.{data}"


async def _client_uuid(env: Env, realm: str, client_id: str) -> bytes:
    async with env.db.transaction(write=False) as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        client = await tx.clients.get_by_client_id(found.id, client_id)
        assert client is not None
        return uuid.UUID(client.id).bytes


async def _signed_in(http: httpx.AsyncClient) -> None:
    """user1 signed in at realm ``test`` in this browser (an SSO session to abuse)."""
    got = await login(http, "test", "app")
    assert "code" in got, got


def _never_left(answer: httpx.Response) -> None:
    """No redirect anywhere but this server, and no code in it."""
    assert answer.status_code < 500, answer.text[:800]
    location = answer.headers.get("location", "")
    assert "evil" not in location and "javascript" not in location, location
    assert "code=" not in location, location
    assert "evil.example" not in answer.text and "javascript:alert" not in answer.text, answer.text[:800]


async def test_forged_client_data_goes_to_no_unregistered_redirect(env: Env) -> None:
    """A signed-in victim following a forged provider answer: each unregistered redirect (in any response mode) is
    the error page; only a registered one of the named client gets the error (never a code)."""
    async with served_with_fake(env) as (_broker, _idp):
        key = await _client_uuid(env, "test", "app")
        async with browser(_broker) as http:
            await _signed_in(http)
            for ru in EVIL:
                for mode in ("query", "fragment", "form_post"):
                    answer = await callback(http, _state(key, _data(ru, rm=mode)))
                    _never_left(answer)
            # the registered one: the client's own error, with the attacker's state but no code
            answer = await callback(http, _state(key, _data(REDIRECT, st="x")))
            assert answer.status_code == 302, answer.text[:800]
            params = query(answer.headers["location"])
            assert answer.headers["location"].startswith(REDIRECT + "?"), answer.headers["location"]
            assert params.get("error") == "temporarily_unavailable" and "code" not in params, params


async def test_forged_state_naming_a_client_of_another_realm(env: Env) -> None:
    """The state names ``broker-app`` of realm ``provider`` by its id's bytes, with its own registered redirect:
    realm ``test`` does not find it, and sends nobody there."""
    async with served_with_fake(env) as (broker, _idp):
        key = await _client_uuid(env, "provider", "broker-app")
        endpoint = f"{broker.base}/realms/test/broker/{ALIAS}/endpoint"
        async with browser(broker) as http:
            await _signed_in(http)
            answer = await callback(http, _state(key, _data(endpoint)))
            assert answer.status_code == 200 and "location" not in answer.headers, answer.text[:800]
            by_name = await callback(http, _state(b"broker-app", _data(endpoint)))
            assert by_name.status_code == 200 and "location" not in by_name.headers, by_name.text[:800]


async def test_forged_retry_asks_no_provider(env: Env) -> None:
    """``temporarily_unavailable`` / ``authentication_expired`` with a forged state (no tab, another tab's id, the
    live tab's id with another secret): no new request to the provider is begun."""
    async with served_with_fake(env) as (broker, idp):
        key = await _client_uuid(env, "test", "app")
        retry = {"error": "temporarily_unavailable", "error_description": "authentication_expired"}
        async with browser(broker) as http:
            sent = await to_provider(http, idp)
            live_tab = sent["state"].split(".")[1]
            for state in (_state(key, None), _state(key, None, tab=live_tab), _state(key, _data(REDIRECT), live_tab)):
                answer = await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params={"state": state, **retry})
                assert answer.status_code == 400, answer.text[:800]
                assert not answer.headers.get("location", "").startswith(idp.base), answer.headers
            # the real state still retries once (its login alive)
            answer = await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params={"state": sent["state"], **retry})
            assert answer.status_code == 302 and answer.headers["location"].startswith(idp.base + "/auth?")


MALFORMED = (
    ".",
    "...",
    "a..",
    "a.b.",
    "a.b.!!!!",
    "a.b.c",
    "a.b.Yw.%%%",
    "a.b.Yw.e30",  # {} : no redirect
    "a.b.Yw.W10",  # [] : not an object
    "a.b.Yw." + _b64(b'{"ru": 5}'),
    "a.b.Yw." + _b64(b'{"ru": "http://127.0.0.1:9999/x", "rm": "\\u0000"}'),
    "a.b.Yw." + _b64(b"\xff\xfe"),
    "a.b.Yw." + "A" * 5000,
    "a.\u00e9.\u00e9.\u00e9",
    "a.b\x00.Yw",
    "a.b." + _b64(b"\x00app"),
    "a.b." + _b64(b"\xff" * 16),
    "a.b." + _b64(b"x" * 400),
    "a." + "t" * 3000 + ".Yw",
)


async def test_malformed_states_are_no_500(env: Env) -> None:
    """Junk in each part of the state, signed in and not, with an answer and with an error: never a 500."""
    async with served_with_fake(env) as (broker, _idp), browser(broker) as http:
        for signed in (False, True):
            if signed:
                await _signed_in(http)
            for state in MALFORMED:
                for extra in ({"code": "c1"}, {"error": "temporarily_unavailable"}):
                    params = {"state": state, **extra}
                    if extra.get("error"):
                        params["error_description"] = "authentication_expired"
                    answer = await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params=params)
                    assert answer.status_code < 500, (state, answer.status_code, answer.text[:500])
                    _never_left(answer)


BUTTON_JUNK: tuple[dict[str, str], ...] = (
    {"client_data": "!!!!"},
    {"client_data": "\u00e9\u00e9"},
    {"client_data": "A" * 5000},
    {"client_data": _b64(b"\xff\xfe")},
    {"client_data": _data("https://evil.example/cb", rm="form_post")},
    {"client_data": _data("http://127.0.0.1:9999@evil.example/cb")},
    {"client_id": "app\x00"},
    {"client_id": "nope"},
    {"client_id": "x" * 3000},
    {"tab_id": "\u00e9" * 40},
    {"tab_id": ""},
    {"session_code": "\x00"},
)


async def test_gone_tab_button_with_junk_is_no_500_and_no_open_redirect(env: Env) -> None:
    """The provider button of a tab that is gone (SessionCodeChecks' answer, session 68), signed in and not, with
    junk or hostile ``client_data``, ``client_id``, ``tab_id`` and ``session_code``: never a 500, never a redirect
    off the registered ones."""
    async with served_with_fake(env) as (broker, _idp), browser(broker) as http:
        for signed in (False, True):
            if signed:
                await _signed_in(http)
            for junk in BUTTON_JUNK:
                params = {"session_code": "old", "tab_id": "gone-tab", "client_id": "app", **junk}
                answer = await http.get(f"/realms/test/broker/{ALIAS}/login", params=params)
                assert answer.status_code < 500, (junk, answer.status_code, answer.text[:500])
                _never_left(answer)


async def test_forged_client_data_state_and_modes_are_data(env: Env) -> None:
    """The client's ``state`` and response mode a forged ``client_data`` carries: markup in the state stays text on
    the form_post page and in the redirect, JARM and unknown modes are no 500, and only the registered redirect is
    ever a target."""
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    async with served_with_fake(env) as (broker, _idp), browser(broker) as http:
        key = await _client_uuid(env, "test", "app")
        await _signed_in(http)
        for mode in ("form_post", "query", "fragment", "jwt", "query.jwt", "form_post.jwt", "fragment.jwt", "xyz", ""):
            answer = await callback(http, _state(key, _data(REDIRECT, rm=mode, st=hostile)))
            assert answer.status_code < 500, (mode, answer.status_code, answer.text[:500])
            assert "<script>alert(1)" not in answer.text and "<img src=x" not in answer.text, (mode, answer.text)
            location = answer.headers.get("location", "")
            assert not location or location.startswith(REDIRECT), (mode, location)
            assert "code=" not in location, (mode, location)
