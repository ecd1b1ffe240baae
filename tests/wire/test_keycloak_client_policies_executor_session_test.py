"""Keycloak's ClientPoliciesExecutorTest (testsuite/.../client/policies/), the methods of the secure-response-type,
secure-session, secure-logout and secure-client-uris executors, each named after the Java method, under an
any-client policy.

Adapted: the Java tests log in through a browser driver; here the authorization request is sent and its answer
read (a login page, or the refusal sent back to the client's redirect URI). testSecureLogoutExecutor's browser
logout is ``GET .../logout?id_token_hint=...``, whose LOGOUT_REQUEST (AuthenticationManager's front-channel
logout of the client) is refused with the executor's JSON error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import client_policies_port
import group_port
from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_policies_port import (
    PROFILE_NAME,
    USER,
    apply_executors,
    executor,
    realm_fixture,
    realm_with_test_user,
    suffixed,
)
from doorkeep.clientpolicies import catalogue
from keycloak_port import admin_headers, get
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture(realm_with_test_user)
no_policies = client_policies_port.no_policies

CLIENT_NAME = "Zahlungs-App"
DETACHED = "id.token.as.detached.signature"
FRONT_CHANNEL_NOT_ALLOWED = "Front-channel logout is not allowed for this client"


async def enforce(env: Env, provider: str, config: dict[str, Any] | None = None) -> None:
    await apply_executors(env, executor(provider, config))


async def create_client_by_admin(env: Env, **fields: Any) -> httpx.Response:
    rep = {
        "clientId": suffixed(CLIENT_NAME),
        "secret": "secret",
        "redirectUris": [REDIRECT],
        "attributes": {},
        **fields,
    }
    return await call(env, "POST", "/clients", rep)


async def created(env: Env, **fields: Any) -> tuple[str, str]:
    """The new client's clientId and id."""
    response = await create_client_by_admin(env, **fields)
    assert response.status_code == 201, response.text
    cid = str(response.headers["location"]).rsplit("/", 1)[-1]
    return str((await get(env, f"/clients/{cid}"))["clientId"]), cid


def refused(response: httpx.Response, error: str, description: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": error, "error_description": description}, response.text


def sent_back(response: httpx.Response) -> dict[str, str]:
    """The refusal at the client's redirect URI (in the fragment for a hybrid or implicit request), without its
    ``iss``."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    return {k: v[0] for k, v in parse_qs(parts.fragment or parts.query).items() if k != "iss"}


async def open_login_form(env: Env, client_id: str, **params: str) -> httpx.Response:
    env.http.cookies.clear()
    return await start(env.http, "test", client_id, **params)


async def test_secure_response_type_executor(env: Env) -> None:
    """testSecureResponseTypeExecutor: ID tokens as detached signatures on the client; a hybrid request (``code
    id_token``), or ``code`` with ``response_mode=jwt``; ``code id_token token`` only when allowed."""
    await enforce(env, "secure-response-type", {"auto-configure": False})
    refused(
        await create_client_by_admin(env, implicitFlowEnabled=True),
        "invalid_client_metadata",
        "Invalid client metadata: ID Token as detached signature in disabled",
    )
    client_id, _ = await created(env, implicitFlowEnabled=True, attributes={DETACHED: "true"})
    back = sent_back(await open_login_form(env, client_id))
    assert back == {"error": "invalid_request", "error_description": "invalid response_type", "state": "st4te"}, back
    hybrid = await open_login_form(env, client_id, response_type="code id_token", nonce="n0nce")
    assert hybrid.status_code == 200, (hybrid.status_code, hybrid.headers.get("location"))
    with_token = sent_back(await open_login_form(env, client_id, response_type="code id_token token", nonce="n0nce"))
    assert with_token["error_description"] == "invalid response_type", with_token
    jarm = await open_login_form(env, client_id, response_mode="jwt")
    assert jarm.status_code == 200, (jarm.status_code, jarm.headers.get("location"))
    (event, *_) = await get(env, "/events", type="LOGIN_ERROR", client=client_id)
    assert event["details"]["client_policy_error_detail"] == "invalid response_type", event


async def test_secure_response_type_executor_allow_token_response_type(env: Env) -> None:
    """testSecureResponseTypeExecutorAllowTokenResponseType: ``code id_token token`` once allowed; auto-configure
    turns the detached signature on."""
    await enforce(env, "secure-response-type", {"auto-configure": True, "allow-token-response-type": True})
    client_id, cid = await created(env, implicitFlowEnabled=True)
    assert (await get(env, f"/clients/{cid}"))["attributes"][DETACHED] == "true"
    with_token = await open_login_form(env, client_id, response_type="code id_token token", nonce="n0nce")
    assert with_token.status_code == 200, (with_token.status_code, with_token.headers.get("location"))
    back = sent_back(await open_login_form(env, client_id, response_type="code"))
    assert back["error_description"] == "invalid response_type", back


async def test_secure_session_enforce_executor(env: Env) -> None:
    """testSecureSessionEnforceExecutor: an OpenID request needs a nonce, another request a state."""
    client_id, _ = await created(env)
    await enforce(env, "secure-session")
    back = sent_back(await open_login_form(env, client_id))
    assert back == {"error": "invalid_request", "error_description": "Missing parameter: nonce", "state": "st4te"}
    (event, *_) = await get(env, "/events", type="LOGIN_ERROR", client=client_id)
    policy_error = {
        "reason": "client_policy_error",
        "client_policy_error": "invalid_request",
        "client_policy_error_detail": "Missing parameter: nonce",
    }
    assert policy_error.items() <= event["details"].items(), event
    env.http.cookies.clear()
    query = {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": "profile"}
    no_state = sent_back(await env.http.get("/realms/test/protocol/openid-connect/auth", params=query))
    assert no_state == {"error": "invalid_request", "error_description": "Missing parameter: state"}, no_state
    page = await open_login_form(env, client_id, nonce="n0nce")
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    assert (await exchange(env.http, "test", client_id, code, "secret")).status_code == 200


async def test_secure_logout_executor(env: Env) -> None:
    """testSecureLogoutExecutor: no front-channel logout on the client (nor its URL) unless
    ``allow-front-channel-logout``; a browser logout (GET) that would frame the client is refused."""
    await enforce(env, "secure-logout")
    refused(
        await create_client_by_admin(env, frontchannelLogout=True),
        "invalid_registration",
        FRONT_CHANNEL_NOT_ALLOWED,
    )
    client_id, cid = await created(env)
    rep = dict(await get(env, f"/clients/{cid}"))
    rep["frontchannelLogout"] = True
    refused(await call(env, "PUT", f"/clients/{cid}", rep), "invalid_registration", FRONT_CHANNEL_NOT_ALLOWED)
    await enforce(env, "secure-logout", {"allow-front-channel-logout": True})
    rep["attributes"] = {**rep.get("attributes", {}), "frontchannel.logout.url": REDIRECT}
    updated = await call(env, "PUT", f"/clients/{cid}", rep)
    assert updated.status_code == 204, updated.text
    await enforce(env, "secure-logout", {"allow-front-channel-logout": "false"})
    page = await open_login_form(env, client_id, nonce="n0nce")
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = (await exchange(env.http, "test", client_id, code, "secret")).json()
    logout = await env.http.get(
        "/realms/test/protocol/openid-connect/logout", params={"id_token_hint": tokens["id_token"]}
    )
    assert logout.status_code == 400, logout.text
    assert FRONT_CHANNEL_NOT_ALLOWED in logout.text
    # the refresh-token logout is a POST: secure-logout lets it through
    form = {"client_id": client_id, "client_secret": "secret", "refresh_token": tokens["refresh_token"]}
    assert (await env.http.post("/realms/test/protocol/openid-connect/logout", data=form)).status_code == 204


async def test_secure_client_uris_executor(env: Env) -> None:
    """secure-client-uris (SecureClientUrisExecutor, in the FAPI profiles): a client's URIs are https without
    wildcards; a new client with a root URL and no redirect URI gets the root URL; the authorization request's
    redirect URI is https (http on localhost or 127.0.0.1 with ``allow-http-on-localhost``)."""
    client_id, _ = await created(env)  # an http redirect URI, written before the policy
    await enforce(env, "secure-client-uris")
    refused(
        await create_client_by_admin(env, rootUrl="http://app.example.com"),
        "invalid_client_metadata",
        "Invalid rootUrl",
    )
    refused(await create_client_by_admin(env), "invalid_client_metadata", "Invalid redirectUris")
    wildcard = await create_client_by_admin(env, redirectUris=["https://app.example.com/*"])
    refused(wildcard, "invalid_client_metadata", "Invalid redirectUris")
    origins = await create_client_by_admin(env, redirectUris=["https://app.example.com/cb"], webOrigins=["http://x"])
    refused(origins, "invalid_client_metadata", "Invalid webOrigins")
    plus = await create_client_by_admin(env, redirectUris=["https://app.example.com/cb"], webOrigins=["+"])
    assert plus.status_code == 201, plus.text
    _, cid = await created(env, rootUrl="https://app.example.com", redirectUris=[])
    assert (await get(env, f"/clients/{cid}"))["redirectUris"] == ["https://app.example.com"]
    back = sent_back(await open_login_form(env, client_id))
    assert back["error"] == "invalid_request" and back["error_description"] == "Invalid redirect_uri", back
    await enforce(env, "secure-client-uris", {"allow-http-on-localhost": True})
    page = await open_login_form(env, client_id)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))


async def test_server_info_lists_the_executors(env: Env) -> None:
    """serverinfo's componentTypes: every executor of the catalogue, once, with its factory's help text and
    configuration properties."""
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    listed = response.json()["componentTypes"][
        "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"
    ]
    by_id = {t["id"]: t for t in listed}
    # every executor Doorkeep runs, each once, in id order
    assert [t["id"] for t in listed] == sorted(catalogue.EXECUTORS)
    # AuthenticationFlowSelectorExecutorFactory alone has an empty help text; its two properties as Keycloak's
    assert [t["id"] for t in listed if not t["helpText"]] == ["auth-flow-enforcer"]
    flow_props = {p["name"]: p for p in by_id["auth-flow-enforcer"]["properties"]}
    assert flow_props["auth-flow-alias"]["type"] == "String" and "defaultValue" not in flow_props["auth-flow-alias"]
    assert flow_props["auth-flow-loa"]["type"] == "Integer" and flow_props["auth-flow-loa"]["defaultValue"] == 1
    (auto,) = by_id["consent-required"]["properties"]
    assert (auto["name"], auto["type"], auto["defaultValue"]) == ("auto-configure", "boolean", True)
    allowed, default = by_id["secure-client-authenticator"]["properties"]
    assert (allowed["name"], allowed["type"], "defaultValue" in allowed) == (
        "allowed-client-authenticators",
        "MultivaluedList",
        False,
    )
    assert (
        set(allowed["options"])
        == set(default["options"])
        == {
            "client-secret",
            "client-jwt",
            "client-secret-jwt",
            "client-x509",
            "federated-jwt",  # Keycloak 26.6: every ClientAuthenticator factory, federated client auth's too
        }
    )
    assert (default["type"], default["defaultValue"]) == ("List", "client-jwt")
    assert [p["name"] for p in by_id["secret-rotation"]["properties"]] == [
        "expiration-period",
        "rotated-expiration-period",
        "remaining-rotation-period",
    ]
    assert by_id["secure-ciba-session"]["properties"] == []
    assert by_id["reject-request"]["helpText"] == "It rejects all requests from clients."
    (front,) = by_id["secure-logout"]["properties"]
    assert (front["name"], front["type"], front["defaultValue"]) == ("allow-front-channel-logout", "boolean", False)
    domains = [p for p in by_id["secure-redirect-uris-enforcer"]["properties"] if p["type"] == "MultivaluedString"]
    assert [p["name"] for p in domains] == ["allow-permitted-domains"]


async def test_server_info_lists_the_conditions(env: Env) -> None:
    """serverinfo's componentTypes for ClientPolicyConditionProvider: every condition of the catalogue, once, with
    its factory's help text; the ones built on AbstractClientPolicyConditionProviderFactory start with
    ``is-negative-logic``."""
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    listed = response.json()["componentTypes"][
        "org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider"
    ]
    assert [t["id"] for t in listed] == sorted(catalogue.CONDITIONS)
    assert all(t["helpText"] for t in listed)
    by_id = {t["id"]: t for t in listed}
    assert by_id["any-client"]["properties"] == []
    negative, kind = by_id["client-access-type"]["properties"]
    assert (negative["name"], negative["type"], negative["defaultValue"]) == ("is-negative-logic", "boolean", False)
    assert (kind["name"], kind["options"]) == ("type", ["confidential", "public", "bearer-only"])
    (protocol,) = by_id["client-type"]["properties"]
    assert (protocol["name"], protocol["options"]) == ("protocol", ["openid-connect"])


async def test_secure_client_uris_pattern_executor(env: Env) -> None:
    """secure-client-uris-pattern (SecureClientUrisPatternExecutor): the URIs of the chosen fields (all when none
    is chosen) match one of the allowed patterns; without a pattern that compiles any URI is refused."""
    await enforce(env, "secure-client-uris-pattern", {"allowed-patterns": [r"https://[a-z]+\.example\.com/.*", "("]})
    refused(await create_client_by_admin(env), "invalid_client_metadata", "Invalid redirectUris")
    good = {"redirectUris": ["https://app.example.com/cb"], "baseUrl": "https://app.example.com/home"}
    await created(env, **good)
    refused(
        await create_client_by_admin(env, **good, attributes={"logoUri": "https://evil.org/logo.png"}),
        "invalid_client_metadata",
        "Invalid logoUri",
    )
    await enforce(
        env,
        "secure-client-uris-pattern",
        {"allowed-patterns": [r"https://[a-z]+\.example\.com/.*"], "client-uri-fields": ["baseUrl", "nonsense"]},
    )
    await created(env, baseUrl="https://app.example.com/home")  # the http redirect URI is not judged
    refused(await create_client_by_admin(env, baseUrl="http://x"), "invalid_client_metadata", "Invalid baseUrl")
    await enforce(env, "secure-client-uris-pattern", {"client-uri-fields": ["baseUrl"]})
    no_pattern = await create_client_by_admin(env, baseUrl="https://app.example.com/home")
    refused(no_pattern, "invalid_client_metadata", "Invalid baseUrl: No valid allowed patterns configured")
    bad = {
        "profiles": [
            {
                "name": PROFILE_NAME,
                "executors": [
                    {"executor": "secure-client-uris-pattern", "configuration": {"allowed-patterns": "https://.*"}}
                ],
            }
        ]
    }
    response = await call(env, "PUT", "/client-policies/profiles", bad)
    assert response.status_code == 400, response.text  # a bare string where Jackson binds a list


async def test_any_client_condition(env: Env) -> None:
    """ClientPoliciesConditionTest.testAnyClientCondition: secure-session under an any-client policy; a request
    without a nonce is sent back, one with a nonce and a state logs in."""
    await enforce(env, "secure-session")
    alpha_id, _ = await created(env, secret="secretAlpha")
    beta_id, _ = await created(env, secret="secretBeta")
    back = sent_back(await open_login_form(env, beta_id))  # failLoginWithoutSecureSessionParameter
    assert back["error_description"] == "Missing parameter: nonce", back
    page = await open_login_form(env, alpha_id, nonce="yesitisnonce", state="somestate")
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    assert (await exchange(env.http, "test", alpha_id, code, "secretAlpha")).status_code == 200
