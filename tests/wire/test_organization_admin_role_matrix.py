"""Every organization endpoint under Keycloak 26.7's organization admin roles (OrganizationPermissions): each caller
also holds manage-users and manage-identity-providers, so that only the organization role differs. Without one:
403 everywhere, even for an organization that does not exist; query-organizations: searching and counting find
nothing, everything else 403; view-organizations: every read, no write; manage-organizations and manage-realm:
everything. Both engines."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from mail_sink import Sink
from org_invitations import enable
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
BESIDES = ("manage-users", "manage-identity-providers")
PROFILES = {
    "nobody": (),
    "query": ("query-organizations",),
    "view": ("view-organizations",),
    "manage": ("manage-organizations",),
    "realm": ("manage-realm",),
}


@pytest.fixture
async def world(env: Env, mail: Sink) -> dict[str, str]:
    """An organization with a member, a group holding the member, a linked provider and a pending invitation."""
    await enable(env, mail)
    h = await env.admin_headers()
    made = await env.http.post(ORGS, json={"name": "acme", "domains": [{"name": "acme.org"}]}, headers=h)
    org = made.headers["location"].rsplit("/", 1)[1]
    user = (
        await env.http.post(f"{REALM}/users", json={"username": "bob@acme.org", "email": "bob@acme.org"}, headers=h)
    ).headers["location"]
    user = user.rsplit("/", 1)[1]
    assert (await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)).status_code == 201
    group = await env.http.post(f"{ORGS}/{org}/groups", json={"name": "team"}, headers=h)
    gid = group.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.put(f"{ORGS}/{org}/groups/{gid}/members/{user}", headers=h)).status_code == 204
    idp = {"alias": "acme-idp", "providerId": "oidc"}
    assert (await env.http.post(f"{REALM}/identity-provider/instances", json=idp, headers=h)).status_code == 201
    assert (await env.http.post(f"{ORGS}/{org}/identity-providers", content="acme-idp", headers=h)).status_code == 204
    invite = {"email": "new@acme.org", "firstName": "New", "lastName": "User"}
    assert (await env.http.post(f"{ORGS}/{org}/members/invite-user", data=invite, headers=h)).status_code == 204
    [inv] = (await env.http.get(f"{ORGS}/{org}/invitations", headers=h)).json()
    return {"org": org, "user": user, "group": gid, "inv": inv["id"]}


def _reads(w: dict[str, str]) -> list[str]:
    o, u, g, i = w["org"], w["user"], w["group"], w["inv"]
    return [
        f"{ORGS}/{o}",
        f"{ORGS}/{o}/members",
        f"{ORGS}/{o}/members/count",
        f"{ORGS}/{o}/members/{u}",
        f"{ORGS}/{o}/members/{u}/organizations",
        f"{ORGS}/{o}/members/{u}/groups",
        f"{ORGS}/{o}/identity-providers",
        f"{ORGS}/{o}/identity-providers/acme-idp",
        f"{ORGS}/{o}/groups",
        f"{ORGS}/{o}/groups/{g}",
        f"{ORGS}/{o}/groups/{g}/children",
        f"{ORGS}/{o}/groups/{g}/members",
        f"{ORGS}/{o}/groups/group-by-path/team",
        f"{ORGS}/{o}/invitations",
        f"{ORGS}/{o}/invitations/{i}",
    ]


def _writes(w: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Each write, in an order a manager can run them all (the last ones remove what the first ones need)."""
    o, u, g, i = w["org"], w["user"], w["group"], w["inv"]
    invite = {"email": "other@acme.org", "firstName": "O", "lastName": "U"}
    return [
        ("POST", ORGS, {"json": {"name": "made", "domains": [{"name": "made.org"}]}}),
        ("PUT", f"{ORGS}/{o}", {"json": {"name": "acme", "domains": [{"name": "acme.org"}], "description": "x"}}),
        ("POST", f"{ORGS}/{o}/groups", {"json": {"name": "second"}}),
        ("PUT", f"{ORGS}/{o}/groups/{g}", {"json": {"name": "team"}}),
        ("POST", f"{ORGS}/{o}/groups/{g}/children", {"json": {"name": "sub"}}),
        ("DELETE", f"{ORGS}/{o}/groups/{g}/members/{u}", {}),
        ("PUT", f"{ORGS}/{o}/groups/{g}/members/{u}", {}),
        ("POST", f"{ORGS}/{o}/members/invite-user", {"data": invite}),
        ("POST", f"{ORGS}/{o}/members/invite-existing-user", {"data": {"id": u}}),
        ("POST", f"{ORGS}/{o}/invitations/{i}/resend", {}),
        ("DELETE", f"{ORGS}/{o}/identity-providers/acme-idp", {}),
        ("POST", f"{ORGS}/{o}/identity-providers", {"content": "acme-idp"}),
        ("DELETE", f"{ORGS}/{o}/members/{u}", {}),
        ("POST", f"{ORGS}/{o}/members", {"content": u}),
        ("DELETE", f"{ORGS}/{o}/groups/{g}", {}),
        ("DELETE", f"{ORGS}/{o}", {}),
    ]


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_reads(env: Env, world: dict[str, str], profile: str) -> None:
    headers = await realm_admin(env, f"{profile}-admin", *PROFILES[profile], *BESIDES)
    listed = await env.http.get(ORGS, headers=headers)
    counted = await env.http.get(f"{ORGS}/count", headers=headers)
    theirs = await env.http.get(f"{ORGS}/members/{world['user']}/organizations", headers=headers)
    if profile == "nobody":
        assert (listed.status_code, counted.status_code, theirs.status_code) == (403, 403, 403)
    elif profile == "query":
        assert (listed.json(), counted.json(), theirs.json()) == ([], 0, [])
    else:
        assert ([o["id"] for o in listed.json()], counted.json()) == ([world["org"]], 1)
        assert [o["id"] for o in theirs.json()] == [world["org"]]
    expected = 403 if profile in ("nobody", "query") else 200
    for path in _reads(world):
        found = await env.http.get(path, headers=headers)
        assert found.status_code == expected, (path, found.text)
    missing = await env.http.get(f"{ORGS}/non-existing/members", headers=headers)
    assert missing.status_code == (403 if profile == "nobody" else 404)


@pytest.mark.parametrize("profile", sorted(PROFILES))
async def test_writes(env: Env, world: dict[str, str], profile: str, mail: Sink) -> None:
    headers = await realm_admin(env, f"{profile}-admin", *PROFILES[profile], *BESIDES)
    sent = len(mail.received)
    allowed = profile in ("manage", "realm")
    for method, path, kw in _writes(world):
        done = await env.http.request(method, path, headers=headers, **kw)
        if allowed:
            assert done.status_code in (201, 204), (method, path, done.text)
        else:
            assert done.status_code == 403, (method, path, done.text)
    if not allowed:
        assert len(mail.received) == sent  # no invitation went out
        h = await env.admin_headers()
        assert (await env.http.get(f"{ORGS}/count", headers=h)).json() == 1
        assert (await env.http.get(f"{ORGS}/{world['org']}/members/count", headers=h)).json() == 1
        assert len((await env.http.get(f"{ORGS}/{world['org']}/invitations", headers=h)).json()) == 1
    else:
        assert len(mail.received) == sent + 3
