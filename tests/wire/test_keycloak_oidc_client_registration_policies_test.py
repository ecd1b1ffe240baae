"""Wire port of Keycloak's OIDCClientRegistrationPoliciesTest (testsuite/.../client/; its successor in the new test
framework is tests/base/.../client/ClientRegistrationPoliciesTest): the realm's anonymous and authenticated
client registration policies as a registration through ``openid-connect`` (OIDCClientRepresentation) or
``default`` (ClientRepresentation) meets them. Requests come from 127.0.0.1 (``localhost``), as the Java
client's do.

Where the class predates Keycloak 26, the port follows Keycloak 26 and says so:
- the trusted-host refusals name a client "URL" (client_uri) or redirect "URI" (Keycloak 26's messages, the ones
  the successor class asserts);
- testProviders: its Java ``availableMappers.containsAll(...)`` result is not asserted there; here it is (the
  types are the property's options, as the successor class reads them; the two SAML types are left out, Doorkeep
  having no SAML protocol). Its client-template half is not ported (client templates were replaced by client scopes in Keycloak 4; the scopes
  policy is covered by test_registration_policies.py).

The newest ClientRegistrationPoliciesTest (testsuite/.../client/ClientRegistrationPoliciesTest.java) is ported
in full here as well: testAnonCreateWithInvalidRedirectScheme, testClientDisabledPolicy, testMaxClientsPolicy,
testProviders' client-scope half, testClientScopesPolicy(WithPermittedScope), testRegisterFakeClientScope, its
form of testProtocolMappersConsentRequired (a new client answers no mappers), and the four methods on a mapper of
a type not allowed that the client already holds (ProtocolMappersClientRegistrationPolicy.testMappers on update:
kept unchanged it passes; without an id it is "Missing id for mapper named ...", with an id the client has no
mapper of "No existing mapper model found for id ...", with its type or configuration changed the type is
refused). testProtocolMappersUpdate follows that class too: the added hardcoded mapper has no id.

Not ported:
- testClientTemplatesPolicy, testClientTemplatesPolicyWithPermittedTemplate: client templates no longer exist.
- testProtocolMappersRemoveBuiltins' consent assertions: ProtocolMapperRepresentation has no
  consentRequired/consentText since Keycloak 4; the rest of that method (the one hardcoded mapper kept) is ported.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from client_registration_port import body
from keycloak_port import admin_headers
from oidc_registration_port import ADMIN, REG, bearer, initial_token, keycloak_client, registration_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULT_REG = "/realms/test/clients-registrations/default"
POLICY = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
HARDCODED_ROLE = "oidc-hardcoded-role-mapper"


@pytest.fixture
async def kc(env: Env) -> Env:
    await registration_realm(env)
    return env


def create_rep(client_id: str) -> dict[str, Any]:
    """``createRep``: a ClientRepresentation for the default provider."""
    return {"clientId": client_id, "secret": "test-secret"}


def create_rep_oidc(
    base: str = "http://localhost:8080/foo", redirect: str = "http://localhost:8080/foo"
) -> dict[str, Any]:
    return {"client_name": "RegistrationAccessTokenTest", "client_uri": base, "redirect_uris": [redirect]}


async def find_policy(env: Env, provider_id: str, sub_type: str = "anonymous") -> dict[str, Any]:
    """``findPolicyByProviderAndAuth``."""
    response = await env.http.get(f"{ADMIN}/components", params={"type": POLICY}, headers=await admin_headers(env))
    (found,) = [p for p in body(response) if p["providerId"] == provider_id and p["subType"] == sub_type]
    return dict(found)


async def update_policy(env: Env, rep: dict[str, Any]) -> None:
    response = await env.http.put(f"{ADMIN}/components/{rep['id']}", json=rep, headers=await admin_headers(env))
    assert response.status_code == 204, response.text


async def set_trusted_host(env: Env, hostname: str) -> None:
    """``setTrustedHost(hostname)``: the anonymous Trusted Hosts policy trusts ``hostname``."""
    rep = await find_policy(env, "trusted-hosts")
    rep["config"]["trusted-hosts"] = [hostname]
    await update_policy(env, rep)


def assert_fail(response: httpx.Response, status: int, contains: str | None = None) -> None:
    """``assertOidcFail`` / ``assertFail``: the status, and the error text containing ``contains``."""
    assert response.status_code == status, response.text
    if contains is not None:
        assert contains in response.text, response.text


async def oidc_create(env: Env, rep: dict[str, Any], token: str | None = None) -> httpx.Response:
    return await env.http.post(REG, json=rep, headers=bearer(token))


async def create(env: Env) -> dict[str, Any]:
    """``create()``: an anonymous OIDC registration of ``createRepOidc()``."""
    created: dict[str, Any] = body(await oidc_create(env, create_rep_oidc()), 201)
    return created


def registration_auth(token: str) -> str:
    """``assertRegAccessToken``: the registration access token's ``registration_auth``."""
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["registration_auth"])


async def test_anon_create_with_trusted_host(kc: Env) -> None:
    """testAnonCreateWithTrustedHost."""
    client = create_rep_oidc("http://root", "http://redirect")
    assert_fail(await oidc_create(kc, client), 403, "Host not trusted")

    await set_trusted_host(kc, "localhost")
    assert_fail(await oidc_create(kc, client), 403, "URL doesn't match")  # the client_uri http://root

    client["redirect_uris"] = ["http://localhost:8080/foo"]
    assert_fail(await oidc_create(kc, client), 403, "URL doesn't match")

    client["client_uri"] = "http://localhost:8080/foo"
    created = body(await oidc_create(kc, client), 201)
    assert registration_auth(created["registration_access_token"]) == "anonymous"


async def test_anon_update_with_trusted_host(kc: Env) -> None:
    """testAnonUpdateWithTrustedHost: the policies hold for an update with the registration access token."""
    await set_trusted_host(kc, "localhost")
    client = await create(kc)
    url, headers = f"{REG}/{client['client_id']}", bearer(client["registration_access_token"])

    client["redirect_uris"] = ["http://bad:8080/foo"]
    assert_fail(await kc.http.put(url, json=client, headers=headers), 403, "URI doesn't match")

    client["redirect_uris"] = ["http://localhost:8080/foo"]
    response = await kc.http.put(url, json=client, headers=headers)
    assert response.status_code == 200, response.text


async def test_redirect_uri_with_domain(kc: Env) -> None:
    """testRedirectUriWithDomain: a trusted domain ``*.example.com`` covers www.example.com; without it, refused."""
    rep = await find_policy(kc, "trusted-hosts")
    rep["config"]["host-sending-registration-request-must-match"] = ["false"]
    rep["config"]["trusted-hosts"] = ["www.host.com", "*.example.com"]
    await update_policy(kc, rep)
    response = await oidc_create(kc, create_rep_oidc("http://www.host.com", "http://www.example.com"))
    assert response.status_code == 201, response.text

    rep["config"]["trusted-hosts"] = ["www.host.com", "www1.example.com"]
    await update_policy(kc, rep)
    refused = await oidc_create(kc, create_rep_oidc("http://www.host.com", "http://www.example.com"))
    assert_fail(refused, 403, "URI doesn't match")


async def default_update(env: Env, rep: dict[str, Any], token: str) -> httpx.Response:
    """``reg.update(clientRep)`` on the default provider with the client's registration access token."""
    return await env.http.put(f"{DEFAULT_REG}/{rep['clientId']}", json=rep, headers=bearer(token))


async def test_anon_consent_required(kc: Env) -> None:
    """testAnonConsentRequired: an anonymous registration requires consent, and may not turn it off."""
    await set_trusted_host(kc, "localhost")
    client = await create(kc)
    token = client["registration_access_token"]
    rep = await keycloak_client(kc, client["client_id"])
    assert rep["consentRequired"] is True

    rep["consentRequired"] = False
    assert_fail(await default_update(kc, rep, token), 403, "Not permitted to update consentRequired to false")

    rep["consentRequired"] = True
    response = await default_update(kc, rep, token)
    assert response.status_code == 200, response.text


async def test_anon_full_scope_allowed(kc: Env) -> None:
    """testAnonFullScopeAllowed: an anonymous registration gets no full scope, and may not turn it on."""
    await set_trusted_host(kc, "localhost")
    client = await create(kc)
    token = client["registration_access_token"]
    rep = await keycloak_client(kc, client["client_id"])
    assert rep["fullScopeAllowed"] is False

    rep["fullScopeAllowed"] = True
    assert_fail(await default_update(kc, rep, token), 403, "Not permitted to enable fullScopeAllowed")

    rep["fullScopeAllowed"] = False
    response = await default_update(kc, rep, token)
    assert response.status_code == 200, response.text


async def test_providers(kc: Env) -> None:
    """testProviders (its protocol-mapper half): the allowed-protocol-mappers provider offers the mapper types."""
    response = await kc.http.get(f"{ADMIN}/client-registration-policy/providers", headers=await admin_headers(kc))
    providers = {p["id"]: p for p in body(response)}
    (prop,) = [
        p for p in providers["allowed-protocol-mappers"]["properties"] if p["name"] == "allowed-protocol-mapper-types"
    ]
    # The Java list's two SAML mapper types are left out: Doorkeep has no SAML protocol, so no SAML mappers.
    expected = {"oidc-usermodel-attribute-mapper", "oidc-usermodel-property-mapper", HARDCODED_ROLE}
    assert expected <= set(prop["options"]), prop["options"]


def hardcoded_mapper() -> dict[str, Any]:
    """``createHardcodedMapperRep``."""
    return {
        "name": "Hardcoded foo role",
        "protocolMapper": HARDCODED_ROLE,
        "protocol": "openid-connect",
        "config": {"role": "foo-role"},
    }


async def test_protocol_mappers_create(kc: Env) -> None:
    """testProtocolMappersCreate: a hardcoded-role mapper is refused anonymously and authenticated, until the
    authenticated policy allows it; anonymously it stays refused."""
    await set_trusted_host(kc, "localhost")
    rep = {**create_rep("test-app"), "protocolMappers": [hardcoded_mapper()]}
    assert_fail(await kc.http.post(DEFAULT_REG, json=rep), 403, "ProtocolMapper type not allowed")

    token = await initial_token(kc)
    assert_fail(
        await kc.http.post(DEFAULT_REG, json=rep, headers=bearer(token)), 403, "ProtocolMapper type not allowed"
    )

    policy = await find_policy(kc, "allowed-protocol-mappers", "authenticated")
    policy["config"]["allowed-protocol-mapper-types"] = [
        *policy["config"]["allowed-protocol-mapper-types"],
        HARDCODED_ROLE,
    ]
    await update_policy(kc, policy)
    registered = body(await kc.http.post(DEFAULT_REG, json=rep, headers=bearer(token)), 201)
    assert registered["registrationAccessToken"]

    other = {**create_rep("test-app-2"), "protocolMappers": [hardcoded_mapper()]}
    assert_fail(await kc.http.post(DEFAULT_REG, json=other), 403, "ProtocolMapper type not allowed")


async def test_protocol_mappers_update(kc: Env) -> None:
    """testProtocolMappersUpdate: an allowed mapper registers; adding a disallowed one refuses the update; without
    it the update passes."""
    await set_trusted_host(kc, "localhost")
    full_name = {"name": "Full name", "protocolMapper": "oidc-full-name-mapper", "protocol": "openid-connect"}
    rep = {**create_rep("test-app"), "protocolMappers": [full_name]}
    registered = body(await kc.http.post(DEFAULT_REG, json=rep), 201)
    token = registered.pop("registrationAccessToken")

    registered["protocolMappers"] = [*registered["protocolMappers"], hardcoded_mapper()]
    assert_fail(await default_update(kc, registered, token), 403, "Missing id for mapper named 'Hardcoded foo role'")

    registered["protocolMappers"] = [m for m in registered["protocolMappers"] if m["protocolMapper"] != HARDCODED_ROLE]
    response = await default_update(kc, registered, token)
    assert response.status_code == 200, response.text


async def test_protocol_mappers_remove_builtins(kc: Env) -> None:
    """testProtocolMappersRemoveBuiltins (less its consent assertions): with the hardcoded-role mapper allowed for
    anonymous registrations, the client registers with exactly that mapper."""
    await set_trusted_host(kc, "localhost")
    policy = await find_policy(kc, "allowed-protocol-mappers")
    policy["config"]["allowed-protocol-mapper-types"] = [
        *policy["config"]["allowed-protocol-mapper-types"],
        HARDCODED_ROLE,
    ]
    await update_policy(kc, policy)

    rep = {**create_rep("test-app"), "protocolMappers": [hardcoded_mapper()]}
    registered = body(await kc.http.post(DEFAULT_REG, json=rep), 201)
    [mapper] = registered["protocolMappers"]
    assert (mapper["name"], mapper["protocolMapper"]) == ("Hardcoded foo role", HARDCODED_ROLE)


async def test_anon_create_with_invalid_redirect_scheme(kc: Env) -> None:
    """testAnonCreateWithInvalidRedirectScheme: a custom scheme's host is checked like any other."""
    await set_trusted_host(kc, "localhost")
    client = create_rep_oidc()
    client["redirect_uris"] = ["invalid://bad.host"]
    assert_fail(await oidc_create(kc, client), 403, "URI doesn't match")

    client["redirect_uris"] = ["invalid://localhost"]
    created = body(await oidc_create(kc, client), 201)
    assert registration_auth(created["registration_access_token"]) == "anonymous"


async def test_client_disabled_policy(kc: Env) -> None:
    """testClientDisabledPolicy: with a client-disabled policy for anonymous registrations, a new client is
    disabled and may not be enabled through the registration service; an update keeping it disabled passes."""
    await set_trusted_host(kc, "localhost")
    client = await create(kc)
    assert (await keycloak_client(kc, client["client_id"]))["enabled"] is True

    realm_id = body(await kc.http.get(ADMIN, headers=await admin_headers(kc)))["id"]
    policy = {
        "name": "Clients disabled",
        "parentId": realm_id,
        "providerId": "client-disabled",
        "providerType": POLICY,
        "subType": "anonymous",
    }
    added = await kc.http.post(f"{ADMIN}/components", json=policy, headers=await admin_headers(kc))
    assert added.status_code == 201, added.text

    client = await create(kc)
    token = client["registration_access_token"]
    rep = await keycloak_client(kc, client["client_id"])
    assert rep["enabled"] is False

    rep["enabled"] = True
    refused = await default_update(kc, rep, token)
    assert refused.json() == {
        "error": "insufficient_scope",
        "error_description": "Policy 'Clients disabled' rejected request to client-registration service. "
        "Details: Not permitted to enable client",
    }
    assert refused.status_code == 403
    assert (await keycloak_client(kc, client["client_id"]))["enabled"] is False

    rep["enabled"] = False
    response = await default_update(kc, rep, token)
    assert response.status_code == 200, response.text


async def test_max_clients_policy(kc: Env) -> None:
    """testMaxClientsPolicy: with the limit one above the realm's client count, one more registers, the next
    is refused."""
    await set_trusted_host(kc, "localhost")
    clients = body(await kc.http.get(f"{ADMIN}/clients", headers=await admin_headers(kc)))
    limit = len(clients) + 1
    policy = await find_policy(kc, "max-clients")
    policy["config"]["max-clients"] = [str(limit)]
    await update_policy(kc, policy)

    await create(kc)
    assert_fail(await oidc_create(kc, create_rep_oidc()), 403, f"It's allowed to have max {limit} clients per realm")


async def scope_options(env: Env) -> list[str]:
    """``getProviderConfigProperty(clientScopeRep, ALLOWED_CLIENT_SCOPES)``: the client-scopes provider's options."""
    response = await env.http.get(f"{ADMIN}/client-registration-policy/providers", headers=await admin_headers(env))
    (provider,) = [p for p in body(response) if p["id"] == "allowed-client-templates"]
    (prop,) = [p for p in provider["properties"] if p["name"] == "allowed-client-scopes"]
    options: list[str] = prop["options"]
    return options


async def add_client_scope(env: Env, name: str) -> str:
    made = await env.http.post(
        f"{ADMIN}/client-scopes", json={"name": name, "protocol": "openid-connect"}, headers=await admin_headers(env)
    )
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def test_providers_client_scopes(kc: Env) -> None:
    """testProviders, its client-scope half: the allowed-client-scopes options are the realm's client scopes (and
    ``openid``), new scopes included once created."""
    options = await scope_options(kc)
    assert "profile" in options and "openid" in options
    assert "foo" not in options and "bar" not in options

    await add_client_scope(kc, "foo")
    await add_client_scope(kc, "bar")
    options = await scope_options(kc)
    assert "foo" in options and "bar" in options


async def test_client_scopes_policy(kc: Env) -> None:
    """testClientScopesPolicy: a scope outside the policy is refused on create and on update, until the admin
    API links it; then the update sending it passes."""
    await set_trusted_host(kc, "localhost")
    scope_id = await add_client_scope(kc, "foo")

    rep = {**create_rep("test-app"), "defaultClientScopes": ["foo"]}
    assert_fail(await kc.http.post(DEFAULT_REG, json=rep), 403, "Not permitted to use specified clientScope")

    del rep["defaultClientScopes"]
    registered = body(await kc.http.post(DEFAULT_REG, json=rep), 201)
    token = registered.pop("registrationAccessToken")

    registered["defaultClientScopes"] = ["foo"]
    assert_fail(await default_update(kc, registered, token), 403, "Not permitted to use specified clientScope")

    linked = await kc.http.put(
        f"{ADMIN}/clients/{registered['id']}/default-client-scopes/{scope_id}", headers=await admin_headers(kc)
    )
    assert linked.status_code == 204, linked.text
    response = await default_update(kc, registered, token)
    assert response.status_code == 200, response.text


async def test_client_scopes_policy_with_permitted_scope(kc: Env) -> None:
    """testClientScopesPolicyWithPermittedScope: once the anonymous policy lists ``foo``, a client asking for it
    registers."""
    await set_trusted_host(kc, "localhost")
    await add_client_scope(kc, "foo")

    rep = {**create_rep("test-app"), "defaultClientScopes": ["foo"]}
    assert_fail(await kc.http.post(DEFAULT_REG, json=rep), 403, "Not permitted to use specified clientScope")

    policy = await find_policy(kc, "allowed-client-templates")
    policy["config"]["allowed-client-scopes"] = ["foo"]
    await update_policy(kc, policy)
    registered = body(await kc.http.post(DEFAULT_REG, json=rep), 201)
    assert registered["registrationAccessToken"]


async def admin_created_with_hardcoded_mapper(env: Env) -> tuple[dict[str, Any], str]:
    """A client made through the admin API with the hardcoded-role mapper (a type neither mapper policy allows),
    its admin representation and a registration access token the admin API regenerated for it (an
    ``authenticated`` one, so the authenticated policies judge its updates)."""
    rep = {**create_rep("test-app"), "protocolMappers": [hardcoded_mapper()]}
    made = await env.http.post(f"{ADMIN}/clients", json=rep, headers=await admin_headers(env))
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    regenerated = await env.http.post(
        f"{ADMIN}/clients/{uuid}/registration-access-token", headers=await admin_headers(env)
    )
    token = str(body(regenerated)["registrationAccessToken"])
    client: dict[str, Any] = body(await env.http.get(f"{ADMIN}/clients/{uuid}", headers=await admin_headers(env)))
    return client, token


async def test_passing_an_already_assigned_protocol_mapper_with_disallowed_type_does_not_fail(kc: Env) -> None:
    """passingAnAlreadyAssignedProtocolMapperWithDisallowedTypeDoesNotFail: the client's own mapper sent back
    unchanged passes, whatever its type."""
    await set_trusted_host(kc, "localhost")
    client, token = await admin_created_with_hardcoded_mapper(kc)
    response = await default_update(kc, client, token)
    assert response.status_code == 200, response.text
    [mapper] = (await keycloak_client(kc, "test-app"))["protocolMappers"]
    assert mapper["protocolMapper"] == HARDCODED_ROLE


async def test_passing_new_protocol_mapper_of_disallowed_type_in_addition_to_an_already_assigned_one_fails(
    kc: Env,
) -> None:
    """passingNewProtocolMapperOfDisallowedTypeInAdditionToAnAlreadyAssignedOneOfTheSameTypeFails: the new one
    has no id."""
    await set_trusted_host(kc, "localhost")
    client, token = await admin_created_with_hardcoded_mapper(kc)
    client["protocolMappers"].append(hardcoded_mapper())
    refused = await default_update(kc, client, token)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "insufficient_scope",
        "error_description": "Policy 'Allowed Protocol Mapper Types' rejected request to client-registration "
        "service. Details: Missing id for mapper named 'Hardcoded foo role'",
    }
    assert len((await keycloak_client(kc, "test-app"))["protocolMappers"]) == 1


async def test_altering_an_already_assigned_protocol_mappers_config_with_disallowed_type_fails(kc: Env) -> None:
    """alteringAnAlreadyAssignedProtocolMappersConfigWithDisallowedTypeFails."""
    await set_trusted_host(kc, "localhost")
    client, token = await admin_created_with_hardcoded_mapper(kc)
    for mapper in client["protocolMappers"]:
        mapper["config"]["foo"] = "bar"
    assert_fail(await default_update(kc, client, token), 403, "ProtocolMapper type not allowed")
    [mapper] = (await keycloak_client(kc, "test-app"))["protocolMappers"]
    assert "foo" not in mapper["config"]


async def test_altering_an_already_assigned_protocol_mappers_id_with_disallowed_type_fails(kc: Env) -> None:
    """alteringAnAlreadyAssignedProtocolMappersIdWithDisallowedTypeFails."""
    await set_trusted_host(kc, "localhost")
    client, token = await admin_created_with_hardcoded_mapper(kc)
    other = "0b5f3c52-4a44-4a8e-9d6c-5f1e0b1c2d3e"
    for mapper in client["protocolMappers"]:
        mapper["id"] = other
    assert_fail(await default_update(kc, client, token), 403, f"No existing mapper model found for id '{other}'")


async def test_protocol_mappers_consent_required(kc: Env) -> None:
    """testProtocolMappersConsentRequired (Keycloak 26's form): a client registered without mappers answers
    none (the built-in ones come from client scopes)."""
    await set_trusted_host(kc, "localhost")
    registered = body(await kc.http.post(DEFAULT_REG, json=create_rep("test-app")), 201)
    assert registered.get("protocolMappers") is None


async def test_register_fake_client_scope(kc: Env) -> None:
    """testRegisterFakeClientScope: a client-scopes policy naming a scope the realm lacks is refused, added or
    updated."""
    realm_id = body(await kc.http.get(ADMIN, headers=await admin_headers(kc)))["id"]
    policy = {
        "name": "Clients scopes not allowed",
        "parentId": realm_id,
        "providerId": "allowed-client-templates",
        "providerType": POLICY,
        "subType": "anonymous",
        "config": {"allowed-client-scopes": ["foo1"]},
    }
    added = await kc.http.post(f"{ADMIN}/components", json=policy, headers=await admin_headers(kc))
    assert added.status_code == 400
    assert added.json()["errorMessage"] == "Client scopes not allowed: [foo1]"

    rep = await find_policy(kc, "allowed-client-templates")
    rep["config"]["allowed-client-scopes"] = ["foo2"]
    updated = await kc.http.put(f"{ADMIN}/components/{rep['id']}", json=rep, headers=await admin_headers(kc))
    assert updated.status_code == 400
    assert updated.json()["errorMessage"] == "Client scopes not allowed: [foo2]"
