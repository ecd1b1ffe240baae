"""HardcodedUserAttributeMapperTest (tests/base): a Hardcoded Attribute mapper (``hardcoded-attribute-idp-mapper``,
``user-attribute`` = ``user-attribute``) on the keycloak-oidc provider, by its sync mode: set at the first login;
added after the first login it is set at the next one only in FORCE; once an administrator cleared the user's
attributes, the next login sets it again only in FORCE."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, alice_after_login, served
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

MAPPERS = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
ATTRIBUTE = VALUE = "user-attribute"


async def _mapper(broker: Broker, sync_mode: str) -> None:
    config = {"syncMode": sync_mode, "attribute": ATTRIBUTE, "attribute.value": VALUE}
    rep = {"name": "hardcoded-attribute-mapper", "identityProviderMapper": "hardcoded-attribute-idp-mapper"}
    await admin(broker.env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS, "config": config}, status=201)


def _assigned(user: dict[str, Any]) -> bool:
    return (user.get("attributes") or {}).get(ATTRIBUTE) == [VALUE]


async def _twice(env: Env, sync_mode: str, *, later: bool) -> bool:
    """loginAsUserTwiceWithMapper: whether the attribute is there after the second login."""
    async with served(env) as broker:
        await broker.add_provider()
        if not later:
            await _mapper(broker, sync_mode)
        user = await alice_after_login(broker)
        assert _assigned(user) is not later
        if later:
            await _mapper(broker, sync_mode)
        cleared = {**user, "attributes": {}}
        await admin(env, "PUT", f"/admin/realms/test/users/{user['id']}", cleared, status=204)
        return _assigned(await alice_after_login(broker))


async def test_add_hardcoded_attribute_on_first_login(env: Env) -> None:
    """#addHardcodedAttributeOnFirstLogin."""
    async with served(env) as broker:
        await broker.add_provider()
        await _mapper(broker, "IMPORT")
        assert _assigned(await alice_after_login(broker))


async def test_added_later_in_force_mode_the_attribute_is_set(env: Env) -> None:
    """#hardcodedAttributeGetsAddedEvenIfMapperIsAddedLaterInSyncModeForce."""
    assert await _twice(env, "FORCE", later=True)


async def test_added_later_in_import_mode_the_attribute_is_not_set(env: Env) -> None:
    """#hardcodedAttributeDoesNotGetAddedIfMapperIsAddedLaterInSyncModeImport."""
    assert not await _twice(env, "IMPORT", later=True)


async def test_import_mode_does_not_set_it_again(env: Env) -> None:
    """#hardcodedAttributeDoesNotGetAddedAgainInSyncModeImport."""
    assert not await _twice(env, "IMPORT", later=False)


async def test_force_mode_sets_it_again(env: Env) -> None:
    """#hardcodedAttributeGetsUpdatedInSyncModeForce."""
    assert await _twice(env, "FORCE", later=False)
