"""GroupRepo.child_named (GroupProvider.getGroupByName) and admin/groups.py's find_by_path over it, which walks a
path as KeycloakModelUtils.findGroupByPath does: a run of segments may be one name holding a slash, the first name
found wins, and a path past MAX_PATH_LOOKUPS names no group. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from doorkeep.admin.groups import MAX_PATH_LOOKUPS, find_by_path
from doorkeep.model import Group
from doorkeep.store.database import Database
from store_factories import add_realm, new_id

pytestmark = pytest.mark.anyio


def _group(realm_id: str, name: str, parent: Group | None = None) -> Group:
    path = f"{parent.path if parent else ''}/{name}"
    return Group(new_id(), realm_id, name, parent.id if parent else None, path)


async def test_a_path_is_walked_as_keycloak_walks_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        top = _group(realm.id, "top")
        slashed = _group(realm.id, "x/y")  # a name with a slash, as the admin API allows
        child = _group(realm.id, "Kid", top)
        foreign = _group(other.id, "top")
        for g in (top, slashed, child, foreign):
            await tx.groups.create(g)
        assert (await tx.groups.child_named(realm.id, None, "top")) is not None
        assert await tx.groups.child_named(realm.id, None, "TOP") is None  # names compare exactly
        assert await tx.groups.child_named(realm.id, top.id, "Kid") is not None
        assert await tx.groups.child_named(realm.id, None, "Kid") is None  # not at the top level
        found = await find_by_path(tx, realm.id, "/top/Kid/")
        assert found is not None and (found.id, found.path) == (child.id, "/top/Kid")
        named = await find_by_path(tx, realm.id, "x/y")
        assert named is not None and named.id == slashed.id
        assert (await find_by_path(tx, other.id, "/top")) is not None
        for missing in ("/", "", "/top//Kid", "/top/kid", "/nothing/top", "/top/Kid/more"):
            assert await find_by_path(tx, realm.id, missing) is None, missing


async def test_a_path_of_many_unknown_segments_stops_at_the_lookup_budget(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.groups.create(_group(realm.id, "a"))
        assert await find_by_path(tx, realm.id, "/".join(["zz"] * (MAX_PATH_LOOKUPS + 5))) is None
        assert await find_by_path(tx, realm.id, "/a") is not None
