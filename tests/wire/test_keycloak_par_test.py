"""Keycloak's ParTest, the rest of it, and every refusal of ParEndpoint with the event it records.

test_pushed_authorization_requests.py ports testSuccessfulSinglePar, testRequestParameterPrecedenceOverOtherParameters
and testIgnoreParameterIfNotSetinRequestObject (with an unsigned request object), testFailureNotIssuedParUsed,
testFailureParUsedTwice, testFailureParUsedByOtherClient, testFailureNotParByParRequiredCilent, testFailureParExpired,
testFailureClientAuthnFailed, testFailureParIncludesRequestUri, testFailureInvalidPar,
testFailureParIncludesInvalidRedirectUri / InvalidResponseType / InvalidScope, testFailureParInvalidPkceSetting and
testParCorsRequestWithValidUrl / WithInvalidUrlShouldFail. This file ports testSuccessfulSingleParPublicClient,
testWrongSigningAlgorithmForRequestObject, testSuccessfulUsingRequestParameter, testSuccessfulMultipleParBySameClient,
testSuccessfulMultipleParByMultipleClients, testSuccessfulParWithRequiredRequestUri and, from the new test framework's
ParTest, testParCrossRealmRejected, requestUriLifetimeDoesNotLimitAuthenticationSessionLength and
testParClientIdMismatchRejected.

Not ported: ParEndpointTest (oauth/par/ParEndpointTest.java). Its six methods
(testFlattenDecodedFormParametersRetainAuthorizationDetails, ...MultipleValues, ...SingleValue, ...NullValue,
...ValueWithNull, ...MultipleDistinctValues) call the static ParEndpoint.flattenDecodedFormParametersToParamsMap
on a map built in Java, with no server; over HTTP a parameter the parser reads cannot reach that method twice
(the push is refused as "duplicated parameter" first), and Doorkeep has no authorization_details (RAR).
ParWithDPoPTest has its own module, test_keycloak_par_with_dpop_test.py.

Skipped: testExtendedClientPolicyIntefacesForPar, which needs Keycloak's test-only TestRaiseExceptionExecutor
(a client policy executor that exists only in its testsuite's providers).

The refusals follow ParEndpoint and AbstractParEndpoint.throwErrorResponseException: each answer is a JSON error,
and the last PUSHED_AUTHORIZATION_REQUEST_ERROR event carries the answer's error and its description as ``detail``.
Keycloak's parser sets no length limit on ``state`` or ``nonce`` (AuthzEndpointRequestParser limits only the
additional parameters it keeps), so neither does this port.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import keycloak_port as kc
from browser_flow import REDIRECT, code_from, exchange, submit
from support import claims, refresh, seed_client, seed_realm, seed_user, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

PAR = "/realms/test/protocol/openid-connect/ext/par/request"
AUTH = "/realms/test/protocol/openid-connect/auth"
REG = "/realms/test/clients-registrations/openid-connect"
PREFIX = "urn:ietf:params:oauth:request_uri:"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key: rsa.RSAPrivateKey) -> str:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", use="sig")
    return json.dumps({"keys": [jwk]})


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "user2")
    await kc.put(
        env, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["PUSHED_AUTHORIZATION_REQUEST_ERROR"]}
    )
    return env


def basic(client_id: str = "app", secret: str = "secret") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


async def push(
    env: Env, client_id: str = "app", secret: str | None = "secret", /, **form: str | None
) -> httpx.Response:
    """A pushed request as Keycloak's OAuthClient sends it (client_secret_basic, or client_id alone)."""
    data = {"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", **form}
    headers = basic(client_id, secret) if secret is not None else {}
    return await env.http.post(PAR, data={k: v for k, v in data.items() if v is not None}, headers=headers)


async def pushed(env: Env, client_id: str = "app", secret: str | None = "secret", /, **form: str | None) -> str:
    response = await push(env, client_id, secret, **form)
    assert response.status_code == 201, response.text
    return str(response.json()["request_uri"])


async def sign_in(
    env: Env, request_uri: str, client_id: str = "app", username: str = "user1", **query: str
) -> dict[str, str]:
    """The authorization request carrying only client_id and request_uri (and ``query``), and the login."""
    page = await env.http.get(AUTH, params={"client_id": client_id, "request_uri": request_uri, **query})
    assert page.status_code == 200, page.text[:300]
    return code_from(await submit(env.http, page, username=username, password="password"))


async def register(env: Env, **metadata: Any) -> dict[str, Any]:
    """createClientDynamically: OIDC dynamic registration with an initial access token."""
    grant = await env.http.post(
        "/admin/realms/test/clients-initial-access", json={}, headers=await kc.admin_headers(env)
    )
    assert grant.status_code == 201, grant.text
    response = await env.http.post(REG, json=metadata, headers={"Authorization": f"Bearer {grant.json()['token']}"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def invalid_request_page(response: httpx.Response) -> None:
    assert response.status_code == 400 and "location" not in response.headers
    assert "Invalid Request" in response.text


async def the_full_flow(env: Env, client_id: str, secret: str | None, answer: dict[str, str]) -> None:
    """doNormalAuthzProcess after the login: code, refresh, logout, and the refresh refused after it."""
    tokens = await exchange(env.http, "test", client_id, answer["code"], secret=secret)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert claims(body["access_token"])["azp"] == client_id
    assert claims(body["access_token"])["sid"] == answer["session_state"]
    refreshed = await refresh(env.http, "test", client_id, body["refresh_token"], secret=secret)
    assert refreshed.status_code == 200, refreshed.text
    form = {"client_id": client_id, "refresh_token": refreshed.json()["refresh_token"]}
    if secret is not None:
        form["client_secret"] = secret
    assert (await env.http.post(token_url("test", "logout"), data=form)).status_code == 204
    again = await refresh(env.http, "test", client_id, refreshed.json()["refresh_token"], secret=secret)
    assert again.status_code == 400


async def test_successful_single_par_public_client(realm: Env) -> None:
    """testSuccessfulSingleParPublicClient: a public client registered with PAR required pushes with its
    client_id alone, and the pushed request serves the login, the code and the refresh."""
    await update_realm(realm.db, "test", attributes={"parRequestUriLifespan": "45"})
    client = await register(
        realm,
        client_name="Zahlungs-App",
        token_endpoint_auth_method="none",
        require_pushed_authorization_requests=True,
        redirect_uris=[REDIRECT],
    )
    assert client["require_pushed_authorization_requests"] is True
    assert client["token_endpoint_auth_method"] == "none"
    response = await push(realm, client["client_id"], None)
    assert response.status_code == 201, response.text
    assert response.json()["expires_in"] == 45
    answer = await sign_in(realm, response.json()["request_uri"], client["client_id"], state="public")
    assert answer["state"] == "public"
    await the_full_flow(realm, client["client_id"], None, answer)


async def test_successful_par_with_required_request_uri(realm: Env) -> None:
    """testSuccessfulParWithRequiredRequestUri (Keycloak 26.8, PR 46930): a client whose request object is
    required "request_uri only" pushes without one (the push cannot carry a request_uri) and signs in with the
    pushed request's; at the authorization endpoint without a request_uri it is still refused."""
    await update_client(realm.db, "test", "app", attributes={"request.object.required": "request_uri only"})
    request_uri = await pushed(realm)
    answer = await sign_in(realm, request_uri, state="required")
    assert answer["state"] == "required"
    await the_full_flow(realm, "app", "secret", answer)
    query = {"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"}
    invalid_request_page(await realm.http.get(AUTH, params=query))


def signed_request(now: int, alg: str = "RS256", **over: Any) -> str:
    body = {"jti": "ro-1", "iat": now, "exp": now + 300, "nbf": now, "client_id": "app", "response_type": "code"}
    body.update(redirect_uri=REDIRECT, scope="openid", nonce="ro-nonce", **over)
    return jwt.encode(body, KEY, algorithm=alg, headers={"kid": "k1"})


async def test_wrong_signing_algorithm_for_request_object(realm: Env) -> None:
    """testWrongSigningAlgorithmForRequestObject: the client asks for PS256 request objects; one signed RS256
    is 400 invalid_request_object."""
    attributes = {"use.jwks.string": "true", "jwks.string": jwks(KEY), "request.object.signature.alg": "PS256"}
    await update_client(realm.db, "test", "app", attributes=attributes)
    response = await push(
        realm, response_type=None, redirect_uri=None, scope=None, request=signed_request(realm.clock.now())
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request_object"


async def test_successful_using_request_parameter(realm: Env) -> None:
    """testSuccessfulUsingRequestParameter: only ``request`` (RS256, the client's JWKS) is pushed; its nonce
    reaches the ID token."""
    attributes = {"use.jwks.string": "true", "jwks.string": jwks(KEY)}
    await update_client(realm.db, "test", "app", attributes=attributes)
    request_uri = await pushed(
        realm, response_type=None, redirect_uri=None, scope=None, request=signed_request(realm.clock.now())
    )
    answer = await sign_in(realm, request_uri)
    tokens = await exchange(realm.http, "test", "app", answer["code"])
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["nonce"] == "ro-nonce"


async def test_successful_multiple_par_by_same_client(realm: Env) -> None:
    """testSuccessfulMultipleParBySameClient: two pushes by one client, used in the other order by two users;
    each keeps its own scope."""
    first = await pushed(realm)
    second = await pushed(realm, scope="openid microprofile-jwt profile")
    answer = await sign_in(realm, second, username="user2", state="two")
    assert answer["state"] == "two"
    body = (await exchange(realm.http, "test", "app", answer["code"])).json()
    assert {"openid", "microprofile-jwt", "profile"} <= set(claims(body["access_token"])["scope"].split())
    assert claims(body["access_token"])["sub"] == await kc.user_id(realm, "user2")
    logout = {"client_id": "app", "client_secret": "secret", "refresh_token": body["refresh_token"]}
    assert (await realm.http.post(token_url("test", "logout"), data=logout)).status_code == 204
    answer = await sign_in(realm, first, state="one")
    assert answer["state"] == "one"
    body = (await exchange(realm.http, "test", "app", answer["code"])).json()
    scope = claims(body["access_token"])["scope"].split()
    assert "openid" in scope and "microprofile-jwt" not in scope
    assert claims(body["access_token"])["sub"] == await kc.user_id(realm, "user1")


async def test_successful_multiple_par_by_multiple_clients(realm: Env) -> None:
    """testSuccessfulMultipleParByMultipleClients: pushes by two clients (one requiring PAR), each request_uri
    serving its own client."""
    await seed_client(
        realm.db,
        "test",
        "second",
        redirect_uris=(REDIRECT,),
        attributes={"require.pushed.authorization.requests": "true"},
    )
    first = await pushed(realm)
    second = await pushed(realm, "second", scope="openid microprofile-jwt profile")
    answer = await sign_in(realm, second, "second", username="user2", state="two")
    body = (await exchange(realm.http, "test", "second", answer["code"])).json()
    assert claims(body["access_token"])["azp"] == "second"
    assert "microprofile-jwt" in claims(body["access_token"])["scope"].split()
    logout = {"client_id": "second", "client_secret": "secret", "refresh_token": body["refresh_token"]}
    assert (await realm.http.post(token_url("test", "logout"), data=logout)).status_code == 204
    answer = await sign_in(realm, first, state="one")
    await the_full_flow(realm, "app", "secret", answer)


async def test_par_cross_realm_rejected(realm: Env) -> None:
    """testParCrossRealmRejected: another realm with a client of the same id and secret gets the "Invalid
    Request" page for this realm's request_uri, and that failed attempt does not use it up."""
    await seed_realm(realm.db, realm.clock, "realm-b")
    await seed_client(realm.db, "realm-b", "app", redirect_uris=(REDIRECT,))
    request_uri = await pushed(realm)
    other = await realm.http.get(
        "/realms/realm-b/protocol/openid-connect/auth", params={"client_id": "app", "request_uri": request_uri}
    )
    invalid_request_page(other)
    page = await realm.http.get(AUTH, params={"client_id": "app", "request_uri": request_uri})
    assert page.status_code == 200 and 'name="password"' in page.text


async def test_request_uri_lifetime_does_not_limit_authentication_session_length(realm: Env) -> None:
    """requestUriLifetimeDoesNotLimitAuthenticationSessionLength (issue 48072): the login page opened within
    the request_uri's 60 s still signs in twice that long later, and the code is exchanged."""
    response = await push(realm)
    assert response.json()["expires_in"] == 60
    page = await realm.http.get(
        AUTH, params={"client_id": "app", "request_uri": response.json()["request_uri"], "state": "slow"}
    )
    assert page.status_code == 200
    realm.clock.advance(120)
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert answer["state"] == "slow"
    assert (await exchange(realm.http, "test", "app", answer["code"])).status_code == 200


async def test_par_client_id_mismatch_rejected(realm: Env) -> None:
    """testParClientIdMismatchRejected: client B, with the same redirect URI, gets the error page for client
    A's request_uri."""
    await seed_client(realm.db, "test", "par-client-b", secret="par-secret-b", redirect_uris=(REDIRECT,))
    request_uri = await pushed(realm)
    invalid_request_page(await realm.http.get(AUTH, params={"client_id": "par-client-b", "request_uri": request_uri}))


REFUSALS: dict[str, tuple[dict[str, str | None], int, str]] = {
    "request_uri in the push": (
        {"request_uri": PREFIX + "A" * 40},
        400,
        "It is not allowed to include request_uri to PAR.",
    ),
    "invalid redirect_uri": ({"redirect_uri": "http://invalid.example/cb"}, 400, "Invalid parameter: redirect_uri"),
    "response_type missing": ({"response_type": None}, 400, "Missing parameter: response_type"),
    "unknown response_type": ({"response_type": "bogus"}, 400, "Unsupported response type"),
    "invalid scope": ({"scope": "openid not_registered_scope"}, 400, "Invalid scopes: openid not_registered_scope"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
async def test_each_refusal_is_keycloaks_json_error_and_event(realm: Env, name: str) -> None:
    """throwErrorResponseException (or throwAsCorsErrorResponseException): the JSON error, and an event with that
    error and the description as ``detail``; nothing is kept."""
    form, status, description = REFUSALS[name]
    await kc.delete(realm, "/events")
    response = await push(realm, **form)
    assert response.status_code == status
    assert response.json() == {"error": "invalid_request", "error_description": description}
    event = (await kc.poll(realm))[-1]
    assert event["type"] == "PUSHED_AUTHORIZATION_REQUEST_ERROR" and event["clientId"] == "app"
    assert event["error"] == "invalid_request" and event["details"]["detail"] == description


async def test_a_duplicated_parameter_is_refused_after_the_other_checks(realm: Env) -> None:
    """AuthzEndpointQueryStringParser notes "duplicated parameter"; checkInvalidRequestMessage reports it once the
    redirect URI, response type and scope (their first values) passed."""
    pairs = [("client_id", "app"), ("response_type", "code"), ("redirect_uri", REDIRECT), ("scope", "openid")]
    pairs += [("state", "a"), ("state", "b")]
    headers = {**basic(), "Content-Type": "application/x-www-form-urlencoded"}
    response = await realm.http.post(PAR, content=urlencode(pairs), headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "duplicated parameter"}
    event = (await kc.poll(realm))[-1]
    assert event["error"] == "invalid_request" and event["details"]["detail"] == "duplicated parameter"


async def test_a_public_client_without_pkce_when_required(realm: Env) -> None:
    """checkPKCEParams: a public client whose pkce.code.challenge.method is S256 pushes without a challenge."""
    await seed_client(
        realm.db,
        "test",
        "spa",
        public=True,
        redirect_uris=(REDIRECT,),
        attributes={"pkce.code.challenge.method": "S256"},
    )
    response = await push(realm, "spa", None)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "Missing parameter: code_challenge_method",
    }
    event = (await kc.poll(realm))[-1]
    assert event["clientId"] == "spa" and event["details"]["detail"] == "Missing parameter: code_challenge_method"
    ok = await push(
        realm, "spa", None, code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method="S256"
    )
    assert ok.status_code == 201, ok.text


async def test_an_unknown_client_is_authentication_failed(realm: Env) -> None:
    """authorizeClient: AuthorizeClientUtil's own client_not_found event, then 401 invalid_request "Authentication
    failed." with that detail."""
    response = await push(realm, "nobody")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_request", "error_description": "Authentication failed."}
    found = await kc.poll(realm)
    assert [e["error"] for e in found] == ["client_not_found", "invalid_request"]
    assert found[-1]["details"]["detail"] == "Authentication failed."


async def test_state_and_nonce_have_no_length_limit(realm: Env) -> None:
    """Keycloak's parser keeps ``state`` and ``nonce`` up to its 4000-character limit: a 4000-character state is pushed,
    comes back on the redirect, and its nonce reaches the ID token."""
    state, nonce = "s" * 4000, "n" * 4000
    answer = await sign_in(realm, await pushed(realm, state=state, nonce=nonce))
    assert answer["state"] == state
    tokens = (await exchange(realm.http, "test", "app", answer["code"])).json()
    assert claims(tokens["id_token"])["nonce"] == nonce


async def test_require_pushed_authorization_requests_by_registration_and_admin(realm: Env) -> None:
    """require.pushed.authorization.requests, set by dynamic registration (require_pushed_authorization_requests)
    and shown in the admin representation: a plain authorization request is sent back "Pushed Authorization
    Request is only allowed.", a pushed one signs in; switched off, the plain request signs in too."""
    client = await register(realm, require_pushed_authorization_requests=True, redirect_uris=[REDIRECT])
    client_id, secret = client["client_id"], client["client_secret"]
    (rep,) = await kc.get(realm, "/clients", clientId=client_id)
    assert rep["attributes"]["require.pushed.authorization.requests"] == "true"
    plain = {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", "state": "s"}
    refused = await realm.http.get(AUTH, params=plain)
    assert refused.status_code == 302
    assert "error_description=Pushed+Authorization+Request+is+only+allowed." in refused.headers["location"]
    answer = await sign_in(realm, await pushed(realm, client_id, secret), client_id)
    assert (await exchange(realm.http, "test", client_id, answer["code"], secret=secret)).status_code == 200
    await kc.update_client(realm, client_id, attributes={"require.pushed.authorization.requests": "false"})
    allowed = await realm.http.get(AUTH, params=plain)  # the SSO session answers at once
    assert allowed.status_code == 302 and "code=" in allowed.headers["location"]
