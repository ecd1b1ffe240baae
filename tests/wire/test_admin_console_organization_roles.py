"""The Admin Console's Organizations pages under Keycloak 26.7's organization admin roles (both engines): a
manage-organizations administrator sees the section and works on organizations; members also ask the users'
roles, as the REST calls do (listing view-users, adding and removing manage-users); view-organizations alone does
not open the pages, which read and write on the same forms."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from console_support import HTML, post_pairs, sign_in
from support import seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
REST = "/admin/realms/test/organizations"
USERS = "/admin/test/console/test/users"


async def _acme(env: Env) -> tuple[str, str]:
    """Organizations on, ``acme`` with no member; user2's id."""
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    made = await env.http.post(REST, json={"name": "acme", "domains": [{"name": "acme.org"}]}, headers=h)
    assert made.status_code == 201
    user = await seed_user(env.db, env.clock, "test", "user2")
    return str(made.headers["location"].rsplit("/", 1)[1]), user.id


async def _members(env: Env, oid: str) -> list[str]:
    found = await env.http.get(f"{REST}/{oid}/members", headers=await env.admin_headers())
    return [m["username"] for m in found.json()]


async def test_manage_organizations_opens_the_section_and_members_ask_the_users_roles(realm: Env) -> None:
    env = realm
    oid, user2 = await _acme(env)
    await make_admin(env, "test", "org-boss", "manage-organizations", "view-realm")
    await make_admin(env, "test", "org-hr", "manage-organizations", "manage-users")
    async with client_at(env, "127.0.0.5") as http:
        await sign_in(http, "/admin/test/console/", "org-boss")
        listing = await http.get(ORGS, headers=HTML)
        assert listing.status_code == 200 and ">acme</a>" in listing.text and ">Organizations</a>" in listing.text
        made = await post_pairs(http, f"{ORGS}/new", [("name", "beta"), ("domains", "beta.org")], token_from=ORGS)
        assert made.status_code == 303, made.text
        assert (await http.get(f"{ORGS}/{oid}/members", headers=HTML)).status_code == 403  # no view-users
        added = await post_pairs(http, f"{ORGS}/{oid}/members/add", [("id", user2)], token_from=ORGS)
        assert added.status_code == 403 and await _members(env, oid) == []
    async with client_at(env, "127.0.0.6") as http:
        await sign_in(http, "/admin/test/console/", "org-hr")
        assert (await http.get(f"{ORGS}/{oid}/members", headers=HTML)).status_code == 200
        added = await post_pairs(http, f"{ORGS}/{oid}/members/add", [("id", user2)], token_from=ORGS)
        assert added.status_code == 303 and await _members(env, oid) == ["user2"]
    names = sorted(o["name"] for o in (await env.http.get(REST, headers=await env.admin_headers())).json())
    assert names == ["acme", "beta"]


async def test_view_organizations_alone_opens_no_page(realm: Env) -> None:
    env = realm
    oid, _ = await _acme(env)
    await make_admin(env, "test", "org-viewer", "view-organizations", "view-users")
    async with client_at(env, "127.0.0.7") as http:
        await sign_in(http, "/admin/test/console/", "org-viewer")
        assert ">Organizations</a>" not in (await http.get(USERS, headers=HTML)).text
        assert (await http.get(ORGS, headers=HTML)).status_code == 403
        refused = await post_pairs(http, f"{ORGS}/{oid}/delete", [("confirmed", "yes")], token_from=USERS)
        assert refused.status_code == 403
    assert len((await env.http.get(REST, headers=await env.admin_headers())).json()) == 1


async def test_removing_a_member_asks_manage_users(realm: Env) -> None:
    env = realm
    oid, user2 = await _acme(env)
    joined = await env.http.post(f"{REST}/{oid}/members", content=user2, headers=await env.admin_headers())
    assert joined.status_code == 201
    await make_admin(env, "test", "org-boss", "manage-organizations", "view-users")
    async with client_at(env, "127.0.0.8") as http:
        await sign_in(http, "/admin/test/console/", "org-boss")
        refused = await post_pairs(
            http, f"{ORGS}/{oid}/members/{user2}/remove", [("confirmed", "yes")], token_from=ORGS
        )
        assert refused.status_code == 403
    assert await _members(env, oid) == ["user2"]
