"""ExternalKeycloakRoleToRoleMapperTest (tests/base, all 5 methods): the keycloak-oidc provider's External Role to
Role mapper (``keycloak-oidc-role-to-role-idp-mapper``) grants the consumer's role when the provider's validated
access token holds the external role (``realm_access.roles``; ``client.role`` in ``resource_access``): at the first
login in every mode; at a later login in FORCE only, where it also takes the role back once the provider's user
lost the external role; LEGACY does nothing after the first login. Doorkeep neither listed nor ran this type."""

from __future__ import annotations

import pytest

from admin_support import mapped
from broker_support import ALIAS, Broker, alice_after_login, served
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
EXTERNAL = "user"  # ROLE_USER, a realm role of the provider realm
LOCAL = "mapped-from-provider"


async def _roles(broker: Broker) -> str:
    """The provider realm's role, granted to alice; the consumer's role. Returns the provider user's role URL."""
    env = broker.env
    await admin(env, "POST", "/admin/realms/provider/roles", {"name": EXTERNAL}, 201)
    await admin(env, "POST", "/admin/realms/test/roles", {"name": LOCAL}, 201)
    role = (await admin(env, "GET", f"/admin/realms/provider/roles/{EXTERNAL}", status=200)).json()
    [alice] = (await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)).json()
    url = f"/admin/realms/provider/users/{alice['id']}/role-mappings/realm"
    await admin(env, "POST", url, [role], 204)
    return url


async def _mapper(broker: Broker, sync_mode: str) -> None:
    config = {"syncMode": sync_mode, "external.role": EXTERNAL, "role": LOCAL}
    rep = {"name": "external-keycloak-role-mapper", "identityProviderMapper": "keycloak-oidc-role-to-role-idp-mapper"}
    await admin(broker.env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS, "config": config}, status=201)


async def _has_local_role(broker: Broker) -> bool:
    user = await alice_after_login(broker)
    return LOCAL in await mapped(broker.env, "test", user["id"])


async def _mapper_first(env: Env, sync_mode: str) -> bool:
    """createMapperThenLoginAsUserTwice...: the provider's user loses the external role between the logins."""
    async with served(env) as broker:
        await broker.add_provider()
        granted = await _roles(broker)
        await _mapper(broker, sync_mode)
        assert await _has_local_role(broker)
        role = (await admin(env, "GET", f"/admin/realms/provider/roles/{EXTERNAL}", status=200)).json()
        removed = await env.http.request("DELETE", granted, json=[role], headers=await env.admin_headers())
        assert removed.status_code == 204, removed.text
        return await _has_local_role(broker)


async def _mapper_later(env: Env, sync_mode: str) -> bool:
    """loginAsUserThenCreateMapperAndLoginAgain...: the external role kept."""
    async with served(env) as broker:
        await broker.add_provider()
        await _roles(broker)
        assert not await _has_local_role(broker)
        await _mapper(broker, sync_mode)
        return await _has_local_role(broker)


async def test_mapper_grants_role_on_first_login(env: Env) -> None:
    """#mapperGrantsRoleOnFirstLogin."""
    assert await _mapper_first(env, "IMPORT")


async def test_update_brokered_user_does_not_grant_role_in_legacy_mode(env: Env) -> None:
    """#updateBrokeredUserDoesNotGrantRoleInLegacyMode."""
    assert not await _mapper_later(env, "LEGACY")


async def test_update_brokered_user_grants_role_in_force_mode(env: Env) -> None:
    """#updateBrokeredUserGrantsRoleInForceMode."""
    assert await _mapper_later(env, "FORCE")


async def test_update_brokered_user_match_deletes_role_in_force_mode(env: Env) -> None:
    """#updateBrokeredUserMatchDeletesRoleInForceMode."""
    assert not await _mapper_first(env, "FORCE")


async def test_update_brokered_user_match_does_not_delete_role_in_legacy_mode(env: Env) -> None:
    """#updateBrokeredUserMatchDoesNotDeleteRoleInLegacyMode."""
    assert await _mapper_first(env, "LEGACY")
