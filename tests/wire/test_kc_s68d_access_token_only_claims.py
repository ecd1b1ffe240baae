"""KcOidcAccessTokenOnlyClaimsUserAttributeMapperTest (tests/base, OidcUserAttributeMapperTest's methods with the
provider's claims put in the access token only): a keycloak-oidc provider's access token is validated and its
claims are the first the claim mappers search (KeycloakOIDCIdentityProvider.processAccessTokenResponse,
VALIDATED_ACCESS_TOKEN; AbstractClaimMapper.getClaimValue), so an Attribute Importer reading ``user-attribute``
finds it though neither the ID token nor userinfo carries it. Doorkeep read only the ID token and userinfo."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, alice_after_login, served
from flow_builder import admin
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_CLIENTS = "/admin/realms/provider/clients"
MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
ATTRIBUTE = "user-attribute"  # KcOidcBrokerConfiguration.ATTRIBUTE_TO_MAP_NAME
MAPPED = "mapped-user-attribute"


async def _access_token_only_claim(broker: Broker) -> None:
    """The provider client's User Attribute mapper, in the access token only."""
    [client] = (await admin(broker.env, "GET", f"{PROVIDER_CLIENTS}?clientId=broker-app", status=200)).json()
    mapper = {
        "name": ATTRIBUTE,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": ATTRIBUTE,
            "claim.name": ATTRIBUTE,
            "multivalued": "true",
            "access.token.claim": "true",
            "id.token.claim": "false",
            "userinfo.token.claim": "false",
        },
    }
    await admin(broker.env, "POST", f"{PROVIDER_CLIENTS}/{client['id']}/protocol-mappers/models", mapper, status=201)


async def _importer(broker: Broker, sync_mode: str) -> None:
    config = {"syncMode": sync_mode, "claim": ATTRIBUTE, "user.attribute": MAPPED}
    rep = {"name": "attribute-importer", "identityProviderMapper": "oidc-user-attribute-idp-mapper"}
    await admin(broker.env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS, "config": config}, status=201)


async def _mapped_after_login(broker: Broker) -> Any:
    user = await alice_after_login(broker)
    return (user.get("attributes") or {}).get(MAPPED)


async def _twice(env: Env, sync_mode: str, initial: list[str], modified: list[str]) -> tuple[Any, Any]:
    """testValueMapping: the mapped attribute after the first login, then after the provider's user changed."""
    async with served(env) as broker:
        await broker.add_provider()
        await _access_token_only_claim(broker)
        await _importer(broker, sync_mode)
        await update_user(env.db, "provider", "alice", attributes={ATTRIBUTE: initial})
        first = await _mapped_after_login(broker)
        await update_user(env.db, "provider", "alice", attributes={ATTRIBUTE: modified})
        return first, await _mapped_after_login(broker)


async def test_basic_mapping_single_value_force(env: Env) -> None:
    """AbstractUserAttributeMapperTest#testBasicMappingSingleValueForce."""
    assert await _twice(env, "FORCE", ["value 1"], ["second value"]) == (["value 1"], ["second value"])


async def test_basic_mapping_single_value_import(env: Env) -> None:
    """AbstractUserAttributeMapperTest#testBasicMappingSingleValueImport."""
    assert await _twice(env, "IMPORT", ["value 1"], ["second value"]) == (["value 1"], ["value 1"])


async def test_multiple_values_are_modified_in_sync_mode_force(env: Env) -> None:
    """AbstractUserAttributeMapperTest#testBasicMappingAttributeWithMultipleValuesIsModifiedInSyncModeForce."""
    first, second = await _twice(env, "FORCE", ["value 1", "value 2"], ["second value", "second value 2"])
    assert sorted(first) == ["value 1", "value 2"] and sorted(second) == ["second value", "second value 2"]
