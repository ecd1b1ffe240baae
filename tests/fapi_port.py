"""Shared set-up of the wire ports of Keycloak's FAPI executor tests (ClientPoliciesExecutorTest's FAPI methods,
FAPI1Test, FAPI2Test, OAuth2_1ConfidentialClientTest, OAuth2_1PublicClientTest): the realm of
client_policies_port behind the nginx certificate lookup of mtls_port, the clients' keys (a JWK set in
``jwks.string``, where Keycloak's tests serve it at ``jwks.url``), request objects as
AbstractClientPoliciesTest.createValidRequestObjectForSecureRequestObjectExecutor builds them, client assertions
as JWTClientCredentialsProvider does, and the pushed, authorization and token requests of Keycloak's OAuthClient.
Keycloak's ``Time.currentTime()`` is the fake clock."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from browser_flow import code_from, form_action, form_fields
from client_policies_port import USER, policy, update_policies
from client_policies_port import create_client_by_admin as create_admin_client
from role_port import call
from wire_env import Env

ISSUER = "http://localhost/realms/test"  # getRealmInfoUrl()
# AssertEvents.DEFAULT_REDIRECT_URI of the SSL test server, as OAuth2_1ConfidentialClientTest's validRedirectUri
# writes it: an https URI, which the profiles' secure-client-uris and secure-redirect-uris-enforcer accept. The
# login helpers read the code from the redirect's Location and never open it.
REDIRECT = "https://127.0.0.1:8543/auth/realms/master/app/auth"
OIDC = "/realms/test/protocol/openid-connect"
AUTH, TOKEN, PAR = f"{OIDC}/auth", f"{OIDC}/token", f"{OIDC}/ext/par/request"
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
# the S256 PKCE of the FAPI and OAuth 2.1 tests: their 43-character verifier and its challenge
VERIFIER = "1234567890123456789012345678901234567890123"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
PKCE = {"code_challenge": CHALLENGE, "code_challenge_method": "S256"}


def jwks() -> str:
    """The clients' JWK set: an RSA key (RS*, PS*) and a P-256 key (ES256)."""
    rsa_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key()))
    ec_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key()))
    rsa_jwk.update(kid="rsa", use="sig")
    ec_jwk.update(kid="ec", use="sig")
    return json.dumps({"keys": [rsa_jwk, ec_jwk]})


KEYS = {"use.jwks.string": "true", "jwks.string": jwks()}


def sign(claims: dict[str, Any], alg: str) -> str:
    """A JWS of ``claims`` with the client's key for ``alg`` (``none``: unsigned)."""
    if alg == "none":
        return jwt.encode(claims, "", algorithm="none")
    key, kid = (EC_KEY, "ec") if alg.startswith("ES") else (RSA_KEY, "rsa")
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def request_object(env: Env, client_id: str, /, **over: Any) -> dict[str, Any]:
    """createValidRequestObjectForSecureRequestObjectExecutor (None in ``over`` leaves a claim out)."""
    now = env.clock.now()
    claims: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 300,
        "nbf": now,
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "state": str(uuid.uuid4()),
        "max_age": 600,
        "custom_claim_ein": "rot",
        "aud": [ISSUER, "https://example.com"],
        "nonce": str(uuid.uuid4()),
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def assertion(env: Env, client_id: str, alg: str = "PS256", aud: Any = ISSUER) -> str:
    """createSignedRequestToken: JWTClientCredentialsProvider's assertion (``aud`` the realm's URL)."""
    now = env.clock.now()
    claims = {"jti": str(uuid.uuid4()), "iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + 10}
    return sign({**claims, "nbf": now}, alg)


def assertion_form(signed: str) -> dict[str, str]:
    return {"client_assertion_type": BEARER, "client_assertion": signed}


async def create_client_by_admin(env: Env, client_id: str, **fields: Any) -> str:
    """``createClientByAdmin`` with REDIRECT as its redirect URI (unless ``fields`` name others); its id."""
    return await create_admin_client(env, client_id, **{"redirectUris": [REDIRECT], **fields})


async def authorize(env: Env, **query: str | None) -> httpx.Response:
    """The authorization request (``oauth.loginForm()...open()``), fresh cookies, None parameters left out."""
    env.http.cookies.clear()
    return await env.http.get(AUTH, params={k: v for k, v in query.items() if v is not None})


def login_query(client_id: str, **over: str | None) -> dict[str, str | None]:
    """OAuthClient's query: client, code flow, the redirect URI, openid and a state."""
    return {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "state": "st4te",
        **over,
    }


async def log_in(env: Env, page: httpx.Response) -> dict[str, str]:
    """The login form submitted as the test user (a consent page granted); the redirect's parameters."""
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
    answer = await env.http.post(
        form_action(page.text), data={**form_fields(page.text), "username": USER, "password": "password"}
    )
    if answer.status_code == 200 and 'id="kc-oauth"' in answer.text:  # the consent page (grantPage.accept())
        answer = await env.http.post(form_action(answer.text), data={**form_fields(answer.text), "accept": "yes"})
    return code_from(answer)


def redirected_error(response: httpx.Response) -> tuple[str, str]:
    """``oauth.parseLoginResponse()``'s error and description, sent back to the redirect URI."""
    back = code_from(response)
    return back.get("error", ""), back.get("error_description", "")


async def post_token(env: Env, form: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    return await env.http.post(TOKEN, data=form, headers=headers or {})


async def push(env: Env, form: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    """``oauth.pushedAuthorizationRequest()...send()``."""
    return await env.http.post(PAR, data=form, headers=headers or {})


async def client_policy_event(env: Env, client_id: str | None, event_type: str = "LOGIN_ERROR") -> dict[str, Any]:
    """The newest ``event_type`` event (of ``client_id``, when given): ``expectClientPolicyError``'s."""
    params: dict[str, str] = {"type": event_type}
    if client_id is not None:
        params["client"] = client_id
    response = await call(env, "GET", "/events", None, **params)
    assert response.status_code == 200, response.text
    events = response.json()
    assert events, f"no {event_type} event"
    return dict(events[0])


def assert_client_policy_error(event: dict[str, Any], error: str, detail: str) -> None:
    """``events.expectClientPolicyError``: the event's error, and the client policy details."""
    assert event["error"] == error, event
    details = event.get("details") or {}
    assert details.get("reason") == "client_policy_error", event
    assert details.get("client_policy_error") == error, event
    assert details.get("client_policy_error_detail") == detail, event


async def use_global_profile(env: Env, name: str) -> str:
    """setupPolicy...ForAllClient: a policy for any client that applies the global profile ``name``."""
    any_client = [{"condition": "any-client", "configuration": {}}]
    await update_policies(
        env, policy("MyPolicy", f"Policy for enable {name} for all clients", True, any_client, [name])
    )
    return name
