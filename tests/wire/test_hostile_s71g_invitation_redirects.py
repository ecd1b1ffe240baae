"""Review H1 on the redirects an organization invitation carries: the organization's ``redirectUrl`` becomes the
invitation token's ``reduri`` for the ``account`` client, whose redirect URIs are the wildcard
``/realms/test/account/*``. Every form that would leave that prefix once a browser resolves it (userinfo before
another host, dot-segments plain or percent-encoded, backslashes, an encoded slash, another host) is refused by the one
validator (RedirectUtils.verifyRedirectUri: wildcards off for userinfo and dot-segments) at every place the
invitation sends the browser: after joining, and on the already-a-member page; the invitee lands on the account
console instead. What is let through (an ``@`` in the path, a fragment, a query) stays on this server under the
prefix. A value that is no absolute http(s) URL is refused when the organization is written (the
organization's uriValidator), so it never reaches a token."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ACCOUNT, ORGS, create_org, enable, invite, member, proceed
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
PREFIX = "http://localhost/realms/test/account/"
ESCAPES = [
    "http://localhost:@evil.example/realms/test/account/x",
    "http://localhost/realms/test/account/@evil.example",
    "http://localhost/realms/test/account/../../../evil",
    "http://localhost/realms/test/account/%2e%2e/%2e%2e/%2e%2e/evil",
    "http://localhost/realms/test/account/%2E%2E%2F%2E%2E%2Fevil",
    "http://localhost/realms/test/account/..%5C..%5Cevil",
    "http://localhost/realms/test/account/..\\..\\evil",
    "http://localhost/realms/test/account/x#@evil.example",
    "http://LOCALHOST.evil.example/realms/test/account/",
    "http://localhost/realms/test/account/x?next=https://evil.example",  # stays: the query is the page's own
]
NOT_URLS = ["javascript:alert(1)//", "//evil.example/x", "data:text/html,x", "http:/\\evil.example", " http://x"]


def _stays(location: str) -> bool:
    """Does a browser sent to ``location`` stay on this server under the account console's prefix? (``@`` in the
    path, a fragment and a query do not move it.)"""
    resolved = httpx.URL(location)
    return (
        resolved.host == "localhost"
        and not resolved.userinfo
        and resolved.path.startswith("/realms/test/account/")
        and ".." not in resolved.path
        and "\\" not in location
    )


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _joined(env: Env, mail: Sink, org: str, user: str) -> httpx.Response:
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    confirm = await env.http.get(mail.received[-1].link())
    assert confirm.status_code == 200, confirm.text[:500]
    if 'id="kc-proceed"' not in confirm.text:  # already a member: the page with its link back
        return confirm
    return await env.http.get(proceed(confirm.text))


@pytest.mark.parametrize("url", ESCAPES)
async def test_an_escaping_redirect_url_lands_on_the_account_console(realm: Env, mail: Sink, url: str) -> None:
    env = realm
    org = await create_org(env, redirectUrl=url)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    joined = await _joined(env, mail, org, user)
    assert joined.status_code == 302, joined.text[:500]
    location = joined.headers["location"]
    if location == url:  # let through: only a URI that stays under the prefix once a browser resolves it
        assert _stays(location), location
    else:
        assert str(httpx.URL(location).copy_with(query=None)) == ACCOUNT, location
    assert await member(env.http, org, user) is not None
    # the already-a-member page's link: the same validator
    again = await _joined(env, mail, org, user)
    back = re.search(r'id="kc-back" href="([^"]+)"', again.text)
    assert again.status_code == 200 and back, again.text[:500]
    assert _stays(html.unescape(back[1])), back[1]
    assert "javascript:" not in again.text.lower()


@pytest.mark.parametrize("url", NOT_URLS)
async def test_a_redirect_url_that_is_no_http_url_is_refused_when_written(realm: Env, url: str) -> None:
    env = realm
    made = await env.http.post(ORGS, json={"name": "neworg", "redirectUrl": url}, headers=await env.admin_headers())
    assert made.status_code == 400, made.text
    listed = await env.http.get(ORGS, headers=await env.admin_headers())
    assert listed.json() == []
