"""JsonUserAttributeMapperTest (tests/base): a GitHub Attribute Importer (``github-user-attribute-mapper``,
AbstractJsonUserAttributeMapper) on the keycloak-oidc provider reads ``jsonField`` ``user-claim.test`` from the
provider's userinfo, where the provider realm's client puts the JSON claim ``user-claim`` = ``{"test": "value"}``
(KcOidcBrokerConfiguration's HARDOCDED_CLAIM / USER_INFO_CLAIM). Each method logs in twice, the provider's claim
changed (or the mapper added) in between, and reads the consumer user's ``user-attribute``."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, alice_after_login, served
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_CLIENTS = "/admin/realms/provider/clients"
MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
ATTRIBUTE = "user-attribute"


async def _claim_mapper_url(broker: Broker) -> str:
    [client] = (await admin(broker.env, "GET", f"{PROVIDER_CLIENTS}?clientId=broker-app", status=200)).json()
    return f"{PROVIDER_CLIENTS}/{client['id']}/protocol-mappers/models"


def _claim(value: str) -> dict[str, Any]:
    return {
        "name": "user-claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "user-claim",
            "claim.value": value,
            "jsonType.label": "JSON",
            "id.token.claim": "true",
            "access.token.claim": "true",
            "userinfo.token.claim": "true",
        },
    }


async def _provider_claim(broker: Broker) -> None:
    await admin(broker.env, "POST", await _claim_mapper_url(broker), _claim('{"test": "value"}'), status=201)


async def _update_claim_sent(broker: Broker, claim: str, value: str) -> None:
    """updateClaimSentToIDP: the hardcoded claim's JSON becomes ``{claim: value}``."""
    url = await _claim_mapper_url(broker)
    [mapper] = [m for m in (await admin(broker.env, "GET", url, status=200)).json() if m["name"] == "user-claim"]
    mapper["config"]["claim.value"] = '{"' + claim + '": "' + value + '"}'
    await admin(broker.env, "PUT", f"{url}/{mapper['id']}", mapper, status=204)


async def _json_mapper(broker: Broker, sync_mode: str) -> None:
    config = {"syncMode": sync_mode, "jsonField": "user-claim.test", "userAttribute": ATTRIBUTE}
    rep = {"name": "json-attribute-mapper", "identityProviderMapper": "github-user-attribute-mapper", "config": config}
    await admin(broker.env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS}, status=201)


async def _twice(env: Env, sync_mode: str, *, later: bool, claim: str = "test", value: str = "value") -> Any:
    """loginAsUserTwiceWithMapper: the attribute after the second login (None when the user has none)."""
    async with served(env) as broker:
        await broker.add_provider()
        await _provider_claim(broker)
        if not later:
            await _json_mapper(broker, sync_mode)
        first = await alice_after_login(broker)
        assert (first.get("attributes") or {}).get(ATTRIBUTE) == (None if later else ["value"])
        if later:
            await _json_mapper(broker, sync_mode)
        else:
            await _update_claim_sent(broker, claim, value)
        second = await alice_after_login(broker)
        return (second.get("attributes") or {}).get(ATTRIBUTE)


async def test_maps_json_attribute_but_does_not_modify_in_import_mode(env: Env) -> None:
    """#loginWithIdentityProviderMapsJsonAttributeToUserAttributeButDoesNotModify."""
    assert await _twice(env, "IMPORT", later=False, value="new-value") == ["value"]


async def test_deletes_attribute_in_force_mode(env: Env) -> None:
    """#loginWithIdentityProviderDeletesAttributeInForceMode."""
    assert await _twice(env, "FORCE", later=False, claim="deleted", value="deleted") is None


async def test_does_not_delete_attribute_in_legacy_mode(env: Env) -> None:
    """#loginWithIdentityProviderDoesNotDeleteAttributeInLegacyMode."""
    assert await _twice(env, "LEGACY", later=False, claim="deleted", value="deleted") == ["value"]


async def test_modifies_attribute_in_force_mode(env: Env) -> None:
    """#loginWithIdentityProviderModifiesAttributeInForceMode."""
    assert await _twice(env, "FORCE", later=False, value="new-value") == ["new-value"]


async def test_adds_attribute_in_force_mode_when_the_mapper_is_created_later(env: Env) -> None:
    """#loginWithIdentityProviderAddsUserAttributeInForceNameWhenMapperIsCreatedLater."""
    assert await _twice(env, "FORCE", later=True) == ["value"]


async def test_does_not_add_attribute_in_import_mode_when_the_mapper_is_created_later(env: Env) -> None:
    """#loginWithIdentityProviderDoesNotAddUserAttributeInImportNameWhenMapperIsCreatedLater."""
    assert await _twice(env, "IMPORT", later=True) is None
