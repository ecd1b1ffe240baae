"""The client registration service's default provider (Keycloak's ClientRegistrationTest,
InitialAccessTokenTest, RegistrationAccessTokenTest and the default-policy cases of
ClientRegistrationPoliciesTest): tokens, rights, policies and errors as Keycloak answers them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from support import assert_error, claims, header
from wire_env import Env

pytestmark = pytest.mark.anyio

REG = "/realms/test/clients-registrations/default"
IAT = "/admin/realms/test/clients-initial-access"
COMPONENTS = "/admin/realms/test/components"
POLICY_TYPE = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
HOST_NOT_TRUSTED = "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def initial_token(env: Env, **rep: Any) -> dict[str, Any]:
    response = await env.http.post(IAT, json=rep, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def register(env: Env, rep: dict[str, Any], **rep_extra: Any) -> dict[str, Any]:
    token = (await initial_token(env))["token"]
    response = await env.http.post(REG, json={**rep, **rep_extra}, headers=bearer(token))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def client_exists(env: Env, client_id: str) -> bool:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return await tx.clients.get_by_client_id(realm.id, client_id) is not None


async def trust(env: Env, *hosts: str) -> None:
    """The realm's anonymous Trusted Hosts policy trusts these hosts, set through the components API."""
    admin = await env.admin_headers()
    listed = await env.http.get(f"{COMPONENTS}?type={POLICY_TYPE}&name=Trusted Hosts", headers=admin)
    (policy,) = listed.json()
    rep = {**policy, "config": {**policy["config"], "trusted-hosts": list(hosts)}}
    response = await env.http.put(f"{COMPONENTS}/{policy['id']}", json=rep, headers=admin)
    assert response.status_code == 204, response.text


@contextlib.asynccontextmanager
async def elsewhere(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """The realm's app called from a host no policy trusts."""
    transport = httpx.ASGITransport(app=env.apps[0], raise_app_exceptions=False, client=("10.1.2.3", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


@pytest.fixture
async def trusting(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """The realm with ``localhost`` as its anonymous Trusted Hosts policy's trusted host, called from
    127.0.0.1."""
    await trust(realm, "localhost")
    transport = httpx.ASGITransport(app=realm.apps[0], raise_app_exceptions=False, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


# --- initial access tokens (ClientInitialAccessResource, InitialAccessTokenTest) ---------------------
async def test_an_initial_access_token_is_created_once_listed_without_its_token_and_deleted(realm: Env) -> None:
    admin = await realm.admin_headers()
    response = await realm.http.post(IAT, json={"expiration": 60, "count": 2}, headers=admin)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"http://localhost{IAT}/{body['id']}"
    assert body["expiration"] == 60 and body["count"] == 2 and body["remainingCount"] == 2
    assert body["timestamp"] == realm.clock.now()
    token = claims(body["token"])
    assert token["typ"] == "InitialAccessToken" and token["jti"] == body["id"]
    assert token["exp"] == realm.clock.now() + 60 and token["iss"] == "http://localhost/realms/test"
    assert header(body["token"])["alg"] == "HS512"
    listed = (await realm.http.get(IAT, headers=admin)).json()
    assert listed == [{k: v for k, v in body.items() if k != "token"}]
    assert (await realm.http.delete(f"{IAT}/{body['id']}", headers=admin)).status_code == 204
    assert (await realm.http.get(IAT, headers=admin)).json() == []
    gone = await realm.http.post(REG, json={"clientId": "c1"}, headers=bearer(body["token"]))
    assert_error(gone, 401, "invalid_token", "Initial Access Token not found")


async def test_an_initial_access_token_defaults_to_one_use_that_never_expires(realm: Env) -> None:
    body = await initial_token(realm)
    assert (body["expiration"], body["count"], body["remainingCount"]) == (0, 1, 1)
    assert claims(body["token"])["exp"] == 0


@pytest.mark.parametrize(
    ("rep", "error", "description"),
    [
        ({"expiration": -1}, "Invalid value for expiration", "The expiration time interval cannot be less than 0"),
        ({"count": -1}, "Invalid value for count", "The count cannot be less than 0"),
    ],
)
async def test_a_negative_expiration_or_count_is_refused(
    realm: Env, rep: dict[str, int], error: str, description: str
) -> None:
    response = await realm.http.post(IAT, json=rep, headers=await realm.admin_headers())
    assert_error(response, 400, error, description)
    assert (await realm.http.get(IAT, headers=await realm.admin_headers())).json() == []


async def test_initial_access_tokens_need_manage_clients_to_create_and_view_clients_to_list(realm: Env) -> None:
    viewer = await realm_admin(realm, "viewer", "view-clients")
    assert (await realm.http.post(IAT, json={}, headers=viewer)).status_code == 403
    assert (await realm.http.get(IAT, headers=viewer)).status_code == 200


async def test_each_registration_spends_one_use_of_the_initial_access_token(realm: Env) -> None:
    body = await initial_token(realm, count=1)
    first = await realm.http.post(REG, json={"clientId": "c1"}, headers=bearer(body["token"]))
    assert first.status_code == 201, first.text
    listed = (await realm.http.get(IAT, headers=await realm.admin_headers())).json()
    assert listed[0]["remainingCount"] == 0
    again = await realm.http.post(REG, json={"clientId": "c2"}, headers=bearer(body["token"]))
    assert_error(again, 401, "invalid_token", "No remaining count on initial access token")
    assert not await client_exists(realm, "c2")


async def test_an_expired_initial_access_token_fails_to_decode(realm: Env) -> None:
    body = await initial_token(realm, expiration=10)
    realm.clock.advance(11)
    response = await realm.http.post(REG, json={"clientId": "c1"}, headers=bearer(body["token"]))
    assert_error(response, 401, "invalid_token", "Failed decode token")


# --- registration (ClientRegistrationTest) -----------------------------------------------------------
async def test_registering_with_an_initial_access_token_answers_the_client_and_its_registration_token(
    realm: Env,
) -> None:
    token = (await initial_token(realm))["token"]
    rep = {"clientId": "c1", "redirectUris": ["http://localhost/app/*"], "directAccessGrantsEnabled": True}
    response = await realm.http.post(REG, json=rep, headers=bearer(token))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"http://localhost{REG}/c1"
    body = response.json()
    assert body["clientId"] == "c1" and body["secret"] and body["defaultRoles"] == []
    assert body["directAccessGrantsEnabled"] is False  # what Keycloak's create answers
    assert body["consentRequired"] is False and body["fullScopeAllowed"] is True  # authenticated policies
    rat = claims(body["registrationAccessToken"])
    assert rat["typ"] == "RegistrationAccessToken" and rat["registration_auth"] == "authenticated"
    assert rat["exp"] == 0 and rat["aud"] == rat["iss"] == "http://localhost/realms/test"
    assert "registrationAccessToken" not in (await realm.http.get(REG + "/c1", headers=bearer(token))).text


async def test_anonymous_registration_is_refused_by_the_trusted_hosts_policy(realm: Env) -> None:
    response = await realm.http.post(REG, json={"clientId": "c1"})
    assert_error(response, 403, "insufficient_scope", HOST_NOT_TRUSTED)
    assert not await client_exists(realm, "c1")


async def test_a_bearer_token_needs_create_client_or_manage_clients(realm: Env) -> None:
    creator = await realm_admin(realm, "creator", "create-client")
    assert (await realm.http.post(REG, json={"clientId": "c1"}, headers=creator)).status_code == 201
    viewer = await realm_admin(realm, "viewer", "view-clients")
    response = await realm.http.post(REG, json={"clientId": "c2"}, headers=viewer)
    assert_error(response, 403, "insufficient_scope", "Forbidden")
    assert (await realm.http.get(REG + "/c1", headers=viewer)).status_code == 200
    assert_error(await realm.http.get(REG + "/nosuch", headers=viewer), 404, "invalid_request", "Client not found")


async def test_a_token_of_another_realm_fails_to_decode(realm: Env) -> None:
    response = await realm.http.post(REG, json={"clientId": "c1"}, headers=await realm.admin_headers())
    assert_error(response, 401, "invalid_token", "Failed decode token")


async def test_a_taken_client_id_is_in_use(realm: Env) -> None:
    token = (await initial_token(realm))["token"]
    response = await realm.http.post(REG, json={"clientId": "app"}, headers=bearer(token))
    assert_error(response, 400, "invalid_client_metadata", "Client Identifier in use")
    listed = (await realm.http.get(IAT, headers=await realm.admin_headers())).json()
    assert listed[0]["remainingCount"] == 1  # the failed registration spent nothing


async def test_an_invalid_redirect_uri_is_invalid_redirect_uri_and_nothing_is_kept(realm: Env) -> None:
    token = (await initial_token(realm))["token"]
    rep = {"clientId": "c1", "redirectUris": ["javascript:alert(1)"]}
    response = await realm.http.post(REG, json=rep, headers=bearer(token))
    assert_error(response, 400, "invalid_redirect_uri", "A redirect URI uses an illegal scheme")
    response = await realm.http.post(REG, json={"clientId": "c1", "rootUrl": "nope"}, headers=bearer(token))
    assert_error(response, 400, "invalid_client_metadata", "Root URL is not a valid URL")
    assert not await client_exists(realm, "c1")


@pytest.mark.parametrize(
    ("body", "error"),
    [(b"{", "invalid_request"), (b"[]", "invalid_request"), (b'{"redirectUris": 5}', "unknown_error")],
)
async def test_a_body_that_is_not_a_client_representation_is_a_400(realm: Env, body: bytes, error: str) -> None:
    token = (await initial_token(realm))["token"]
    headers = {**bearer(token), "Content-Type": "application/json"}
    response = await realm.http.post(REG, content=body, headers=headers)
    assert_error(response, 400, error, "Cannot parse the JSON")


async def test_an_unknown_provider_or_realm_is_a_404(realm: Env) -> None:
    response = await realm.http.post("/realms/test/clients-registrations/nosuch", json={})
    assert response.status_code == 404 and response.json() == {"error": "Client registration provider not found"}
    response = await realm.http.post("/realms/nosuch/clients-registrations/default", json={})
    assert response.status_code == 404 and response.json() == {"error": "Realm does not exist"}


# --- registration access tokens (RegistrationAccessTokenTest) ---------------------------------------
async def test_the_registration_access_token_reads_the_client_and_is_rotated_by_each_update(realm: Env) -> None:
    body = await register(realm, {"clientId": "c1"})
    rat = body["registrationAccessToken"]
    read = await realm.http.get(REG + "/c1", headers=bearer(rat))
    assert read.status_code == 200 and read.json()["registrationAccessToken"] == rat
    assert read.json()["secret"] == body["secret"]
    updated = await realm.http.put(REG + "/c1", json={"clientId": "c1", "name": "One"}, headers=bearer(rat))
    assert updated.status_code == 200, updated.text
    new = updated.json()["registrationAccessToken"]
    assert new != rat and updated.json()["name"] == "One"
    stale = await realm.http.get(REG + "/c1", headers=bearer(rat))
    assert_error(
        stale, 401, "invalid_token", "Not authorized to view client. Not valid token or client credentials provided."
    )
    stale = await realm.http.put(REG + "/c1", json={"clientId": "c1"}, headers=bearer(rat))
    assert_error(stale, 401, "invalid_token", "Not authorized to update client. Maybe missing token or bad token type.")
    assert (await realm.http.delete(REG + "/c1", headers=bearer(new))).status_code == 204
    assert not await client_exists(realm, "c1")


async def test_a_registration_access_token_manages_only_its_own_client(realm: Env) -> None:
    one = await register(realm, {"clientId": "c1"})
    await register(realm, {"clientId": "c2"})
    response = await realm.http.get(REG + "/c2", headers=bearer(one["registrationAccessToken"]))
    assert response.status_code == 401
    response = await realm.http.delete(REG + "/c2", headers=bearer(one["registrationAccessToken"]))
    assert response.status_code == 401
    assert await client_exists(realm, "c2")


async def test_the_client_id_cannot_be_changed(realm: Env) -> None:
    body = await register(realm, {"clientId": "c1"})
    response = await realm.http.put(
        REG + "/c1", json={"clientId": "c9"}, headers=bearer(body["registrationAccessToken"])
    )
    assert_error(response, 400, "invalid_client_metadata", "Client Identifier modified")


async def test_an_initial_access_token_cannot_read_a_client(realm: Env) -> None:
    await register(realm, {"clientId": "c1"})
    token = (await initial_token(realm))["token"]
    assert_error(
        await realm.http.get(REG + "/c1", headers=bearer(token)),
        401,
        "invalid_token",
        "Not initial access token allowed",
    )


async def test_the_admin_api_regenerates_the_registration_access_token(realm: Env) -> None:
    body = await register(realm, {"clientId": "c1"})
    admin = await realm.admin_headers()
    response = await realm.http.post(
        f"/admin/realms/test/clients/{body['id']}/registration-access-token", headers=admin
    )
    assert response.status_code == 200, response.text
    new = response.json()["registrationAccessToken"]
    assert claims(new)["registration_auth"] == "authenticated"
    assert (await realm.http.get(REG + "/c1", headers=bearer(new))).status_code == 200
    assert (await realm.http.get(REG + "/c1", headers=bearer(body["registrationAccessToken"]))).status_code == 401


# --- the default policies (ClientRegistrationPoliciesTest) ------------------------------------------
async def test_an_anonymous_registration_from_a_trusted_host_requires_consent_and_has_no_full_scope(
    realm: Env, trusting: httpx.AsyncClient
) -> None:
    rep = {"clientId": "c1", "redirectUris": ["http://localhost/app/*"], "fullScopeAllowed": True}
    response = await trusting.post(REG, json=rep)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["consentRequired"] is True and body["fullScopeAllowed"] is False
    rat = body["registrationAccessToken"]
    assert claims(rat)["registration_auth"] == "anonymous"
    refused = await trusting.put(REG + "/c1", json={"clientId": "c1", "fullScopeAllowed": True}, headers=bearer(rat))
    assert_error(
        refused,
        403,
        "insufficient_scope",
        "Policy 'Full Scope Disabled' rejected request to client-registration service. "
        "Details: Not permitted to enable fullScopeAllowed",
    )
    refused = await trusting.put(REG + "/c1", json={"clientId": "c1", "consentRequired": False}, headers=bearer(rat))
    assert refused.status_code == 403
    assert "Not permitted to update consentRequired to false" in refused.json()["error_description"]
    # the anonymous token's client is judged by the anonymous policies from another host too
    async with elsewhere(realm) as other:
        assert_error(await other.get(REG + "/c1", headers=bearer(rat)), 403, "insufficient_scope", HOST_NOT_TRUSTED)


async def test_client_urls_must_be_on_a_trusted_host(realm: Env, trusting: httpx.AsyncClient) -> None:
    response = await trusting.post(REG, json={"clientId": "c1", "redirectUris": ["https://evil.example/cb"]})
    assert_error(
        response,
        403,
        "insufficient_scope",
        "Policy 'Trusted Hosts' rejected request to client-registration service. "
        "Details: URI doesn't match any trusted host or trusted domain",
    )
    response = await trusting.post(REG, json={"clientId": "c1", "rootUrl": "https://evil.example"})
    assert "URL doesn't match any trusted host or trusted domain" in response.json()["error_description"]
    assert not await client_exists(realm, "c1")


async def test_protocol_mappers_of_types_not_allowed_are_refused_to_everyone(
    realm: Env, trusting: httpx.AsyncClient
) -> None:
    mapper = {"name": "r", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-role-mapper", "config": {}}
    rep = {"clientId": "c1", "protocolMappers": [mapper]}
    detail = "Details: ProtocolMapper type not allowed"
    assert detail in (await trusting.post(REG, json=rep)).json()["error_description"]
    token = (await initial_token(realm))["token"]
    response = await realm.http.post(REG, json=rep, headers=bearer(token))
    assert_error(
        response,
        403,
        "insufficient_scope",
        f"Policy 'Allowed Protocol Mapper Types' rejected request to client-registration service. {detail}",
    )
    assert not await client_exists(realm, "c1")


async def test_only_the_realms_default_client_scopes_may_be_asked_for(realm: Env) -> None:
    token = (await initial_token(realm, count=2))["token"]
    response = await realm.http.post(
        REG, json={"clientId": "c1", "defaultClientScopes": ["nosuch"]}, headers=bearer(token)
    )
    assert_error(
        response,
        403,
        "insufficient_scope",
        "Policy 'Allowed Client Scopes' rejected request to client-registration service. "
        "Details: Not permitted to use specified clientScope",
    )
    ok = await realm.http.post(REG, json={"clientId": "c1", "defaultClientScopes": ["profile"]}, headers=bearer(token))
    assert ok.status_code == 201 and ok.json()["defaultClientScopes"] == ["profile"]


async def test_anonymous_registration_stops_at_the_max_clients_limit_set_on_its_component(
    realm: Env, trusting: httpx.AsyncClient
) -> None:
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        count = len(await tx.clients.list(found.id))
    admin = await realm.admin_headers()
    (limit,) = (await realm.http.get(COMPONENTS, params={"name": "Max Clients Limit"}, headers=admin)).json()
    assert limit["config"] == {"max-clients": ["200"]}
    assert (await trusting.post(REG, json={"clientId": "c0"})).status_code == 201
    limit["config"]["max-clients"] = [str(count + 1)]
    assert (await realm.http.put(f"{COMPONENTS}/{limit['id']}", json=limit, headers=admin)).status_code == 204
    response = await trusting.post(REG, json={"clientId": "c1"})
    assert_error(
        response,
        403,
        "insufficient_scope",
        "Policy 'Max Clients Limit' rejected request to client-registration service. "
        f"Details: It's allowed to have max {count + 1} clients per realm",
    )
