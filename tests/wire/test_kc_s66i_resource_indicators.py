"""Keycloak's resource-indicators feature (RFC 8707), on with ``--features resource-indicators``: the ports of
ResourceIndicatorsTest and OfflineTokenRefreshTest.offlineRefreshWith{out,Matching,Mismatched}Resource (tests/base,
Keycloak 26.6-26.8), then hostile variants. Keycloak's ResourceIndicatorsPostProcessor and
AuthorizationEndpointChecker.checkValidResource are the reference (oauth/resource_indicators.py)."""

from __future__ import annotations

import dataclasses

import pytest

from browser_flow import code_from, exchange, login, start
from doorkeep import errors as e
from keycloak_port import poll
from resource_indicators_realm import (
    APP,
    APP_SECRET,
    OFFLINE,
    OFFLINE_RESOURCE,
    REALM,
    assert_target,
    audience,
    kc,
    offline_token,
    password,
    refresh,
)
from support import claims
from wire_env import Env, another_worker

pytestmark = [pytest.mark.anyio, pytest.mark.server_options(features="resource-indicators")]
__all__ = ["kc"]  # the fixture


async def _code(env: Env, resource: str | None = None) -> str:
    """``oauth.loginForm().resource(resource).doLogin`` (or doLoginWithCookie once the SSO cookie is set)."""
    extra = {"resource": resource} if resource is not None else {}
    return (await login(env.http, REALM, APP, "user", "pass", **extra))["code"]


# ---- ResourceIndicatorsTest ----


async def test_valid_resource_by_client_urn(kc: Env) -> None:
    assert audience(await password(kc.http, "urn:client:theservice")) == ["theservice"]


async def test_valid_resource_by_url(kc: Env) -> None:
    """A resource_url names itself as the audience, not its client's id."""
    assert audience(await password(kc.http, "https://theservice")) == ["https://theservice"]


@pytest.mark.parametrize("resource", ["urn:client:somethingelse", "https://theservice2", "/theservice2"])
async def test_an_unknown_or_malformed_resource_is_an_invalid_target(kc: Env, resource: str) -> None:
    """testInvalidResourceByClientUrn, testInvalidResourceByUrl, testInvalidResourceSyntax."""
    assert_target(await password(kc.http, resource), e.RESOURCE_INVALID)


async def test_authz_invalid_resource_param(kc: Env) -> None:
    """A malformed resource at the authorization endpoint goes back to the client: invalid_target, with
    LOGIN_ERROR ``invalid_request`` and the reason "Invalid resource: /invalid" (checkValidResource)."""
    await _code(kc)
    await poll(kc)
    params = code_from(await start(kc.http, REALM, APP, resource="/invalid"))
    assert (params["error"], params["error_description"]) == ("invalid_target", e.RESOURCE_INVALID)
    assert "code" not in params
    (event,) = await poll(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_request")
    assert event["details"]["reason"] == "Invalid resource: /invalid"


async def test_authz_resource_in_token_request(kc: Env) -> None:
    code = await _code(kc, "urn:client:theservice")
    response = await exchange(kc.http, REALM, APP, code, APP_SECRET, resource="urn:client:theservice")
    assert audience(response) == ["theservice"]


async def test_authz_no_resource_in_token_request(kc: Env) -> None:
    """The code keeps the authorization request's resource: none in the token request means that one."""
    code = await _code(kc, "urn:client:theservice")
    assert audience(await exchange(kc.http, REALM, APP, code, APP_SECRET)) == ["theservice"]


async def test_authz_different_resource(kc: Env) -> None:
    code = await _code(kc, "urn:client:otherservice")
    response = await exchange(kc.http, REALM, APP, code, APP_SECRET, resource="urn:client:theservice")
    assert_target(response, e.RESOURCE_NOT_MATCHING)


async def test_refresh_with_no_resource(kc: Env) -> None:
    body = (await password(kc.http, "urn:client:theservice")).json()
    assert audience(await refresh(kc.http, body["refresh_token"])) == ["theservice"]


async def test_refresh_with_resource_by_client_urn(kc: Env) -> None:
    body = (await password(kc.http, "urn:client:theservice")).json()
    assert audience(await refresh(kc.http, body["refresh_token"], "urn:client:theservice")) == ["theservice"]


async def test_refresh_with_different_resource(kc: Env) -> None:
    body = (await password(kc.http, "https://theservice")).json()
    assert_target(await refresh(kc.http, body["refresh_token"], "https://otherservice"), e.RESOURCE_NOT_MATCHING)


async def test_null_audience_returns_invalid_target(kc: Env) -> None:
    """A token without any audience (the bare client, a user without roles) names no resource."""
    bare = await password(kc.http, client="no-audience", secret="password", username="user-without-roles")
    assert "aud" not in claims(bare.json()["access_token"])
    response = await password(
        kc.http, "urn:client:theservice", client="no-audience", secret="password", username="user-without-roles"
    )
    assert_target(response, e.RESOURCE_INVALID)


async def test_client_credentials_without_refresh_token_sets_audience(kc: Env) -> None:
    form = {"grant_type": "client_credentials", "client_id": APP, "client_secret": APP_SECRET}
    response = await kc.http.post(
        f"/realms/{REALM}/protocol/openid-connect/token", data={**form, "resource": "urn:client:test-app"}
    )
    assert audience(response) == [APP]
    assert "refresh_token" not in response.json()


async def test_password_grant_without_refresh_token_sets_audience(kc: Env) -> None:
    response = await password(kc.http, "urn:client:theservice", client="no-refresh-tokens")
    assert audience(response) == ["theservice"]
    assert "refresh_token" not in response.json()


# ---- OfflineTokenRefreshTest ----


async def test_offline_refresh_without_resource_preserves_resource_and_audience(kc: Env) -> None:
    initial = await offline_token(kc.http)
    assert claims(initial["refresh_token"])["resource"] == OFFLINE_RESOURCE
    response = await refresh(kc.http, initial["refresh_token"], client=OFFLINE, secret="secret1")
    assert audience(response) == [OFFLINE]
    assert claims(response.json()["refresh_token"])["resource"] == OFFLINE_RESOURCE


async def test_offline_refresh_with_matching_resource_preserves_resource_and_audience(kc: Env) -> None:
    initial = await offline_token(kc.http)
    response = await refresh(kc.http, initial["refresh_token"], OFFLINE_RESOURCE, client=OFFLINE, secret="secret1")
    assert audience(response) == [OFFLINE]
    assert claims(response.json()["refresh_token"])["resource"] == OFFLINE_RESOURCE


async def test_offline_refresh_with_mismatched_resource_returns_invalid_target(kc: Env) -> None:
    initial = await offline_token(kc.http)
    response = await refresh(
        kc.http, initial["refresh_token"], "urn:client:other-client", client=OFFLINE, secret="secret1"
    )
    assert_target(response, e.RESOURCE_NOT_MATCHING)


# ---- hostile variants ----


async def test_a_repeated_resource_is_a_duplicated_parameter_at_the_token_endpoint(kc: Env) -> None:
    """TokenEndpoint.checkParameterDuplicated, before any grant: two ``resource`` values, even equal ones."""
    for pair in (["urn:client:theservice", "urn:client:otherservice"], ["urn:client:theservice"] * 2):
        response = await password(kc.http, pair)
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_request", "error_description": e.DUPLICATED_PARAMETER}


async def test_a_repeated_resource_at_the_authorization_endpoint_issues_no_code(kc: Env) -> None:
    query = {"resource": ["urn:client:theservice", "urn:client:otherservice"]}
    answer = await kc.http.get(
        f"/realms/{REALM}/protocol/openid-connect/auth",
        params={"client_id": APP, "redirect_uri": "http://127.0.0.1:9999/callback", "response_type": "code", **query},
    )
    params = code_from(answer)
    assert params["error"] == "invalid_request" and "code" not in params


@pytest.mark.parametrize(
    "resource",
    [
        "https://theservice#",  # an empty fragment is a fragment
        "https://theservice#frag",
        "https://theservice?",  # so is an empty query
        "https://theservice?x=1",
        "urn:client:theservice#frag",
        "theservice",  # relative references
        "//theservice",
        "./theservice",
        "",
        "https:theservice",  # opaque: no path
        "https://",
        "https://the service",
        "https://theservice/%zz",
        " urn:client:theservice",
        "urn:client:theservice\n",
    ],
)
async def test_fragments_queries_relative_and_malformed_resources_are_invalid_targets(kc: Env, resource: str) -> None:
    """ResourceIndicatorValidation, at the token endpoint and at the authorization endpoint (back to the client)."""
    assert_target(await password(kc.http, resource), e.RESOURCE_INVALID)
    params = code_from(await start(kc.http, REALM, APP, resource=resource))
    assert (params.get("error"), params.get("error_description")) == ("invalid_target", e.RESOURCE_INVALID)


@pytest.mark.parametrize(
    "resource", ["URN:client:theservice", "urn:CLIENT:theservice", "https://THESERVICE", "https://theservice/"]
)
async def test_resources_are_matched_exactly(kc: Env, resource: str) -> None:
    """Well formed, but only ``urn:client:`` as written names a client, and a resource_url is compared as a
    string: another case or a trailing slash names nothing."""
    assert_target(await password(kc.http, resource), e.RESOURCE_INVALID)


async def test_a_client_not_in_the_audience_is_not_a_target(kc: Env) -> None:
    """no-audience is a client of the realm, but not in the user's token's audience."""
    assert_target(await password(kc.http, "urn:client:no-audience"), e.RESOURCE_INVALID)


@pytest.mark.parametrize("offline", [False, True])
async def test_a_refresh_may_not_name_a_resource_the_first_grant_did_not(kc: Env, offline: bool) -> None:
    """Online and offline: a refresh token issued without a resource refreshes without one, with the full
    audience, but not with one ("not matching the original request")."""
    if offline:
        body = await offline_token(kc.http, None)
        client = {"client": OFFLINE, "secret": "secret1"}
    else:
        body = (await password(kc.http)).json()
        client = {}
    assert "resource" not in claims(body["refresh_token"])
    assert_target(
        await refresh(kc.http, body["refresh_token"], "urn:client:theservice", **client), e.RESOURCE_NOT_MATCHING
    )
    response = await refresh(kc.http, body["refresh_token"], **client)  # the token was not used up by the refusal
    assert len(audience(response)) > 1 or offline
    assert "resource" not in claims(response.json()["refresh_token"])


async def test_a_code_issued_without_a_resource_may_not_name_one(kc: Env) -> None:
    code = await _code(kc)
    response = await exchange(kc.http, REALM, APP, code, APP_SECRET, resource="urn:client:theservice")
    assert_target(response, e.RESOURCE_NOT_MATCHING)


async def test_a_refused_resource_records_no_event_and_starts_no_session(kc: Env) -> None:
    """TokenInterceptorException is the answer alone: no LOGIN_ERROR, and (the grant's writes rolled back) no
    session; the refresh refused for its resource records no REFRESH_TOKEN_ERROR either."""
    body = (await password(kc.http, "urn:client:theservice")).json()
    await poll(kc)
    assert_target(await password(kc.http, "urn:client:nothing"), e.RESOURCE_INVALID)
    assert_target(await refresh(kc.http, body["refresh_token"], "urn:client:otherservice"), e.RESOURCE_NOT_MATCHING)
    assert await poll(kc) == []
    async with kc.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name(REALM)
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user")
        assert user is not None
        sessions = await tx.sessions.user_sessions_of(user.id, False)
    assert [s.id for s in sessions] == [claims(body["access_token"])["sid"]]


async def test_the_id_token_and_resource_access_keep_their_audience(kc: Env) -> None:
    """Only the access token's ``aud`` is narrowed: the ID token names the client, ``resource_access`` stays."""
    code = await _code(kc, "https://otherservice")
    body = (await exchange(kc.http, REALM, APP, code, APP_SECRET)).json()
    access = claims(body["access_token"])
    assert access["aud"] == "https://otherservice"
    assert set(access["resource_access"]) >= {"theservice", "otherservice", "serviceWithoutResource"}
    assert claims(body["id_token"])["aud"] == APP
    assert claims(body["refresh_token"])["resource"] == "https://otherservice"


async def test_with_the_feature_off_resource_is_ignored(kc: Env) -> None:
    """Without ``--features resource-indicators`` (Keycloak's default) nothing reads ``resource``: the full
    audience, no refresh claim, a malformed one accepted at both endpoints, a refresh bound to nothing."""
    off = dataclasses.replace(kc, settings=dataclasses.replace(kc.settings, features=None))
    async with another_worker(off) as http:
        response = await password(http, "urn:client:theservice")
        assert set(audience(response)) >= {"theservice", "otherservice", "serviceWithoutResource"}
        assert "resource" not in claims(response.json()["refresh_token"])
        assert audience(await password(http, "/not a uri#")) == audience(response)
        refreshed = await refresh(http, response.json()["refresh_token"], "urn:client:otherservice")
        assert audience(refreshed) == audience(response)
        page = await start(http, REALM, APP, resource="/invalid")
        assert page.status_code == 200 and "kc-form-login" in page.text
    # a token bound while the feature was on refreshes, with it off, to the full audience and unbound
    bound = (await password(kc.http, "urn:client:theservice")).json()
    async with another_worker(off) as http:
        refreshed = await refresh(http, bound["refresh_token"])
        assert len(audience(refreshed)) > 1
        assert "resource" not in claims(refreshed.json()["refresh_token"])
