"""The realm of Keycloak's AbstractRestServiceTest and SessionRestServiceTest, seeded through the store, and
the helpers the ports of their account REST tests share (tests/wire/test_keycloak_account_rest_*.py).

Users: ``test-user@localhost`` (default roles, as TokenUtil's user), ``no-account-access`` (no account role),
``view-account-access`` (view-profile), ``view-applications-access`` (offline_access, view-applications,
manage-consent), ``view-consent-access`` (view-consent), ``manage-consent-access`` (manage-consent).
Clients: TokenUtil's ``direct-grant``, ``in-use-client``, ``offline-client``, ``always-display-client``,
``root-url-client``, ``third-party`` (consent required), ``public-client-0/1`` and ``confidential-client-0/1``.
"""

from __future__ import annotations

from typing import Any

import httpx

from browser_flow import REDIRECT, exchange, login
from doorkeep.model import ProtocolMapper
from login_client import BrowserClient
from support import grant_client_roles, password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

ACCOUNT = "/realms/test/account"
APP_ROOT = "http://localhost:8180/auth/realms/master/app"
USER = "test-user@localhost"
ROLES = {
    "no-account-access": (),
    "view-account-access": ("view-profile",),
    "view-applications-access": ("view-applications", "manage-consent"),
    "view-consent-access": ("view-consent",),
    "manage-consent-access": ("manage-consent",),
}
# A token of a user without account roles has no ``account`` audience, which Keycloak's AccountLoader answers
# with 401; Keycloak's tests expect the role check's 403, so these users' tokens carry the audience by a mapper.
AUDIENCE = ProtocolMapper(
    id="aud-account",
    name="account audience",
    mapper="oidc-audience-mapper",
    config={"included.client.audience": "account", "access.token.claim": "true"},
)


async def seed(env: Env) -> None:
    await seed_realm(env.db, env.clock, events_enabled=True)
    await seed_client(env.db, "test", "direct-grant", secret="password", protocol_mappers=(AUDIENCE,))
    for client_id, name in (("in-use-client", "In Use Client"), ("offline-client", "Offline Client")):
        await seed_client(env.db, "test", client_id, secret="secret1", name=name, base_url=f"{APP_ROOT}/{client_id}")
    await seed_client(
        env.db,
        "test",
        "always-display-client",
        secret="secret1",
        name="Always Display Client",
        base_url=f"{APP_ROOT}/always-display-client",
        always_display_in_console=True,
    )
    await seed_client(
        env.db, "test", "root-url-client", secret="password", root_url="http://localhost:8180/foo/bar", base_url="/baz"
    )
    await seed_client(
        env.db,
        "test",
        "third-party",
        description="A third party application",
        base_url=f"{APP_ROOT}/auth",
        redirect_uris=(REDIRECT,),
        consent_required=True,
    )
    for n in (0, 1):
        await seed_client(
            env.db,
            "test",
            f"public-client-{n}",
            public=True,
            name=f"Public Client {n}",
            base_url=f"http://client{n}.example.com",
            redirect_uris=(REDIRECT,),
        )
        await seed_client(
            env.db, "test", f"confidential-client-{n}", name=f"Confidential Client {n}", service_accounts=True
        )
    await seed_user(env.db, env.clock, "test", USER, email=USER, first_name="Tom", last_name="Brady")
    for username, roles in ROLES.items():
        user = await seed_user(env.db, env.clock, "test", username, default_roles=False)
        await grant_client_roles(env.db, user, "account", *roles)
        if username == "view-applications-access":
            async with env.db.transaction() as tx:
                offline = await tx.roles.get_realm_role(user.realm_id, "offline_access")
                assert offline is not None
                await tx.users.grant_roles(user.id, [offline.id])


async def token(env: Env, username: str = USER, client_id: str = "direct-grant", **extra: str) -> str:
    """TokenUtil: a password grant of ``direct-grant`` (secret ``password``), its access token."""
    secret = "password" if client_id in ("direct-grant", "root-url-client") else "secret1"
    if client_id.startswith("confidential-client"):
        secret = "secret"
    response = await password_grant(env.http, "test", client_id, username, secret=secret, **extra)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}


async def call(env: Env, method: str, path: str, access_token: str, body: Any = None) -> httpx.Response:
    return await env.http.request(method, f"{ACCOUNT}/{path}", headers=bearer(access_token), json=body)


def browser(env: Env, agent: str | None = None) -> httpx.AsyncClient:
    """Another browser (its own cookies) on the same app, sending ``agent`` as its User-Agent, or none."""
    transport = httpx.ASGITransport(app=env.apps[0], raise_app_exceptions=False, client=("127.0.0.1", 50000))
    client = BrowserClient(transport=transport, base_url="http://localhost")
    if agent is None:
        del client.headers["User-Agent"]
    else:
        client.headers["User-Agent"] = agent
    return client


async def code_grant(http: httpx.AsyncClient, client_id: str = "public-client-0") -> dict[str, Any]:
    """SessionRestServiceTest.codeGrant: the browser logs in (or joins its SSO session), the code exchanged."""
    code = (await login(http, "test", client_id, username=USER))["code"]
    response = await exchange(http, "test", client_id, code, secret=None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def events(env: Env, *types: str) -> list[dict[str, Any]]:
    """The realm's stored events of those types, oldest first."""
    response = await env.http.get(
        "/admin/realms/test/events", params={"type": list(types)}, headers=await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))
