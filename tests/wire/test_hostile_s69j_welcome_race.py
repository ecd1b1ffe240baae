"""Hostile variants of session 69's welcome page (WelcomeResource.isLocal, createUser, csrfCheck): a peer that is not
loopback, whatever forwarding headers it sends, and a loopback peer behind a proxy (any X-Forwarded-For or
Forwarded header, even empty) get no form and create nobody (400), even with a state checker and its cookie taken
from a local browser; IPv6 and IPv4-mapped loopback peers are local (InetAddress.isLoopbackAddress). Concurrent
posts from local and remote browsers make exactly one admin, a local one, and no remote post is ever "User created".
Runs on both engines (the module name is a storage area: ``race``)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

import welcome_support
from welcome_support import CHECKER, master_usernames
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
empty = welcome_support.empty
COOKIE = "WELCOME_STATE_CHECKER"
LOOPBACK_CLAIMS = [
    {"X-Forwarded-For": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"},
    {"Forwarded": 'for="[::1]"'},
    {"X-Real-IP": "127.0.0.1"},
    {"X-Forwarded-Host": "localhost", "X-Forwarded-Proto": "http"},
]


def _fields(state: str, username: str = "root") -> dict[str, str]:
    return {"username": username, "password": "pw", "passwordConfirmation": "pw", "stateChecker": state}


async def _local_checker(http: httpx.AsyncClient) -> str:
    page = await http.get("/")
    found = CHECKER.search(page.text)
    assert found is not None, page.text
    return found.group(1)


@pytest.mark.parametrize("peer", ["203.0.113.9", "10.0.0.5", "192.168.1.2", "::ffff:203.0.113.9", "2001:db8::1"])
@pytest.mark.parametrize("claim", LOOPBACK_CLAIMS)
async def test_a_remote_peer_claiming_loopback_gets_no_form_and_creates_nobody(
    empty: Env, peer: str, claim: dict[str, str]
) -> None:
    state = await _local_checker(empty.http)  # a checker a local browser was given
    async with client_at(empty, peer) as remote:
        page = await remote.get("/", headers=claim)
        assert page.status_code == 200 and "Local access required" in page.text and "<form" not in page.text
        assert COOKIE not in page.headers.get("set-cookie", "")
        remote.cookies.set(COOKIE, state, path="/")
        answer = await remote.post("/", data=_fields(state), headers=claim, follow_redirects=False)
        assert answer.status_code == 400, answer.text[:300]
    assert await master_usernames(empty) == []


@pytest.mark.parametrize(
    "proxied",
    [
        {"X-Forwarded-For": "127.0.0.1"},
        {"X-Forwarded-For": ""},
        {"x-forwarded-for": "::1"},
        {"Forwarded": ""},
        {"Forwarded": "for=127.0.0.1;proto=http"},
    ],
)
async def test_a_loopback_peer_behind_a_proxy_creates_nobody(empty: Env, proxied: dict[str, str]) -> None:
    state = await _local_checker(empty.http)
    page = await empty.http.get("/", headers=proxied)
    assert "Local access required" in page.text and "<form" not in page.text
    answer = await empty.http.post("/", data=_fields(state), headers=proxied, follow_redirects=False)
    assert answer.status_code == 400, answer.text[:300]
    assert await master_usernames(empty) == []


@pytest.mark.parametrize("peer", ["::1", "::ffff:127.0.0.1", "127.0.0.2"])
async def test_other_loopback_addresses_are_local(empty: Env, peer: str) -> None:
    async with client_at(empty, peer) as local:
        state = await _local_checker(local)
        answer = await local.post("/", data=_fields(state, "loop"), follow_redirects=False)
        assert answer.status_code == 200 and "User created" in answer.text, answer.text[:300]
    assert await master_usernames(empty) == ["loop"]


async def test_local_and_remote_posts_at_once_make_one_local_admin(empty: Env) -> None:
    async with contextlib.AsyncExitStack() as stack:
        posts = []
        for i in range(3):
            local = await stack.enter_async_context(client_at(empty, "127.0.0.1"))
            state = await _local_checker(local)
            posts.append(("local", local.post("/", data=_fields(state, f"local{i}"), follow_redirects=False)))
            remote = await stack.enter_async_context(client_at(empty, "198.51.100.4"))
            remote.cookies.set(COOKIE, state, path="/")
            claim = {"X-Forwarded-For": "127.0.0.1"}
            posts.append(
                ("remote", remote.post("/", data=_fields(state, f"remote{i}"), headers=claim, follow_redirects=False))
            )
        answers = await asyncio.gather(*(p for _, p in posts))
    kinds = [k for k, _ in posts]
    created = [(k, a) for k, a in zip(kinds, answers, strict=True) if a.status_code == 200]
    assert [k for k, _ in created] == ["local"], [(k, a.status_code) for k, a in zip(kinds, answers, strict=True)]
    for kind, answer in zip(kinds, answers, strict=True):
        assert answer.status_code < 500, answer.text[:300]
        if kind == "remote":
            assert answer.status_code in (400, 302), answer.status_code
    names = await master_usernames(empty)
    assert len(names) == 1 and names[0].startswith("local"), names
