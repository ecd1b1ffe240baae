"""Code-to-token failures in Keycloak's order and words (OAuth2CodeParser.parseCode, then
AuthorizationCodeGrantType.process; AccessTokenTest.accessTokenUserSessionExpired, accessTokenCodeUsed,
accessTokenCodeExpired)."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, code_from, exchange, login, submit
from support import assert_error, claims, seed_client, seed_login_realm, seed_realm, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    response = await env.http.put(
        f"{REALM}/events/config", json={"eventsEnabled": True}, headers=await env.admin_headers()
    )
    assert response.status_code == 204, response.text
    return env


async def exchange_errors(env: Env) -> list[str]:
    """The ``error`` of each CODE_TO_TOKEN_ERROR event, oldest first."""
    response = await env.http.get(
        f"{REALM}/events", params={"type": "CODE_TO_TOKEN_ERROR"}, headers=await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return [event["error"] for event in reversed(found)]


async def has_client_session(env: Env, sid: str) -> tuple[bool, bool]:
    """Whether the user session ``sid`` exists, and whether it still holds the client ``app``."""
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        client = await tx.config.client(realm.id, "app") if realm else None
        assert client is not None
        us = await tx.sessions.get_user_session(sid, False)
        return us is not None, await tx.sessions.get_client_session(sid, False, client.id) is not None


async def test_a_code_whose_user_session_was_deleted_is_not_valid(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    deleted = await realm.http.delete(
        f"{REALM}/sessions/{params['session_state']}", headers=await realm.admin_headers()
    )
    assert deleted.status_code == 204
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")
    assert await exchange_errors(realm) == ["invalid_code"]


async def test_a_code_whose_user_was_logged_out_is_not_valid(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    user = await realm.http.get(f"{REALM}/users", params={"username": "user1"}, headers=await realm.admin_headers())
    logout = await realm.http.post(f"{REALM}/users/{user.json()[0]['id']}/logout", headers=await realm.admin_headers())
    assert logout.status_code == 204
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")


async def test_a_live_code_whose_client_session_was_detached_finds_no_user_session(realm: Env) -> None:
    first = await login(realm.http, "test", "app")
    second = await login(realm.http, "test", "app")  # SSO: the same user and client session
    assert second["session_state"] == first["session_state"]
    assert (await exchange(realm.http, "test", "app", second["code"])).status_code == 200
    reused = await exchange(realm.http, "test", "app", second["code"])
    assert_error(reused, 400, "invalid_grant", "Code not valid")  # and the client session is detached
    assert await has_client_session(realm, first["session_state"]) == (True, False)
    response = await exchange(realm.http, "test", "app", first["code"])
    assert_error(response, 400, "invalid_grant", "User session not found")
    assert await exchange_errors(realm) == ["invalid_code", "user_session_not_found"]


async def test_an_expired_code_is_not_valid_and_detaches_its_client_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    assert await has_client_session(realm, params["session_state"]) == (True, True)
    realm.clock.advance(61)  # accessCodeLifespan 60 s: Keycloak's single-use store has dropped the code
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")
    assert await has_client_session(realm, params["session_state"]) == (True, False)
    assert await exchange_errors(realm) == ["invalid_code"]


async def test_an_expired_code_whose_user_session_is_gone_is_not_valid(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    await realm.http.delete(f"{REALM}/sessions/{params['session_state']}", headers=await realm.admin_headers())
    realm.clock.advance(61)
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")


async def test_an_unknown_code_is_not_valid_and_a_good_one_still_works(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    assert_error(await exchange(realm.http, "test", "app", "nope"), 400, "invalid_grant", "Code not valid")
    response = await exchange(realm.http, "test", "app", params["code"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["sid"] == params["session_state"]


async def last_exchange_error(env: Env) -> dict[str, Any]:
    response = await env.http.get(
        f"{REALM}/events", params={"type": "CODE_TO_TOKEN_ERROR"}, headers=await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    assert found, "no CODE_TO_TOKEN_ERROR event"
    return found[0]


async def test_refusals_after_the_code_record_keycloaks_event_error_and_reason(realm: Env) -> None:
    """AuthorizationCodeGrantType.process: a code of another client is ``invalid_client``, a client without the
    standard flow ``not_allowed``, a missing code ``invalid_code``, each with its description as the reason."""
    await seed_client(realm.db, "test", "other", redirect_uris=("http://127.0.0.1:9999/*",))
    params = await login(realm.http, "test", "app")
    response = await exchange(realm.http, "test", "other", params["code"])
    assert_error(response, 400, "invalid_grant", "Auth error: Found different client_id in clientSession")
    event = await last_exchange_error(realm)
    assert (event["error"], event["clientId"], event["details"]["reason"]) == (
        "invalid_client",
        "other",
        "Auth error: Found different client_id in clientSession",
    )

    params = await login(realm.http, "test", "app")
    await update_client(realm.db, "test", "app", standard_flow_enabled=False)
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant")
    event = await last_exchange_error(realm)
    assert (event["error"], event["details"]["reason"]) == ("not_allowed", "Client not allowed to exchange code")

    form = {"grant_type": "authorization_code", "client_id": "app", "client_secret": "secret"}
    response = await realm.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert_error(response, 400, "invalid_request", "Missing parameter: code")
    event = await last_exchange_error(realm)
    assert (event["error"], event["details"]["reason"]) == ("invalid_code", "Missing parameter: code")


async def code_without_redirect_uri(env: Env) -> str:
    """A plain OAuth 2.0 authorization request (no ``openid``) that leaves ``redirect_uri`` out: the client's
    one registered URI is used."""
    query = {"client_id": "app", "response_type": "code", "state": "s"}
    page = await env.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert page.status_code == 200, page.text[:300]
    done = await submit(env.http, page, username="user1", password="password")
    assert done.status_code == 302 and done.headers["location"].startswith("http://127.0.0.1:9999?"), done.headers
    return code_from(done)["code"]


@pytest.mark.parametrize("redirect_uri", [None, "http://127.0.0.1:9999", "http://elsewhere"])
async def test_a_code_requested_without_redirect_uri_is_not_bound_to_one(realm: Env, redirect_uri: str | None) -> None:
    """RFC 6749 §4.1.3 as Keycloak reads it: the code keeps the request's raw ``redirect_uri`` (none here), and the
    token request's is compared only when there was one (AuthorizationCodeGrantType: ``redirectUri != null``)."""
    code = await code_without_redirect_uri(realm)
    form = {"grant_type": "authorization_code", "code": code, "client_id": "app", "client_secret": "secret"}
    if redirect_uri is not None:
        form["redirect_uri"] = redirect_uri
    response = await realm.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, response.text


async def test_a_session_state_parameter_the_saved_redirect_uri_lacks_is_ignored(realm: Env) -> None:
    """KEYCLOAK-4478 (AuthorizationCodeGrantType): old adapters append ``session_state`` to the redirect URI they
    send; it is dropped before the comparison, and any other difference still fails."""
    params = await login(realm.http, "test", "app")
    sent = f"{REDIRECT}?session_state={params['session_state']}"
    response = await exchange(realm.http, "test", "app", params["code"], redirect_uri=sent)
    assert response.status_code == 200, response.text
    params = await login(realm.http, "test", "app")
    wrong = f"{REDIRECT}?session_state=x&other=1"
    response = await exchange(realm.http, "test", "app", params["code"], redirect_uri=wrong)
    assert_error(response, 400, "invalid_grant", "Incorrect redirect_uri")


async def test_a_code_bound_to_a_redirect_uri_refuses_a_request_without_one_naming_it_null(realm: Env) -> None:
    """AuthorizationCodeGrantType: a code asked for with ``redirect_uri`` and a token request without one is
    "Incorrect redirect_uri"; the reason is Keycloak's ``String.format`` of a null parameter, "null"."""
    params = await login(realm.http, "test", "app")
    form = {"grant_type": "authorization_code", "code": params["code"], "client_id": "app", "client_secret": "secret"}
    response = await realm.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert_error(response, 400, "invalid_grant", "Incorrect redirect_uri")
    event = await last_exchange_error(realm)
    assert (event["error"], event["details"]["reason"]) == (
        "invalid_redirect_uri",
        "Parameter 'redirect_uri' did not match originally saved redirect URI used in initial OIDC request. "
        f"Saved redirectUri: {REDIRECT}, redirectUri parameter: null",
    )


async def test_an_empty_code_is_a_code_that_is_not_valid(realm: Env) -> None:
    """AuthorizationCodeGrantType reads ``code`` with ``getFirst``: only an absent one is "Missing parameter:
    code"; an empty one goes to OAuth2CodeParser.parseCode, which finds no three parts: 400 invalid_grant "Code not
    valid", the event ``invalid_code`` without reason, session or code_id."""
    form = {"grant_type": "authorization_code", "code": "", "redirect_uri": REDIRECT}
    form |= {"client_id": "app", "client_secret": "secret"}
    response = await realm.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert_error(response, 400, "invalid_grant", "Code not valid")
    event = await last_exchange_error(realm)
    assert (event["error"], event.get("sessionId")) == ("invalid_code", None), event
    assert not {"reason", "code_id"} & set(event.get("details") or {}), event


RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 Appendix B
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def test_an_empty_code_verifier_is_a_verifier(realm: Env) -> None:
    """PkceUtils tells only a null ``code_verifier`` missing: an empty one against a challenge is malformed (400
    "PKCE verification failed: Invalid code verifier", event invalid_code_verifier, reason "Invalid code
    verifier"), and without a challenge it is one the authorization never asked for."""
    params = await login(realm.http, "test", "app", code_challenge=RFC_CHALLENGE, code_challenge_method="S256")
    response = await exchange(realm.http, "test", "app", params["code"], code_verifier="")
    assert_error(response, 400, "invalid_grant", "PKCE verification failed: Invalid code verifier")
    event = await last_exchange_error(realm)
    assert (event["error"], event["details"]["reason"]) == ("invalid_code_verifier", "Invalid code verifier")

    params = await login(realm.http, "test", "app")
    response = await exchange(realm.http, "test", "app", params["code"], code_verifier="")
    no_challenge = "PKCE code verifier specified but challenge not present in authorization"
    assert_error(response, 400, "invalid_grant", no_challenge)
    event = await last_exchange_error(realm)
    assert (event["error"], event["details"]["reason"]) == ("invalid_code_verifier", no_challenge)


async def test_a_code_issued_before_the_client_enforced_pkce_needs_no_verifier(realm: Env) -> None:
    """AuthorizationCodeGrantType picks PkceUtils' check by the code's own challenge method: a code issued without
    PKCE is exchanged without a verifier even once the client requires S256 (the requirement binds authorization
    requests); a code issued under it still needs its verifier."""
    params = await login(realm.http, "test", "app")
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    response = await exchange(realm.http, "test", "app", params["code"])
    assert response.status_code == 200, response.text

    params = await login(realm.http, "test", "app", code_challenge=RFC_CHALLENGE, code_challenge_method="S256")
    response = await exchange(realm.http, "test", "app", params["code"])
    assert_error(response, 400, "invalid_grant", "PKCE code verifier not specified")
    params = await login(realm.http, "test", "app", code_challenge=RFC_CHALLENGE, code_challenge_method="S256")
    response = await exchange(realm.http, "test", "app", params["code"], code_verifier=RFC_VERIFIER)
    assert response.status_code == 200, response.text


async def test_a_code_shown_to_another_realm_is_not_valid_there_and_still_works_at_home(realm: Env) -> None:
    """OAuth2CodeParser looks the code's user session up in the realm of the request and answers "Code not valid"
    before it takes the code from its store: another realm's token endpoint, even for a client of the same name
    with the same secret, refuses the code without spending it, so its own client still exchanges it."""
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    params = await login(realm.http, "test", "app")
    response = await exchange(realm.http, "other", "app", params["code"])
    assert_error(response, 400, "invalid_grant", "Code not valid")
    response = await exchange(realm.http, "test", "app", params["code"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["sid"] == params["session_state"]
