"""Security sweep s60: the redirect-bearing places the s52 and attack sweeps did not reach, each against the one
validator (oauth/redirect_uris.py, Keycloak 26's RedirectUtils.verifyRedirectUri): the admin's
execute-actions-email and send-verify-email ``redirect_uri`` (UserResource.verifySendEmailParams: 400 "Invalid
redirect uri."), a logout posted as a form, a login-actions URL's ``client_data`` (SessionCodeChecks /
RestartLoginCookie: its ``ru`` checked against the client's again) and the account console's relative
``referrer_uri`` (resolved against the client's root URL). Each refusal comes with an honest URI the same client
is allowed, so that no test passes by refusing everything."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest

from browser_flow import exchange, form_action, login, start, submit
from console_support import sign_in
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

LOGOUT = "/realms/test/protocol/openid-connect/logout"
ACCOUNT = "/realms/test/account"
PATTERNS = ("https://app.example.com*", "http://localhost:*", "https://ok.example/cb/*", "/home/*")
HONEST = "https://ok.example/cb/x"
HOSTILE = [
    "https://app.example.com.evil.example/cb",
    "https://app.example.com@evil.example/",
    "http://localhost:3000@evil.example/",
    "https://app.example.com\\@evil.example/",
    "http://localhost/cb",
    "https://ok.example/cb/../../evil",
    "https://ok.example/cb/%2e%2e/%2E%2E/evil",
    "https://ok.example/cb/%252e%252e/evil",
    "https://ok.example/cb\\..\\evil",
    "https://ok.example/cb/..;/evil",
    "//evil.example/cb",
    "/\\evil.example/cb",
    "https:evil.example/cb",
    "http:evil.example",
    "https://ok.example/cb/\tx",
    "https://ok.example/cb/\nx",
    "https://xn--ok-xja.example/cb/x",
    "HTTPS://EVIL.EXAMPLE/cb",
    "javascript:alert(document.domain)//",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://ok.example/cb/x?code=forged",
    "https://ok.example/cb/x#state=forged",
    "https://evil.example/" + "a" * 5000 + "/ok.example/cb/",
]


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(
        env.db,
        "test",
        "app",
        name="The App",
        redirect_uris=PATTERNS,
        root_url="https://root.example",
        attributes={"post.logout.redirect.uris": "+"},
    )
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _user_id(env: Env) -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return user.id


@pytest.mark.parametrize("path", ["execute-actions-email", "send-verify-email"])
async def test_an_emailed_links_redirect_uri_takes_the_one_validator(realm: Env, mail: Sink, path: str) -> None:
    url = f"/admin/realms/test/users/{await _user_id(realm)}/{path}"
    headers = await realm.admin_headers()
    body = ["UPDATE_PASSWORD"] if path == "execute-actions-email" else None
    for uri in HOSTILE:
        refused = await realm.http.put(
            url, json=body, params={"client_id": "app", "redirect_uri": uri}, headers=headers
        )
        assert (refused.status_code, refused.json()) == (400, {"errorMessage": "Invalid redirect uri."}), uri
    assert mail.received == []
    sent = await realm.http.put(url, json=body, params={"client_id": "app", "redirect_uri": HONEST}, headers=headers)
    assert sent.status_code == 204, sent.text
    assert len(mail.received) == 1


async def test_a_logout_posted_as_a_form_refuses_every_hostile_uri_and_keeps_the_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app", redirect_uri=HONEST)
    tokens = (await exchange(realm.http, "test", "app", params["code"], redirect_uri=HONEST)).json()
    for uri in HOSTILE:
        form = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": uri, "state": "s"}
        refused = await realm.http.post(LOGOUT, data=form)
        assert refused.status_code == 400 and "location" not in refused.headers, uri
        assert "Invalid redirect uri" in refused.text, (uri, refused.text[:300])
    still = await start(realm.http, "test", "app", redirect_uri=HONEST, prompt="none")
    assert still.status_code == 302 and "code=" in still.headers["location"]
    done = await realm.http.post(LOGOUT, data={"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": HONEST})
    assert (done.status_code, done.headers.get("location")) == (302, HONEST)


def _client_data(redirect_uri: str, state: str = "forged") -> str:
    raw = json.dumps({"ru": redirect_uri, "rt": "code", "rm": "query", "st": state}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_a_forged_client_data_never_chooses_where_an_expired_tab_answers(realm: Env) -> None:
    """A tab whose login expired while the browser logged in elsewhere answers its client with
    ``authentication_expired``; a ``client_data`` naming another redirect URI is checked against the client's
    again (OIDCLoginProtocol.sendError after RedirectUtils.verifyRedirectUri), so it never picks the target."""
    await update_realm(realm.db, "test", access_code_lifespan_login=60, access_code_lifespan_user_action=60)
    tab1 = await start(realm.http, "test", "app", redirect_uri=HONEST, state="one")
    tab = dict(httpx.URL(form_action(tab1.text)).params)
    done = await submit(
        realm.http, await start(realm.http, "test", "app", redirect_uri=HONEST), username="user1", password="password"
    )
    assert done.status_code == 302, done.text[:500]
    realm.clock.advance(61)
    for uri in HOSTILE:
        query = {"client_id": "app", "tab_id": tab["tab_id"], "client_data": _client_data(uri)}
        answered = await realm.http.get("/realms/test/login-actions/restart", params=query)
        location = answered.headers.get("location", "")
        assert not location or location.startswith(HONEST), (uri, location)
        assert "evil" not in location.lower() and "javascript" not in location.lower(), (uri, location)


async def test_the_account_consoles_relative_referrer_resolves_against_the_root_url(realm: Env) -> None:
    """AccountConsole: ``referrer_uri`` through RedirectUtils.verifyRedirectUri; a relative one matches only ``*`` (the
    registered relative patterns are made absolute first) and is then made absolute with the client's root URL, so a
    scheme-relative one stays on the root URL's host (Doorkeep's parser refuses it outright); a backslashed or dot-segment one is refused."""
    await seed_client(realm.db, "test", "star", public=True, redirect_uris=("*",), root_url="https://root.example")
    page = await sign_in(realm.http, f"{ACCOUNT}/?referrer=star&referrer_uri=/home/x")
    assert 'href="https://root.example/home/x"' in page.text, page.text[:2000]
    scheme_relative = await realm.http.get(
        f"{ACCOUNT}/", params={"referrer": "star", "referrer_uri": "//evil.example/x"}, headers={"Accept": "text/html"}
    )
    back = re.findall(r'<a class="back" href="([^"]*)"', scheme_relative.text)
    assert back in ([], ["https://root.example//evil.example/x"]), back  # Doorkeep refuses it; Keycloak keeps the host
    for client, uri in (
        ("app", "/home/x"),  # "/home/*" is https://root.example/home/* once resolved
        ("star", "/\\evil.example/x"),
        ("star", "\\evil.example/x"),
        ("star", "javascript:alert(1)"),
        ("star", "/x\tjavascript:alert(1)"),
    ):
        response = await realm.http.get(
            f"{ACCOUNT}/", params={"referrer": client, "referrer_uri": uri}, headers={"Accept": "text/html"}
        )
        assert response.status_code == 200, (uri, response.status_code)
        assert "Back to" not in response.text, uri
