"""Standard token exchange (RFC 8693) as Keycloak 26.2+ answers it: StandardTokenExchangeProvider and
its base AbstractTokenExchangeProvider, in the scenarios of Keycloak's StandardTokenExchangeV2Test
(its realm ``testrealm-token-exchange-v2.json`` rebuilt through the Admin REST API, in small)."""

from __future__ import annotations

import warnings

import pytest

from admin_support import client_uuid, role_ref
from support import add_audience, assert_error, claims, refresh, seed_client, seed_realm, seed_user, token_url
from token_exchange_realm import (
    ACCESS,
    ENABLED,
    GRANT,
    ID,
    JWT,
    REFRESH,
    SAME_SESSION,
    SAML2,
    aud,
    events,
    exchange,
    post,
)
from token_exchange_realm import (
    subject as _subject,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def _client_scope(env: Env, name: str, client: str, role: str) -> str:
    """Client scope ``name`` whose scope mapping is ``client``'s role ``role``."""
    headers = await env.admin_headers()
    made = await env.http.post(
        f"{REALM}/client-scopes", json={"name": name, "protocol": "openid-connect"}, headers=headers
    )
    assert made.status_code == 201, made.text
    scope_id = made.headers["location"].rsplit("/", 1)[1]
    owner = await client_uuid(env, "test", client)
    mapping = [await role_ref(env, "test", role, client)]
    mapped = await env.http.post(
        f"{REALM}/client-scopes/{scope_id}/scope-mappings/clients/{owner}", json=mapping, headers=headers
    )
    assert mapped.status_code == 204, mapped.text
    return scope_id


async def _link(env: Env, client: str, scope: str, kind: str, *, remove: bool = False) -> None:
    headers = await env.admin_headers()
    scopes = (await env.http.get(f"{REALM}/client-scopes", headers=headers)).json()
    scope_id = next(s["id"] for s in scopes if s["name"] == scope)
    uuid = await client_uuid(env, "test", client)
    url = f"{REALM}/clients/{uuid}/{kind}-client-scopes/{scope_id}"
    answer = await (env.http.delete(url, headers=headers) if remove else env.http.put(url, headers=headers))
    assert answer.status_code == 204, answer.text


async def _grant_client_role(env: Env, username: str, client: str, role: str) -> None:
    headers = await env.admin_headers()
    found = await env.http.get(f"{REALM}/users", params={"username": username, "exact": "true"}, headers=headers)
    user_id = found.json()[0]["id"]
    uuid = await client_uuid(env, "test", client)
    mapping = [await role_ref(env, "test", role, client)]
    granted = await env.http.post(
        f"{REALM}/users/{user_id}/role-mappings/clients/{uuid}", json=mapping, headers=headers
    )
    assert granted.status_code == 204, granted.text


@pytest.fixture
async def te(env: Env) -> Env:
    """subject-client's tokens name requester-client in ``aud``; requester-client's default scope
    default-scope1 carries target-client1's role, its optional scope optional-scope2 target-client2's."""
    await seed_realm(env.db, env.clock)
    audience_mapper = {
        "name": "requester audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": "requester-client", "access.token.claim": "true"},
    }
    await seed_client(env.db, "test", "subject-client", service_accounts=True)
    await seed_client(env.db, "test", "requester-client", attributes=ENABLED, full_scope_allowed=False)
    await seed_client(env.db, "test", "requester-client-public", public=True, attributes=ENABLED)
    await seed_client(env.db, "test", "disabled-requester-client")
    await seed_client(env.db, "test", "invalid-requester-client", attributes=ENABLED)
    headers = await env.admin_headers()
    uuid = await client_uuid(env, "test", "subject-client")
    added = await env.http.post(
        f"{REALM}/clients/{uuid}/protocol-mappers/models", json=audience_mapper, headers=headers
    )
    assert added.status_code == 201, added.text
    for n in (1, 2, 3):
        await seed_client(env.db, "test", f"target-client{n}")
        target = await client_uuid(env, "test", f"target-client{n}")
        role = {"name": f"target-client{n}-role"}
        assert (await env.http.post(f"{REALM}/clients/{target}/roles", json=role, headers=headers)).status_code == 201
    await seed_user(env.db, env.clock, "test", "john")
    await _grant_client_role(env, "john", "target-client1", "target-client1-role")
    await _grant_client_role(env, "john", "target-client2", "target-client2-role")
    await _client_scope(env, "default-scope1", "target-client1", "target-client1-role")
    await _client_scope(env, "optional-scope2", "target-client2", "target-client2-role")
    await _client_scope(env, "optional-scope3", "target-client3", "target-client3-role")
    for scope in ("profile", "email"):
        await _link(env, "requester-client", scope, "default", remove=True)
    await _link(env, "requester-client", "default-scope1", "default")
    await _link(env, "requester-client", "optional-scope2", "optional")
    await env.http.put(f"{REALM}/events/config", json={"eventsEnabled": True}, headers=headers)
    return env


async def test_an_access_token_is_exchanged_for_one_of_the_requester_in_the_same_session(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == [
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "token_type",
        "not-before-policy",
        "session_state",
        "scope",
        "issued_token_type",
    ]
    sid = claims(subject["access_token"])["sid"]
    assert body["issued_token_type"] == ACCESS and body["token_type"] == "Bearer"
    assert body["session_state"] == sid and body["scope"] == "default-scope1" and body["refresh_expires_in"] == 0
    token = claims(body["access_token"])
    assert token["azp"] == "requester-client" and token["sid"] == sid and token["typ"] == "Bearer"
    assert token["aud"] == "target-client1" and set(token["resource_access"]) == {"target-client1"}
    assert token["jti"].startswith("ntrtte:")  # ONLINE_TRANSIENT_CLIENT, regular token, token exchange
    (event,) = await events(te, "TOKEN_EXCHANGE")
    assert event["clientId"] == "requester-client" and event["sessionId"] == sid
    assert event["userId"] == token["sub"]
    details = event["details"]
    assert details["auth_method"] == "token_exchange" and details["grant_type"] == GRANT
    assert details["requested_token_type"] == ACCESS and details["subject_token_client_id"] == "subject-client"
    assert details["username"] == "john" and details["audience"] == "target-client1"
    assert details["scope"] == "default-scope1" and details["token_id"] == token["jti"]


async def test_the_requester_gets_no_client_session_from_an_access_tokenexchange(te: Env) -> None:
    subject = await _subject(te)
    assert (await exchange(te, subject["access_token"])).status_code == 200
    uuid = await client_uuid(te, "test", "requester-client")
    sessions = await te.http.get(f"{REALM}/clients/{uuid}/user-sessions", headers=await te.admin_headers())
    assert sessions.json() == []


async def test_a_client_outside_the_token_audience_is_forbidden(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], "invalid-requester-client")
    assert_error(response, 403, "access_denied", "Client is not within the token audience")
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["error"] == "not_allowed" and event["clientId"] == "invalid-requester-client"
    assert event["sessionId"] == claims(subject["access_token"])["sid"] and event["userId"]
    assert event["details"]["reason"] == "client is not within the token audience"


async def test_a_client_without_the_switch_is_refused(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], "disabled-requester-client")
    assert_error(response, 400, "invalid_request", "Standard token exchange is not enabled for the requested client")
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["error"] == "invalid_request"
    assert event["details"]["reason"] == "Standard token exchange is not enabled for the requested client"


async def test_a_public_client_may_notexchange(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], "requester-client-public", secret=None)
    assert_error(response, 400, "invalid_client", "Public client is not allowed to exchange token")


@pytest.mark.parametrize("subject_type", [REFRESH, ID, SAML2, JWT, "WRONG_TOKEN_TYPE"])
async def test_only_access_tokens_are_taken_assubject(te: Env, subject_type: str) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], subject_token_type=subject_type)
    assert_error(response, 400, "invalid_request", "Parameter 'subject_token' supports access tokens only")


@pytest.mark.parametrize(
    ("param", "description"),
    [
        ("requested_subject", "Parameter 'requested_subject' is not supported for standard token exchange"),
        ("requested_issuer", "Parameter 'requested_issuer' is not supported for standard token exchange"),
        ("subject_issuer", "Parameter 'subject_issuer' is not supported for standard token exchange"),
    ],
)
async def test_impersonation_and_brokering_parameters_are_refused(te: Env, param: str, description: str) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], audience=None, **{param: "john"})  # param: an extra one
    assert_error(response, 400, "invalid_request", description)


async def test_missing_subject_parameters(te: Env) -> None:
    base = {"grant_type": GRANT, "client_id": "requester-client", "client_secret": "secret"}
    response = await te.http.post(token_url("test"), data={**base, "subject_token_type": ACCESS})
    assert_error(response, 400, "invalid_request", "Parameter 'subject_token' required for standard token exchange")
    response = await te.http.post(token_url("test"), data={**base, "subject_token": "x"})
    assert_error(
        response, 400, "invalid_request", "Parameter 'subject_token_type' required for standard token exchange"
    )


async def test_a_bad_subject_token_is_an_invalid_token(te: Env) -> None:
    response = await exchange(te, "not.a.token")
    assert_error(response, 400, "invalid_request", "Invalid token")
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["error"] == "invalid_token" and event["details"]["reason"] == "subject_token validation failure"


async def test_an_expired_subject_token_is_an_invalid_token(te: Env) -> None:
    subject = await _subject(te)
    te.clock.advance(301)
    assert_error(await exchange(te, subject["access_token"]), 400, "invalid_request", "Invalid token")


async def test_a_disabled_user_or_a_removed_session_makes_the_subject_invalid(te: Env) -> None:
    subject = await _subject(te)
    sid = claims(subject["access_token"])["sid"]
    removed = await te.http.delete(f"{REALM}/sessions/{sid}", headers=await te.admin_headers())
    assert removed.status_code == 204, removed.text
    assert_error(await exchange(te, subject["access_token"]), 400, "invalid_request", "Invalid token")
    subject = await _subject(te)
    headers = await te.admin_headers()
    user_id = claims(subject["access_token"])["sub"]
    disabled = await te.http.put(f"{REALM}/users/{user_id}", json={"enabled": False}, headers=headers)
    assert disabled.status_code == 204, disabled.text
    assert_error(await exchange(te, subject["access_token"]), 400, "invalid_request", "Invalid token")


async def test_a_revoked_subject_token_or_a_disabled_subject_client_makes_the_subject_invalid(te: Env) -> None:
    from support import update_client

    subject = await _subject(te)
    form = {"token": subject["access_token"], "client_id": "subject-client", "client_secret": "secret"}
    assert (await te.http.post(token_url("test", "revoke"), data=form)).status_code == 200
    assert_error(await exchange(te, subject["access_token"]), 400, "invalid_request", "Invalid token")
    subject = await _subject(te)
    await update_client(te.db, "test", "subject-client", enabled=False)
    assert_error(await exchange(te, subject["access_token"]), 400, "invalid_request", "Invalid token")
    refusals = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert [(e["error"], e["details"]["reason"]) for e in refusals] == [
        ("invalid_token", "subject_token validation failure")
    ] * 2


@pytest.mark.parametrize("requested", [REFRESH, JWT, SAML2, "WRONG_TOKEN_TYPE"])
async def test_unsupported_requested_token_types(te: Env, requested: str) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], requested_token_type=requested)
    assert_error(response, 400, "invalid_request", "requested_token_type unsupported")
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["error"] == "invalid_request" and event["sessionId"] == claims(subject["access_token"])["sid"]
    details = event["details"]
    assert details["reason"] == "requested_token_type unsupported" and details["requested_token_type"] == requested
    assert details["subject_token_client_id"] == "subject-client"


async def test_empty_parameters_leave_no_empty_event_details(te: Env) -> None:
    """EventBuilder.detail ignores an empty value: an empty ``requested_token_type`` or ``audience`` is refused as
    any unsupported type or unknown audience, but names no detail of that key."""
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], requested_token_type="")
    assert_error(response, 400, "invalid_request", "requested_token_type unsupported")
    (refusal,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert "requested_token_type" not in refusal["details"], refusal
    assert refusal["details"]["reason"] == "requested_token_type unsupported"
    response = await exchange(te, subject["access_token"], audience=[""])
    assert_error(response, 400, "invalid_client", "Audience not found")
    (refusal, _) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert refusal["error"] == "client_not_found" and "audience" not in refusal["details"], refusal
    assert refusal["details"]["reason"] == "audience not found"


async def test_a_refresh_token_with_same_session_enabled(te: Env) -> None:
    from support import update_client

    await update_client(te.db, "test", "requester-client", attributes={**ENABLED, SAME_SESSION: "SAME_SESSION"})
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], requested_token_type=REFRESH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == REFRESH and body["token_type"] == "Bearer" and "refresh_token" in body
    token = claims(body["access_token"])
    assert token["jti"].startswith("onrtte:") and token["sid"] == claims(subject["access_token"])["sid"]
    assert claims(body["refresh_token"])["azp"] == "requester-client"
    refreshed = await refresh(te.http, "test", "requester-client", body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sid"] == token["sid"]


async def test_an_id_token_goes_in_access_token_with_type_n_a(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], requested_token_type=ID)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["issued_token_type"] == ID and body["token_type"] == "N_A" and "id_token" not in body
    token = claims(body["access_token"])
    assert token["typ"] == "ID" and token["azp"] == "requester-client" and "at_hash" not in token
    assert token["sid"] == claims(subject["access_token"])["sid"]


async def test_scope_openid_adds_an_id_token(te: Env) -> None:
    subject = await _subject(te)
    body = (await exchange(te, subject["access_token"], scope="openid")).json()
    assert body["scope"] == "openid default-scope1" and claims(body["id_token"])["at_hash"]
    assert "id_token" not in (await exchange(te, subject["access_token"])).json()


async def test_an_optional_scope_widens_the_audience(te: Env) -> None:
    subject = await _subject(te)
    body = (await exchange(te, subject["access_token"], scope="optional-scope2")).json()
    token = claims(body["access_token"])
    assert aud(token) == {"target-client1", "target-client2"} and token["scope"] == "default-scope1 optional-scope2"


async def test_the_audience_parameter_narrows_aud_and_scopes(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], audience=["target-client2"], scope="optional-scope2")
    token = claims(response.json()["access_token"])
    assert token["aud"] == "target-client2" and set(token["resource_access"]) == {"target-client2"}
    assert token["scope"] == "optional-scope2"
    response = await exchange(
        te, subject["access_token"], audience=["target-client1", "target-client2"], scope="optional-scope2"
    )
    assert aud(claims(response.json()["access_token"])) == {"target-client1", "target-client2"}
    (second, _) = await events(te, "TOKEN_EXCHANGE")  # newest first
    assert set(second["details"]["audience"].split(" ")) == {"target-client1", "target-client2"}


async def test_unknown_or_unavailable_audiences_are_refused(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], audience=["target-client1", "invalid-client"])
    assert_error(response, 400, "invalid_client", "Audience not found")
    response = await exchange(te, subject["access_token"], audience=["target-client1", "target-client3"])
    assert_error(response, 400, "invalid_request", "Requested audience not available: target-client3")
    response = await exchange(te, subject["access_token"], audience=["target-client2"])
    assert_error(response, 400, "invalid_request", "Requested audience not available: target-client2")
    refusals = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert [e["error"] for e in refusals] == ["invalid_request", "invalid_request", "client_not_found"]
    assert refusals[2]["details"]["audience"] == "invalid-client"


async def test_several_unavailable_audiences_are_named_in_java_hash_set_order(te: Env) -> None:
    """TokenUtils.checkRequestedAudiences copies the requested audiences into a HashSet and CollectionUtil.join
    prints what is left: the order of the names' hash buckets, not the order they were asked in."""
    subject = await _subject(te)
    for audience in (["target-client3", "target-client2"], ["target-client2", "target-client3"]):
        response = await exchange(te, subject["access_token"], audience=audience)
        description = "Requested audience not available: target-client2, target-client3"
        assert_error(response, 400, "invalid_request", description)
        (refusal, *_) = await events(te, "TOKEN_EXCHANGE_ERROR")
        assert refusal["details"]["reason"] == description


async def test_a_disabled_audience_client_is_refused(te: Env) -> None:
    from support import update_client

    await update_client(te.db, "test", "target-client1", enabled=False)
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], audience=["target-client1"])
    assert_error(response, 400, "invalid_client", "Client disabled")


async def test_scopes_the_requester_does_not_have_are_invalid(te: Env) -> None:
    subject = await _subject(te)
    for scope in ("optional-scope3", "bad-scope"):
        response = await exchange(te, subject["access_token"], audience=["target-client1"], scope=scope)
        assert_error(response, 400, "invalid_scope", f"Invalid scopes: {scope}")


async def test_audience_may_repeat_but_scope_may_not(te: Env) -> None:
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"], audience=["target-client1", "target-client1"])
    assert response.status_code == 200, response.text
    form = [
        ("grant_type", GRANT),
        ("client_id", "requester-client"),
        ("client_secret", "secret"),
        ("subject_token", subject["access_token"]),
        ("subject_token_type", ACCESS),
        ("scope", "a"),
        ("scope", "b"),
    ]
    response = await post(te, form)
    assert_error(response, 400, "invalid_request", "duplicated parameter")


async def test_a_service_account_token_is_exchanged_without_a_session(te: Env) -> None:
    from support import update_client

    response = await te.http.post(
        token_url("test"),
        data={"grant_type": "client_credentials", "client_id": "subject-client", "client_secret": "secret"},
    )
    subject = response.json()["access_token"]
    body = (await exchange(te, subject)).json()
    token = claims(body["access_token"])
    assert "sid" not in token and "session_state" not in body and token["jti"].startswith("trrtte:")
    await update_client(te.db, "test", "requester-client", attributes={**ENABLED, SAME_SESSION: "SAME_SESSION"})
    response = await exchange(te, subject, requested_token_type=REFRESH)
    assert_error(
        response,
        400,
        "invalid_request",
        "Refresh token not valid as requested_token_type because creating a new session is needed",
    )


async def test_a_client_may_exchange_its_own_token(te: Env) -> None:
    from support import update_client

    await update_client(te.db, "test", "subject-client", attributes=ENABLED)
    subject = await _subject(te)
    assert (await exchange(te, subject["access_token"], "subject-client")).status_code == 200


async def test_a_consent_required_requester_needs_the_consent(te: Env) -> None:
    from support import update_client

    await update_client(te.db, "test", "requester-client", consent_required=True)
    subject = await _subject(te)
    response = await exchange(te, subject["access_token"])
    assert_error(response, 400, "invalid_scope", "Missing consents for Token Exchange in client requester-client")
    (event,) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["error"] == "consent_denied"


async def test_the_exchanged_token_works_at_userinfo_and_introspection_until_the_session_ends(te: Env) -> None:
    # requester-client introspects the token exchanged for it: Keycloak 26.6.2 answers only a client in its audience
    await add_audience(te.db, "test", "requester-client")
    subject = await _subject(te, scope="openid")
    exchanged = (await exchange(te, subject["access_token"], scope="openid")).json()["access_token"]
    userinfo = await te.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {exchanged}"})
    assert userinfo.status_code == 200, userinfo.text
    introspect = {"token": exchanged, "client_id": "requester-client", "client_secret": "secret"}
    assert (await te.http.post(token_url("test", "token/introspect"), data=introspect)).json()["active"] is True
    sid = claims(exchanged)["sid"]
    assert (await te.http.delete(f"{REALM}/sessions/{sid}", headers=await te.admin_headers())).status_code == 204
    assert (await te.http.post(token_url("test", "token/introspect"), data=introspect)).json() == {"active": False}
    userinfo = await te.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {exchanged}"})
    assert userinfo.status_code == 401


async def test_an_exchanged_token_can_be_exchanged_again(te: Env) -> None:
    subject = await _subject(te)
    first = (await exchange(te, subject["access_token"], audience=["target-client1"])).json()["access_token"]
    from support import update_client

    await update_client(te.db, "test", "target-client1", attributes=ENABLED)
    response = await exchange(te, first, "target-client1")
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert token["azp"] == "target-client1" and token["sid"] == claims(subject["access_token"])["sid"]


async def test_discovery_lists_the_grant(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    doc = (await env.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert GRANT in doc["grant_types_supported"]


async def test_authlib_sends_a_tokenexchange(te: Env) -> None:
    """A real client library: authlib's fetch_token with the RFC 8693 grant type, in process."""
    from authlib.deprecate import AuthlibDeprecationWarning

    with warnings.catch_warnings():  # authlib's own notice that it will move from httpx to httpx2
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client

    subject = await _subject(te)
    transport = te.http._transport  # the in-process app
    async with AsyncOAuth2Client(
        "requester-client", "secret", transport=transport, base_url=str(te.http.base_url)
    ) as oauth:
        token = await oauth.fetch_token(
            str(te.http.base_url) + token_url("test"),
            grant_type=GRANT,
            subject_token=subject["access_token"],
            subject_token_type=ACCESS,
        )
    assert token["issued_token_type"] == ACCESS
    assert claims(token["access_token"])["azp"] == "requester-client"
