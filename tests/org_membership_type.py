"""What the tests of an organization member's membership type share (OrganizationMemberResource
.updateMembershipType, Keycloak 26.8): an organization, a member, the raw ``PUT .../membership-type`` and the
member's type as the admin API reads it."""

from __future__ import annotations

import httpx

from support import seed_user
from wire_env import Env


async def new_org(env: Env, name: str, realm: str = "test") -> str:
    """Organizations enabled in ``realm`` and organization ``name`` (domain ``{name}.org``) made there: its id."""
    h = await env.admin_headers()
    answer = await env.http.put(f"/admin/realms/{realm}", json={"organizationsEnabled": True}, headers=h)
    assert answer.status_code == 204
    rep = {"name": name, "domains": [{"name": f"{name}.org"}]}
    made = await env.http.post(f"/admin/realms/{realm}/organizations", json=rep, headers=h)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def new_member(env: Env, org: str, username: str, realm: str = "test") -> str:
    """User ``username`` (e-mail ``{username}@{username}.org``) made a member of ``org``: the user's id."""
    user = (await seed_user(env.db, env.clock, realm, username, email=f"{username}@{username}.org")).id
    h = await env.admin_headers()
    added = await env.http.post(f"/admin/realms/{realm}/organizations/{org}/members", content=user, headers=h)
    assert added.status_code == 201, added.text
    return user


async def put_type(
    env: Env, org: str, user: str, content: str | bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    """``PUT`` realm ``test``'s ``organizations/{org}/members/{user}/membership-type`` with the JSON body
    ``content`` as sent, by ``headers`` (the master admin when None)."""
    h = {**(headers or await env.admin_headers()), "Content-Type": "application/json"}
    path = f"/admin/realms/test/organizations/{org}/members/{user}/membership-type"
    return await env.http.put(path, content=content, headers=h)


async def type_of(env: Env, org: str, user: str, realm: str = "test") -> str:
    """The member's ``membershipType`` as the master admin reads it."""
    h = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/{realm}/organizations/{org}/members/{user}", headers=h)
    assert got.status_code == 200, got.text
    return str(got.json()["membershipType"])
