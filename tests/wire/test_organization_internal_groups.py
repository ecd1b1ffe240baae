"""The realm's group APIs refuse an organization's group and its internal group (UserResource's
checkGroupMembershipPermission) with one indexed query, whatever the number of organizations: among many
organizations of two realms, a user joining or leaving each kind of group gets the answer the scan of every
organization gave (400 for this realm's organizations, 404 for another realm's, 204 for a realm group)."""

from __future__ import annotations

import pytest

from doorkeep.model import Group
from doorkeep.organizations.model import Organization, internal_group_id
from org_groups import member, organization
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
NOT_HERE = {"errorMessage": "Cannot access organization related group via non Organization API."}


async def _many(env: Env, realm_name: str, count: int) -> list[tuple[str, str]]:
    """``count`` organizations of the realm, each with one group: (internal group id, group id) of each."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        out = []
        for i in range(count):
            org = Organization(f"{realm_name}-org-{i:03}", realm.id, f"org{i}", f"org{i}")
            await tx.organizations.save(org, new=True)
            grp = Group(f"{realm_name}-grp-{i:03}", realm.id, "team", None, "/team")
            await tx.organization_groups.save(org.id, grp, new=True)
            out.append((internal_group_id(org.id), grp.id))
    return out


async def test_among_many_organizations_each_group_id_gets_the_answer_of_its_kind(realm: Env) -> None:
    env = realm
    await seed_realm(env.db, env.clock, name="elsewhere")
    alice = await member(env, await organization(env), "alice")
    mine, theirs = await _many(env, "test", 40), await _many(env, "elsewhere", 40)
    h = await env.admin_headers()
    plain = (await env.http.post(f"{ADMIN}/groups", json={"name": "plain"}, headers=h)).headers["location"]
    for method in ("PUT", "DELETE"):
        for group_id in [gid for pair in mine for gid in pair]:
            answer = await env.http.request(method, f"{ADMIN}/users/{alice}/groups/{group_id}", headers=h)
            assert (answer.status_code, answer.json()) == (400, NOT_HERE), (method, group_id)
        for group_id in [gid for pair in theirs for gid in pair]:
            answer = await env.http.request(method, f"{ADMIN}/users/{alice}/groups/{group_id}", headers=h)
            assert answer.status_code == 404, (method, group_id)
        done = await env.http.request(method, f"{ADMIN}/users/{alice}/groups/{plain.rsplit('/', 1)[1]}", headers=h)
        assert done.status_code == 204
    for internal, grp in mine[::13]:  # moving one under the realm's groups: refused as well
        for group_id in (internal, grp):
            moved = await env.http.post(f"{ADMIN}/groups", json={"id": group_id, "name": "x"}, headers=h)
            assert (moved.status_code, moved.json()) == (400, NOT_HERE)
