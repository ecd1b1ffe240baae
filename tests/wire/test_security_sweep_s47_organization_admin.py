"""Security sweep (session 47): the Admin REST of organization groups and stored invitations under attack. Every
call needs manage-realm (OrganizationsResource's requireManageRealm), in the caller's own realm; another
organization's or realm's invitation is not found and stays; hostile filters, paging and names are Keycloak's
answers, never a 500, and a LIKE wildcard in ``search`` matches only itself."""

from __future__ import annotations

import pytest

from admin_support import forbidden, realm_admin
from mail_sink import Sink
from org_groups import group
from org_invitations import ORGS, create_org, enable, invite, stored
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _org_with_group_and_invitation(env: Env, mail: Sink) -> tuple[str, str, str]:
    """An organization, one of its groups and one stored invitation."""
    await enable(env, mail)
    org = await create_org(env)
    gid = await group(env, org, "team")
    assert (await invite(env, org, "invite-user", email="fresh@neworg.org")).status_code == 204
    [kept] = await stored(env, org)
    return org, gid, str(kept["id"])


def _calls(org: str, gid: str, inv: str, user: str) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("GET", f"{ORGS}/{org}/groups", None),
        ("POST", f"{ORGS}/{org}/groups", {"name": "sneaky"}),
        ("GET", f"{ORGS}/{org}/groups/{gid}", None),
        ("PUT", f"{ORGS}/{org}/groups/{gid}", {"name": "renamed"}),
        ("GET", f"{ORGS}/{org}/groups/group-by-path/team", None),
        ("POST", f"{ORGS}/{org}/groups/{gid}/children", {"name": "sub"}),
        ("GET", f"{ORGS}/{org}/groups/{gid}/members", None),
        ("PUT", f"{ORGS}/{org}/groups/{gid}/members/{user}", None),
        ("DELETE", f"{ORGS}/{org}/groups/{gid}", None),
        ("GET", f"{ORGS}/{org}/invitations", None),
        ("GET", f"{ORGS}/{org}/invitations/{inv}", None),
        ("POST", f"{ORGS}/{org}/invitations/{inv}/resend", None),
        ("DELETE", f"{ORGS}/{org}/invitations/{inv}", None),
    ]


@pytest.mark.parametrize("roles", [("view-realm", "view-users"), ("manage-users", "query-groups"), ("manage-clients",)])
async def test_admins_without_manage_realm_touch_no_organization_group_or_invitation(
    env: Env, mail: Sink, roles: tuple[str, ...]
) -> None:
    org, gid, inv = await _org_with_group_and_invitation(env, mail)
    user = (await seed_user(env.db, env.clock, "test", "member1", email="member1@neworg.org")).id
    caller = await realm_admin(env, "limited", *roles)
    for method, path, body in _calls(org, gid, inv, user):
        forbidden(await env.http.request(method, path, json=body, headers=caller))
    assert [g["name"] for g in await _groups(env, org)] == ["team"]
    assert [i["id"] for i in await stored(env, org)] == [inv] and len(mail.received) == 1


async def _groups(env: Env, org: str) -> list[dict[str, object]]:
    found = await env.http.get(f"{ORGS}/{org}/groups", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    listed: list[dict[str, object]] = found.json()
    return listed


async def test_another_realm_s_realm_admin_touches_nothing_here(env: Env, mail: Sink) -> None:
    org, gid, inv = await _org_with_group_and_invitation(env, mail)
    await seed_realm(env.db, env.clock, "other")
    caller = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    for method, path, body in _calls(org, gid, inv, "x"):
        answer = await env.http.request(method, path, json=body, headers=caller)
        assert answer.status_code == 403, (method, path, answer.text)
    assert [i["id"] for i in await stored(env, org)] == [inv]


async def test_another_organization_s_invitation_is_not_found_through_this_one(env: Env, mail: Sink) -> None:
    org, _, inv = await _org_with_group_and_invitation(env, mail)
    other = await create_org(env, name="other", domains=[{"name": "other.org"}])
    h = await env.admin_headers()
    for method in ("GET", "DELETE"):
        answer = await env.http.request(method, f"{ORGS}/{other}/invitations/{inv}", headers=h)
        assert (answer.status_code, answer.json()) == (404, {"errorMessage": "Invitation not found"}), method
    resent = await env.http.post(f"{ORGS}/{other}/invitations/{inv}/resend", headers=h)
    assert resent.status_code == 404, resent.text
    assert [i["id"] for i in await stored(env, org)] == [inv] and len(mail.received) == 1


async def test_another_realm_s_invitation_is_not_found_from_its_organization_path(env: Env, mail: Sink) -> None:
    """The invitation id under an organization of another realm (whose admin asks): 404, the invitation kept."""
    org, _, inv = await _org_with_group_and_invitation(env, mail)
    await seed_realm(env.db, env.clock, "far")
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/far", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post("/admin/realms/far/organizations", json={"name": "far", "domains": []}, headers=h)
    far = made.headers["location"].rsplit("/", 1)[1]
    for method in ("GET", "DELETE"):
        answer = await env.http.request(method, f"/admin/realms/far/organizations/{far}/invitations/{inv}", headers=h)
        assert answer.status_code == 404, (method, answer.text)
        crossed = await env.http.request(method, f"/admin/realms/far/organizations/{org}/invitations/{inv}", headers=h)
        assert crossed.status_code == 404, (method, crossed.text)
    assert [i["id"] for i in await stored(env, org)] == [inv]


@pytest.mark.parametrize(
    "params",
    [
        {"search": "%"},
        {"search": "_"},
        {"search": "\x00"},
        {"search": "(a+)+$" * 50},
        {"email": "%"},
        {"email": "\x00"},
        {"firstName": "x" * 20000},
        {"status": "\x00"},
        {"status": "pending"},
        {"first": "99999999999999999999"},
        {"max": "-99999999999"},
        {"first": "1e3"},
    ],
)
async def test_hostile_invitation_filters_match_nothing_and_never_fail(
    env: Env, mail: Sink, params: dict[str, str]
) -> None:
    org, _, _ = await _org_with_group_and_invitation(env, mail)
    answer = await env.http.get(f"{ORGS}/{org}/invitations", params=params, headers=await env.admin_headers())
    assert answer.status_code in (200, 400, 404), answer.text
    if answer.status_code == 200 and ("search" in params or "email" in params or "firstName" in params):
        assert answer.json() == [], params  # a wildcard is matched as itself, not as "anything"


@pytest.mark.parametrize(
    "rep",
    [
        {"name": "x" * 5000},
        {"name": "a\x00b"},
        {"name": "ok", "description": "d" * 100000},
        {"name": "ok", "attributes": {"k" * 5000: ["v"]}},
        {"name": "ok", "attributes": {"k": ["v\x00"]}},
        {"name": "ok", "attributes": {"k": ["v" * 100000]}},
        {"name": 12},
        {"name": ["a"]},
    ],
)
async def test_hostile_group_representations_are_refused_without_a_500(
    env: Env, mail: Sink, rep: dict[str, object]
) -> None:
    org, gid, _ = await _org_with_group_and_invitation(env, mail)
    h = await env.admin_headers()
    for method, path in (("POST", f"{ORGS}/{org}/groups"), ("PUT", f"{ORGS}/{org}/groups/{gid}")):
        answer = await env.http.request(method, path, json=rep, headers=h)
        assert answer.status_code < 500, (method, answer.text)
    assert (await env.http.get(f"{ORGS}/{org}/groups/{gid}", headers=h)).status_code == 200
