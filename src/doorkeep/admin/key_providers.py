"""A realm's key providers as the Admin REST API changes them (Keycloak's ComponentResource for
``org.keycloak.keys.KeyProvider``): create, update, delete, shared by ``/components`` and the Admin Console.

The rules are ``keys.components``' (the providers' validateConfiguration); this module only spells the three
writes once: which id a new component gets, how an update merges into what is stored (the masked private key
of an imported ``rsa`` key keeps the stored one), and that each write lands in the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from doorkeep.admin.stored_text import refuse_longer, refuse_nul
from doorkeep.errors import AdminError
from doorkeep.keys import components as kc
from doorkeep.keys import given_material
from doorkeep.model import Realm, RealmKey
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOT_FOUND = "Could not find component"


async def stored(tx: Tx, realm: Realm, component_id: str) -> RealmKey:
    """The realm's key provider ``component_id``; ComponentResource's 404 without one."""
    key = await tx.keys.component(realm.id, component_id)
    if key is None:
        raise AdminError(404, NOT_FOUND, key="error")
    return key


async def listed(tx: Tx, realm: Realm) -> list[RealmKey]:
    """The realm's key providers in the order ``GET components`` lists them (creation, then id)."""
    return sorted(await tx.keys.list(realm.id), key=lambda k: (k.created, k.component_id))


async def create(tx: Tx, realm: Realm, rep: Mapping[str, Any], now: int) -> RealmKey:
    """ComponentResource.create: the representation's ``id`` if free (and at most 36 characters), else a new one;
    key material the config gives is kept when its size or curve is the config's (``keys.given_material``)."""
    wanted = rep.get("id")
    taken = isinstance(wanted, str) and await tx.keys.component(realm.id, wanted) is not None
    component_id = wanted if isinstance(wanted, str) and 0 < len(wanted) <= 36 and not taken else new_id()
    if rep.get("providerType") is None:
        raise kc.no_such_provider()
    provider_id = str(rep.get("providerId") or "")
    config, held = given_material.given(provider_id, kc.clean(rep.get("config")), realm_id=realm.id, now=now)
    key = kc.build(
        rep, config, realm_id=realm.id, realm_name=realm.name, component_id=component_id, now=now, stored=held
    )
    if held is not None and key.kid == held.kid and await tx.keys.kid_clashes(key):
        # a kid another key holds with other material (a kid a config named): a key of its own, never two keys
        # under one kid; one key given to two providers is kept twice under its kid, as Keycloak keeps both
        key = kc.build(rep, config, realm_id=realm.id, realm_name=realm.name, component_id=component_id, now=now)
    refuse_nul(key.name)
    refuse_longer(key.name)
    await tx.keys.add_component(key)
    return key


async def update(tx: Tx, realm: Realm, old: RealmKey, rep: Mapping[str, Any], now: int) -> RealmKey:
    """ComponentResource.updateComponent: ``rep`` merged into ``old`` (RepresentationToModel.updateComponent)."""
    provider_id = str(rep.get("providerId") or old.provider_id)
    config = kc.merge(old.config, rep.get("config"), provider_id)
    if provider_id in kc.IMPORTED and config.get("privateKey") in (None, [kc.SECRET_VALUE]):
        config["privateKey"] = [old.private]  # the key kept behind the mask
    key = kc.build(
        {**rep, "providerId": provider_id},
        config,
        realm_id=realm.id,
        realm_name=realm.name,
        component_id=old.component_id,
        now=now,
        stored=old,
    )
    refuse_nul(key.name)
    refuse_longer(key.name)
    await tx.keys.replace_component(key)
    return key


async def delete(tx: Tx, realm: Realm, old: RealmKey) -> None:
    """ComponentResource.removeComponent."""
    await tx.keys.remove_component(realm.id, old.component_id)
