"""The shared steps of the wire ports of Keycloak's TokenRevocationTest, TokenIntrospectionTest, LogoutTest and
RPInitiatedLogoutTest: the realm they run in, the grants, revocation, introspection and logout calls, and the
checks Keycloak's tests share (``isTokenEnabled`` / ``isTokenDisabled`` / ``isAccessTokenDisabled``).

``app`` plays Keycloak's ``test-app``, ``scope-app`` its ``test-app-scope``, ``confidential-cli`` the
introspecting client (secret ``secret1``) and ``public-cli`` its public client.
"""

from __future__ import annotations

from typing import Any

import httpx

import keycloak_port as kc
from browser_flow import exchange, login
from doorkeep.model import ProtocolMapper
from support import claims, password_grant, refresh, seed_client, token_url, update_client
from wire_env import Env

URIS = ("http://127.0.0.1:9999/*",)
AUDIENCE = "oidc-audience-mapper"
ADMIN = "/admin/realms/test"
INACTIVE = {"active": False}
INVALID_TOKEN = {"error": "invalid_token", "error_description": "Invalid token"}


# Keycloak 26.6.2 introspects a token only for a client in its ``aud``: as Keycloak's own tests since then
# (RefreshTokenIntrospectionTest's ClientAConfig, with its own id as custom audience), the clients whose tokens are
# introspected carry audience mappers naming the introspecting clients: confidential-cli and themselves
# (TokenRevocationTest's isTokenEnabled introspects with the token's own client).
FLAGS = {"access.token.claim": "true", "introspection.token.claim": "true"}


def audiences(client_id: str) -> tuple[ProtocolMapper, ...]:
    """Audience mappers putting confidential-cli and ``client_id`` itself in its access tokens."""
    cli = {"included.client.audience": "confidential-cli", **FLAGS}
    own = {"included.custom.audience": client_id, **FLAGS}
    return (
        ProtocolMapper(id=f"{client_id}-cli-aud", name="confidential-cli audience", mapper=AUDIENCE, config=cli),
        ProtocolMapper(id=f"{client_id}-own-aud", name="own audience", mapper=AUDIENCE, config=own),
    )


async def prepare(realm: Env, *, audience: bool = True) -> Env:
    """The shared realm: ``app`` and ``scope-app`` can log in through the browser, ``confidential-cli``
    introspects (it is in their tokens' audience unless ``audience`` is false), and ``public-cli`` is public."""
    app = await update_client(
        realm.db, "test", "app", redirect_uris=URIS, attributes={"post.logout.redirect.uris": "+"}
    )
    mappers = audiences("scope-app") if audience else ()
    if audience:
        async with realm.db.transaction() as tx:
            await tx.mappers.add_many(app.realm_id, app.id, audiences("app"), client=True)
    await seed_client(realm.db, "test", "scope-app", redirect_uris=URIS, protocol_mappers=mappers)
    await seed_client(realm.db, "test", "confidential-cli", secret="secret1", service_accounts=True)
    await seed_client(realm.db, "test", "public-cli", public=True)
    return realm


async def grant(env: Env, client_id: str = "app", scope: str = "") -> dict[str, Any]:
    """A password grant; like Keycloak's OAuthClient, it always asks for ``openid``."""
    response = await password_grant(env.http, "test", client_id, scope=f"openid {scope}".strip())
    assert response.status_code == 200, response.text
    return dict(response.json())


async def browser(env: Env, client_id: str = "app", **params: str) -> dict[str, Any]:
    """A browser login (or an SSO answer) and its code exchange."""
    code = (await login(env.http, "test", client_id, **params))["code"]
    response = await exchange(env.http, "test", client_id, code)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def revoke(env: Env, token: str, hint: str | None = None, client_id: str = "app") -> httpx.Response:
    form = {"client_id": client_id, "client_secret": "secret", "token": token}
    if hint is not None:
        form["token_type_hint"] = hint
    return await env.http.post(token_url("test", "revoke"), data=form)


async def introspection(
    env: Env, token: str, hint: str | None = None, client: tuple[str, str] = ("confidential-cli", "secret1")
) -> httpx.Response:
    form = {"client_id": client[0], "client_secret": client[1], "token": token}
    if hint is not None:
        form["token_type_hint"] = hint
    return await env.http.post(token_url("test", "token/introspect"), data=form)


async def introspect(
    env: Env, token: str, hint: str | None = None, client: tuple[str, str] = ("confidential-cli", "secret1")
) -> dict[str, Any]:
    response = await introspection(env, token, hint, client)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def logout(env: Env, refresh_token: str, client_id: str = "app") -> httpx.Response:
    form = {"client_id": client_id, "client_secret": "secret", "refresh_token": refresh_token}
    return await env.http.post(token_url("test", "logout"), data=form)


async def enabled(env: Env, body: dict[str, Any], client_id: str = "app") -> bool:
    """TokenRevocationTest.isTokenEnabled / isTokenDisabled: introspection and a refresh agree."""
    active = (await introspect(env, body["access_token"], client=(client_id, "secret")))["active"]
    refreshed = await refresh(env.http, "test", client_id, body["refresh_token"])
    assert active is (refreshed.status_code == 200), (active, refreshed.text)
    assert refreshed.status_code in (200, 400), refreshed.text
    return bool(active)


async def access_refused_everywhere(env: Env, access_token: str, client_id: str = "app") -> None:
    """TokenRevocationTest.isAccessTokenDisabled: introspection, userinfo, account REST and admin REST."""
    assert await introspect(env, access_token, client=(client_id, "secret")) == INACTIVE
    bearer = {"Authorization": f"Bearer {access_token}"}
    assert (await env.http.get(token_url("test", "userinfo"), headers=bearer)).status_code == 401
    account = await env.http.get("/realms/test/account", headers={**bearer, "Accept": "application/json"})
    assert account.status_code == 401
    assert (await env.http.get(ADMIN, headers=bearer)).status_code == 401


async def user_sessions(env: Env, body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(await kc.get(env, f"/users/{claims(body['access_token'])['sub']}/sessions"))


async def events_of(env: Env, kind: str) -> list[dict[str, Any]]:
    return list(await kc.get(env, "/events", type=kind))


async def keep_events(env: Env, *kinds: str) -> None:
    await kc.put(env, "/events/config", {"eventsEnabled": True, "enabledEventTypes": list(kinds)})
