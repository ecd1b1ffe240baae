"""Logout, /revoke and /token/introspect answering exactly as Keycloak 26 does (KEYCLOAK.md §6.3, §8).

Each test names the Keycloak source it follows: LogoutEndpoint.logoutToken,
TokenRevocationEndpoint.revoke, TokenIntrospectionEndpoint.introspect and their helpers.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import httpx
import pytest

from doorkeep.model import ClientSession, ProtocolMapper
from support import assert_error, claims, password_grant, refresh, seed_client, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def realm(realm: Env) -> Env:
    """The shared ``test`` realm plus a second confidential client, ``other``; ``app`` names itself in its access
    tokens' audience, so that it may introspect them (Keycloak 26.6.2's audience check)."""
    await seed_client(realm.db, "test", "other")
    own = {"included.custom.audience": "app", "access.token.claim": "true"}
    mapper = ProtocolMapper(id="app-own-aud", name="own audience", mapper="oidc-audience-mapper", config=own)
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        app_client = None if test is None else await tx.clients.get_by_client_id(test.id, "app")
        assert app_client is not None
        await tx.mappers.add(app_client.realm_id, app_client.id, mapper, client=True)
    return realm


async def post(env: Env, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """A form POST that may repeat a parameter."""
    return await env.http.post(token_url("test", path), content=urlencode(pairs), headers=FORM)


def app(*pairs: tuple[str, str], secret: str = "secret") -> list[tuple[str, str]]:
    return [("client_id", "app"), ("client_secret", secret), *pairs]


async def online(env: Env, sid: str) -> bool:
    async with env.db.transaction() as tx:
        return await tx.sessions.get_user_session(sid, False) is not None


async def attach_other(env: Env, sid: str) -> None:
    """Give the user session a second client, ``other``, so it outlives ``app`` leaving it."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        other = await tx.clients.get_by_client_id(test.id, "other")
        assert other is not None
        now = env.clock.now()
        await tx.sessions.create_client_session(ClientSession(sid, False, other.id, now, now))


INVALID_TOKEN = {"error": "invalid_token", "error_description": "Invalid token"}


# --- logout (LogoutEndpoint.logoutToken) ---


async def test_logout_ignores_the_realm_not_before(realm: Env) -> None:
    """verifyRefreshToken(checkExpiration=false) adds neither NotBeforeCheck nor IS_ACTIVE."""
    body = (await password_grant(realm.http, "test", "app")).json()
    realm.clock.advance(5)
    await update_realm(realm.db, "test", not_before=realm.clock.now())
    response = await post(realm, "logout", app(("refresh_token", body["refresh_token"])))
    assert response.status_code == 204, response.text
    assert not await online(realm, body["session_state"])


async def test_logout_ignores_the_client_not_before(realm: Env) -> None:
    """The client's notBefore is validateToken's (refresh) check, not logout's."""
    body = (await password_grant(realm.http, "test", "app")).json()
    realm.clock.advance(5)
    await update_client(realm.db, "test", "app", not_before=realm.clock.now())
    response = await post(realm, "logout", app(("refresh_token", body["refresh_token"])))
    assert response.status_code == 204, response.text
    assert not await online(realm, body["session_state"])


async def test_logout_takes_the_first_of_duplicated_parameters(realm: Env) -> None:
    """logoutToken has no checkParameterDuplicated; form.getFirst picks the first value."""
    body = (await password_grant(realm.http, "test", "app")).json()
    pairs = app(("refresh_token", body["refresh_token"]), ("refresh_token", "garbage"))
    response = await post(realm, "logout", pairs)
    assert response.status_code == 204, response.text
    assert not await online(realm, body["session_state"])


async def test_logout_with_an_empty_refresh_token_is_an_invalid_refresh_token(realm: Env) -> None:
    """Only an absent parameter is "No refresh token"; an empty one fails verifyRefreshToken."""
    response = await post(realm, "logout", app(("refresh_token", "")))
    assert_error(response, 400, "invalid_grant", "Invalid refresh token")


async def test_logout_with_a_token_older_than_its_session_uses_keycloak_26_wording(realm: Env) -> None:
    """LogoutEndpoint.checkTokenIssuedAt: "Toked issued before the user session started"."""
    body = (await password_grant(realm.http, "test", "app")).json()
    sid = body["session_state"]
    async with realm.db.transaction() as tx:
        us = await tx.sessions.get_user_session(sid, False)
        assert us is not None
        await tx.sessions.delete_user_session(sid, False)
        await tx.sessions.create_user_session(dataclasses.replace(us, started=us.started + 10))
    response = await post(realm, "logout", app(("refresh_token", body["refresh_token"])))
    assert_error(response, 400, "invalid_grant", "Toked issued before the user session started")
    assert await online(realm, sid)


# --- revocation (TokenRevocationEndpoint.revoke) ---


async def test_revoke_authenticates_the_client_before_refusing_duplicates(realm: Env) -> None:
    """checkClient runs before checkParameterDuplicated."""
    body = (await password_grant(realm.http, "test", "app")).json()
    pairs = app(("token", body["access_token"]), ("token", body["access_token"]), secret="wrong")
    assert_error(await post(realm, "revoke", pairs), 401, "unauthorized_client")
    pairs = app(("token", body["access_token"]), ("token", body["access_token"]))
    assert_error(await post(realm, "revoke", pairs), 400, "invalid_request", "duplicated parameter")


async def test_revoking_an_access_token_after_logout_is_invalid_token(realm: Env) -> None:
    """checkUser: no session holds the client any more, so 200 with invalid_token, and no revocation."""
    body = (await password_grant(realm.http, "test", "app")).json()
    assert (await post(realm, "logout", app(("refresh_token", body["refresh_token"])))).status_code == 204
    response = await post(realm, "revoke", app(("token", body["access_token"])))
    assert response.status_code == 200 and response.json() == INVALID_TOKEN
    async with realm.db.transaction() as tx:
        assert not await tx.revoked.is_revoked(claims(body["access_token"])["jti"])


async def test_revoking_an_access_token_of_a_detached_client_is_invalid_token(realm: Env) -> None:
    """getUserSessionIfClientExists: the user session lives on for ``other``, but not for ``app``."""
    body = (await password_grant(realm.http, "test", "app")).json()
    await attach_other(realm, body["session_state"])
    response = await post(realm, "revoke", app(("token", body["refresh_token"])))
    assert response.status_code == 200 and response.text == ""
    assert await online(realm, body["session_state"])
    response = await post(realm, "revoke", app(("token", body["access_token"])))
    assert response.status_code == 200 and response.json() == INVALID_TOKEN


async def test_revoking_the_same_refresh_token_twice_is_invalid_token_the_second_time(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    await attach_other(realm, body["session_state"])
    first = await post(realm, "revoke", app(("token", body["refresh_token"])))
    assert first.status_code == 200 and first.text == ""
    second = await post(realm, "revoke", app(("token", body["refresh_token"])))
    assert second.status_code == 200 and second.json() == INVALID_TOKEN
    assert await online(realm, body["session_state"])


async def test_revoking_a_live_access_token_still_revokes_it(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    response = await post(realm, "revoke", app(("token", body["access_token"])))
    assert response.status_code == 200 and response.text == ""
    async with realm.db.transaction() as tx:
        assert await tx.revoked.is_revoked(claims(body["access_token"])["jti"])
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200


async def test_revoke_refuses_a_saml_client(realm: Env) -> None:
    """AuthorizeClientUtil.authorizeClient: a client of another protocol is refused after authentication."""
    await seed_client(realm.db, "test", "sp", protocol="saml")
    response = await post(realm, "revoke", [("client_id", "sp"), ("client_secret", "secret"), ("token", "x")])
    assert_error(response, 400, "invalid_client", "Wrong client protocol.")


async def test_logout_refuses_a_saml_client(realm: Env) -> None:
    await seed_client(realm.db, "test", "sp", protocol="saml")
    pairs = [("client_id", "sp"), ("client_secret", "secret"), ("refresh_token", "x")]
    assert_error(await post(realm, "logout", pairs), 400, "invalid_client", "Wrong client protocol.")


@pytest.mark.parametrize("grant", ["password", "client_credentials", "refresh_token"])
async def test_the_token_endpoint_refuses_a_saml_client_with_the_right_secret(realm: Env, grant: str) -> None:
    """The token endpoint authorizes its client through the same AuthorizeClientUtil.authorizeClient."""
    await seed_client(realm.db, "test", "sp", protocol="saml", service_accounts=True)
    pairs = [("grant_type", grant), ("client_id", "sp"), ("client_secret", "secret"), ("username", "user1")]
    pairs += [("password", "password"), ("refresh_token", "x")]
    assert_error(await post(realm, "token", pairs), 400, "invalid_client", "Wrong client protocol.")


async def test_revoke_refuses_a_bearer_only_client_and_decodes_an_empty_token(realm: Env) -> None:
    """checkClient's bearer-only refusal; checkToken's "Token not provided" is for an absent token only."""
    await seed_client(realm.db, "test", "api", bearer_only=True)
    pairs = [("client_id", "api"), ("client_secret", "secret"), ("token", "x")]
    assert_error(await post(realm, "revoke", pairs), 400, "invalid_client", "Bearer-only not allowed")
    response = await post(realm, "revoke", app(("token", "")))
    assert response.status_code == 200 and response.json() == INVALID_TOKEN


# --- introspection (TokenIntrospectionEndpoint.introspect) ---


@pytest.mark.parametrize(
    "client_id,secret",
    [("app", "wrong"), ("nobody", "secret"), ("off", "secret")],
    ids=["wrong secret", "unknown client", "disabled client"],
)
async def test_introspection_client_auth_failures_are_authentication_failed(
    realm: Env, client_id: str, secret: str
) -> None:
    """authorizeClient wraps every failure of AuthorizeClientUtil in 401 invalid_request."""
    await seed_client(realm.db, "test", "off", enabled=False)
    pairs = [("client_id", client_id), ("client_secret", secret), ("token", "x")]
    assert_error(await post(realm, "token/introspect", pairs), 401, "invalid_request", "Authentication failed.")


async def test_introspection_refuses_a_saml_client(realm: Env) -> None:
    """ "Wrong client protocol." is an ErrorResponseException, which authorizeClient lets through."""
    await seed_client(realm.db, "test", "sp", protocol="saml")
    pairs = [("client_id", "sp"), ("client_secret", "secret"), ("token", "x")]
    assert_error(await post(realm, "token/introspect", pairs), 400, "invalid_client", "Wrong client protocol.")


async def test_introspection_refuses_an_unknown_token_type_hint(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    pairs = app(("token", body["access_token"]), ("token_type_hint", "id_token"))
    assert_error(
        await post(realm, "token/introspect", pairs), 400, "invalid_request", "Unsupported token type [id_token]."
    )
    # a missing token is reported before the hint is looked up
    pairs = app(("token_type_hint", "bogus"))
    assert_error(await post(realm, "token/introspect", pairs), 400, "invalid_request", "Token not provided.")


async def test_introspection_with_an_empty_token_is_inactive(realm: Env) -> None:
    response = await post(realm, "token/introspect", app(("token", "")))
    assert response.status_code == 200 and response.json() == {"active": False}


async def test_a_refresh_token_hint_on_an_access_token_is_inactive(realm: Env) -> None:
    """findValidSessionForRefreshToken refuses a Bearer token (INVALID_TOKEN_TYPE)."""
    body = (await password_grant(realm.http, "test", "app")).json()
    pairs = app(("token", body["access_token"]), ("token_type_hint", "refresh_token"))
    response = await post(realm, "token/introspect", pairs)
    assert response.status_code == 200 and response.json() == {"active": False}
    pairs = app(("token", body["access_token"]), ("token_type_hint", "access_token"))
    assert (await post(realm, "token/introspect", pairs)).json()["active"] is True


async def test_only_the_refresh_token_provider_checks_refresh_token_reuse(realm: Env) -> None:
    """With revokeRefreshToken a rotated-away refresh token is inactive under the refresh_token hint;
    the access_token provider (no hint) has no verifyTokenReuse."""
    await update_realm(realm.db, "test", revoke_refresh_token=True)
    body = (await password_grant(realm.http, "test", "app")).json()
    realm.clock.advance(2)
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200
    hinted = await post(
        realm, "token/introspect", app(("token", body["refresh_token"]), ("token_type_hint", "refresh_token"))
    )
    assert hinted.json() == {"active": False}
    plain = (await post(realm, "token/introspect", app(("token", body["refresh_token"])))).json()
    assert plain["active"] is True and plain["token_type"] == "Refresh"
