"""Organization groups over the wire: a realm with organizations on, organizations, and their groups made through
the Admin REST (Keycloak 26.6's OrganizationGroupsResource)."""

from __future__ import annotations

from typing import Any

from org_invitations import ORGS, create_org
from support import seed_user
from wire_env import Env


async def organization(env: Env, name: str = "neworg", **extra: Any) -> str:
    """The id of a new organization ``name`` (domain ``name``.org; ``extra`` fields) in realm ``test``,
    organizations turned on."""
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    return await create_org(env, **{"name": name, "domains": [{"name": f"{name}.org"}], **extra})


async def group(env: Env, org: str, name: str, parent: str | None = None, **extra: Any) -> str:
    """The id of a new group of ``org``: top-level, or under ``parent``."""
    url = f"{ORGS}/{org}/groups" + (f"/{parent}/children" if parent else "")
    made = await env.http.post(url, json={"name": name, **extra}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def get(env: Env, path: str, **params: Any) -> Any:
    """``GET organizations/{path}`` as the master admin: the body of a 200."""
    found = await env.http.get(f"{ORGS}/{path}", params=params, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return found.json()


async def member(env: Env, org: str, username: str, email: str | None = None) -> str:
    """The id of a new user of realm ``test`` made an (unmanaged) member of ``org``."""
    user = (await seed_user(env.db, env.clock, "test", username, email=email or f"{username}@neworg.org")).id
    added = await env.http.post(f"{ORGS}/{org}/members", content=user, headers=await env.admin_headers())
    assert added.status_code == 201, added.text
    return user


async def status(env: Env, method: str, path: str, body: Any = None) -> int:
    """The status of ``method organizations/{path}`` as the master admin (``body`` sent as JSON)."""
    sent = await env.http.request(method, f"{ORGS}/{path}", json=body, headers=await env.admin_headers())
    return sent.status_code


async def stored(env: Env, group_id: str) -> bool:
    """Whether any organization still holds the group ``group_id`` (what Keycloak's tests read on the server)."""
    async with env.db.transaction() as tx:
        return await tx.organization_groups.organization_of(group_id) is not None


async def engineering_pair(env: Env) -> tuple[str, str]:
    """An organization whose group ``Engineering`` has two members (member1@ and member2@example.com): the ids of
    the organization and the group."""
    org = await organization(env)
    users = [await member(env, org, name, f"{name}@example.com") for name in ("member1", "member2")]
    gid = await group(env, org, "Engineering")
    for user in users:
        assert await status(env, "PUT", f"{org}/groups/{gid}/members/{user}") == 204
    return org, gid


# OrganizationGroupMembershipMapper on the realm's ``organization`` scope, as Keycloak's mapper tests add it.
GROUP_MAPPER = {
    "name": "organization-groups",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-organization-group-membership-mapper",
    "config": {"access.token.claim": "true", "id.token.claim": "true", "introspection.token.claim": "true"},
}
