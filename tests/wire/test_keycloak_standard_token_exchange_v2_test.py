"""Port of Keycloak's ``StandardTokenExchangeV2Test`` (tests/base ``org.keycloak.tests.oauth.tokenexchange.
StandardBaseTokenExchangeV2Test``, the newest copy; the arquillian class is kept abstract and deprecated), one
test per Java method, on the realm of ``tests/token_exchange_realm.py``.

Methods ``tests/wire/test_token_exchange.py`` already ports, with the same assertions, and not repeated here:
``testSubjectTokenType`` (test_only_access_tokens_are_taken_as_subject), ``testExchange``
(test_an_access_token_is_exchanged_for_one_of_the_requester_in_the_same_session,
test_a_client_outside_the_token_audience_is_forbidden), ``testExchangeForIdToken``
(test_scope_openid_adds_an_id_token, test_an_id_token_goes_in_access_token_with_type_n_a),
``testExchangeWithPublicClient`` (test_a_public_client_may_not_exchange),
``testOptionalScopeParamRequestedWithoutAudience`` (test_an_optional_scope_widens_the_audience),
``testUnavailableAudienceRequested`` (test_unknown_or_unavailable_audiences_are_refused) and
``testExchangeDisabledOnClient`` (test_a_client_without_the_switch_is_refused).

The client-policy parts of token exchange (``StandardTokenExchangeClientPoliciesV2Test`` /
StandardBaseTokenExchangeClientPoliciesV2Test: the grant-type condition, reject-request, jwt-claim-enforcer and
downscope-assertion-grant-enforcer) are ported in test_keycloak_standard_base_token_exchange_client_policies_v2_test.py.

``assertAccessTokenContext`` (a server-side decoding of the jti) reads the jti's prefix: ``nt``/``ft`` the
online/offline transient client session, ``rt`` a regular token, ``te`` the token-exchange grant.

``testSenderConstrainedTokenRejection`` expects "Sender-constrained tokens are not supported as subject_token.
Use a Bearer token instead."; StandardTokenExchangeProvider.validateSenderConstrainedToken, the final word,
answers a ``cnf`` token issued to another client with "Sender-constrained token exchange rejected as the token
was not issued for the requesting client", which is what is asserted.

``assertUserInfoError(.., "invalid_token", Errors.USER_SESSION_NOT_FOUND)``: UserInfoEndpoint puts
findValidSession's error code in ``error_description`` (test_userinfo_keycloak_errors.py), asserted here.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from access_token_realm import get, send, set_client_attributes, update_client, update_realm, user_id
from browser_flow import code_from, start, submit
from browser_flow import exchange as code_exchange
from support import assert_error, claims, refresh, token_url
from token_exchange_realm import (
    ACCESS,
    ID,
    JWT,
    REFRESH,
    SAML2,
    aud,
    clear_events,
    events,
    exchange,
    import_realm,
    subject,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

SAME_SESSION = {"standard_token_exchange_enableRefreshRequestedTokenType": "SAME_SESSION"}
NO_REFRESH = {"standard_token_exchange_enableRefreshRequestedTokenType": "NO"}


@pytest.fixture
async def te(env: Env) -> Env:
    """The realm, requester-client with the client attribute that lets it introspect tokens whose ``aud`` does not
    name it (Keycloak 26.6.2's per-client compatibility mode): its exchanged tokens' audiences are what these tests
    assert, so an audience mapper naming requester-client would change them."""
    await import_realm(env)
    await set_client_attributes(env, "requester-client", allow_token_introspection_without_audience_check="true")
    return env


def _scopes(token: dict[str, Any]) -> set[str]:
    return set(str(token.get("scope") or "").split()) - {""}


async def _assert_audiences_and_scopes(
    env: Env,
    response: httpx.Response,
    username: str,
    audiences: list[str],
    scopes: list[str],
    token_type: str = ACCESS,
    subject_client: str = "subject-client",
) -> dict[str, Any]:
    """``assertAudiencesAndScopes``: the token's ``aud`` and ``resource_access``, its scopes, and the newest
    TOKEN_EXCHANGE event's details."""
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert aud(token) == set(audiences), token
    assert set(token.get("resource_access", {})) == set(audiences), token
    assert _scopes(token) == set(scopes), token
    event = (await events(env, "TOKEN_EXCHANGE"))[0]
    assert event["clientId"] == token["azp"] and event["userId"] == await user_id(env, username)
    assert event.get("sessionId") == token.get("sid")
    details = event["details"]
    assert set(details["audience"].split(" ")) == set(audiences) and set(details["scope"].split(" ")) == set(scopes)
    assert details["username"] == username and details["requested_token_type"] == token_type
    assert details["subject_token_client_id"] == subject_client
    return token


async def _introspect(env: Env, token: str, client: str = "requester-client") -> dict[str, Any]:
    form = {"token": token, "token_type_hint": "access_token", "client_id": client, "client_secret": "secret"}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _userinfo(env: Env, token: str) -> httpx.Response:
    return await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})


async def _assert_usable(env: Env, token: str, username: str) -> None:
    """``assertIntrospectSuccess`` and ``assertUserInfoSuccess``."""
    uid = await user_id(env, username)
    introspected = await _introspect(env, token)
    assert introspected["active"] is True and introspected["sub"] == uid, introspected
    info = await _userinfo(env, token)
    assert info.status_code == 200 and info.json()["sub"] == uid, info.text


async def _assert_unusable(env: Env, token: str) -> None:
    """``assertIntrospectError`` and ``assertUserInfoError(.., "invalid_token", USER_SESSION_NOT_FOUND)``."""
    assert (await _introspect(env, token))["active"] is False
    info = await _userinfo(env, token)
    assert info.status_code == 401, info.text
    challenge = 'Bearer realm="test", error="invalid_token", error_description="user_session_not_found"'
    assert info.headers["www-authenticate"] == challenge


async def _delete_session(env: Env, sid: str, offline: bool = False) -> None:
    await send(env, "DELETE", f"/sessions/{sid}" + ("?isOffline=true" if offline else ""))


async def test_requested_token_type(te: Env) -> None:
    access = (await subject(te))["access_token"]
    sid = claims(access)["sid"]
    response = await exchange(te, access, requested_token_type=ACCESS)
    await _assert_audiences_and_scopes(te, response, "john", ["target-client1"], ["default-scope1"])
    body = response.json()
    assert body["token_type"] == "Bearer" and body["issued_token_type"] == ACCESS
    await set_client_attributes(te, "requester-client", **NO_REFRESH)
    john = await user_id(te, "john")
    await clear_events(te)
    for requested in (REFRESH, JWT, SAML2, "WRONG_TOKEN_TYPE"):
        response = await exchange(te, access, requested_token_type=requested)
        assert_error(response, 400, "invalid_request", "requested_token_type unsupported")
        event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
        assert event["clientId"] == "requester-client" and event["error"] == "invalid_request"
        assert event["userId"] == john and event["sessionId"] == sid
        details = event["details"]
        assert details["reason"] == "requested_token_type unsupported" and details["requested_token_type"] == requested
        assert details["subject_token_client_id"] == "subject-client"
        if requested == REFRESH:  # the refresh token type allowed: it works, then the ID token
            await set_client_attributes(te, "requester-client", **SAME_SESSION)
            response = await exchange(te, access, requested_token_type=REFRESH)
            await _assert_audiences_and_scopes(te, response, "john", ["target-client1"], ["default-scope1"], REFRESH)
            body = response.json()
            assert body["token_type"] == "Bearer" and body["issued_token_type"] == REFRESH and body["access_token"]
            response = await exchange(te, access, requested_token_type=ID)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["token_type"] == "N_A" and body["issued_token_type"] == ID and body["access_token"]
            event = (await events(te, "TOKEN_EXCHANGE"))[0]
            assert event["clientId"] == "requester-client" and event["userId"] == john and event["sessionId"] == sid
            assert event["details"]["requested_token_type"] == ID
            assert event["details"]["subject_token_client_id"] == "subject-client"


async def test_transient_session_for_requester(te: Env) -> None:
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, scope="openid")  # openid for the userinfo request
    assert response.status_code == 200, response.text
    assert response.json()["issued_token_type"] == ACCESS
    exchanged = response.json()["access_token"]
    token = claims(exchanged)
    assert token["sid"] == claims(access)["sid"] and token["azp"] == "requester-client"
    assert token["jti"].startswith("ntrtte:")  # ONLINE_TRANSIENT_CLIENT, REGULAR, token-exchange
    await _assert_usable(te, exchanged, "john")
    te.clock.advance(10)
    await _assert_usable(te, exchanged, "john")
    await _delete_session(te, token["sid"])
    await _assert_unusable(te, exchanged)


async def test_exchange_request_access_token_type(te: Env) -> None:
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, requested_token_type=ACCESS)
    assert response.status_code == 200 and response.json()["issued_token_type"] == ACCESS, response.text
    token = claims(response.json()["access_token"])
    assert token["sid"] == claims(access)["sid"] and token["azp"] == "requester-client"


async def test_exchange_using_service_account(te: Env) -> None:
    form = {"grant_type": "client_credentials", "client_id": "subject-client", "client_secret": "secret"}
    response = await te.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    access = response.json()["access_token"]
    assert "sid" not in claims(access)
    sa = await user_id(te, "service-account-subject-client")
    (login,) = await events(te, "CLIENT_LOGIN")
    assert login["clientId"] == "subject-client" and login["userId"] == sa and login.get("sessionId") is None
    details = login["details"]
    assert details["username"] == "service-account-subject-client" and details["grant_type"] == "client_credentials"
    response = await exchange(te, access)
    token = await _assert_audiences_and_scopes(
        te, response, "service-account-subject-client", ["target-client1"], ["default-scope1"]
    )
    assert response.json()["issued_token_type"] == ACCESS and "sid" not in token
    assert token["azp"] == "requester-client"
    await set_client_attributes(te, "requester-client", **SAME_SESSION)
    response = await exchange(te, access, requested_token_type=REFRESH)
    reason = "Refresh token not valid as requested_token_type because creating a new session is needed"
    assert_error(response, 400, "invalid_request", reason)
    event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
    assert event["clientId"] == "requester-client" and event["error"] == "invalid_request"
    assert event["userId"] == sa and event["details"]["reason"] == reason


async def test_client_exchange_to_itself(te: Env) -> None:
    access = (await subject(te))["access_token"]
    assert (await exchange(te, access, "subject-client")).status_code == 200
    assert (await exchange(te, access, "subject-client", audience=["subject-client"])).status_code == 200


async def test_client_exchange_to_itself_with_consents(te: Env) -> None:
    access = (await subject(te))["access_token"]
    await update_client(te, "subject-client", consentRequired=True)
    description = "Missing consents for Token Exchange in client subject-client"
    assert_error(await exchange(te, access, "subject-client"), 400, "invalid_scope", description)
    response = await exchange(te, access, "subject-client", audience=["subject-client"])
    assert_error(response, 400, "invalid_scope", description)


async def test_audience_requested(te: Env) -> None:
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["target-client1"])
    await _assert_audiences_and_scopes(te, response, "john", ["target-client1"], ["default-scope1"])


async def test_scope_not_allowed(te: Env) -> None:
    access = (await subject(te))["access_token"]
    for scope in ("optional-scope3", "bad-scope"):  # not a scope of requester-client; no such scope
        response = await exchange(te, access, audience=["target-client1", "target-client3"], scope=scope)
        assert_error(response, 400, "invalid_scope", f"Invalid scopes: {scope}")


async def test_scope_with_an_empty_name_not_allowed(te: Env) -> None:
    """Beyond the port: StandardTokenExchangeProvider checks ``scope`` with TokenManager.isValidScope, whose
    ``String.split(" ")`` keeps an empty name (``scope=``, two spaces), no client scope: invalid_scope."""
    access = (await subject(te))["access_token"]
    for scope in ("", "default-scope1  optional-scope2"):
        response = await exchange(te, access, audience=["target-client1"], scope=scope)
        assert_error(response, 400, "invalid_scope", f"Invalid scopes: {scope}")


async def test_scope_filter(te: Env) -> None:
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["target-client2"])
    assert_error(response, 400, "invalid_request", "Requested audience not available: target-client2")
    event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
    assert event["clientId"] == "requester-client" and event["error"] == "invalid_request"
    assert event["userId"] == await user_id(te, "john") and event["sessionId"]
    assert event["details"]["reason"] == "Requested audience not available: target-client2"
    for audience, expected_aud, expected_scopes in (
        (["target-client1"], ["target-client1"], ["default-scope1"]),
        (["target-client2"], ["target-client2"], ["optional-scope2"]),
        (
            ["target-client1", "target-client2"],
            ["target-client1", "target-client2"],
            ["default-scope1", "optional-scope2"],
        ),
    ):
        response = await exchange(te, access, audience=audience, scope="optional-scope2")
        await _assert_audiences_and_scopes(te, response, "john", expected_aud, expected_scopes)
    # mike's optional-scope2 comes with the realm role all-target, which no audience filters out
    for mike_audience in (None, ["target-client1"]):
        access = (await subject(te, username="mike"))["access_token"]
        response = await exchange(te, access, audience=mike_audience, scope="optional-scope2")
        await _assert_audiences_and_scopes(
            te, response, "mike", ["target-client1"], ["default-scope1", "optional-scope2"]
        )


async def _login_with_consent(env: Env, username: str, client: str, scope: str | None = None) -> str:
    """``loginWithConsents``: the login form, the consent page accepted, the code exchanged."""
    page = await start(env.http, "test", client, scope=scope or None)
    assert page.status_code == 200, page.text[:300]
    page = await submit(env.http, page, username=username, password="password")
    assert page.status_code == 200 and 'name="accept"' in page.text, (page.status_code, page.text[:300])
    code = code_from(await submit(env.http, page, accept="yes"))["code"]
    response = await code_exchange(env.http, "test", client, code)
    assert response.status_code == 200, response.text
    login = (await events(env, "LOGIN"))[0]
    assert login["clientId"] == client and login["details"]["consent"] == "consent_granted"
    token: str = response.json()["access_token"]
    return token


async def test_consents(te: Env) -> None:
    await update_client(te, "requester-client", consentRequired=True)
    mike = await user_id(te, "mike")
    description = "Missing consents for Token Exchange in client requester-client"
    access = (await subject(te, username="mike"))["access_token"]
    assert_error(await exchange(te, access), 400, "invalid_scope", description)
    event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
    assert event["error"] == "consent_denied" and event["userId"] == mike and event["details"]["reason"] == description
    await send(te, "POST", f"/users/{mike}/logout")
    access = await _login_with_consent(te, "mike", "requester-client")  # consent to the default scopes
    response = await exchange(te, access)
    await _assert_audiences_and_scopes(
        te, response, "mike", ["target-client1"], ["default-scope1"], subject_client="requester-client"
    )
    assert_error(await exchange(te, access, scope="optional-scope2"), 400, "invalid_scope", description)
    event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
    assert event["error"] == "consent_denied" and event["userId"] == mike
    await send(te, "POST", f"/users/{mike}/logout")
    access = await _login_with_consent(te, "mike", "requester-client", "optional-scope2")
    response = await exchange(te, access, scope="optional-scope2")  # oauth.scope is still optional-scope2
    await _assert_audiences_and_scopes(
        te,
        response,
        "mike",
        ["target-client1"],
        ["default-scope1", "optional-scope2"],
        subject_client="requester-client",
    )


async def test_introspection_with_exchanged_token_after_sso_login_of_requester_client(te: Env) -> None:
    await update_client(te, "subject-client", consentRequired=True)
    access = await _login_with_consent(te, "mike", "subject-client")
    response = await exchange(te, access)  # no client session of requester-client yet
    assert response.status_code == 200, response.text
    exchanged = response.json()["access_token"]
    te.clock.advance(10)
    page = await start(te.http, "test", "requester-client", scope=None)  # SSO: a code without a form
    code = code_from(page)["code"]
    response = await code_exchange(te.http, "test", "requester-client", code)
    assert response.status_code == 200, response.text
    mike = await user_id(te, "mike")
    for token in (exchanged, response.json()["access_token"]):
        introspected = await _introspect(te, token)
        assert introspected["active"] is True and introspected["sub"] == mike, introspected


async def test_exchange_chain_requesters(te: Env) -> None:
    access = (await subject(te, username="alice", scope="optional-requester-scope"))["access_token"]
    scope = "optional-requester-scope"
    sid = claims(access)["sid"]
    hops = [
        ("requester-client", "requester-client-2", "subject-client"),
        ("requester-client-2", "requester-client", "requester-client"),
        ("requester-client", "requester-client-2", "requester-client-2"),
    ]
    token_string = access
    for requester, audience, subject_client in hops:
        response = await exchange(te, token_string, requester, audience=[audience], scope=scope)
        token = await _assert_audiences_and_scopes(
            te, response, "alice", [audience], [scope], subject_client=subject_client
        )
        assert response.json()["issued_token_type"] == ACCESS
        assert token["sid"] == sid and token["azp"] == requester
        token_string = response.json()["access_token"]
    assert (await _introspect(te, token_string))["active"] is True
    introspect = (await events(te, "INTROSPECT_TOKEN"))[0]
    assert introspect["clientId"] == "requester-client" and introspect["userId"] and introspect["sessionId"]
    form = {"token": token_string, "client_id": "requester-client", "client_secret": "secret"}
    revoked = await te.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200, revoked.text
    event = (await events(te, "REVOKE_GRANT"))[0]
    assert event["clientId"] == "requester-client" and event["userId"] == await user_id(te, "alice")
    assert (await _introspect(te, token_string))["active"] is False


async def test_transient_offline_session_for_requester(te: Env) -> None:
    await update_realm(te, rememberMe=False, ssoSessionMaxLifespan=600)
    initial = await subject(te, scope="offline_access")
    access = initial["access_token"]
    response = await exchange(te, access, scope="openid")
    assert response.status_code == 200 and response.json()["issued_token_type"] == ACCESS, response.text
    exchanged = response.json()["access_token"]
    token = claims(exchanged)
    assert token["sid"] == claims(access)["sid"] and token["azp"] == "requester-client"
    assert token["jti"].startswith("ftrtte:")  # OFFLINE_TRANSIENT_CLIENT, REGULAR, token-exchange
    await _assert_usable(te, exchanged, "john")
    te.clock.advance(10)
    await _assert_usable(te, exchanged, "john")
    te.clock.advance(600)  # past the online session's lifespan: the offline session lives on
    refreshed = await refresh(te.http, "test", "subject-client", initial["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]
    response = await exchange(te, access, scope="openid")
    assert response.status_code == 200, response.text
    exchanged = response.json()["access_token"]
    token = claims(exchanged)
    assert token["sid"] == claims(access)["sid"] and token["azp"] == "requester-client"
    assert token["jti"].startswith("ftrtte:")
    await _assert_usable(te, exchanged, "john")
    await _delete_session(te, claims(access)["sid"], offline=True)
    await _assert_unusable(te, exchanged)


async def _optional_scope_for_role(env: Env, name: str, owner: str, role: str) -> None:
    """A client scope mapping ``owner``'s role ``role``, an optional scope of requester-client."""
    made = await send(env, "POST", "/client-scopes", {"name": name, "protocol": "openid-connect"}, status=201)
    scope_id = made.headers["location"].rsplit("/", 1)[1]
    [owner_rep] = await get(env, "/clients", clientId=owner)
    role_rep = await get(env, f"/clients/{owner_rep['id']}/roles/{role}")
    await send(env, "POST", f"/client-scopes/{scope_id}/scope-mappings/clients/{owner_rep['id']}", [role_rep])
    [requester] = await get(env, "/clients", clientId="requester-client")
    await send(env, "PUT", f"/clients/{requester['id']}/optional-client-scopes/{scope_id}")


async def test_transient_session_with_admin_api(te: Env) -> None:
    await _optional_scope_for_role(te, "realm-management-view-scope", "realm-management", "view-realm")
    [management] = await get(te, "/clients", clientId="realm-management")
    view_realm = await get(te, f"/clients/{management['id']}/roles/view-realm")
    john = await user_id(te, "john")
    await send(te, "POST", f"/users/{john}/role-mappings/clients/{management['id']}", [view_realm])
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["realm-management"], scope="realm-management-view-scope")
    token = await _assert_audiences_and_scopes(
        te, response, "john", ["realm-management"], ["realm-management-view-scope"]
    )
    assert token["jti"].startswith("ntrtte:")
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    realm = await te.http.get("/admin/realms/test", headers=bearer)
    assert realm.status_code == 200 and realm.json()["realm"] == "test", realm.text
    te.clock.advance(10)
    assert (await te.http.get("/admin/realms/test", headers=bearer)).status_code == 200
    await _delete_session(te, token["sid"])
    assert (await te.http.get("/admin/realms/test", headers=bearer)).status_code == 401


async def test_transient_session_with_account_api(te: Env) -> None:
    await _optional_scope_for_role(te, "account-view-profile-scope", "account", "view-profile")
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["account"], scope="account-view-profile-scope")
    token = await _assert_audiences_and_scopes(te, response, "john", ["account"], ["account-view-profile-scope"])
    assert token["jti"].startswith("ntrtte:")
    headers = {"Authorization": f"Bearer {response.json()['access_token']}", "Accept": "application/json"}
    account = await te.http.get("/realms/test/account", headers=headers)
    assert account.status_code == 200 and account.json()["username"] == "john", account.text
    te.clock.advance(10)
    assert (await te.http.get("/realms/test/account", headers=headers)).json()["username"] == "john"
    await _delete_session(te, token["sid"])
    assert (await te.http.get("/realms/test/account", headers=headers)).status_code == 401


async def test_sender_constrained_token_rejection(te: Env) -> None:
    mapper = {
        "name": "test-cnf-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "cnf",
            "claim.value": '{"jkt":"test-thumbprint-12345"}',
            "jsonType.label": "JSON",
            "access.token.claim": "true",
            "id.token.claim": "false",
            "userinfo.token.claim": "false",
        },
    }
    [client] = await get(te, "/clients", clientId="subject-client")
    await send(te, "POST", f"/clients/{client['id']}/protocol-mappers/models", mapper, status=201)
    access = (await subject(te))["access_token"]
    assert claims(access)["cnf"] == {"jkt": "test-thumbprint-12345"}
    reason = "Sender-constrained token exchange rejected as the token was not issued for the requesting client"
    assert_error(await exchange(te, access), 400, "invalid_request", reason)
    event = (await events(te, "TOKEN_EXCHANGE_ERROR"))[0]
    assert event["error"] == "invalid_request" and event["details"]["reason"] == reason
    assert event.get("userId") is None  # refused before the subject's user is known to the event


async def _revoke(env: Env, token: str, client: str) -> dict[str, Any]:
    """``oauth.doTokenRevoke``: 200, then the one REVOKE_GRANT event since the events were cleared."""
    await clear_events(env)
    form = {"token": token, "client_id": client, "client_secret": "secret"}
    revoked = await env.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200, revoked.text
    (event,) = await events(env, "REVOKE_GRANT")
    assert event["clientId"] == client
    return event


async def _assert_token_disabled(env: Env, body: dict[str, Any], client: str) -> None:
    """``isTokenDisabled``: the access token inactive, the refresh token refused."""
    assert (await _introspect(env, body["access_token"], client))["active"] is False
    assert (await refresh(env.http, "test", client, body["refresh_token"])).status_code == 400


async def test_token_revocation(te: Env) -> None:
    await set_client_attributes(te, "requester-client", **SAME_SESSION)
    john = await user_id(te, "john")
    login = await subject(te)

    async def exchanged(access: str, client: str = "requester-client") -> dict[str, Any]:
        response = await exchange(te, access, client, requested_token_type=REFRESH)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    # the exchanged access token revoked: the subject's token stays active
    first = await exchanged(login["access_token"])
    event = await _revoke(te, first["access_token"], "requester-client")
    assert event["userId"] == john
    assert (await _introspect(te, login["access_token"], "subject-client"))["active"] is True
    assert (await _introspect(te, first["access_token"]))["active"] is False
    # the exchanged refresh token revoked
    second = await exchanged(login["access_token"])
    event = await _revoke(te, second["refresh_token"], "requester-client")
    assert event["userId"] == john and event["sessionId"] == second["session_state"]
    await _assert_token_disabled(te, second, "requester-client")
    # the subject's access token revoked: the tokens exchanged from it go too
    third = await exchanged(login["access_token"])
    event = await _revoke(te, login["access_token"], "subject-client")
    assert event["userId"] == john and event["details"]["token_exchange_revoked_clients"] == "requester-client"
    assert (await _introspect(te, login["access_token"], "subject-client"))["active"] is False
    await _assert_token_disabled(te, third, "requester-client")
    # the subject's refresh token revoked
    login = await subject(te)
    fourth = await exchanged(login["access_token"])
    event = await _revoke(te, login["refresh_token"], "subject-client")
    assert event["userId"] == john and event["sessionId"] == fourth["session_state"]
    assert event["details"]["token_exchange_revoked_clients"] == "requester-client"
    await _assert_token_disabled(te, login, "subject-client")
    await _assert_token_disabled(te, fourth, "requester-client")
    # one of several access tokens of a session revoked: every exchange of the client session goes
    login1 = await subject(te)
    login2 = (await refresh(te.http, "test", "subject-client", login1["refresh_token"])).json()
    login3 = (await refresh(te.http, "test", "subject-client", login1["refresh_token"])).json()
    fifth, sixth = await exchanged(login1["access_token"]), await exchanged(login2["access_token"])
    event = await _revoke(te, login3["access_token"], "subject-client")
    assert event["details"]["token_exchange_revoked_clients"] == "requester-client"
    for still in (login1, login2):
        assert (await _introspect(te, still["access_token"], "subject-client"))["active"] is True
    assert (await _introspect(te, login3["access_token"], "subject-client"))["active"] is False
    await _assert_token_disabled(te, fifth, "requester-client")
    await _assert_token_disabled(te, sixth, "requester-client")
    # a chain: the subject's token revoked takes both requesters' tokens
    mapper = {
        "name": "requester-client-2",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": "requester-client-2", "access.token.claim": "true"},
    }
    [requester] = await get(te, "/clients", clientId="requester-client")
    await send(te, "POST", f"/clients/{requester['id']}/protocol-mappers/models", mapper, status=201)
    await set_client_attributes(te, "requester-client-2", **SAME_SESSION)
    login = await subject(te)
    first_hop = await exchanged(login["access_token"])
    second_hop = await exchanged(first_hop["access_token"], "requester-client-2")
    event = await _revoke(te, login["access_token"], "subject-client")
    assert event["userId"] == john
    revoked_clients = set(event["details"]["token_exchange_revoked_clients"].split(","))
    assert revoked_clients == {"requester-client", "requester-client-2"}
    await _assert_token_disabled(te, first_hop, "requester-client")
    await _assert_token_disabled(te, second_hop, "requester-client-2")
