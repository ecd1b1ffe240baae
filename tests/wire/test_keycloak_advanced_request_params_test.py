"""Keycloak 26's OIDCAdvancedRequestParamsTest, replayed over HTTP: ``max_age``, ``prompt``, ``login_hint``,
``nonce``, ``ui_locales``, ``claims``, ``id_token_hint`` and request objects (``request``, ``request_uri``)
at the authorization endpoint. Each test is named after the Java method it ports; a few that Keycloak's
class checks only through its other tests carry a descriptive name.

The realm is Keycloak's ``testrealm.json`` in the parts these tests read: user ``test-user@localhost``
(password ``password``), client ``test-app`` with a registered ``request_uri`` (``clientRequestUri``). The
Java test's request-object endpoint (``TestingOIDCEndpointsApplicationResource``) is stood in for by the
server's request fetcher and the client's JWKS string.

Left out, and why:

* ``processClaimsRequestParamSupported``: Keycloak's ClaimsParameterTokenMapper (not a default mapper) is not
  in Doorkeep. ``processClaimsQueryParam`` and ``processClaimsRequestParam`` read the ``claims`` client-session
  note from inside the server; here only the part the wire shows is kept: the parameter does not get in the
  way of the login.
* ``promptLoginDifferentUser`` (older versions of the class): the re-authentication form has no username
  field since Keycloak 12, so there is no other user to post (test_reauthentication_parity.py covers a forged
  username).
* ``requestUriParamWithAllowedRequestUris`` relative patterns: they resolve against the test app's root URL in
  Keycloak's suite; the absolute, wildcard and ``*`` patterns are kept.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto import jwe, jwk

from browser_flow import REDIRECT, code_from, exchange, start, submit
from support import claims, seed_client, seed_realm, seed_user, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = "test-user@localhost"
APP = "test-app"
REQUEST_URI = "https://client.example/oidc-client-endpoints/get-oidc-request"
ISSUER = "http://localhost/realms/test"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEYS = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", events_enabled=True, registration_allowed=True)
    await seed_client(
        env.db, "test", APP, redirect_uris=("http://127.0.0.1:9999/*",), attributes={"request.uris": REQUEST_URI}
    )
    await seed_client(env.db, "test", "test-app-scope", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", USER, email=USER, first_name="Tom", last_name="Brady")
    await seed_user(env.db, env.clock, "test", "john-doh@localhost", email="john-doh@localhost")
    return env


# --- helpers --------------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims_: dict[str, Any]) -> str:
    """JWSBuilder.none(): the ``none`` algorithm, an empty signature."""
    return _b64(b'{"alg":"none"}') + "." + _b64(json.dumps(claims_).encode()) + "."


def oidc_request(redirect_uri: str = REDIRECT, state: str | None = None, **more: Any) -> dict[str, Any]:
    """TestingOIDCEndpointsApplicationResource.setOIDCRequest: client, code flow, redirect URI, max_age 10."""
    found = {"client_id": APP, "response_type": "code", "redirect_uri": redirect_uri, "max_age": 10, **more}
    if state is not None:
        found["state"] = state
    return found


def serve_request_object(env: Env, text: str) -> list[str]:
    """The client's ``request_uri`` answers ``text``; the URLs fetched are recorded."""
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return text.encode()

    for app in env.apps:
        app.state.doorkeep.services.client_keys.fetch_request = fetch
    return fetched


def query_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.text[:400])
    location = response.headers["location"]
    parts = urlsplit(location)
    return {k: v[0] for k, v in parse_qs(parts.fragment if "#" in location else parts.query).items()}


def assert_login_page(page: httpx.Response, *, username_field: bool = True) -> None:
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:400])
    assert 'name="password"' in page.text, page.text[:400]
    assert ('name="username"' in page.text) is username_field


def assert_error_page(page: httpx.Response, text: str) -> None:
    assert page.status_code == 400, (page.status_code, page.headers.get("location"), page.text[:300])
    assert "location" not in page.headers
    assert text in page.text, page.text[:600]


async def do_login(env: Env, **params: str) -> dict[str, str]:
    """oauth.doLogin: the login form, then the authorization response."""
    page = await start(env.http, "test", APP, **params)
    assert_login_page(page)
    return code_from(await submit(env.http, page, username=USER, password="password"))


async def id_token(env: Env, response: dict[str, str]) -> dict[str, Any]:
    """sendTokenRequestAndGetIDToken."""
    tokens = await exchange(env.http, "test", APP, response["code"])
    assert tokens.status_code == 200, tokens.text
    return claims(tokens.json()["id_token"])


async def events(env: Env) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id)


async def logins(env: Env) -> list[Any]:
    return [e for e in await events(env) if e.type == "LOGIN"]


async def new_login(env: Env, before: list[Any]) -> Any:
    """The one LOGIN event recorded since ``before`` was read."""
    seen = {e.id for e in before}
    found = [e for e in await logins(env) if e.id not in seen]
    assert len(found) == 1, found
    return found[0]


async def grant(env: Env, page: httpx.Response) -> dict[str, str]:
    """OAuthGrantPage.accept."""
    assert page.status_code == 200 and 'name="accept"' in page.text, page.text[:500]
    return code_from(await submit(env.http, page, accept="Yes"))


# --- max_age ---------------------------------------------------------------------------------------------


async def test_max_age1(kc: Env) -> None:
    first = await id_token(kc, await do_login(kc))
    assert abs(first["auth_time"] - kc.clock.now()) <= 3
    kc.clock.advance(10)
    page = await start(kc.http, "test", APP, max_age="1")
    assert_login_page(page, username_field=False)  # the SSO session's user: only the password is asked
    second_response = code_from(await submit(kc.http, page, password="password"))
    second = await id_token(kc, second_response)
    assert second["auth_time"] >= first["auth_time"] + 10
    assert second["sid"] == first["sid"]


async def test_max_age10000(kc: Env) -> None:
    first = await id_token(kc, await do_login(kc))
    kc.clock.advance(10)
    again = await id_token(kc, code_from(await start(kc.http, "test", APP, max_age="10000")))
    assert again["auth_time"] == first["auth_time"]


async def test_max_age0_is_expired_once_a_second_has_passed(kc: Env) -> None:
    """OIDCLoginProtocol.isAuthTimeExpired: ``authTime + maxAge < currentTime``, so ``max_age=0`` lets the
    second of the login through and asks again from the next one on."""
    first = await id_token(kc, await do_login(kc))
    same_second = await id_token(kc, code_from(await start(kc.http, "test", APP, max_age="0")))
    assert same_second["auth_time"] == first["auth_time"]
    kc.clock.advance(1)
    page = await start(kc.http, "test", APP, max_age="0")
    assert_login_page(page, username_field=False)
    later = await id_token(kc, code_from(await submit(kc.http, page, password="password")))
    assert later["auth_time"] == first["auth_time"] + 1


async def test_a_max_age_that_is_not_a_number_is_the_invalid_request_page(kc: Env) -> None:
    """AuthzEndpointRequestParser.getIntParameter throws; the processor answers Messages.INVALID_REQUEST."""
    assert_error_page(await start(kc.http, "test", APP, max_age="soon"), "Invalid Request")


# --- prompt ------------------------------------------------------------------------------------------------


async def test_prompt_none_not_logged(kc: Env) -> None:
    response = query_of(await start(kc.http, "test", APP, prompt="none"))
    assert response == {"error": "login_required", "state": "st4te", "iss": ISSUER}
    assert await events(kc) == []  # events.assertEmpty(): a passive refusal records nothing


async def test_prompt_none_success(kc: Env) -> None:
    first = await id_token(kc, await do_login(kc))
    kc.clock.advance(10)
    before = await logins(kc)
    response = query_of(await start(kc.http, "test", APP, prompt="none"))
    assert "code" in response and response["state"] == "st4te"
    assert (await new_login(kc, before)).session_id == first["sid"]
    assert (await id_token(kc, response))["auth_time"] == first["auth_time"]


async def test_prompt_none_consent_required(kc: Env) -> None:
    await update_client(kc.db, "test", APP, consent_required=True)
    response = query_of(await start(kc.http, "test", APP, prompt="none"))
    assert response == {"error": "login_required", "state": "st4te", "iss": ISSUER}
    # Logged in elsewhere (the older version of the test: the account console), the consent not yet given
    await seed_client(kc.db, "test", "other", redirect_uris=("http://127.0.0.1:9999/*",))
    page = await start(kc.http, "test", "other")
    code_from(await submit(kc.http, page, username=USER, password="password"))
    response = query_of(await start(kc.http, "test", APP, prompt="none"))
    assert response == {"error": "interaction_required", "state": "st4te", "iss": ISSUER}
    # The consent given, prompt=none goes through over it
    before = await logins(kc)
    await grant(kc, await start(kc.http, "test", APP))
    assert (await new_login(kc, before)).details["consent"] == "consent_granted"
    before = await logins(kc)
    response = query_of(await start(kc.http, "test", APP, prompt="none"))
    assert "code" in response and "error" not in response
    assert (await new_login(kc, before)).details["consent"] == "persistent_consent"


async def test_prompt_login(kc: Env) -> None:
    old = await id_token(kc, await do_login(kc))
    kc.clock.advance(10)
    sso = await id_token(kc, code_from(await start(kc.http, "test", APP)))  # KEYCLOAK-5248: SSO first
    assert sso["auth_time"] == old["auth_time"]
    kc.clock.advance(10)
    page = await start(kc.http, "test", APP, prompt="login")
    assert_login_page(page, username_field=False)
    before = await logins(kc)
    new = await id_token(kc, code_from(await submit(kc.http, page, password="password")))
    assert (await new_login(kc, before)).details["username"] == USER
    assert new["auth_time"] >= old["auth_time"] + 20
    assert new["sid"] == old["sid"]  # the user session did not change


async def test_prompt_create(kc: Env) -> None:
    page = await start(kc.http, "test", APP, prompt="create")
    assert page.status_code == 200 and 'name="password-confirm"' in page.text, page.text[:400]


async def test_prompt_create_should_fail_when_registrations_are_disabled(kc: Env) -> None:
    await update_realm(kc.db, "test", registration_allowed=False)
    assert_error_page(await start(kc.http, "test", APP, prompt="create"), "Registration not allowed")


async def test_prompt_consent(kc: Env) -> None:
    await update_client(kc.db, "test", APP, consent_required=True)
    page = await start(kc.http, "test", APP)
    await grant(kc, await submit(kc.http, page, username=USER, password="password"))
    before = await logins(kc)
    assert [e.details["consent"] for e in before] == ["consent_granted"]
    # Again without prompt=consent: the persistent consent is used
    assert "code" in query_of(await start(kc.http, "test", APP))
    assert (await new_login(kc, before)).details["consent"] == "persistent_consent"
    # prompt=consent: the grant page again
    before = await logins(kc)
    await grant(kc, await start(kc.http, "test", APP, prompt="consent"))
    assert (await new_login(kc, before)).details["consent"] == "consent_granted"


async def test_unknown_prompt_values_are_ignored(kc: Env) -> None:
    """Keycloak validates no ``prompt`` value (AuthorizationEndpointChecker has no such check); only ``none``,
    ``login``, ``consent`` and ``create`` mean anything (TokenUtil.hasPrompt), ``select_account`` included."""
    for prompt in ("select_account", "foo", "", "NONE"):
        page = await start(kc.http, "test", APP, prompt=prompt)
        assert_login_page(page)
    await do_login(kc)
    for prompt in ("select_account", "bogus value"):
        assert "code" in query_of(await start(kc.http, "test", APP, prompt=prompt))


# --- nonce, display and others ---------------------------------------------------------------------------


async def test_nonce_not_used(kc: Env) -> None:
    assert "nonce" not in await id_token(kc, await do_login(kc))


async def test_nonce_matches(kc: Env) -> None:
    assert (await id_token(kc, await do_login(kc, nonce="abcdef123456")))["nonce"] == "abcdef123456"


async def test_non_supported_params(kc: Env) -> None:
    token = await id_token(kc, await do_login(kc, display="popup", foo="foobar", claims_locales="fr"))
    assert token["preferred_username"] == USER


async def test_id_token_hint_is_ignored_at_the_authorization_endpoint(kc: Env) -> None:
    """Keycloak reads no ``id_token_hint`` at the authorization endpoint (keycloak/keycloak#28819): neither a
    stranger's nor a garbage one changes what the SSO session decides."""
    assert query_of(await start(kc.http, "test", APP, prompt="none", id_token_hint="garbage"))["error"] == (
        "login_required"
    )
    mine = await id_token(kc, await do_login(kc))
    forged = unsigned({"sub": "someone-else", "iss": ISSUER, "aud": APP})
    for hint in ("garbage", forged):
        response = query_of(await start(kc.http, "test", APP, prompt="none", id_token_hint=hint))
        assert (await id_token(kc, response))["sub"] == mine["sub"]


async def test_ui_locales_choose_the_login_page_language(kc: Env) -> None:
    """The ``ui_locales`` of the query, or of a request object (AuthzEndpointRequestParser reads it from both),
    picks the login page's language among the realm's supported ones."""
    await update_realm(kc.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    page = await start(kc.http, "test", APP, ui_locales="de en")
    assert page.status_code == 200 and '<html lang="de"' in page.text
    page = await start(kc.http, "test", APP, request=unsigned(oidc_request(ui_locales="de")))
    assert page.status_code == 200 and '<html lang="de"' in page.text, page.text[:300]


# --- login_hint ------------------------------------------------------------------------------------------


async def test_login_hint(kc: Env) -> None:
    page = await start(kc.http, "test", APP, login_hint=USER)
    assert_login_page(page)
    assert f'value="{USER}"' in page.text
    code_from(await submit(kc.http, page, username=USER, password="password"))  # as the prefilled field sends it
    assert [e.details["username"] for e in await logins(kc)] == [USER]


# --- claims ----------------------------------------------------------------------------------------------


CLAIMS = {"id_token": {"test_claim": {"essential": True}}}


async def test_process_claims_query_param(kc: Env) -> None:
    assert "code" in await do_login(kc, claims=json.dumps(CLAIMS))
    # Not JSON: AcrUtils.getAcrValues only logs "Invalid claims parameter", the login goes on
    assert (await id_token(kc, query_of(await start(kc.http, "test", APP, claims="{not json"))))["sub"]


async def test_process_claims_request_param(kc: Env) -> None:
    request = unsigned({"client_id": APP, "response_type": "code", "redirect_uri": REDIRECT, "claims": CLAIMS})
    assert "code" in await do_login(kc, request=request)


# --- request and request_uri -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "sent", "ok"),
    [
        pytest.param("", "", True, id="requestObjectNotRequiredNotProvided"),
        pytest.param("", "request", True, id="requestObjectNotRequiredProvidedInRequestParam"),
        pytest.param("", "request_uri", True, id="requestObjectNotRequiredProvidedInRequestUriParam"),
        pytest.param("request or request_uri", "", False, id="requestObjectRequiredNotProvided"),
        pytest.param("request or request_uri", "request", True, id="requestObjectRequiredProvidedInRequestParam"),
        pytest.param(
            "request or request_uri", "request_uri", True, id="requestObjectRequiredProvidedInRequestUriParam"
        ),
        pytest.param("request only", "", False, id="requestObjectRequiredAsRequestParamNotProvided"),
        pytest.param("request only", "request", True, id="requestObjectRequiredAsRequestParamProvidedInRequestParam"),
        pytest.param(
            "request only", "request_uri", False, id="requestObjectRequiredAsRequestParamProvidedInRequestUriParam"
        ),
        pytest.param("request_uri only", "", False, id="requestObjectRequiredAsRequestUriParamNotProvided"),
        pytest.param(
            "request_uri only", "request", False, id="requestObjectRequiredAsRequestUriParamProvidedInRequestParam"
        ),
        pytest.param(
            "request_uri only",
            "request_uri",
            True,
            id="requestObjectRequiredAsRequestUriParamProvidedInRequestUriParam",
        ),
    ],
)
async def test_request_object_required(kc: Env, required: str, sent: str, ok: bool) -> None:
    """The twelve requestObject{Not,}Required* methods: the client's ``request.object.required`` against what
    the request carries; refused, it is the "Invalid Request" page."""
    await update_client(
        kc.db, "test", APP, attributes={"request.uris": REQUEST_URI, "request.object.required": required}
    )
    text = unsigned(oidc_request(state="mystate2"))
    serve_request_object(kc, text)
    params = {"request": text} if sent == "request" else {"request_uri": REQUEST_URI} if sent else {}
    if not ok:
        assert_error_page(await start(kc.http, "test", APP, state="mystate2", **params), "Invalid Request")
        return
    response = await do_login(kc, state="mystate2", **params)
    assert "code" in response and response["state"] == "mystate2"


async def test_request_object_supersedes_query_parameter(kc: Env) -> None:
    text = unsigned(oidc_request(state="stateInRequestObject"))
    response = await do_login(kc, request=text, state="stateInQueryParameter")
    assert response["state"] == "stateInRequestObject"


async def test_request_object_client_id_and_response_type_test(kc: Env) -> None:
    text = unsigned(oidc_request(state="some-state"))
    base = f"/realms/test/protocol/openid-connect/auth?redirect_uri={REDIRECT}&state=some-state&scope=openid"
    # client_id is required in the query even when the request object has it
    assert (await kc.http.get(f"{base}&response_type=code&request={text}")).status_code == 400
    # so is response_type: sent back to the client
    answer = query_of(await kc.http.get(f"{base}&client_id={APP}&request={text}"))
    assert answer["error"] == "invalid_request" and answer["state"] == "some-state"
    # another client_id in the query than in the request object: the error page
    assert_error_page(await start(kc.http, "test", "test-app-scope", request=text), "Invalid Request")
    # another response_type in the query: invalid_request sent back (in the query: Keycloak falls back to it)
    answer = query_of(await start(kc.http, "test", APP, response_type="code id_token", request=text))
    assert answer["error"] == "invalid_request" and answer["state"] == "some-state"
    # client_id and response_type are not required in the request object (keycloak/keycloak#14255)
    bare = unsigned({"redirect_uri": REDIRECT, "state": "request-state"})
    response = await do_login(kc, request=bare, state="some-state")
    assert "code" in response and response["state"] == "request-state"


async def test_request_param_unsigned(kc: Env) -> None:
    page = await start(kc.http, "test", APP, request=unsigned(oidc_request("http://invalid")))
    assert_error_page(page, "Invalid parameter: redirect_uri")
    # The request object's value wins over the query's
    text = unsigned(oidc_request(state="mystate2"))
    response = await do_login(kc, redirect_uri="http://invalid", request=text, state="mystate2")
    assert "code" in response and response["state"] == "mystate2"


async def test_request_uri_param_unsigned(kc: Env) -> None:
    serve_request_object(kc, unsigned(oidc_request("http://invalid", state="mystate1")))
    assert_error_page(await start(kc.http, "test", APP, request_uri=REQUEST_URI), "Invalid parameter: redirect_uri")
    fetched = serve_request_object(kc, unsigned(oidc_request(state="mystate1")))
    response = await do_login(kc, redirect_uri="http://invalid", request_uri=REQUEST_URI)
    assert "code" in response and response["state"] == "mystate1"
    assert fetched == [REQUEST_URI]


async def test_request_uri_param_with_allowed_request_uris(kc: Env) -> None:
    serve_request_object(kc, unsigned(oidc_request(state="mystate1")))
    wildcard = REQUEST_URI.replace("/get-oidc-request", "/*")
    for patterns, allowed in (
        (wildcard, True),  # absolute with a wildcard at the end
        ("*", True),  # a star alone
        (f"/foo##{wildcard}", True),  # several, one matching
        (f"/foo##{REQUEST_URI.replace('/get-oidc-request', '/foo')}", False),  # none matching
        ("", False),  # none registered at all
    ):
        await update_client(kc.db, "test", APP, attributes={"request.uris": patterns})
        page = await start(kc.http, "test", APP, request_uri=REQUEST_URI)
        if allowed:
            assert_login_page(page)
        else:
            assert_error_page(page, "Invalid Request")


def _jwks(key: Any, alg: str) -> str:
    algorithm = jwt.get_algorithm_by_name(alg)
    jwk = json.loads(algorithm.to_jwk(key.public_key()))
    jwk.update(kid="client-key", use="sig", alg=alg)
    return json.dumps({"keys": [jwk]})


def _key_for(alg: str) -> Any:
    if alg in EC_KEYS:
        return ec.generate_private_key(EC_KEYS[alg])
    return RSA_KEY


async def test_request_uri_param_signed(kc: Env) -> None:
    await update_client(
        kc.db, "test", APP, attributes={"request.uris": REQUEST_URI, "request.object.signature.alg": "RS256"}
    )
    serve_request_object(kc, unsigned(oidc_request()))  # unsigned: refused
    assert_error_page(await start(kc.http, "test", APP, request_uri=REQUEST_URI), "Invalid Request")
    signed = jwt.encode(oidc_request(state="mystate3"), RSA_KEY, algorithm="RS256", headers={"kid": "client-key"})
    serve_request_object(kc, signed)  # signed, the client's key not yet known: refused
    assert_error_page(await start(kc.http, "test", APP, request_uri=REQUEST_URI), "Invalid Request")
    attributes = {"request.uris": REQUEST_URI, "request.object.signature.alg": "RS256"}
    attributes |= {"use.jwks.string": "true", "jwks.string": _jwks(RSA_KEY, "RS256")}
    await update_client(kc.db, "test", APP, attributes=attributes)
    kc.clock.advance(20)
    response = await do_login(kc, request_uri=REQUEST_URI)
    assert "code" in response and response["state"] == "mystate3"


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        pytest.param("ES256", "RS256", id="requestUriParamSignedExpectedES256ActualRS256"),
        pytest.param("none", "ES256", id="requestUriParamSignedExpectedNoneActualES256"),
        pytest.param("none", "none", id="requestUriParamSignedExpectedNoneActualNone"),
        pytest.param("ES256", "ES256", id="requestUriParamSignedExpectedES256ActualES256"),
        pytest.param("ES384", "ES384", id="requestUriParamSignedExpectedES384ActualES384"),
        pytest.param("ES512", "ES512", id="requestUriParamSignedExpectedES512ActualES512"),
        pytest.param("RS384", "RS384", id="requestUriParamSignedExpectedRS384ActualRS384"),
        pytest.param("RS512", "RS512", id="requestUriParamSignedExpectedRS512ActualRS512"),
        pytest.param("PS256", "PS256", id="requestUriParamSignedExpectedPS256ActualPS256"),
        pytest.param("PS384", "PS384", id="requestUriParamSignedExpectedPS384ActualPS384"),
        pytest.param("PS512", "PS512", id="requestUriParamSignedExpectedPS512ActualPS512"),
        pytest.param("", "ES256", id="requestUriParamSignedExpectedAnyActualES256"),
    ],
)
async def test_request_uri_param_signed_in(kc: Env, expected: str, actual: str) -> None:
    """requestUriParamSignedIn: the client's ``request.object.signature.alg`` (empty: any) against the
    algorithm the request object at its ``request_uri`` is signed with, the key in the client's JWKS."""
    attributes = {"request.uris": REQUEST_URI, "request.object.signature.alg": expected}
    if actual == "none":
        text = unsigned(oidc_request(state="mystate3"))
    else:
        key = _key_for(actual)
        attributes |= {"use.jwks.string": "true", "jwks.string": _jwks(key, actual)}
        text = jwt.encode(oidc_request(state="mystate3"), key, algorithm=actual, headers={"kid": "client-key"})
    await update_client(kc.db, "test", APP, attributes=attributes)
    serve_request_object(kc, text)
    kc.clock.advance(20)
    if expected in ("", actual):
        response = await do_login(kc, request_uri=REQUEST_URI)
        assert "code" in response and response["state"] == "mystate3"
    else:
        assert_error_page(await start(kc.http, "test", APP, request_uri=REQUEST_URI), "Invalid Request")


async def test_signed_request_object(kc: Env) -> None:
    """createAndSignRequestObject: an RS256 request object with ``jti``, ``iat``, ``exp`` and ``nbf``."""
    now = kc.clock.now()
    body = {"jti": "ro-1", "iat": now, "exp": now + 300, "nbf": now, "client_id": APP, "response_type": "code"}
    body |= {"redirect_uri": REDIRECT, "scope": "openid"}
    attributes = {"use.jwks.string": "true", "jwks.string": _jwks(RSA_KEY, "RS256"), "request.uris": REQUEST_URI}
    await update_client(kc.db, "test", APP, attributes=attributes)
    signed = jwt.encode(body, RSA_KEY, algorithm="RS256", headers={"kid": "client-key"})
    assert "code" in await do_login(kc, request=signed)
    assert [e.details["username"] for e in await logins(kc)] == [USER]


async def test_a_request_object_with_another_issuer_or_audience_is_read(kc: Env) -> None:
    """AuthzEndpointRequestObjectParser checks neither ``iss`` nor ``aud`` (only the FAPI client policies do), so
    a request object addressed to another server, or issued by another party, is read as Keycloak reads it."""
    text = unsigned(oidc_request(state="aud", iss="someone-else", aud="https://other.example/realms/x"))
    assert (await do_login(kc, request=text))["state"] == "aud"


async def test_a_none_request_object_is_refused_when_the_client_asks_for_a_signature(kc: Env) -> None:
    """``none`` is read only while the client's ``request.object.signature.alg`` is unset, ``any`` or ``none``."""
    for alg, ok in (("any", True), ("none", True), ("RS256", False), ("HS256", False)):
        attributes = {"request.uris": REQUEST_URI, "request.object.signature.alg": alg}
        await update_client(kc.db, "test", APP, attributes=attributes)
        page = await start(kc.http, "test", APP, request=unsigned(oidc_request()))
        if ok:
            assert_login_page(page)
        else:
            assert_error_page(page, "Invalid Request")


# --- request objects encrypted to the realm's RSA-OAEP key --------------------------------------------------


async def realm_enc_key(env: Env) -> dict[str, Any]:
    """The JWKS's ``enc`` key (KeyUtils.findActiveEncryptingKey): the realm's rsa-enc-generated RSA-OAEP key."""
    keys = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    found = [k for k in keys if k.get("use") == "enc" and k["kty"] == "RSA"]
    assert len(found) == 1, keys
    return dict(found[0])


async def encrypted(env: Env, content: str, alg: str, enc: str, *, kid: bool = False) -> str:
    """A JWE of ``content`` to the realm's encryption key, with its ``kid`` in the header when asked."""
    key = await realm_enc_key(env)
    header: dict[str, Any] = {"alg": alg, "enc": enc}
    if kid:
        header["kid"] = key["kid"]
    token = jwe.JWE(content.encode(), protected=header, algs=[alg, enc])
    token.add_recipient(jwk.JWK(**key))
    return str(token.serialize(compact=True))


def signed_request(env: Env) -> str:
    """createAndSignRequestObject: RS256 with the client's key (the client gets its JWKS in ``kc_signed``)."""
    now = env.clock.now()
    body = {"jti": "ro-1", "iat": now, "exp": now + 300, "nbf": now, "client_id": APP, "response_type": "code"}
    body |= {"redirect_uri": REDIRECT, "scope": "openid"}
    return jwt.encode(body, RSA_KEY, algorithm="RS256", headers={"kid": "client-key"})


def plain_request(env: Env) -> str:
    """assertRequestObjectEncryption's content: the request object's JSON itself, not signed."""
    now = env.clock.now()
    body = {"jti": "ro-2", "iat": now, "exp": now + 300, "nbf": now, "client_id": APP, "response_type": "code"}
    return json.dumps(body | {"redirect_uri": REDIRECT, "scope": "openid"})


async def use_client_keys(env: Env, **more: str) -> None:
    attributes = {"use.jwks.string": "true", "jwks.string": _jwks(RSA_KEY, "RS256"), "request.uris": REQUEST_URI}
    await update_client(env.db, "test", APP, attributes=attributes | more)


async def test_signed_and_encrypted_request_object(kc: Env) -> None:
    await use_client_keys(kc)
    assert "code" in await do_login(kc, request=await encrypted(kc, signed_request(kc), "RSA-OAEP-256", "A256GCM"))
    assert [e.details["username"] for e in await logins(kc)] == [USER]


@pytest.mark.parametrize(
    ("alg", "enc"),
    [
        pytest.param(
            "RSA-OAEP-256", "A256GCM", id="testRealmPublicKeyEncryptedRequestObjectUsingRSA_OAEP_256WithA256GCM"
        ),
        pytest.param(
            "RSA-OAEP", "A128CBC-HS256", id="testRealmPublicKeyEncryptedRequestObjectUsingRSA_OAEPWithA128CBC_HS256"
        ),
    ],
)
async def test_realm_public_key_encrypted_request_object(kc: Env, alg: str, enc: str) -> None:
    assert "code" in await do_login(kc, request=await encrypted(kc, plain_request(kc), alg, enc))


async def test_realm_public_key_encrypted_request_object_using_kid(kc: Env) -> None:
    text = await encrypted(kc, plain_request(kc), "RSA-OAEP", "A128CBC-HS256", kid=True)
    assert "code" in await do_login(kc, request=text)


async def test_wrong_encryption_algorithm(kc: Env) -> None:
    await use_client_keys(kc, **{"request.object.encryption.alg": "RSA-OAEP-256"})
    page = await start(kc.http, "test", APP, request=await encrypted(kc, signed_request(kc), "RSA-OAEP", "A256GCM"))
    assert_error_page(page, "Invalid Request")
    assert "code" in await do_login(kc, request=await encrypted(kc, signed_request(kc), "RSA-OAEP-256", "A256GCM"))


async def test_wrong_content_encryption_algorithm(kc: Env) -> None:
    more = {"request.object.encryption.alg": "RSA-OAEP-256", "request.object.encryption.enc": "A192GCM"}
    await use_client_keys(kc, **more)
    page = await start(kc.http, "test", APP, request=await encrypted(kc, signed_request(kc), "RSA-OAEP-256", "A256GCM"))
    assert_error_page(page, "Invalid Request")
    await use_client_keys(kc, **(more | {"request.object.encryption.enc": "A256GCM"}))
    assert "code" in await do_login(kc, request=await encrypted(kc, signed_request(kc), "RSA-OAEP-256", "A256GCM"))


async def test_an_encrypted_request_object_is_refused_when_it_cannot_be_decrypted(kc: Env) -> None:
    """Not in the Java class: another key's ``kid``, a key the realm does not hold, a tampered ciphertext,
    RSA1_5 against the realm's RSA-OAEP key (a padding oracle Doorkeep does not offer), and the AES key's
    ``kid`` (it has no private key) are each the "Invalid Request" page."""
    good = await encrypted(kc, plain_request(kc), "RSA-OAEP", "A256GCM")
    head, cek, iv, ciphertext, tag = good.split(".")
    flipped = ciphertext[:-2] + ("A" if ciphertext[-2] != "A" else "B") + ciphertext[-1]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    foreign = jwe.JWE(plain_request(kc).encode(), protected={"alg": "RSA-OAEP", "enc": "A256GCM"})
    foreign.add_recipient(jwk.JWK.from_pyca(stranger.public_key()))
    key = await realm_enc_key(kc)
    legacy = jwe.JWE(
        plain_request(kc).encode(),
        protected={"alg": "RSA1_5", "enc": "A128CBC-HS256"},
        algs=["RSA1_5", "A128CBC-HS256"],
    )
    legacy.add_recipient(jwk.JWK(**key))
    async with kc.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        aes = [k.kid for k in await tx.keys.list(realm.id) if k.algorithm == "AES"]
    assert aes
    aes_header = _b64(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": aes[0]}).encode())
    for text in (
        ".".join((head, cek, iv, flipped, tag)),
        str(foreign.serialize(compact=True)),
        str(legacy.serialize(compact=True)),
        ".".join((aes_header, cek, iv, ciphertext, tag)),
    ):
        assert_error_page(await start(kc.http, "test", APP, request=text), "Invalid Request")
    assert "code" in await do_login(kc, request=good)


async def test_unsigned_encrypted_content_is_refused_when_the_client_asks_for_a_signature(kc: Env) -> None:
    """DefaultTokenManager.rejectUnsignedContentIfSignatureRequired: a client that names a
    ``request.object.signature.alg`` cannot be sent the claims merely encrypted; signed inside, they pass."""
    await use_client_keys(kc, **{"request.object.signature.alg": "RS256"})
    page = await start(kc.http, "test", APP, request=await encrypted(kc, plain_request(kc), "RSA-OAEP", "A256GCM"))
    assert_error_page(page, "Invalid Request")
    assert "code" in await do_login(kc, request=await encrypted(kc, signed_request(kc), "RSA-OAEP", "A256GCM"))


async def test_a_pushed_request_object_may_be_encrypted_to_the_realm(kc: Env) -> None:
    """Not in the Java class: PAR reads an encrypted request object as the authorization endpoint does; one the
    realm cannot decrypt is ``invalid_request_object``."""
    par = "/realms/test/protocol/openid-connect/ext/par/request"
    await use_client_keys(kc)
    text = await encrypted(kc, signed_request(kc), "RSA-OAEP-256", "A256GCM")
    pushed = await kc.http.post(par, data={"client_id": APP, "client_secret": "secret", "request": text})
    assert pushed.status_code == 201, pushed.text
    assert "code" in await do_login(kc, request_uri=pushed.json()["request_uri"])
    head, cek, iv, ciphertext, tag = text.split(".")
    broken = ".".join((head, cek, iv, ciphertext[:-2] + ("A" if ciphertext[-2] != "A" else "B") + ciphertext[-1], tag))
    refused = await kc.http.post(par, data={"client_id": APP, "client_secret": "secret", "request": broken})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request_object"
