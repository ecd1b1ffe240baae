"""Keycloak's OrganizationOIDCProtocolMapperTest (tests/base organization/mapper/), the password-grant and refresh
methods no other module follows: each test names its Java method. user1 is in ``acme`` and ``beta`` (org_claims);
the realm's built-in ``organization`` scope is optional on ``app``.

Not ported: the four testOrganizationClaimNotIssued…WhenOrganizationsDisabled… / testOrganizationScopeFiltered… methods,
found only in the newest tests/base class (not in the stored arquillian class): with the realm's switch off
Doorkeep maps no claim but still grants the ``organization`` scope, where that newest Keycloak drops the scope."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid
from flow_builder import admin
from org_claims import REALM, setup, tokens
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _org_scope(env: Env) -> dict[str, Any]:
    scopes = (await admin(env, "GET", f"{REALM}/client-scopes", status=200)).json()
    [scope] = [s for s in scopes if s["name"] == "organization"]
    return dict(scope)


def _granted(body: dict[str, Any]) -> list[str]:
    return str(body.get("scope", "")).split()


async def test_organizations_claim_as_list(realm: Env) -> None:
    """testOrganizationsClaimAsList: jsonType String, multivalued: a list of aliases."""
    await setup(realm, **{"jsonType.label": "String"})
    body = await tokens(realm, "openid organization:*")
    assert sorted(claims(body["access_token"])["organization"]) == ["acme", "beta"]


async def test_organizations_claim_single_valued(realm: Env) -> None:
    """testOrganizationsClaimSingleValued: not multivalued, one alias as a string."""
    await setup(realm, multivalued="false")
    body = await tokens(realm, "openid organization:*")
    assert claims(body["access_token"])["organization"] in ("acme", "beta")


async def test_custom_claim_name(realm: Env) -> None:
    """testCustomClaimName: the claim under the mapper's claim.name only (user1 is in two organizations here, so
    an alias is asked instead of the Java test's ``organization``)."""
    await setup(realm, **{"claim.name": "my_orgs"})
    access = claims((await tokens(realm, "openid organization:acme"))["access_token"])
    assert "organization" not in access and access["my_orgs"] == ["acme"]


async def test_organization_attribute_named_id_is_overridden_by_organization_id(realm: Env) -> None:
    """testOrganizationAttributeNamedIdIsOverriddenByOrganizationId."""
    await setup(realm, addOrganizationId="true", addOrganizationAttributes="true")
    orgs = (await admin(realm, "GET", f"{REALM}/organizations?search=acme&exact=true", status=200)).json()
    acme = (await admin(realm, "GET", f"{REALM}/organizations/{orgs[0]['id']}", status=200)).json()
    await admin(realm, "PUT", f"{REALM}/organizations/{acme['id']}", {**acme, "attributes": {"id": ["custom"]}}, 204)
    claim = claims((await tokens(realm, "openid organization:acme"))["access_token"])["organization"]
    assert claim["acme"]["id"] == acme["id"]


async def test_organizations_claim_mapped_if_scope_in_token_disabled(realm: Env) -> None:
    """testOrganizationsClaimMappedIfScopeInTokenDisabled: include.in.token.scope false leaves the scope out of
    ``scope`` and still maps the claim."""
    await setup(realm)
    scope = await _org_scope(realm)
    attributes = {**scope.get("attributes", {}), "include.in.token.scope": "false"}
    await admin(realm, "PUT", f"{REALM}/client-scopes/{scope['id']}", {**scope, "attributes": attributes}, 204)
    body = await tokens(realm, "openid organization:*")
    assert not any(s.startswith("organization") for s in _granted(body))
    assert sorted(claims(body["access_token"])["organization"]) == ["acme", "beta"]


async def test_custom_organization_claim_does_not_trigger_organization_validation(realm: Env) -> None:
    """testCustomOrganizationClaimDoesNotTriggerOrganizationValidation: a hardcoded ``organization`` claim of a
    realm with organizations off passes userinfo and refresh (introspection left out here: a password-grant token of
    ``app`` introspects inactive in this realm whatever its claims, see the report)."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": False}, 204)
    app = await client_uuid(realm, "test", "app")
    mapper = {
        "name": "custom-org-mapper",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "organization",
            "claim.value": "my-company",
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }
    await admin(realm, "POST", f"{REALM}/clients/{app}/protocol-mappers/models", mapper, 201)
    body = await tokens(realm, "openid")
    assert claims(body["access_token"])["organization"] == "my-company"
    oidc = "/realms/test/protocol/openid-connect"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    info = await realm.http.get(f"{oidc}/userinfo", headers=bearer)
    assert info.status_code == 200 and info.json()["organization"] == "my-company", info.text
    again = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert again.status_code == 200 and claims(again.json()["access_token"])["organization"] == "my-company"


async def test_custom_organization_scope_name_multiple_specific(realm: Env) -> None:
    """testCustomOrganizationScopeNameMultipleSpecific: a scope ``org`` holding the membership mapper takes
    ``org:<alias>`` values; kinds mixed are 400."""
    await setup(realm)
    scope = await _org_scope(realm)
    [mapper] = scope["protocolMappers"]
    body = {
        "name": "org",
        "protocol": "openid-connect",
        "attributes": scope.get("attributes", {}),
        "protocolMappers": [{k: v for k, v in mapper.items() if k != "id"}],
    }
    made = await admin(realm, "POST", f"{REALM}/client-scopes", body, 201)
    created = made.headers["location"].rsplit("/", 1)[1]
    app = await client_uuid(realm, "test", "app")
    await admin(realm, "PUT", f"{REALM}/clients/{app}/default-client-scopes/{created}", status=204)
    both = await tokens(realm, "openid org:acme org:beta")
    assert sorted(claims(both["access_token"])["organization"]) == ["acme", "beta"]
    for mixed in ("openid org org:acme", "openid org:acme org:*"):
        refused = await password_grant(realm.http, "test", "app", "user1", scope=mixed)
        assert refused.status_code == 400, (mixed, refused.text)
