"""Keycloak's response-type test classes, ported method by method
(testsuite/integration-arquillian/tests/base/.../oidc/flows/): AbstractOIDCResponseTypeTest run for each of
OIDCBasicResponseTypeCodeTest (``code``), OIDCBasicResponseTypeNoneTest (``none``),
OIDCHybridResponseTypeCodeIDTokenTest (``code id_token``), OIDCHybridResponseTypeCodeIDTokenTokenTest
(``code id_token token``), OIDCHybridResponseTypeCodeTokenTest (``code token``),
OIDCImplicitResponseTypeIDTokenTest (``id_token``), OIDCImplicitResponseTypeIDTokenTokenTest
(``id_token token``), and OIDCHybridResponseTypeCodeIDTokenAsDetachedSigTest and
OIDCHybridResponseTypeCodeIDTokenAsDetachedSigTokenTest (``code id_token`` and ``code id_token token`` with the
client attribute ``id.token.as.detached.signature``: the authorization response's ID token carries no user
claims, the code's ID token all of them).

Keycloak runs every inherited method once per subclass; here each Java method is one test function
parametrized by the response type, and each subclass's own ``testAuthzResponseAndRetrieveIDTokens`` is
``check_response``, driven by the ``Flow`` row of its response type. A subclass method
(``nonceNotUsed``, ``nonceNotUsedErrorExpected``, ``errorStandardFlowNotAllowed``,
``errorImplicitFlowNotAllowed``) runs for exactly the subclasses that declare it. The realm is Keycloak's
``testrealm.json`` slice of ``access_token_realm``; the ``@Before`` client configuration (standard and implicit
flow on or off) goes through the admin API. The hashes (``at_hash``, ``c_hash``, ``s_hash``) are computed here
from OIDC Core §3.3.2.11 rather than with Doorkeep's own helper.

Beyond the Java classes, from Keycloak's source: the LOGIN_ERROR of a refused ``query`` mode names the parsed
mode (AuthorizationEndpointChecker.checkResponseType), ``form_post`` and an explicit ``fragment`` for the code
flow, and the client attributes ``exclude.session.state.from.auth.response`` and
``exclude.issuer.from.auth.response`` (OIDCLoginProtocol.authenticated, redirectErrorToClient, sendError).

Implicit and hybrid parts already tested elsewhere (query mode refused, form_post, PKCE, offline access) stay
in ``test_implicit_hybrid_flows.py``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest

from access_token_realm import (
    APP,
    REDIRECT,
    USER,
    code_to_token,
    import_realm,
    set_client_attributes,
    update_client,
    update_realm,
    user_id,
)
from authorize_port import ISSUER, authorize, error_page, form_post, is_login_page, log_in
from keycloak_port import poll
from support import header
from wire_env import Env

pytestmark = pytest.mark.anyio

NONCE = "abcdef123456"
STATE = "st4te-Of-the-art"


@dataclass(frozen=True)
class Flow:
    """One subclass: its response type, its ``@Before`` client flags and where its answer goes."""

    response_type: str
    standard: bool
    implicit: bool
    detached: bool = False  # ``ID_TOKEN_AS_DETACHED_SIGNATURE`` set by the DetachedSig classes' ``@Before``

    @property
    def words(self) -> set[str]:
        return set(self.response_type.split(" "))

    @property
    def fragment(self) -> bool:
        """``isFragment()``: the answer carries tokens."""
        return bool(self.words & {"token", "id_token"})

    @property
    def needs_nonce(self) -> bool:
        """The subclasses whose ``nonceNotUsedErrorExpected`` expects the error (an ID token is asked for)."""
        return "id_token" in self.words


CODE = Flow("code", standard=True, implicit=False)
NONE = Flow("none", standard=True, implicit=False)
CODE_ID_TOKEN = Flow("code id_token", standard=True, implicit=True)
CODE_ID_TOKEN_TOKEN = Flow("code id_token token", standard=True, implicit=True)
CODE_TOKEN = Flow("code token", standard=True, implicit=True)
ID_TOKEN = Flow("id_token", standard=False, implicit=True)
ID_TOKEN_TOKEN = Flow("id_token token", standard=False, implicit=True)
DETACHED = Flow("code id_token", standard=True, implicit=True, detached=True)
DETACHED_TOKEN = Flow("code id_token token", standard=True, implicit=True, detached=True)
CLASSIC = [CODE, NONE, CODE_ID_TOKEN, CODE_ID_TOKEN_TOKEN, CODE_TOKEN, ID_TOKEN, ID_TOKEN_TOKEN]
ALL = [*CLASSIC, DETACHED, DETACHED_TOKEN]  # the classes AbstractOIDCResponseTypeTest's methods run for
# The user claims the protocol mappers add: absent from an ID token used as a detached signature.
USER_CLAIMS = ("email_verified", "name", "preferred_username", "given_name", "family_name", "email")


def flow_id(flow: Flow) -> str:
    return flow.response_type.replace(" ", "+") + ("-detached" if flow.detached else "")


def flows(*chosen: Flow) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("flow", chosen, ids=[flow_id(f) for f in chosen])


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env)
    await poll(env)
    return env


async def configure(env: Env, flow: Flow) -> None:
    """The subclass's ``@Before clientConfiguration``: ``clientManagerBuilder().standardFlow(..).implicitFlow(..)``
    and, for the DetachedSig classes, ``.updateAttribute(ID_TOKEN_AS_DETACHED_SIGNATURE, "true")``."""
    await update_client(env, standardFlowEnabled=flow.standard, implicitFlowEnabled=flow.implicit)
    if flow.detached:
        await set_client_attributes(env, id_token_as_detached_signature="true")


def oidc_hash(value: str, alg: str) -> str:
    """``HashUtils.oidcHash``: the left half of the hash the JWS algorithm names, base64url without padding."""
    digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[alg[-3:]](value.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


async def verify_id_token(env: Env, token: str, alg: str) -> dict[str, Any]:
    """``oauth.verifyIDToken``: the signature checked with the realm's published key, typ ``ID``, aud and azp."""
    certs = (await env.http.get("/realms/test/protocol/openid-connect/certs")).json()
    key = jwt.PyJWKSet.from_dict(certs)[header(token)["kid"]]
    options: jwt.types.Options = {"verify_exp": False}
    verified: dict[str, Any] = jwt.decode(token, key.key, algorithms=[alg], audience=APP, options=options)
    assert (verified["typ"], verified["azp"], verified["iss"]) == ("ID", APP, ISSUER), verified
    return verified


@dataclass
class Answer:
    """``AuthorizationEndpointResponse``: the redirect's parameters, read from the query or the fragment, and
    the URI they were added to (in fragment mode with its own query, which then holds nothing else)."""

    params: dict[str, str]
    redirect_uri: str

    def get(self, name: str) -> str | None:
        return self.params.get(name)


def answer(response: httpx.Response, fragment: bool) -> Answer:
    """The parameters of the redirect; the other part of the URL carries none of the protocol's."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    assert fragment or parts.fragment == "", parts
    found = dict(parse_qsl(parts.fragment if fragment else parts.query, keep_blank_values=True))
    return Answer(found, parts._replace(fragment="", query=parts.query if fragment else "").geturl())


async def login_user(env: Env, flow: Flow, nonce: str | None = NONCE, **params: str) -> tuple[Answer, dict[str, Any]]:
    """``loginUser(nonce)`` / ``loginUserWithRedirect``: the login page, the password, the answer and the LOGIN
    event with its details (``events.expectLogin().detail(USERNAME, ..)``)."""
    redirect_uri = params.pop("redirect_uri", REDIRECT)
    page = await authorize(
        env.http, response_type=flow.response_type, nonce=nonce, state=STATE, redirect_uri=redirect_uri, **params
    )
    assert is_login_page(page), (page.status_code, page.headers.get("location"), page.text[:300])
    response = await log_in(env.http, page)
    [event] = [e for e in await poll(env) if e["type"].startswith("LOGIN")]
    assert (event["type"], event["clientId"], event.get("error")) == ("LOGIN", APP, None), event
    assert event["userId"] == await user_id(env) and event["sessionId"], event
    details = event["details"]
    assert (details["username"], details["redirect_uri"], details["auth_method"]) == (
        USER,
        redirect_uri,
        "openid-connect",
    ), details
    assert details["code_id"] and details["consent"] == "no_consent_required", details
    assert details["response_type"] == flow.response_type, details
    assert details["response_mode"] == ("fragment" if flow.fragment else "query"), details
    found = answer(response, flow.fragment)
    assert found.redirect_uri == (redirect_uri if flow.fragment else redirect_uri.split("?")[0]), found.redirect_uri
    return found, event


async def send_token_request(env: Env, found: Answer, event: dict[str, Any], **extra: str) -> dict[str, Any]:
    """``sendTokenRequestAndGetResponse``: the code exchanged, and the CODE_TO_TOKEN event of that login."""
    code = found.get("code")
    assert code, found.params
    response = await code_to_token(env, code, **extra)
    assert response.status_code == 200, response.text
    [exchanged] = await poll(env)
    assert (exchanged["type"], exchanged["sessionId"], exchanged["userId"]) == (
        "CODE_TO_TOKEN",
        event["sessionId"],
        event["userId"],
    ), exchanged
    assert exchanged["details"]["code_id"] == event["details"]["code_id"], exchanged
    body: dict[str, Any] = response.json()
    return body


async def check_response(
    env: Env, flow: Flow, found: Answer, event: dict[str, Any], id_alg: str = "RS256", **extra: str
) -> list[dict[str, Any]]:
    """Each subclass's ``testAuthzResponseAndRetrieveIDTokens``: what its answer holds, the hashes binding it, and
    the ID tokens it yields (from the answer, then from the code exchange)."""
    assert event["details"]["response_type"] == flow.response_type
    assert found.get("state") == STATE and found.get("iss") == ISSUER, found.params
    assert "refresh_token" not in found.params, found.params
    assert ("code" in found.params) == ("code" in flow.words), found.params
    assert ("access_token" in found.params) == ("token" in flow.words), found.params
    assert ("id_token" in found.params) == ("id_token" in flow.words), found.params
    if "token" in flow.words:  # "Validate if token_type/expires_in is present"
        assert found.get("token_type") == "Bearer" and found.get("expires_in"), found.params
    else:  # ... "is null"
        assert found.get("token_type") is None and found.get("expires_in") is None, found.params
    id_tokens: list[dict[str, Any]] = []
    if "id_token" in flow.words:
        id_token = await verify_id_token(env, found.params["id_token"], id_alg)
        if "token" in flow.words:
            assert id_token["at_hash"] == oidc_hash(found.params["access_token"], id_alg), id_token
        else:
            assert "at_hash" not in id_token, id_token
        if "code" in flow.words:
            assert id_token["c_hash"] == oidc_hash(found.params["code"], id_alg), id_token
        else:
            assert "c_hash" not in id_token, id_token
        # FAPI part 2's s_hash: the hybrid classes check it; OIDCLoginProtocol.authenticated adds it to every
        # ID token of the authorization response when a state was sent.
        assert id_token["s_hash"] == oidc_hash(STATE, id_alg), id_token
        # "confirm ID token as detached signature does not include authenticated user's claims"
        assert not flow.detached or not set(USER_CLAIMS) & set(id_token), id_token
        id_tokens.append(id_token)
    if "code" in flow.words:
        body = await send_token_request(env, found, event, **extra)
        id_token = await verify_id_token(env, body["id_token"], id_alg)
        assert id_token["at_hash"] == oidc_hash(body["access_token"], id_alg), id_token
        assert "c_hash" not in id_token and "s_hash" not in id_token, id_token
        # "confirm ordinal ID token includes authenticated user's claims"
        assert not flow.detached or all(id_token.get(name) is not None for name in USER_CLAIMS), id_token
        id_tokens.append(id_token)
    return id_tokens


@flows(*ALL)
async def test_nonce_and_session_state_matches(kc: Env, flow: Flow) -> None:
    """AbstractOIDCResponseTypeTest.nonceAndSessionStateMatches: every ID token carries the nonce, and its sid is
    the answer's session_state."""
    await configure(kc, flow)
    found, event = await login_user(kc, flow)
    assert found.get("session_state") == event["sessionId"], found.params
    id_tokens = await check_response(kc, flow, found, event)
    assert len(id_tokens) == len(flow.words & {"code", "id_token"}), id_tokens
    for id_token in id_tokens:
        assert id_token["nonce"] == NONCE and id_token["sid"] == found.get("session_state"), id_token


@flows(*ALL)
async def test_initial_session_state_used_in_redirect(kc: Env, flow: Flow) -> None:
    """AbstractOIDCResponseTypeTest.initialSessionStateUsedInRedirect, as Keycloak answers since 26.4.14 (PR
    #49959, RedirectUtils.FORBIDDEN_OIDC_PARAMS): a redirect URI already holding ``session_state`` is refused on
    the error page, never redirected to. The test's point stays: a redirect URI with a query of its own keeps it,
    and the answer's session_state is the ID tokens' sid."""
    await configure(kc, flow)
    polluted = "http://127.0.0.1:9999/auth?session_state=foo"
    page = await authorize(kc.http, response_type=flow.response_type, nonce=NONCE, state=STATE, redirect_uri=polluted)
    assert error_page(page) == "Invalid parameter: redirect_uri"
    [refused] = await poll(kc)
    assert (refused["type"], refused["error"]) == ("LOGIN_ERROR", "invalid_redirect_uri"), refused
    redirect_uri = "http://127.0.0.1:9999/auth?keep=foo"
    found, event = await login_user(kc, flow, redirect_uri=redirect_uri)
    if not flow.fragment:  # the query holds the URI's own parameter, then the response's
        assert found.get("keep") == "foo", found.params
    assert found.get("session_state") == event["sessionId"], found.params
    id_tokens = await check_response(kc, flow, found, event, redirect_uri=redirect_uri)
    for id_token in id_tokens:
        assert id_token["sid"] == found.get("session_state"), id_token


@flows(*ALL)
async def test_authorization_request_missing_response_type(kc: Env, flow: Flow) -> None:
    """AbstractOIDCResponseTypeTest.authorizationRequestMissingResponseType: the error always in the query, a
    LOGIN_ERROR ``invalid_request`` with no user and no session."""
    await configure(kc, flow)
    response = await authorize(kc.http, response_type=None, nonce=NONCE, state=STATE)
    found = answer(response, fragment=False)
    assert found.params == {
        "error": "invalid_request",
        "error_description": "Missing parameter: response_type",
        "state": STATE,
        "iss": ISSUER,
    }, found.params
    [event] = await poll(kc)
    assert (event["type"], event["error"], event["clientId"]) == ("LOGIN_ERROR", "invalid_request", APP), event
    assert event.get("userId") is None and event.get("sessionId") is None, event


SIGNATURES = [("RS256", "RS384"), ("ES256", "ES384"), ("RS256", "PS256"), ("PS256", "ES256")]


@pytest.mark.parametrize(("access_alg", "id_alg"), SIGNATURES, ids=[f"Realm{a}_Client{i}" for a, i in SIGNATURES])
@flows(*ALL)
async def test_oidc_flow_realm_alg_client_alg(kc: Env, flow: Flow, access_alg: str, id_alg: str) -> None:
    """AbstractOIDCResponseTypeTest.oidcFlow_RealmRS256_ClientRS384 and its three siblings: the realm's default
    algorithm signs the access token, the client's ``id.token.signed.response.alg`` the ID token (typ JWT, no
    cty); the hashes use the ID token's algorithm."""
    await configure(kc, flow)
    await update_realm(kc, defaultSignatureAlgorithm=access_alg)
    await set_client_attributes(kc, id_token_signed_response_alg=id_alg)
    found, event = await login_user(kc, flow)
    assert found.get("session_state"), found.params
    for name, alg in (("id_token", id_alg), ("access_token", access_alg)):
        if name in found.params:
            seen = header(found.params[name])
            assert (seen["alg"], seen["typ"], "cty" in seen) == (alg, "JWT", False), (name, seen)
    for id_token in await check_response(kc, flow, found, event, id_alg=id_alg):
        assert id_token["nonce"] == NONCE and id_token["sid"] == found.get("session_state"), id_token


@flows(CODE)
async def test_nonce_not_used(kc: Env, flow: Flow) -> None:
    """OIDCBasicResponseTypeCodeTest.nonceNotUsed: the code flow needs no nonce, and its ID token has none."""
    await configure(kc, flow)
    found, event = await login_user(kc, flow, nonce=None)
    for id_token in await check_response(kc, flow, found, event):
        assert "nonce" not in id_token, id_token


@flows(CODE_ID_TOKEN, CODE_ID_TOKEN_TOKEN, CODE_TOKEN, ID_TOKEN, ID_TOKEN_TOKEN, DETACHED, DETACHED_TOKEN)
async def test_nonce_not_used_error_expected(kc: Env, flow: Flow) -> None:
    """``nonceNotUsedErrorExpected`` of the hybrid and implicit classes: an ID token asked for without a nonce is
    ``invalid_request`` "Missing parameter: nonce", sent back at once (no login page, no code, no token);
    OIDCHybridResponseTypeCodeTokenTest's version (``validateNonceNotUsedSuccessExpected``) logs in fine."""
    await configure(kc, flow)
    if not flow.needs_nonce:
        found, event = await login_user(kc, flow, nonce=None)
        assert found.get("code") and found.get("access_token"), found.params
        return
    response = await authorize(kc.http, response_type=flow.response_type, nonce=None, state=STATE)
    assert not is_login_page(response)
    found = answer(response, fragment=True)
    assert found.get("code") is None and found.get("id_token") is None, found.params
    assert (found.get("error"), found.get("error_description")) == ("invalid_request", "Missing parameter: nonce")
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_request"), event


async def flow_not_allowed(env: Env, flow: Flow, which: str) -> None:
    """``validateErrorStandardFlowNotAllowed`` / ``validateErrorImplicitFlowNotAllowed``: the request is sent
    back ``unauthorized_client`` in the flow's response mode, with a LOGIN_ERROR ``not_allowed``."""
    response = await authorize(env.http, response_type=flow.response_type, nonce=NONCE, state=STATE)
    found = answer(response, flow.fragment)
    assert found.params == {
        "error": "unauthorized_client",
        "error_description": "Client is not allowed to initiate browser login with given response_type. "
        f"{which} flow is disabled for the client.",
        "state": STATE,
        "iss": ISSUER,
    }, found.params
    [event] = await poll(env)
    assert (event["type"], event["error"], event["clientId"]) == ("LOGIN_ERROR", "not_allowed", APP), event
    assert event.get("userId") is None and event.get("sessionId") is None, event


@flows(CODE, CODE_ID_TOKEN, CODE_ID_TOKEN_TOKEN, CODE_TOKEN, DETACHED, DETACHED_TOKEN)
async def test_error_standard_flow_not_allowed(kc: Env, flow: Flow) -> None:
    """``errorStandardFlowNotAllowed`` of the code and hybrid classes: a code asked of a client without the
    standard flow; the client allowed again, the login works."""
    await configure(kc, flow)
    await update_client(kc, standardFlowEnabled=False)
    await flow_not_allowed(kc, flow, "Standard")
    await update_client(kc, standardFlowEnabled=True)
    found, event = await login_user(kc, flow)
    await check_response(kc, flow, found, event)


@flows(CODE_ID_TOKEN, CODE_ID_TOKEN_TOKEN, CODE_TOKEN, ID_TOKEN, ID_TOKEN_TOKEN, DETACHED, DETACHED_TOKEN)
async def test_error_implicit_flow_not_allowed(kc: Env, flow: Flow) -> None:
    """``errorImplicitFlowNotAllowed`` of the hybrid and implicit classes: tokens asked of a client without the
    implicit flow; the client allowed again, the login works."""
    await configure(kc, flow)
    await update_client(kc, implicitFlowEnabled=False)
    await flow_not_allowed(kc, flow, "Implicit")
    await update_client(kc, implicitFlowEnabled=True)
    found, event = await login_user(kc, flow)
    await check_response(kc, flow, found, event)


# --- beyond the Java classes: the response mode and the client's exclusions ---------------------------


@flows(CODE_ID_TOKEN, CODE_ID_TOKEN_TOKEN, CODE_TOKEN, ID_TOKEN, ID_TOKEN_TOKEN)
async def test_query_mode_refused_for_tokens_records_the_parsed_mode(kc: Env, flow: Flow) -> None:
    """AuthorizationEndpointChecker.checkResponseType sets the RESPONSE_MODE detail once the mode parses, so the
    LOGIN_ERROR of "Response_mode 'query' not allowed" names ``query``; an unknown mode never parsed and has
    none. Both errors go back in the query."""
    await configure(kc, flow)
    for mode, description, detail in (
        ("query", "Response_mode 'query' not allowed for implicit or hybrid flow", "query"),
        ("fragment.JWT", "Invalid parameter: response_mode", None),
    ):
        response = await authorize(kc.http, response_type=flow.response_type, response_mode=mode, nonce=NONCE)
        assert answer(response, fragment=False).get("error_description") == description
        [event] = await poll(kc)
        assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_request"), event
        assert event["details"].get("response_mode") == detail, (mode, event["details"])
        assert event["details"]["response_type"] == flow.response_type and event["details"]["reason"] == description


@flows(*CLASSIC)
async def test_form_post_carries_the_answer_and_is_the_events_response_mode(kc: Env, flow: Flow) -> None:
    """``response_mode=form_post`` for every response type: the page posts to the redirect URI the same
    parameters the redirect would carry, and the LOGIN event's response_mode is ``form_post``."""
    await configure(kc, flow)
    page = await authorize(
        kc.http, response_type=flow.response_type, response_mode="form_post", nonce=NONCE, state=STATE
    )
    done = await log_in(kc.http, page)
    action, fields = form_post(done)
    assert action == REDIRECT, action
    [event] = [e for e in await poll(kc) if e["type"] == "LOGIN"]
    assert event["details"]["response_mode"] == "form_post", event["details"]
    assert fields.get("session_state") == event["sessionId"], fields
    await check_response(kc, flow, Answer(fields, action), event)


@flows(CODE, NONE)
async def test_the_code_flow_may_ask_for_the_fragment(kc: Env, flow: Flow) -> None:
    """``response_mode=fragment`` is allowed without tokens: the code (or nothing) comes in the fragment, and
    the LOGIN event says ``fragment``."""
    await configure(kc, flow)
    page = await authorize(kc.http, response_type=flow.response_type, response_mode="fragment", state=STATE)
    found = answer(await log_in(kc.http, page), fragment=True)
    [event] = [e for e in await poll(kc) if e["type"] == "LOGIN"]
    assert event["details"]["response_mode"] == "fragment", event["details"]
    await check_response(kc, flow, found, event)


@flows(*CLASSIC)
async def test_a_client_can_exclude_session_state_and_iss_from_the_answer(kc: Env, flow: Flow) -> None:
    """OIDCLoginProtocol.authenticated and redirectErrorToClient: ``exclude.session.state.from.auth.response``
    drops session_state from the answer, ``exclude.issuer.from.auth.response`` drops iss from the answer and
    from the errors sent back; everything else stays."""
    await configure(kc, flow)
    await set_client_attributes(kc, exclude_session_state_from_auth_response="true")
    found, _ = await login_user(kc, flow)
    assert "session_state" not in found.params and found.get("iss") == ISSUER, found.params
    kc.http.cookies.clear()
    await set_client_attributes(
        kc, exclude_session_state_from_auth_response="false", exclude_issuer_from_auth_response="true"
    )
    found, event = await login_user(kc, flow)
    assert "iss" not in found.params and found.get("session_state") == event["sessionId"], found.params
    response = await authorize(kc.http, response_type=None, state=STATE)
    assert answer(response, fragment=False).params == {
        "error": "invalid_request",
        "error_description": "Missing parameter: response_type",
        "state": STATE,
    }
    kc.http.cookies.clear()
    response = await authorize(
        kc.http, response_type=flow.response_type, response_mode="form_post", prompt="none", nonce=NONCE, state=STATE
    )
    assert form_post(response) == (REDIRECT, {"error": "login_required", "state": STATE})  # sendError
