"""Helpers of the s68n hostile tests (tests/wire/test_hostile_s68n_*.py): the set-ups of session 68's ports they
attack that no shared support module holds (the WebAuthn choice flow is passkeys_support's, the reset credentials
flow with the session limiter session_limits_port's)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from broker_support import Broker, signs_in_by_hint
from browser_flow import code_from, form_action, is_password_page, is_username_page, start, submit
from flow_builder import admin
from wire_env import Env

# --- WebAuthn: AppInitiatedActionWebAuthnTest.setUpWebAuthnFlow (a key or passkey beside the Password Form)


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
