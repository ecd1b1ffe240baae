"""Security sweep s52: token confusion across the token types Doorkeep signs with one realm's keys, including the
newer action tokens (the impersonation link's). Each of the identity cookie, a refresh token, an offline token, an
action-token key, an ID token and an access token is presented where each other type belongs (the refresh grant,
the SSO cookie, the action-token link, the userinfo bearer), and in another realm: only the right type in its own
realm is taken (Keycloak's TokenVerifier tokenType checks and per-realm keys)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import exchange, login, start
from support import seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

KINDS = ("identity", "refresh", "offline", "action", "id", "access")


async def _tokens(env: Env) -> dict[str, str]:
    """One of each kind, all of user1 in realm test."""
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    code = await login(env.http, "test", "app", scope="openid offline_access")
    offline = (await exchange(env.http, "test", "app", code["code"])).json()
    env.http.cookies.clear()  # an offline-only login's online session is gone after the exchange, as Keycloak
    online_code = await login(env.http, "test", "app", scope="openid")
    identity = env.http.cookies.get("KEYCLOAK_IDENTITY", path="/realms/test/") or ""
    online = (await exchange(env.http, "test", "app", online_code["code"])).json()
    user = await env.http.get(
        "/admin/realms/test/users", params={"username": "user1", "exact": "true"}, headers=await env.admin_headers()
    )
    link = await env.http.post(
        f"/admin/realms/test/users/{user.json()[0]['id']}/impersonation", headers=await env.admin_headers()
    )
    action = parse_qs(urlsplit(link.json()["redirect"]).query)["key"][0]
    env.http.cookies.clear()
    assert identity and offline["refresh_token"] and online["refresh_token"]
    return {
        "identity": identity,
        "refresh": online["refresh_token"],
        "offline": offline["refresh_token"],
        "action": action,
        "id": online["id_token"],
        "access": online["access_token"],
    }


async def _as_refresh(env: Env, realm: str, token: str) -> bool:
    answer = await env.http.post(
        f"/realms/{realm}/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "app", "client_secret": "secret"},
    )
    assert answer.status_code in (200, 400, 401), answer.text
    return answer.status_code == 200


async def _as_identity(env: Env, realm: str, token: str) -> bool:
    env.http.cookies.clear()
    env.http.cookies.set("KEYCLOAK_IDENTITY", token, domain="localhost.local", path=f"/realms/{realm}/")
    answer = await start(env.http, realm, "app", prompt="none")
    env.http.cookies.clear()
    assert answer.status_code == 302, answer.text[:300]
    return "code=" in answer.headers["location"]


async def _as_action(env: Env, realm: str, token: str) -> bool:
    env.http.cookies.clear()
    answer = await env.http.get(f"/realms/{realm}/login-actions/action-token", params={"key": token})
    env.http.cookies.clear()
    assert answer.status_code < 500, answer.text[:300]
    return answer.status_code == 302 and any(
        c.startswith("KEYCLOAK_IDENTITY=ey") for c in answer.headers.get_list("set-cookie")
    )


async def _as_bearer(env: Env, realm: str, token: str) -> bool:
    answer = await env.http.get(
        f"/realms/{realm}/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code in (200, 401, 403), answer.text
    return answer.status_code == 200


PLACES = {"refresh": _as_refresh, "identity": _as_identity, "action": _as_action, "bearer": _as_bearer}
# Which kinds each place takes in the token's own realm.
TAKEN = {"refresh": {"refresh", "offline"}, "identity": {"identity"}, "action": set(), "bearer": {"access"}}


@pytest.mark.parametrize("place", sorted(PLACES))
async def test_each_place_takes_only_its_own_type(realm: Env, place: str) -> None:
    """The action key is spent by nothing here: the impersonation handler is tried last, once, by its own place
    in its own test (``action`` takes none of the others; its own key is tested in the impersonation sweep)."""
    tokens = await _tokens(realm)
    taken = {kind for kind in KINDS if kind != "action" or place != "action"}
    accepted = {kind for kind in sorted(taken) if await PLACES[place](realm, "test", tokens[kind])}
    assert accepted == TAKEN[place], accepted


@pytest.mark.parametrize("place", sorted(PLACES))
async def test_no_token_of_realm_test_is_taken_in_another_realm(realm: Env, place: str) -> None:
    """Realm ``other`` has a client ``app`` and a user1 of its own: nothing realm test signed works there."""
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(realm.db, realm.clock, "other", "user1")
    tokens = await _tokens(realm)
    accepted = {kind for kind in KINDS if await PLACES[place](realm, "other", tokens[kind])}
    assert accepted == set(), accepted


async def test_the_kinds_are_really_different(realm: Env) -> None:
    """The control: each token in its own place works (so the refusals above are not a broken setup)."""
    tokens = await _tokens(realm)
    assert await _as_refresh(realm, "test", tokens["refresh"])
    assert await _as_identity(realm, "test", tokens["identity"])
    assert await _as_bearer(realm, "test", tokens["access"])
    assert await _as_action(realm, "test", tokens["action"])
