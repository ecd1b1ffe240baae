"""Keycloak's OrganizationOIDCBrokerSelfRegistrationTest (testsuite organization/broker/): its own method. The
methods it inherits from AbstractBrokerSelfRegistrationTest are OrganizationBrokerSelfRegistrationTest's, ported
in test_organization_broker_login.py, test_organization_identity_first.py and the
test_keycloak_organization_* modules."""

from __future__ import annotations

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"
MASKED = "**********"


async def test_masked_secret_in_idp_representation(realm: Env) -> None:
    """OrganizationOIDCBrokerSelfRegistrationTest#testMaskedSecretInIDPRepresentation: the organization's providers,
    listed and one by one, show the client secret masked (AbstractBrokerSelfRegistrationTest#createOrganization:
    organization ``neworg`` with its OpenID Connect broker)."""
    await admin(realm, "PUT", "/admin/realms/test", {"organizationsEnabled": True}, 204)
    body = {"name": "neworg", "alias": "neworg", "domains": [{"name": "neworg.org"}]}
    org = (await admin(realm, "POST", ORGS, body, 201)).headers["location"].rsplit("/", 1)[1]
    for alias in ("kc-oidc-idp", "second-oidc-idp"):
        idp = {
            "alias": alias,
            "providerId": "oidc",
            "enabled": True,
            "config": {
                "clientId": "broker-app",
                "clientSecret": "broker-app-secret",
                "authorizationUrl": "https://idp.example/auth",
                "tokenUrl": "https://idp.example/token",
                "kc.org.domain": "neworg.org",
            },
        }
        await admin(realm, "POST", "/admin/realms/test/identity-provider/instances", idp, 201)
        await admin(realm, "POST", f"{ORGS}/{org}/identity-providers", alias, 204)

    listed = (await admin(realm, "GET", f"{ORGS}/{org}/identity-providers", status=200)).json()
    assert sorted(p["alias"] for p in listed) == ["kc-oidc-idp", "second-oidc-idp"]
    assert [p["config"]["clientSecret"] for p in listed] == [MASKED, MASKED]
    for provider in listed:
        one = (await admin(realm, "GET", f"{ORGS}/{org}/identity-providers/{provider['alias']}", status=200)).json()
        assert one["config"]["clientSecret"] == MASKED
    # the secret is kept, only hidden: the realm's own provider endpoint masks it the same way
    got = (await admin(realm, "GET", "/admin/realms/test/identity-provider/instances/kc-oidc-idp", status=200)).json()
    assert got["config"]["clientSecret"] == MASKED
