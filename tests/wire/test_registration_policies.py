"""Client registration policies as Keycloak's components (DefaultClientRegistrationPolicies, ComponentResource,
ClientRegistrationPolicyResource, the policy/impl classes), the registration service's events and its CORS
(AbstractClientRegistrationProvider, ClientRegistrationAuth, OIDCClientRegistrationProvider)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from doorkeep.realms.exportimport.files import export_realm
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
COMPONENTS = f"{REALM}/components"
POLICY = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
REG = "/realms/test/clients-registrations/default"
OIDC_REG = "/realms/test/clients-registrations/openid-connect"
MAPPERS = [
    "saml-user-attribute-mapper",
    "oidc-usermodel-attribute-mapper",
    "saml-user-property-mapper",
    "oidc-usermodel-property-mapper",
    "oidc-full-name-mapper",
    "oidc-address-mapper",
    "oidc-sha256-pairwise-sub-mapper",
    "saml-role-list-mapper",
]
HOST_NOT_TRUSTED = "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted."


async def policies(env: Env, **params: str) -> list[dict[str, Any]]:
    response = await env.http.get(COMPONENTS, params={"type": POLICY, **params}, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def policy(env: Env, name: str, sub_type: str = "anonymous") -> dict[str, Any]:
    (found,) = [p for p in await policies(env, name=name) if p["subType"] == sub_type]
    return found


async def put(env: Env, rep: dict[str, Any]) -> httpx.Response:
    return await env.http.put(f"{COMPONENTS}/{rep['id']}", json=rep, headers=await env.admin_headers())


async def initial_token(env: Env) -> str:
    response = await env.http.post(f"{REALM}/clients-initial-access", json={}, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


@contextlib.asynccontextmanager
async def caller(env: Env, ip: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=env.apps[0], raise_app_exceptions=False, client=(ip, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


async def events(env: Env) -> list[dict[str, Any]]:
    """The realm's events, oldest first."""
    response = await env.http.get(f"{REALM}/events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return list(reversed(response.json()))


# --- the default policies, listed and described -------------------------------------------------
async def test_a_new_realm_has_keycloaks_default_policies_as_components(realm: Env) -> None:
    listed = await policies(realm)
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
    assert all(p["providerType"] == POLICY and p["parentId"] == found.id for p in listed)
    assert [(p["name"], p["providerId"], p["subType"], p["config"]) for p in listed] == [
        (
            "Trusted Hosts",
            "trusted-hosts",
            "anonymous",
            {"host-sending-registration-request-must-match": ["true"], "client-uris-must-match": ["true"]},
        ),
        ("Consent Required", "consent-required", "anonymous", {}),
        ("Full Scope Disabled", "scope", "anonymous", {}),
        ("Max Clients Limit", "max-clients", "anonymous", {"max-clients": ["200"]}),
        (
            "Allowed Protocol Mapper Types",
            "allowed-protocol-mappers",
            "anonymous",
            {"allowed-protocol-mapper-types": MAPPERS},
        ),
        ("Allowed Client Scopes", "allowed-client-templates", "anonymous", {"allow-default-scopes": ["true"]}),
        (
            "Allowed Protocol Mapper Types",
            "allowed-protocol-mappers",
            "authenticated",
            {"allowed-protocol-mapper-types": MAPPERS},
        ),
        ("Allowed Client Scopes", "allowed-client-templates", "authenticated", {"allow-default-scopes": ["true"]}),
    ]
    one = await realm.http.get(f"{COMPONENTS}/{listed[0]['id']}", headers=await realm.admin_headers())
    assert one.json() == listed[0]
    everything = (await realm.http.get(COMPONENTS, headers=await realm.admin_headers())).json()
    assert {c["providerType"] for c in everything} == {POLICY, "org.keycloak.keys.KeyProvider"}


async def test_the_policy_providers_are_listed_with_their_properties(realm: Env) -> None:
    response = await realm.http.get(
        f"{REALM}/client-registration-policy/providers", headers=await realm.admin_headers()
    )
    assert response.status_code == 200, response.text
    by_id = {p["id"]: p for p in response.json()}
    assert set(by_id) == {
        "trusted-hosts",
        "consent-required",
        "scope",
        "max-clients",
        "allowed-protocol-mappers",
        "allowed-client-templates",
        "client-disabled",
        "registration-web-origins",
    }
    assert by_id["trusted-hosts"]["properties"][0] == {
        "name": "trusted-hosts",
        "label": "trusted-hosts.label",
        "helpText": "trusted-hosts.tooltip",
        "type": "MultivaluedString",
        "secret": False,
        "required": False,
        "readOnly": False,
    }
    assert by_id["max-clients"]["properties"][0]["defaultValue"] == "200"
    scopes = by_id["allowed-client-templates"]["properties"]
    assert scopes[1] == {**scopes[1], "name": "allow-default-scopes", "type": "boolean", "defaultValue": True}
    assert {"profile", "email", "openid"} <= set(scopes[0]["options"])
    assert by_id["consent-required"] == {
        "id": "consent-required",
        "helpText": "When present, then newly registered client will always have 'consentRequired' switch enabled",
        "properties": [],
        "metadata": {},
    }


# --- changing the policies through the components API -------------------------------------------
async def test_a_trusted_host_added_through_the_components_api_lets_anonymous_registration_through(
    realm: Env,
) -> None:
    async with caller(realm) as local:
        assert_error(await local.post(REG, json={"clientId": "c1"}), 403, "insufficient_scope", HOST_NOT_TRUSTED)
        trusted = await policy(realm, "Trusted Hosts")
        trusted["config"]["trusted-hosts"] = ["localhost"]
        assert (await put(realm, trusted)).status_code == 204
        assert (await policy(realm, "Trusted Hosts"))["config"]["trusted-hosts"] == ["localhost"]
        response = await local.post(REG, json={"clientId": "c1", "redirectUris": ["http://localhost/cb"]})
        assert response.status_code == 201, response.text
        assert response.json()["consentRequired"] is True
    async with caller(realm, "10.1.2.3") as other:
        assert_error(await other.post(REG, json={"clientId": "c2"}), 403, "insufficient_scope", HOST_NOT_TRUSTED)


async def test_a_host_check_turned_off_leaves_only_the_client_uris_checked(realm: Env) -> None:
    trusted = await policy(realm, "Trusted Hosts")
    trusted["config"].update(
        {"trusted-hosts": ["app.example"], "host-sending-registration-request-must-match": ["false"]}
    )
    assert (await put(realm, trusted)).status_code == 204
    async with caller(realm, "10.1.2.3") as other:
        ok = await other.post(REG, json={"clientId": "c1", "redirectUris": ["https://app.example/cb"]})
        assert ok.status_code == 201, ok.text
        refused = await other.post(REG, json={"clientId": "c2", "redirectUris": ["https://evil.example/cb"]})
        assert_error(
            refused,
            403,
            "insufficient_scope",
            "Policy 'Trusted Hosts' rejected request to client-registration service. "
            "Details: URI doesn't match any trusted host or trusted domain",
        )


async def test_policies_created_and_deleted_through_the_api_change_what_registration_does(realm: Env) -> None:
    admin = await realm.admin_headers()
    rep = {"name": "Disabled", "providerId": "client-disabled", "providerType": POLICY, "subType": "authenticated"}
    created = await realm.http.post(COMPONENTS, json=rep, headers=admin)
    assert created.status_code == 201, created.text
    new_id = created.headers["location"].rsplit("/", 1)[1]
    assert (await realm.http.get(f"{COMPONENTS}/{new_id}", headers=admin)).json() == {
        "id": new_id,
        "name": "Disabled",
        "providerId": "client-disabled",
        "providerType": POLICY,
        "parentId": (await policies(realm))[0]["parentId"],
        "subType": "authenticated",
        "config": {},
    }
    response = await realm.http.post(
        REG, json={"clientId": "c1"}, headers={"Authorization": f"Bearer {await initial_token(realm)}"}
    )
    assert response.status_code == 201 and response.json()["enabled"] is False
    assert (await realm.http.delete(f"{COMPONENTS}/{new_id}", headers=admin)).status_code == 204
    assert [p["name"] for p in await policies(realm, name="Disabled")] == []
    response = await realm.http.post(
        REG, json={"clientId": "c2"}, headers={"Authorization": f"Bearer {await initial_token(realm)}"}
    )
    assert response.status_code == 201 and response.json()["enabled"] is True


@pytest.mark.parametrize(
    ("provider", "config", "message"),
    [
        (
            "trusted-hosts",
            {"host-sending-registration-request-must-match": ["false"], "client-uris-must-match": ["false"]},
            "At least one of hosts verification or client URIs validation must be enabled",
        ),
        (
            "trusted-hosts",
            {"client-uris-must-match": ["true"]},
            "'host-sending-registration-request-must-match.label' is required",
        ),
        ("max-clients", {"max-clients": ["many"]}, "'max-clients.label' should be a number"),
        ("max-clients", {}, "'max-clients.label' is required"),
        ("allowed-client-templates", {"allowed-client-scopes": ["nosuch"]}, "Client scopes not allowed: [nosuch]"),
    ],
)
async def test_bad_policy_config_is_componentvalidationexceptions_400(
    realm: Env, provider: str, config: dict[str, list[str]], message: str
) -> None:
    rep = {"name": "p", "providerId": provider, "providerType": POLICY, "subType": "anonymous", "config": config}
    response = await realm.http.post(COMPONENTS, json=rep, headers=await realm.admin_headers())
    assert response.status_code == 400 and response.json() == {"errorMessage": message}
    assert await policies(realm, name="p") == []


async def test_without_allow_default_scopes_only_the_listed_client_scopes_may_be_asked_for(realm: Env) -> None:
    scopes = await policy(realm, "Allowed Client Scopes", "authenticated")
    scopes["config"] = {"allow-default-scopes": ["false"], "allowed-client-scopes": ["email"]}
    assert (await put(realm, scopes)).status_code == 204
    token = {"Authorization": f"Bearer {await initial_token(realm)}"}
    refused = await realm.http.post(REG, json={"clientId": "c1", "defaultClientScopes": ["profile"]}, headers=token)
    assert_error(
        refused,
        403,
        "insufficient_scope",
        "Policy 'Allowed Client Scopes' rejected request to client-registration service. "
        "Details: Not permitted to use specified clientScope",
    )
    ok = await realm.http.post(REG, json={"clientId": "c1", "defaultClientScopes": ["email"]}, headers=token)
    assert ok.status_code == 201, ok.text


async def test_a_realms_optional_scope_is_not_allowed_as_a_default_scope(realm: Env) -> None:
    token = {"Authorization": f"Bearer {await initial_token(realm)}"}
    refused = await realm.http.post(REG, json={"clientId": "c1", "defaultClientScopes": ["phone"]}, headers=token)
    assert refused.status_code == 403
    assert "Not permitted to use specified clientScope" in refused.json()["error_description"]


async def test_a_realm_exported_and_imported_again_keeps_its_policies(realm: Env) -> None:
    trusted = await policy(realm, "Trusted Hosts")
    trusted["config"]["trusted-hosts"] = ["app.example"]
    assert (await put(realm, trusted)).status_code == 204
    before = await policies(realm)
    exported = await export_realm(realm.db, "test")
    assert [p["name"] for p in exported["components"][POLICY]] == [p["name"] for p in before]
    admin = await realm.admin_headers()
    assert (await realm.http.delete(REALM, headers=admin)).status_code == 204
    exported.pop("id")
    assert (await realm.http.post("/admin/realms", json=exported, headers=admin)).status_code == 201
    after = await policies(realm)
    strip = [{k: v for k, v in p.items() if k != "parentId"} for p in before]
    assert [{k: v for k, v in p.items() if k != "parentId"} for p in after] == strip


# --- events ---------------------------------------------------------------------------------------
async def test_registration_calls_are_events_and_refusals_error_events(realm: Env) -> None:
    admin = await realm.admin_headers()
    config = {
        "eventsEnabled": True,
        "enabledEventTypes": [
            "CLIENT_REGISTER",
            "CLIENT_REGISTER_ERROR",
            "CLIENT_INFO",
            "CLIENT_INFO_ERROR",
            "CLIENT_UPDATE",
            "CLIENT_DELETE",
            "CLIENT_DELETE_ERROR",
        ],
    }
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=admin)).status_code == 204
    token = {"Authorization": f"Bearer {await initial_token(realm)}"}
    created = await realm.http.post(REG, json={"clientId": "c1"}, headers=token)
    assert created.status_code == 201
    rat = {"Authorization": f"Bearer {created.json()['registrationAccessToken']}"}
    assert (await realm.http.get(REG + "/c1", headers=rat)).status_code == 200
    bad = {"Authorization": "Bearer not-a-token"}
    assert (await realm.http.post(REG, json={"clientId": "c2"}, headers=bad)).status_code == 401
    assert (await realm.http.delete(REG + "/c1", headers=bad)).status_code == 401
    async with caller(realm, "10.1.2.3") as other:
        assert (await other.post(REG, json={"clientId": "c3"})).status_code == 403
    assert (await realm.http.delete(REG + "/c1", headers=rat)).status_code == 204
    found = [(e["type"], e.get("clientId"), e.get("error"), e.get("details")) for e in await events(realm)]
    assert found == [
        ("CLIENT_REGISTER", "c1", None, None),
        ("CLIENT_INFO", "c1", None, None),
        ("CLIENT_REGISTER_ERROR", None, "invalid_token", {"reason": "Failed decode token"}),
        ("CLIENT_DELETE_ERROR", "c1", "invalid_token", {"reason": "Failed decode token"}),
        ("CLIENT_REGISTER_ERROR", None, "not_allowed", None),
        ("CLIENT_DELETE", "c1", None, None),
    ]


# --- CORS on the OpenID Connect provider ---------------------------------------------------------
async def test_the_oidc_provider_answers_preflights_and_its_web_origins_policy_allows_origins(realm: Env) -> None:
    preflight = await realm.http.options(OIDC_REG + "/c1", headers={"Origin": "https://spa.example"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://spa.example"
    assert preflight.headers["access-control-allow-methods"] == "DELETE, POST, GET, OPTIONS, PUT"
    rep = {
        "name": "Origins",
        "providerId": "registration-web-origins",
        "providerType": POLICY,
        "subType": "authenticated",
        "config": {"web-origins": ["https://spa.example"]},
    }
    assert (await realm.http.post(COMPONENTS, json=rep, headers=await realm.admin_headers())).status_code == 201
    token = {"Authorization": f"Bearer {await initial_token(realm)}"}
    allowed = await realm.http.post(
        OIDC_REG, json={"redirect_uris": ["https://spa.example/cb"]}, headers={**token, "Origin": "https://spa.example"}
    )
    assert allowed.status_code == 201, allowed.text
    assert allowed.headers["access-control-allow-origin"] == "https://spa.example"
    token = {"Authorization": f"Bearer {await initial_token(realm)}"}
    other = await realm.http.post(
        OIDC_REG, json={"redirect_uris": ["https://x.example/cb"]}, headers={**token, "Origin": "https://x.example"}
    )
    assert other.status_code == 201 and "access-control-allow-origin" not in other.headers


async def test_a_policy_id_taken_in_another_realm_gets_a_new_one(realm: Env) -> None:
    """Component ids are unique across realms: a create (or an import) naming another realm's id gets its
    own, never a database conflict."""
    admin = await realm.admin_headers()
    made = await realm.http.post("/admin/realms", json={"realm": "other", "enabled": True}, headers=admin)
    assert made.status_code == 201, made.text
    listed = await realm.http.get("/admin/realms/other/components", params={"type": POLICY}, headers=admin)
    theirs = listed.json()[0]["id"]
    rep = {
        "id": theirs,
        "name": "Mine",
        "providerId": "client-disabled",
        "providerType": POLICY,
        "subType": "anonymous",
    }
    created = await realm.http.post(COMPONENTS, json=rep, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"].rsplit("/", 1)[1] != theirs
    still = await realm.http.get(f"/admin/realms/other/components/{theirs}", headers=admin)
    assert still.status_code == 200 and still.json()["name"] != "Mine"
