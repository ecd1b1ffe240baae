"""Hostile calls to the organization groups' Admin REST: another realm's group and organization, bodies that are
not a group, bad paging, odd paths and names. Keycloak's codes, never a 500."""

from __future__ import annotations

import pytest

from org_groups import group, member, organization
from org_invitations import ORGS
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _elsewhere_group(env: Env) -> tuple[str, str]:
    """An organization of realm ``elsewhere`` and one of its groups."""
    await seed_realm(env.db, env.clock, name="elsewhere")
    h = await env.admin_headers()
    base = "/admin/realms/elsewhere"
    assert (await env.http.put(base, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post(f"{base}/organizations", json={"name": "far", "domains": []}, headers=h)
    assert made.status_code == 201, made.text
    org = made.headers["location"].rsplit("/", 1)[1]
    grp = await env.http.post(f"{base}/organizations/{org}/groups", json={"name": "far-group"}, headers=h)
    assert grp.status_code == 201
    return org, grp.json()["id"]


async def test_another_realms_group_and_organization_are_unknown_here(realm: Env) -> None:
    env = realm
    org, h = await organization(env), await env.admin_headers()
    mine = await group(env, org, "mine")
    far_org, far_group = await _elsewhere_group(env)
    read = await env.http.get(f"{ORGS}/{org}/groups/{far_group}", headers=h)
    assert (read.status_code, read.json()) == (404, {"errorMessage": "Group does not exist"})
    moved = await env.http.post(f"{ORGS}/{org}/groups/{mine}/children", json={"id": far_group, "name": "x"}, headers=h)
    assert (moved.status_code, moved.json()) == (404, {"error": "Could not find child by id"})
    assert (await env.http.get(f"{ORGS}/{far_org}/groups", headers=h)).status_code == 404  # not this realm's
    joined = await env.http.put(f"/admin/realms/test/users/x/groups/{far_group}", headers=h)
    assert joined.status_code == 404


async def test_bodies_paging_and_paths_that_are_no_group(realm: Env) -> None:
    env = realm
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "g")
    for body in (b"[1, 2]", b"not json", b'"a string"'):
        sent = await env.http.post(
            f"{ORGS}/{org}/groups", content=body, headers={**h, "Content-Type": "application/json"}
        )
        assert sent.status_code == 400, (body, sent.text)
        put = await env.http.put(
            f"{ORGS}/{org}/groups/{gid}", content=body, headers={**h, "Content-Type": "application/json"}
        )
        assert put.status_code == 400
    bad_attrs = await env.http.post(
        f"{ORGS}/{org}/groups", json={"name": "a", "attributes": {"k": [{"x": 1}]}}, headers=h
    )
    assert bad_attrs.status_code == 400
    bad_id = await env.http.put(f"{ORGS}/{org}/groups/{gid}", json={"name": "g", "id": "other"}, headers=h)
    assert (bad_id.status_code, bad_id.json()) == (400, {"errorMessage": "Invalid group id"})
    for params in ({"first": "x"}, {"max": "99999999999"}):
        assert (await env.http.get(f"{ORGS}/{org}/groups", params=params, headers=h)).status_code == 404
    assert (
        await env.http.get(f"{ORGS}/{org}/groups", params={"first": "-5", "max": "-1"}, headers=h)
    ).status_code == 200
    for path in ("%2F%2F", "a%00b", "x" * 3000, "..%2F.."):
        odd = await env.http.get(f"{ORGS}/{org}/groups/group-by-path/{path}", headers=h)
        assert odd.status_code == 404, (path, odd.text)
    for odd_id in ("x" * 3000, "%27%20OR%201=1"):
        unknown = await env.http.get(f"{ORGS}/{org}/groups/{odd_id}", headers=h)
        assert (unknown.status_code, unknown.json()) == (404, {"errorMessage": "Group does not exist"})
    nul = await env.http.get(f"{ORGS}/{org}/groups/a%00b", headers=h)
    assert nul.status_code in (400, 404)  # PostgreSQL cannot hold a NUL: the store's guard answers 400 there
    weird = await group(env, org, "slash/and ünïcode")
    found = await env.http.get(f"{ORGS}/{org}/groups/group-by-path/slash/and ünïcode", headers=h)
    assert found.status_code == 200 and found.json()["id"] == weird
    for user in ("%20", "x" * 3000):
        assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{user}", headers=h)).status_code == 404


BAD_INPUT = {"error": "invalid_request", "error_description": "Invalid input"}  # PostgreSQL's answer to a NUL


@pytest.mark.parametrize(
    "rep",
    [
        {"name": "a\x00b"},
        {"name": "ok", "description": "d\x00"},
        {"name": "ok", "attributes": {"k\x00": ["v"]}},
        {"name": "ok", "attributes": {"k": ["v", "w\x00"]}},
        {"name": "ok", "attributes": {"k": "v\x00"}},
        {"name": "ok", "id": "a\x00"},
    ],
)
async def test_a_nul_in_any_text_of_a_group_representation_is_one_400_and_writes_nothing(
    realm: Env, rep: dict[str, object]
) -> None:
    """A NUL is PostgreSQL's 400 ``Invalid input`` on SQLite too, checked before anything is written: no group made,
    renamed, described or given attributes, on either engine."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "team", description="kept", attributes={"a": ["1"]})
    before = (await env.http.get(f"{ORGS}/{org}/groups/{gid}", headers=h)).json()
    for method, path in (
        ("POST", f"{ORGS}/{org}/groups"),
        ("POST", f"{ORGS}/{org}/groups/{gid}/children"),
        ("PUT", f"{ORGS}/{org}/groups/{gid}"),
    ):
        answer = await env.http.request(method, path, json=rep, headers=h)
        assert (answer.status_code, answer.json()) == (400, BAD_INPUT), (method, path)
    assert (await env.http.get(f"{ORGS}/{org}/groups/{gid}", headers=h)).json() == before
    listed = await env.http.get(
        f"{ORGS}/{org}/groups", params={"search": "", "briefRepresentation": "false"}, headers=h
    )
    assert [g["name"] for g in listed.json()] == ["team"] and listed.json()[0]["subGroups"] == []


async def test_a_nul_in_a_group_or_user_id_of_the_path_is_one_400_on_both_engines(realm: Env) -> None:
    """Group and user ids in the path: the same 400 on SQLite as PostgreSQL gives, and the member stays where she
    was."""
    env = realm
    org, h = await organization(env), await env.admin_headers()
    gid = await group(env, org, "team")
    alice = await member(env, org, "alice")
    assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{alice}", headers=h)).status_code == 204
    for method, path in (
        ("GET", f"{ORGS}/{org}/groups/a%00"),
        ("PUT", f"{ORGS}/{org}/groups/a%00"),
        ("DELETE", f"{ORGS}/{org}/groups/a%00"),
        ("GET", f"{ORGS}/{org}/groups/a%00/children"),
        ("GET", f"{ORGS}/{org}/groups/a%00/members"),
        ("PUT", f"{ORGS}/{org}/groups/{gid}/members/a%00"),
        ("DELETE", f"{ORGS}/{org}/groups/{gid}/members/a%00"),
        ("GET", f"{ORGS}/{org}/members/a%00/groups"),
    ):
        answer = await env.http.request(method, path, json={"name": "x"} if method == "PUT" else None, headers=h)
        assert (answer.status_code, answer.json()) == (400, BAD_INPUT), (method, path)
    members = await env.http.get(f"{ORGS}/{org}/groups/{gid}/members", headers=h)
    assert [m["username"] for m in members.json()] == ["alice"]
