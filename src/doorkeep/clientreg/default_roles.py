"""A client's (deprecated) ``defaultRoles``: its roles the realm's ``default-roles-<realm>`` composite holds.

Keycloak still binds ``ClientRepresentation.defaultRoles``: ``RepresentationToModel.createClient`` calls
``ClientModel.addDefaultRole`` for each name (the client role made when missing, then added to the realm's
default role), ``updateClient`` calls ``updateDefaultRoles`` (the listed ones added, the client's others taken
out of the default role), and ``ModelToRepresentation`` answers the client's roles in the default role. The
client registration service's default provider reads and writes them so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.admin import operations
from doorkeep.model import Client, Realm, Role
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def names(tx: Tx, realm: Realm, client: Client) -> list[str]:
    """The client's roles in the realm's default role, by name."""
    default = await operations.default_role(tx, realm)
    if default is None:
        return []
    return sorted(r.name for r in await tx.roles.composites(default.id) if r.client_id == client.id)


async def _role(tx: Tx, realm: Realm, client: Client, name: str) -> Role:
    found = await tx.roles.get_client_role(client.id, name)
    if found is None:
        found = Role(id=new_id(), realm_id=realm.id, name=name, client_id=client.id)
        await tx.roles.create(found)
    return found


async def add(tx: Tx, realm: Realm, client: Client, wanted: list[str]) -> None:
    """``addDefaultRole`` for each name."""
    default = await operations.default_role(tx, realm)
    if default is not None and wanted:
        await tx.roles.add_composites(default.id, [(await _role(tx, realm, client, n)).id for n in wanted])


async def replace(tx: Tx, realm: Realm, client: Client, wanted: list[str]) -> None:
    """``updateDefaultRoles``: exactly these of the client's roles in the realm's default role."""
    default = await operations.default_role(tx, realm)
    if default is None:
        return
    stale = [r.id for r in await tx.roles.composites(default.id) if r.client_id == client.id and r.name not in wanted]
    if stale:
        await tx.roles.remove_composites(default.id, stale)
    await add(tx, realm, client, wanted)
