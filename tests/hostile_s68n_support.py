"""Helpers of the s68n hostile tests (tests/wire/test_hostile_s68n_*.py): the flows and set-ups of session 68's
ports they attack, restated here so that the hostile files import no test module."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from broker_support import Broker, signs_in_by_hint
from browser_flow import code_from, form_action, is_password_page, is_username_page, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, bind, executions
from keycloak_port import poll, update_realm
from mail_sink import Sink
from passkeys_support import register_passkey
from session_limits_port import DEFAULTS, LIMITER, USER, configure
from wire_env import Env

# --- WebAuthn: AppInitiatedActionWebAuthnTest.setUpWebAuthnFlow (a key or passkey beside the Password Form)

KEY, PASSKEY, PASSWORD = "webauthn-authenticator", "webauthn-authenticator-passwordless", "auth-password-form"


async def bind_choice_flow(env: Env, authenticator: str = KEY) -> dict[str, str]:
    """The Username Form, then a REQUIRED sub-flow of the Password Form and ``authenticator``, both ALTERNATIVE,
    bound as the browser flow; the sub-flow's execution ids by provider."""
    body = {"alias": "s68n", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "s68n", "auth-cookie", ALT)
    await add_flow(env, "s68n", "s68n forms", ALT)
    await add(env, "s68n forms", "auth-username-form", REQ)
    await add_flow(env, "s68n forms", "s68n choice", REQ)
    await add(env, "s68n choice", PASSWORD, ALT)
    await add(env, "s68n choice", authenticator, ALT)
    await admin(env, "PUT", ADMIN, {"browserFlow": "s68n"}, 204)
    return {e["providerId"]: e["id"] for e in await executions(env, "s68n choice") if e.get("providerId")}


async def register_key(env: Env, key: Any, username: str = "user1") -> None:
    """``username`` registers ``key`` as a two-factor security key (the webauthn-register required action)."""
    await register_passkey(env, key, username, action="webauthn-register")


async def after_username(env: Env, username: str = "user1") -> httpx.Response:
    env.http.cookies.clear()
    page = await start(env.http, "test", "app")
    assert is_username_page(page), page.text[:300]
    return await submit(env.http, page, username=username)


def is_key_page(page: httpx.Response) -> bool:
    return (
        page.status_code == 200
        and 'id="authenticateWebAuthnButton"' in page.text
        and 'name="password"' not in page.text
    )


def is_register_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="registerWebAuthn"' in page.text


def page_url(page: httpx.Response) -> str:
    """Where the browser's refresh goes: the page's form action without its session code."""
    parts = urlsplit(form_action(page.text))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "session_code"]
    return parts._replace(query=urlencode(query)).geturl()


async def login_user(env: Env) -> None:
    """user1 through the username page and the password page, back at the client with a code."""
    page = await start(env.http, "test", "app")
    assert is_username_page(page), page.text[:300]
    password = await submit(env.http, page, username="user1")
    assert is_password_page(password), password.text[:300]
    assert "code" in code_from(await submit(env.http, password, password="password"))


# --- Organizations: OrganizationMemberIdpLinkTest's managed member

REALM = "/admin/realms/test"
USERS = f"{REALM}/users"
SECOND = "second-identity-provider"


async def second_provider(env: Env) -> None:
    """A realm-level OpenID Connect provider in no organization."""
    config = {
        "clientId": "dummy",
        "clientSecret": "dummy",
        "authorizationUrl": "http://localhost/dummy/auth",
        "tokenUrl": "http://localhost/dummy/token",
    }
    rep = {"alias": SECOND, "providerId": "oidc", "enabled": True, "config": config}
    await admin(env, "POST", f"{REALM}/identity-provider/instances", rep, 201)


async def managed_alice(broker: Broker) -> str:
    """``testorg`` with the provider ``kc``; alice in through it by ``kc_idp_hint``, a MANAGED member: her id."""
    env = broker.env
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    body = {"name": "testorg", "alias": "testorg", "domains": [{"name": "example.org"}]}
    org = str((await admin(env, "POST", f"{REALM}/organizations", body, 201)).headers["location"].rsplit("/", 1)[1])
    await broker.add_provider(organizationId=org)
    await signs_in_by_hint(broker)
    [user] = (await admin(env, "GET", f"{USERS}?username=alice&exact=true", status=200)).json()
    alice = str(user["id"])
    member = (await admin(env, "GET", f"{REALM}/organizations/{org}/members/{alice}", status=200)).json()
    assert member["membershipType"] == "MANAGED"
    return alice


async def link_aliases(env: Env, user_id: str) -> list[str]:
    found = (await admin(env, "GET", f"{USERS}/{user_id}/federated-identity", status=200)).json()
    return [f["identityProvider"] for f in found]


# --- Session limits: UserSessionLimitsResetPasswordTest's reset credentials flow with the limiter

RESET = "reset credentials session limits"
RESET_URI = "http://localhost/realms/test/login-actions/reset-credentials"
SENT = "You should receive an email shortly with further instructions."


async def reset_flow_limited(env: Env, mail: Sink) -> None:
    """The reset credentials flow copied with the limiter (DEFAULTS: deny, client limit 1) and bound; the realm's
    mail server the sink."""
    flows = {f["alias"] for f in (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()}
    if RESET not in flows:
        await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": RESET}, 201)
        await add(env, RESET, LIMITER, REQ, DEFAULTS)
    await bind(env, "resetCredentialsFlow", RESET)
    await configure(env, RESET, **DEFAULTS)
    await update_realm(env, smtpServer=mail.settings())
    await poll(env)


async def ask_reset(env: Env, mail: Sink) -> str:
    """The reset credentials page opened with no login, the username sent; the mailed link."""
    page = await env.http.get(RESET_URI)
    assert page.status_code == 200 and 'id="kc-reset-password-form"' in page.text, page.text[:600]
    answer = await submit(env.http, page, username=USER)
    assert answer.status_code == 200 and SENT in html.unescape(answer.text), answer.text[:600]
    (sent,) = mail.received
    link: str = sent.link()
    return link
