"""Sweep, continued: offline and online tokens after changes to keys, algorithms, realm settings, the realm's name
and the client's credentials (tests/hostile_s66e.py). Each answer here is Keycloak 26's (TokenManager
verifyRefreshToken / validateToken, TokenRevocationEndpoint.checkToken, the client authenticators)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport.files import export_realm
from hostile_s66e import OK, admin, agreeing, families, probe, refreshed
from keycloak_port import client_uuid, forget, get, update_client, update_realm
from support import password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
Change = Callable[[Env], Awaitable[None]]
KEYS = "org.keycloak.keys.KeyProvider"


async def recreated_from_its_export(env: Env) -> None:
    """Deleted, then imported again from its own export: same ids, same keys (so the tokens' signatures and
    issuer still verify), but no sessions."""
    exported = await export_realm(env.db, "test")
    await admin(env, "DELETE", "/admin/realms/test")
    await admin(env, "POST", "/admin/realms", exported, status=201)
    forget(env)


async def renamed_and_back(env: Env) -> None:
    await update_realm(env, realm="renamed")
    await admin(env, "PUT", "/admin/realms/renamed", {"realm": "test"})


async def no_refresh_tokens(env: Env) -> None:
    await update_client(env, "app", attributes={"use.refresh.tokens": "false"})


async def algorithms_changed(env: Env) -> None:
    await update_realm(env, defaultSignatureAlgorithm="ES256")
    attributes = {"id.token.signed.response.alg": "PS256", "token.endpoint.auth.signing.alg": "ES256"}
    await update_client(env, "app", attributes=attributes)


async def hmac_rotated(env: Env) -> None:
    """A new HMAC key takes over; the one that signed the tokens stays, passive."""
    realm = await get(env, "")
    key = {"name": "hmac-rotated", "providerId": "hmac-generated", "providerType": KEYS, "parentId": realm["id"]}
    await admin(env, "POST", "/components", {**key, "config": {"priority": ["500"], "algorithm": ["HS512"]}}, 201)
    for old in await _old_hmac_keys(env):
        await admin(env, "PUT", f"/components/{old['id']}", {**old, "config": {**old["config"], "active": ["false"]}})


async def hmac_deleted(env: Env) -> None:
    await hmac_rotated(env)
    for old in await _old_hmac_keys(env):
        await admin(env, "DELETE", f"/components/{old['id']}")


async def _old_hmac_keys(env: Env) -> list[dict[str, Any]]:
    found = await get(env, "/components", type=KEYS)
    return [c for c in found if c["providerId"] == "hmac-generated" and c["name"] != "hmac-rotated"]


async def rotation_turned_on(env: Env) -> None:
    await update_realm(env, revokeRefreshToken=True)


async def _locked_out(env: Env, permanent: bool) -> None:
    await update_realm(env, bruteForceProtected=True, failureFactor=1, permanentLockout=permanent)
    wrong = await password_grant(env.http, "test", "app", password="wrong")
    assert wrong.json()["error_description"] == "Invalid user credentials", wrong.text


async def temporarily_locked(env: Env) -> None:
    await _locked_out(env, permanent=False)


async def permanently_locked(env: Env) -> None:
    await _locked_out(env, permanent=True)


async def offline_idle_shortened(env: Env) -> None:
    env.clock.advance(100)
    await update_realm(env, offlineSessionIdleTimeout=50, ssoSessionIdleTimeout=50)


async def offline_max_turned_on_short(env: Env) -> None:
    env.clock.advance(100)
    await update_realm(env, offlineSessionMaxLifespanEnabled=True, offlineSessionMaxLifespan=50)


async def client_offline_idle_shortened(env: Env) -> None:
    env.clock.advance(100)
    await update_client(env, "app", attributes={"client.offline.session.idle.timeout": "50"})


def _grant(description: str) -> tuple[int, str]:
    return 400, f"invalid_grant: {description}"


CASES: dict[str, tuple[Change, tuple[tuple[int, str], tuple[int, str]]]] = {
    "realm recreated from its export, keys included": (
        recreated_from_its_export,
        (_grant("Offline user session not found"), _grant("Session not active")),
    ),
    "realm renamed and named back": (renamed_and_back, (OK, OK)),
    "use.refresh.tokens off": (no_refresh_tokens, (OK, OK)),
    "realm and client algorithms changed": (algorithms_changed, (OK, OK)),
    "signing HMAC key made passive under a new one": (hmac_rotated, (OK, OK)),
    "signing HMAC key deleted": (hmac_deleted, (_grant("Invalid refresh token"), _grant("Invalid refresh token"))),
    "revokeRefreshToken turned on mid-family": (rotation_turned_on, (OK, OK)),
    # validateToken asks user.isEnabled() alone: a temporary lockout stops logins, not refreshes.
    "user temporarily locked out": (temporarily_locked, (OK, OK)),
    "user permanently locked out (disabled)": (permanently_locked, (_grant("User disabled"), _grant("User disabled"))),
    "offline and SSO idle shortened below the sessions' age": (
        offline_idle_shortened,
        (_grant("Offline session not active"), _grant("Session not active")),
    ),
    "offline max turned on, shorter than the session's age": (
        offline_max_turned_on_short,
        (_grant("Offline session not active"), OK),
    ),
    "client offline idle override below the session's age": (
        client_offline_idle_shortened,
        (_grant("Client session not active"), OK),
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_each_use_of_either_token_after_a_key_or_realm_change_answers_as_keycloak(realm: Env, case: str) -> None:
    change, (offline, online) = CASES[case]
    tokens = await families(realm)
    await change(realm)
    outcomes = [await probe(realm, token) for token in (tokens.offline, tokens.online)]
    assert outcomes == [agreeing(offline), agreeing(online)]


async def test_a_renamed_realm_refuses_the_old_issuer_and_revokes_nothing_for_it(realm: Env) -> None:
    """The issuer changes with the name: refresh and introspection refuse, and revocation answers 200 with
    ``invalid_token`` (TokenRevocationEndpoint.checkToken's RealmUrlCheck) without ending anything, so the
    tokens work again once the realm has its old name back."""
    tokens = await families(realm)
    await update_realm(realm, realm="renamed")
    expected = _grant("Invalid token issuer. Expected 'http://localhost/realms/renamed'")
    for token in (tokens.offline, tokens.online):
        assert await probe(realm, token, realm="renamed") == agreeing(expected)
        form = {"client_id": "app", "client_secret": "secret", "token": token}
        revoked = await realm.http.post(token_url("renamed", "revoke"), data=form)
        assert (revoked.status_code, revoked.json()) == (
            200,
            {"error": "invalid_token", "error_description": "Invalid token"},
        )
    await admin(realm, "PUT", "/admin/realms/renamed", {"realm": "test"})
    assert [await refreshed(realm, t) for t in (tokens.offline, tokens.online)] == [OK, OK]


REFUSED_SECRET = (401, "unauthorized_client", "Invalid client or Invalid client credentials")
NO_ASSERTION = (400, "invalid_client", "Parameter client_assertion_type is missing")


async def _secret_regenerated(env: Env) -> None:
    await admin(env, "POST", f"/clients/{await client_uuid(env, 'app')}/client-secret", status=200)


async def _authenticator_jwt(env: Env) -> None:
    await update_client(env, "app", clientAuthenticatorType="client-jwt")


@pytest.mark.parametrize(
    ("change", "refused"), [(_secret_regenerated, REFUSED_SECRET), (_authenticator_jwt, NO_ASSERTION)]
)
async def test_the_old_secret_refreshes_and_revokes_nothing_after_a_credential_change(
    realm: Env, change: Change, refused: tuple[int, str, str]
) -> None:
    """Refresh and revocation authenticate the client first (the old secret is refused as the new
    authenticator refuses it); introspection says 401 "Authentication failed."; the tokens live on."""
    tokens = await families(realm)
    await change(realm)
    for token in (tokens.offline, tokens.online):
        form = {"client_id": "app", "client_secret": "secret", "token": token}
        for path in ("revoke", "token"):
            data = form if path == "revoke" else {**form, "grant_type": "refresh_token", "refresh_token": token}
            answer = await realm.http.post(token_url("test", path), data=data)
            body = answer.json()
            assert (answer.status_code, body["error"], body["error_description"]) == refused, (path, answer.text)
        spied = await realm.http.post(token_url("test", "token/introspect"), data=form)
        assert (spied.status_code, spied.json()["error_description"]) == (401, "Authentication failed.")
    if change is _secret_regenerated:
        secret = (await get(realm, f"/clients/{await client_uuid(realm, 'app')}/client-secret"))["value"]
        for token in (tokens.offline, tokens.online):
            assert (await refresh(realm.http, "test", "app", token, secret=secret)).status_code == 200


async def test_a_bearer_only_client_introspects_its_tokens_but_neither_refreshes_nor_revokes(realm: Env) -> None:
    """TokenEndpoint.checkClient and TokenRevocationEndpoint.checkClient refuse a bearer-only client (400
    ``invalid_client`` "Bearer-only not allowed"); introspection is what such a client is for."""
    tokens = await families(realm)
    await update_client(realm, "app", bearerOnly=True)
    for token in (tokens.offline, tokens.online):
        assert await refreshed(realm, token) == (400, "invalid_client: Bearer-only not allowed")
        form = {"client_id": "app", "client_secret": "secret", "token": token}
        revoked = await realm.http.post(token_url("test", "revoke"), data=form)
        assert (revoked.status_code, revoked.json()["error_description"]) == (400, "Bearer-only not allowed")
        spied = await realm.http.post(token_url("test", "token/introspect"), data=form)
        assert spied.json()["active"] is True
    await update_client(realm, "app", bearerOnly=False)
    assert [await refreshed(realm, t) for t in (tokens.offline, tokens.online)] == [OK, OK]
