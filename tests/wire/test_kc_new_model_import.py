"""Keycloak's new-framework ImportTest (tests/base/.../tests/model/), the cases the admin API shows: a realm
representation created by ``POST /admin/realms`` whose parts depend on each other.

``importAcrToLoaMappingWithDefaultAcrValues`` (issue 32799, acr-values-import-bug.json): a client's
``default.acr.values`` must be keys of the realm's ``acr.loa.map``, which comes in the same file; the import does
not refuse it. The resource mtls-idp-import-bug.json beside it: an identity provider authenticating with
``tls_client_auth`` names a key provider the same file brings. The other methods run on the server (install2's
model defaults, a realm import without request context) or need authorization services or LDAP, which Doorkeep
has not by design; importUserProfile's round trip is in test_keycloak_user_profile.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def create(env: Env, rep: dict[str, Any]) -> None:
    response = await env.http.post("/admin/realms", json=rep, headers=await env.admin_headers())
    assert response.status_code == 201, response.text


async def test_import_acr_to_loa_mapping_with_default_acr_values(env: Env) -> None:
    """ImportTest#importAcrToLoaMappingWithDefaultAcrValues (the file's id set apart from its name, as the Java
    test sets it)."""
    await create(
        env,
        {
            "id": "acr-values-import-bug",
            "realm": "acr-import-bug",
            "enabled": True,
            "attributes": {"acr.loa.map": json.dumps({"silver": "1", "gold": "2"})},
            "clients": [{"clientId": "client-silver", "attributes": {"default.acr.values": "silver"}}],
        },
    )
    headers = await env.admin_headers()
    realm = (await env.http.get("/admin/realms/acr-import-bug", headers=headers)).json()
    assert json.loads(realm["attributes"]["acr.loa.map"]) == {"silver": "1", "gold": "2"}
    found = await env.http.get(
        "/admin/realms/acr-import-bug/clients", params={"clientId": "client-silver"}, headers=headers
    )
    assert found.status_code == 200, found.text
    assert found.json()[0]["attributes"]["default.acr.values"] == "silver"


async def test_import_tls_client_auth_provider_with_its_key_provider(env: Env) -> None:
    """mtls-idp-import-bug.json: the key provider the identity provider names is imported with it."""
    await create(
        env,
        {
            "id": "mtls-idp-import-bug",
            "realm": "mtls-idp-import-bug",
            "enabled": True,
            "sslRequired": "none",
            "identityProviders": [
                {
                    "alias": "mtls-oidc",
                    "providerId": "oidc",
                    "enabled": True,
                    "config": {
                        "clientId": "broker-client",
                        "clientAuthMethod": "tls_client_auth",
                        "clientCertKeyProviderId": "mtls-client-cert-key",
                        "authorizationUrl": "https://idp.example.org/auth",
                        "tokenUrl": "https://idp.example.org/token",
                    },
                }
            ],
            "components": {
                "org.keycloak.keys.KeyProvider": [
                    {
                        "id": "mtls-client-cert-key",
                        "name": "mtls-client-cert-key",
                        "providerId": "rsa-generated",
                        "subComponents": {},
                        "config": {"priority": ["100"], "enabled": ["true"], "active": ["true"], "keySize": ["2048"]},
                    }
                ]
            },
        },
    )
    headers = await env.admin_headers()
    provider = await env.http.get(
        "/admin/realms/mtls-idp-import-bug/identity-provider/instances/mtls-oidc", headers=headers
    )
    assert provider.status_code == 200, provider.text
    assert provider.json()["config"]["clientCertKeyProviderId"] == "mtls-client-cert-key"
    keys = await env.http.get("/admin/realms/mtls-idp-import-bug/keys", headers=headers)
    assert "mtls-client-cert-key" in {k.get("providerId") for k in keys.json()["keys"]}
