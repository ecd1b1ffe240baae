"""Security sweep s53: Keycloak 26.7's organization admin roles (session 52) attacked across realms and ids.

An administrator of realm ``test`` holding every organization role and manage-users there names, in ``test``'s
paths, what belongs to realm ``other``: its organization, a user (as a member, an existing-user invitation, an
organization group's member), an organization group, an invitation. Each is 404 (OrganizationsResource and
OrganizationMemberResource find them in the path's realm only: ``getOrganization``, ``getUserById`` per realm) and
changes nothing in either realm. ``other``'s own realm admin gets 403 on every organization path of ``test``,
naming ``test``'s ids or its own; a plain member of an organization administers nothing. Invitation attributes
with markup stay JSON text, and the membership events' details name only the member's username and e-mail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, csrf, post_pairs, sign_in
from mail_sink import Sink
from org_invitations import enable
from support import password_grant, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

ROLES = ("manage-organizations", "view-organizations", "query-organizations", "manage-users", "view-users")


def _id(answer: httpx.Response) -> str:
    assert answer.status_code == 201, answer.text
    return str(answer.headers["location"].rsplit("/", 1)[1])


async def _world(env: Env, realm: str, headers: dict[str, str]) -> dict[str, str]:
    base = f"/admin/realms/{realm}"
    org = _id(
        await env.http.post(
            f"{base}/organizations",
            json={"name": f"{realm}-org", "domains": [{"name": f"{realm}.org"}]},
            headers=headers,
        )
    )
    user = _id(
        await env.http.post(
            f"{base}/users",
            json={
                "username": f"member@{realm}.org",
                "email": f"member@{realm}.org",
                "enabled": True,
                "firstName": "M",
                "lastName": "U",
            },
            headers=headers,
        )
    )
    outsider = _id(
        await env.http.post(
            f"{base}/users", json={"username": f"outsider-{realm}", "email": f"out@{realm}.example"}, headers=headers
        )
    )
    added = await env.http.post(f"{base}/organizations/{org}/members", content=user, headers=headers)
    assert added.status_code == 201, added.text
    group = _id(await env.http.post(f"{base}/organizations/{org}/groups", json={"name": "team"}, headers=headers))
    invited = await env.http.post(
        f"{base}/organizations/{org}/members/invite-user",
        json={"email": f"new@{realm}.org", "firstName": "N", "lastName": "U"},
        headers=headers,
    )
    assert invited.status_code == 204, invited.text
    [invitation] = (await env.http.get(f"{base}/organizations/{org}/invitations", headers=headers)).json()
    return {"org": org, "user": user, "outsider": outsider, "group": group, "inv": invitation["id"]}


@pytest.fixture
async def two(env: Env, mail: Sink) -> dict[str, Any]:
    await enable(env, mail)
    await seed_realm(env.db, env.clock, "other", events_enabled=True, smtp_server=mail.settings())
    master = await env.admin_headers()
    on = await env.http.put("/admin/realms/other", json={"organizationsEnabled": True}, headers=master)
    assert on.status_code == 204, on.text
    _, test_admin = await make_admin(env, "test", "org-admin", *ROLES)
    _, other_admin = await make_admin(env, "other", "other-admin", "realm-admin")
    return {
        "test": await _world(env, "test", master),
        "other": await _world(env, "other", master),
        "test_admin": test_admin,
        "other_admin": other_admin,
    }


async def _members(env: Env, realm: str, org: str) -> list[str]:
    listed = await env.http.get(f"/admin/realms/{realm}/organizations/{org}/members", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return sorted(m["username"] for m in listed.json())


async def _invitations(env: Env, realm: str, org: str) -> list[str]:
    listed = await env.http.get(
        f"/admin/realms/{realm}/organizations/{org}/invitations", headers=await env.admin_headers()
    )
    return sorted(i["email"] for i in listed.json())


async def test_another_realms_ids_in_this_realms_paths_are_not_found(env: Env, two: dict[str, Any]) -> None:
    here, there, h = two["test"], two["other"], two["test_admin"]
    orgs = "/admin/realms/test/organizations"
    o = here["org"]
    before = {
        r: (await _members(env, r, two[r]["org"]), await _invitations(env, r, two[r]["org"])) for r in ("test", "other")
    }
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"{orgs}/{there['org']}", {}),
        ("PUT", f"{orgs}/{there['org']}", {"json": {"name": "stolen", "domains": [{"name": "stolen.org"}]}}),
        ("DELETE", f"{orgs}/{there['org']}", {}),
        ("GET", f"{orgs}/{there['org']}/members", {}),
        ("POST", f"{orgs}/{there['org']}/members", {"content": here["outsider"]}),
        ("POST", f"{orgs}/{o}/members", {"content": there["outsider"]}),
        ("POST", f"{orgs}/{o}/members", {"content": there["user"]}),
        ("GET", f"{orgs}/{o}/members/{there['user']}", {}),
        ("GET", f"{orgs}/{o}/members/{there['user']}/organizations", {}),
        ("GET", f"{orgs}/members/{there['user']}/organizations", {}),
        ("DELETE", f"{orgs}/{o}/members/{there['user']}", {}),
        ("DELETE", f"{orgs}/{there['org']}/members/{there['user']}", {}),
        ("POST", f"{orgs}/{o}/members/invite-existing-user", {"data": {"id": there["outsider"]}}),
        ("POST", f"{orgs}/{o}/members/invite-existing-user", {"json": {"id": there["outsider"]}}),
        ("POST", f"{orgs}/{there['org']}/members/invite-user", {"json": {"email": "x@test.org"}}),
        ("GET", f"{orgs}/{o}/groups/{there['group']}", {}),
        ("PUT", f"{orgs}/{o}/groups/{there['group']}/members/{here['user']}", {}),
        ("PUT", f"{orgs}/{o}/groups/{here['group']}/members/{there['user']}", {}),
        ("DELETE", f"{orgs}/{o}/groups/{there['group']}", {}),
        ("GET", f"{orgs}/{o}/invitations/{there['inv']}", {}),
        ("POST", f"{orgs}/{o}/invitations/{there['inv']}/resend", {}),
        ("DELETE", f"{orgs}/{o}/invitations/{there['inv']}", {}),
    ]
    for method, path, kw in calls:
        answer = await env.http.request(method, path, headers=h, **kw)
        assert answer.status_code in (400, 404), (method, path, answer.status_code, answer.text)
    after = {
        r: (await _members(env, r, two[r]["org"]), await _invitations(env, r, two[r]["org"])) for r in ("test", "other")
    }
    assert after == before
    other_group = await env.http.get(
        f"/admin/realms/other/organizations/{there['org']}/groups/{there['group']}/members",
        headers=await env.admin_headers(),
    )
    assert other_group.json() == []
    # the control: the same administrator does each with this realm's own ids
    mine = await env.http.post(f"{orgs}/{o}/members", content=here["outsider"], headers=h)
    assert mine.status_code == 201, mine.text


async def test_another_realms_admin_gets_403_on_every_organization_path(env: Env, two: dict[str, Any]) -> None:
    here, there, h = two["test"], two["other"], two["other_admin"]
    orgs = "/admin/realms/test/organizations"
    for method, path, kw in [
        ("GET", orgs, {}),
        ("GET", f"{orgs}/{here['org']}", {}),
        ("GET", f"{orgs}/{there['org']}", {}),
        ("GET", f"{orgs}/{here['org']}/members", {}),
        ("POST", f"{orgs}/{here['org']}/members", {"content": here["outsider"]}),
        ("POST", f"{orgs}/{there['org']}/members", {"content": there["outsider"]}),
        ("POST", f"{orgs}/{here['org']}/members/invite-user", {"json": {"email": "evil@test.org"}}),
        ("GET", f"{orgs}/{here['org']}/invitations", {}),
        ("GET", f"{orgs}/members/{here['user']}/organizations", {}),
        ("DELETE", f"{orgs}/{here['org']}", {}),
    ]:
        answer = await env.http.request(method, path, headers=h, **kw)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)
    assert await _members(env, "test", here["org"]) == ["member@test.org"]
    assert await _invitations(env, "test", here["org"]) == ["new@test.org"]


async def test_a_member_of_an_organization_administers_nothing(env: Env, two: dict[str, Any]) -> None:
    here = two["test"]
    reset = await env.http.put(
        f"/admin/realms/test/users/{here['user']}/reset-password",
        json={"type": "password", "value": "Member-pass-1", "temporary": False},
        headers=await env.admin_headers(),
    )
    assert reset.status_code == 204, reset.text
    token = await password_grant(env.http, "test", "admin-cli", "member@test.org", "Member-pass-1", secret=None)
    assert token.status_code == 200, token.text
    h = {"Authorization": f"Bearer {token.json()['access_token']}"}
    orgs = "/admin/realms/test/organizations"
    for method, path, kw in [
        ("GET", orgs, {}),
        ("GET", f"{orgs}/{here['org']}", {}),
        ("GET", f"{orgs}/{here['org']}/members", {}),
        ("POST", f"{orgs}/{here['org']}/members", {"content": here["outsider"]}),
        ("PUT", f"{orgs}/{here['org']}/groups/{here['group']}/members/{here['user']}", {}),
        ("POST", f"{orgs}/{here['org']}/members/invite-user", {"json": {"email": "friend@test.org"}}),
    ]:
        answer = await env.http.request(method, path, headers=h, **kw)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)


async def test_invitation_attributes_with_markup_stay_json_text(env: Env, two: dict[str, Any]) -> None:
    here, h = two["test"], two["test_admin"]
    markup = '<script>alert(1)</script>"'
    invited = await env.http.post(
        f"/admin/realms/test/organizations/{here['org']}/members/invite-user",
        json={"email": "x@test.org", "firstName": "X", "lastName": "Y", "attributes": {markup: [markup]}},
        headers=h,
    )
    assert invited.status_code == 204, invited.text
    listed = await env.http.get(f"/admin/realms/test/organizations/{here['org']}/invitations", headers=h)
    assert listed.headers["content-type"].startswith("application/json")
    [found] = [i for i in listed.json() if i["email"] == "x@test.org"]
    assert found["attributes"] == {markup: [markup]}


async def test_membership_event_details_name_only_the_member(env: Env, two: dict[str, Any]) -> None:
    """ORGANIZATION_MEMBERSHIP's details (OrganizationMemberResource.addMember: USERNAME and EMAIL): never the
    member's password, credentials or attributes, and another realm's events are not this realm's."""
    master = await env.admin_headers()
    on = await env.http.put(
        "/admin/realms/test", json={"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}, headers=master
    )
    assert on.status_code == 204, on.text
    here = two["test"]
    await seed_user(
        env.db, env.clock, "test", "secretive", password="Hunter2-secret", attributes={"pin": ["pin-S3cret-4242"]}
    )
    uid = (
        await env.http.get(
            "/admin/realms/test/users", params={"username": "secretive", "exact": "true"}, headers=master
        )
    ).json()[0]["id"]
    added = await env.http.post(
        f"/admin/realms/test/organizations/{here['org']}/members", content=uid, headers=two["test_admin"]
    )
    assert added.status_code == 201, added.text
    events = (await env.http.get("/admin/realms/test/admin-events", headers=master)).json()
    [event] = [e for e in events if e.get("resourceType") == "ORGANIZATION_MEMBERSHIP"]
    assert event["details"] == {"username": "secretive", "email": "secretive@example.com"}, event
    assert "Hunter2" not in str(events) and "pin-S3cret" not in str(events)
    other = (await env.http.get("/admin/realms/other/admin-events", headers=master)).json()
    assert all(e.get("realmId") != event["realmId"] for e in other)


CONSOLE = "/admin/test/console"


async def test_the_console_organization_pages_stay_in_their_realm(env: Env, two: dict[str, Any]) -> None:
    """The Admin Console's organization pages (session 52's roles) for an administrator of ``test`` holding every
    organization role and manage-users: realm ``other``'s organization in ``test``'s pages, ``other``'s user
    added to ``test``'s organization, and ``other``'s own pages are all refused, nothing changes; the member
    form without its CSRF token, with a forged one or from another origin adds no one."""
    here, there = two["test"], two["other"]
    orgs = f"{CONSOLE}/test/organizations"
    before = (await _members(env, "test", here["org"]), await _members(env, "other", there["org"]))
    async with client_at(env, "127.0.0.53") as http:
        await sign_in(http, f"{CONSOLE}/", "org-admin")
        assert (await http.get(orgs, headers=HTML)).status_code == 200
        assert (await http.get(f"{orgs}/{there['org']}/members", headers=HTML)).status_code == 404
        assert (await http.get(f"{CONSOLE}/other/organizations", headers=HTML)).status_code in (403, 404)
        for path, user in (
            (f"{orgs}/{there['org']}/members/add", here["outsider"]),
            (f"{orgs}/{here['org']}/members/add", there["outsider"]),
            (f"{CONSOLE}/other/organizations/{there['org']}/members/add", there["outsider"]),
        ):
            answer = await post_pairs(http, path, [("id", user)], token_from=orgs)
            assert answer.status_code in (303, 403, 404), (path, answer.status_code, answer.text[:600])
            if answer.status_code == 303:  # the form again with the refusal
                assert "add" in answer.headers["location"], answer.headers["location"]
        add = f"{orgs}/{here['org']}/members/add"
        for token in ("", "forged-token"):
            answer = await post_pairs(http, add, [("id", here["outsider"])], token_from=orgs, token=token)
            assert answer.status_code in (400, 403), (token, answer.status_code, answer.text[:600])
        page = await http.get(orgs, headers=HTML)
        foreign = await http.post(
            add,
            data={"csrf_token": csrf(page), "id": here["outsider"]},
            headers={"Origin": "http://evil.example"},
        )
        assert foreign.status_code in (400, 403), (foreign.status_code, foreign.text[:600])
    assert (await _members(env, "test", here["org"]), await _members(env, "other", there["org"])) == before


@pytest.mark.parametrize("wanted", ["manage-organizations", "view-organizations"])
async def test_the_organization_roles_are_not_gained_by_other_roads(env: Env, two: dict[str, Any], wanted: str) -> None:
    """A manage-users + manage-clients + query-organizations administrator may not give itself view- or
    manage-organizations by the roads around a direct mapping (RolePermissions.checkAdminRoles on every one):
    as a composite of a client role it holds, through a group's role mappings, into the realm's default roles,
    onto a client's service account; each 403, and the Admin API still refuses it the organization."""
    master = await env.admin_headers()
    uid, h = await make_admin(env, "test", "climber", "manage-users", "manage-clients", "query-organizations")
    base = "/admin/realms/test"
    clients = (await env.http.get(f"{base}/clients", params={"clientId": "realm-management"}, headers=master)).json()
    rm = clients[0]["id"]
    role = (await env.http.get(f"{base}/clients/{rm}/roles/{wanted}", headers=master)).json()
    ref = [{"id": role["id"], "name": wanted, "clientRole": True, "containerId": rm}]
    app = _id(
        await env.http.post(
            f"{base}/clients",
            json={"clientId": "ladder", "serviceAccountsEnabled": True, "publicClient": False},
            headers=h,
        )
    )
    made = await env.http.post(f"{base}/clients/{app}/roles", json={"name": "rung"}, headers=h)
    assert made.status_code == 201, made.text
    rung = (await env.http.get(f"{base}/clients/{app}/roles/rung", headers=h)).json()
    joined = await env.http.post(f"{base}/users/{uid}/role-mappings/clients/{app}", json=[rung], headers=h)
    assert joined.status_code == 204, joined.text
    group = _id(await env.http.post(f"{base}/groups", json={"name": "climbers"}, headers=master))
    assert (await env.http.put(f"{base}/users/{uid}/groups/{group}", headers=h)).status_code == 204
    realm_rep = (await env.http.get(base, headers=master)).json()
    default_roles = realm_rep["defaultRole"]["id"]
    sa = (await env.http.get(f"{base}/clients/{app}/service-account-user", headers=h)).json()["id"]
    for method, path in [
        ("POST", f"{base}/users/{uid}/role-mappings/clients/{rm}"),
        ("POST", f"{base}/roles-by-id/{rung['id']}/composites"),
        ("POST", f"{base}/clients/{app}/roles/rung/composites"),
        ("POST", f"{base}/groups/{group}/role-mappings/clients/{rm}"),
        ("POST", f"{base}/roles-by-id/{default_roles}/composites"),
        ("POST", f"{base}/users/{sa}/role-mappings/clients/{rm}"),
    ]:
        answer = await env.http.request(method, path, json=ref, headers=h)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)
    token = await password_grant(env.http, "test", "admin-cli", "climber", "password", secret=None)
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    here = two["test"]
    assert (await env.http.get(f"{base}/organizations/{here['org']}", headers=bearer)).status_code == 403
