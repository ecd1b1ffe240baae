"""Keycloak's TransientSessionTest (testsuite/integration-arquillian/tests/base/.../forms/TransientSessionTest.java)
and the transient sessions Keycloak's server makes without a test provider.

Not ported: ``loginSuccess``, the class's one method. It makes a password grant's user session transient through
``SetClientNoteAuthenticator``, an authenticator of Keycloak's testsuite-providers module (a direct-grant flow
copied with that authenticator added, and a request parameter that sets the USER_SESSION_PERSISTENT_STATE client
note). That provider is not part of Keycloak's server and Doorkeep has no counterpart, so no request to Doorkeep can
make such a session.

What is tested instead is the transient session both servers do make: client_credentials without
``client_credentials.use_refresh_token`` (ClientCredentialsGrantType asks for SessionPersistenceState.TRANSIENT;
OAuth2GrantTypeBase.createTokenResponseBuilder then drops the session id, as no refresh token is issued). Such a
token names no session, so the server keeps nothing for it, and every later check of it is what
TokenManager/AccessTokenIntrospectionProvider do for a token without ``sid``: the ``azp`` client enabled, the
client's and realm's not-before (``Math.max`` of the two), the revoked-token store, then the user its ``sub`` (or,
failing that, its ``preferred_username``) names: present, enabled, and its own not-before. Nothing else can end it
early, so each of those checks is one test. The grant's response, event and first introspection and userinfo are
ServiceAccountTest's (test_keycloak_service_account_test.py) and are not repeated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from keycloak_port import forget, get, import_realm, post, put, update_client, update_user, user_id
from support import audience_rep, claims, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT = "transient-cl"
SERVICE_ACCOUNT = f"service-account-{CLIENT}"
RESOURCE_SERVER = "resource-server"  # introspects: the token's own client may be the one switched off


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = {
        "realm": "test",
        "enabled": True,
        "clients": [
            {
                "clientId": CLIENT,
                "secret": "secret1",
                "serviceAccountsEnabled": True,
                # resource-server introspects its tokens: Keycloak 26.6.2 answers only a client in their audience
                "protocolMappers": [audience_rep(RESOURCE_SERVER)],
            },
            {"clientId": RESOURCE_SERVER, "secret": "secret1", "publicClient": False},
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


async def transient_token(env: Env) -> str:
    """A client_credentials token of a transient session: no refresh token, no session_state, no ``sid``."""
    form = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": "secret1"}
    response = await env.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body and "session_state" not in body, body
    assert "sid" not in claims(body["access_token"])
    return str(body["access_token"])


async def introspection(env: Env, token: str) -> dict[str, Any]:
    form = {"client_id": RESOURCE_SERVER, "client_secret": "secret1", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def active(env: Env, token: str) -> bool:
    return bool((await introspection(env, token))["active"])


async def uuid_of(env: Env, client_id: str) -> str:
    (client,) = await get(env, "/clients", clientId=client_id)
    return str(client["id"])


async def test_a_transient_session_is_kept_nowhere_and_its_token_names_none(kc: Env) -> None:
    token = await transient_token(kc)
    client, account = await uuid_of(kc, CLIENT), await user_id(kc, SERVICE_ACCOUNT)
    assert await get(kc, f"/clients/{client}/user-sessions") == []
    assert await get(kc, f"/clients/{client}/session-count") == {"count": 0}
    assert await get(kc, f"/users/{account}/sessions") == []
    assert await get(kc, "/client-session-stats") == []
    found = await introspection(kc, token)
    assert found["active"] is True and found["sub"] == account and found["client_id"] == CLIENT, found
    assert "sid" not in found and "session_state" not in found, found
    # Each grant is a session of its own that is not kept either: a second token is another one.
    assert claims(await transient_token(kc))["jti"] != claims(token)["jti"]
    assert await get(kc, f"/clients/{client}/session-count") == {"count": 0}


async def test_the_users_not_before_ends_the_tokens_issued_before_it(kc: Env) -> None:
    """``POST /users/{id}/logout`` has no session to end; it sets the user's not-before to now (UserResource)."""
    token = await transient_token(kc)
    kc.clock.advance(1)
    await post(kc, f"/users/{await user_id(kc, SERVICE_ACCOUNT)}/logout", None)
    assert not await active(kc, token)
    assert await active(kc, await transient_token(kc))  # issued in the not-before second: iat < notBefore is false


async def test_the_realms_and_the_clients_not_before_end_the_tokens_issued_before_them(kc: Env) -> None:
    token = await transient_token(kc)
    kc.clock.advance(1)
    await put(kc, "", {"notBefore": kc.clock.now()})
    assert not await active(kc, token)
    fresh = await transient_token(kc)
    assert await active(kc, fresh)
    kc.clock.advance(1)
    # The larger of the two counts (NotBeforeCheck.forModel(client)): the client's, later than the realm's.
    await update_client(kc, CLIENT, notBefore=kc.clock.now())
    assert not await active(kc, fresh)
    assert await active(kc, await transient_token(kc))


async def test_a_disabled_service_account_suspends_the_token_and_enabling_it_resumes_it(kc: Env) -> None:
    """Nothing was revoked: the token is checked against the user as the user is now."""
    token = await transient_token(kc)
    await update_user(kc, SERVICE_ACCOUNT, enabled=False)
    assert not await active(kc, token)
    await update_user(kc, SERVICE_ACCOUNT, enabled=True)
    assert await active(kc, token)


async def test_a_disabled_client_suspends_the_token_and_enabling_it_resumes_it(kc: Env) -> None:
    token = await transient_token(kc)
    await update_client(kc, CLIENT, enabled=False)
    assert not await active(kc, token)
    await update_client(kc, CLIENT, enabled=True)
    assert await active(kc, token)


async def test_a_new_service_account_of_the_same_name_takes_over_the_token(kc: Env) -> None:
    """Turning service accounts off deletes the user (no token of it is valid then); turning them on again makes a
    new user, whose id is not the token's ``sub`` but whose username is its ``preferred_username``: that user is
    the token's now (lookupUserFromStatelessToken's fallback)."""
    token = await transient_token(kc)
    before = await user_id(kc, SERVICE_ACCOUNT)
    await update_client(kc, CLIENT, serviceAccountsEnabled=False)
    assert not await active(kc, token)
    await update_client(kc, CLIENT, serviceAccountsEnabled=True)
    after = await user_id(kc, SERVICE_ACCOUNT)
    assert after != before and claims(token)["sub"] == before
    found = await introspection(kc, token)
    assert found["active"] is True and found["preferred_username"] == SERVICE_ACCOUNT, found
