"""KcOidcBrokerCreateUserEnabledTest#testAutoLinkAccountWithBroker (KEYCLOAK-7270): the provider's first broker
login flow is the automatic linking one (Create User If Unique, Automatically Set Existing User), the provider has
two External Role to Role mappers (``manager``, ``user``); the brokered login creates the user and links it without
a prompt: one federated identity. Here the provider's user also holds ``manager`` and the consumer's user gets it
(the mappers run at that first login); the default flow's review and creation settings the Java test also edits do
not matter to a provider naming another flow."""

from __future__ import annotations

import pytest

from admin_support import mapped
from broker_support import ALIAS, links, provider_with, served, signs_in_linked, user_named
from flow_builder import AUTO, admin, auto_link_flow
from wire_env import Env

pytestmark = pytest.mark.anyio

MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"


async def test_auto_link_account_with_broker(env: Env) -> None:
    async with served(env) as broker:
        for realm in ("provider", "test"):
            for role in ("manager", "user"):
                await admin(env, "POST", f"/admin/realms/{realm}/roles", {"name": role}, 201)
        manager = (await admin(env, "GET", "/admin/realms/provider/roles/manager", status=200)).json()
        [alice] = (await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)).json()
        await admin(env, "POST", f"/admin/realms/provider/users/{alice['id']}/role-mappings/realm", [manager], 204)
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        for role in ("manager", "user"):
            config = {"external.role": role, "role": role}
            rep = {"name": f"{role}-role-mapper", "identityProviderMapper": "keycloak-oidc-role-to-role-idp-mapper"}
            await admin(env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS, "config": config}, 201)
        await signs_in_linked(broker, "alice")
        user = await user_named(env, "alice")
        assert user is not None and await links(env, user["id"]) == [ALIAS]
        roles = await mapped(env, "test", user["id"])
        assert "manager" in roles and "user" not in roles
