"""A realm's client registration policies written as ComponentResource writes components of type
``ClientRegistrationPolicy``: validated by their provider, held to what PostgreSQL's columns can store, then added,
replaced or removed. ``/components`` (web/admin/components.py) and the Admin Console's Client registration →
Policies both write through here, so that they answer alike. Free of HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin.stored_text import NAME_COLUMN, refuse_longer, refuse_nul
from doorkeep.clientreg import policy_components as pc
from doorkeep.keys import components as kc
from doorkeep.model import Realm, RegistrationPolicy
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def scope_names(tx: Tx, realm: Realm) -> list[str]:
    return [s.name for s in await tx.scopes.list(realm.id)]


async def _validated(tx: Tx, realm: Realm, provider_id: Any, config: dict[str, list[str]]) -> None:
    if not isinstance(provider_id, str) or provider_id not in pc.PROVIDERS:  # as a providerType no string
        raise kc.no_such_provider()
    pc.validate(str(provider_id), config, await scope_names(tx, realm))


def _storable(policy: RegistrationPolicy) -> None:
    """PostgreSQL's 400 "Invalid input" for a name or sub-type its columns cannot hold, on SQLite too."""
    for value, limit in ((policy.name, NAME_COLUMN), (policy.sub_type, 64)):
        refuse_nul(value)
        refuse_longer(value, limit)


async def create(tx: Tx, realm: Realm, rep: dict[str, Any]) -> RegistrationPolicy:
    """ComponentResource.create for a policy: validated, then stored after the realm's others."""
    config = pc.clean(rep.get("config"))
    await _validated(tx, realm, rep.get("providerId"), config)
    wanted = rep.get("id")
    taken = isinstance(wanted, str) and await tx.registration_policies.id_taken(wanted)
    policy_id = wanted if isinstance(wanted, str) and 0 < len(wanted) <= 36 and not taken else new_id()
    policy = pc.built(rep, realm.id, policy_id, config)
    _storable(policy)
    await tx.registration_policies.add(policy)
    return policy


async def update(tx: Tx, realm: Realm, stored: RegistrationPolicy, rep: dict[str, Any]) -> None:
    """ComponentResource.updateComponent: declared config keys replaced (given blank: removed), then the
    provider validates the whole."""
    provider_id = rep.get("providerId") or stored.provider_id
    declared = pc.declared(str(provider_id))
    config = kc.merge_declared(stored.config, rep.get("config"), declared)
    await _validated(tx, realm, provider_id, config)
    name = rep.get("name")
    sub_type = rep.get("subType") if rep.get("subType") is not None else stored.sub_type
    merged = {"name": name if isinstance(name, str) else stored.name, "providerId": provider_id, "subType": sub_type}
    policy = pc.built(merged, realm.id, stored.id, config)
    _storable(policy)
    await tx.registration_policies.replace(policy)


async def delete(tx: Tx, realm: Realm, stored: RegistrationPolicy) -> None:
    """ComponentResource.removeComponent."""
    await tx.registration_policies.remove(realm.id, stored.id)
