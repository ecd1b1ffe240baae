"""Admin event ``details`` (Keycloak 26.1+'s AdminEventBuilder.detail, AdminEventRepresentation.details) beyond
AdminEventTest#testEventDetails: which membership events carry the member's username and e-mail, that a blank
e-mail is left out, that the details are kept whether or not the realm keeps representations, and that no other
event carries them.

Keycloak sets them in UserResource.joinGroup / removeMembership (GROUP_MEMBERSHIP), OrganizationMemberResource
.addMember / delete (ORGANIZATION_MEMBERSHIP) and OrganizationGroupResource.joinGroup / leaveGroup
(ORGANIZATION_GROUP_MEMBERSHIP), each ``.detail(UserModel.USERNAME, ...).detail(UserModel.EMAIL, ...)``; a
refused call records nothing, so carries no details either.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get
from role_port import call, create
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

REALM = {
    "realm": "test",
    "enabled": True,
    "adminEventsEnabled": True,
    "adminEventsDetailsEnabled": False,
    "organizationsEnabled": True,
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await fresh_realm(env, REALM)


async def events(env: Env, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(env, "/admin-events", **params)
    return found


async def user(env: Env, username: str, email: str | None = None) -> str:
    rep: dict[str, Any] = {"username": username, "enabled": True}
    if email is not None:
        rep["email"] = email
    return await create(env, "/users", rep)


async def organization(env: Env, name: str) -> str:
    return await create(env, "/organizations", {"name": name, "alias": name, "domains": [{"name": f"{name}.org"}]})


async def expect(env: Env, method: str, path: str, status: int, body: Any = None) -> None:
    response = await call(env, method, path, body)
    assert response.status_code == status, (method, path, response.text)


async def test_group_membership_join_and_leave_carry_the_users_username_and_email(env: Env, realm_id: str) -> None:
    """UserResource.joinGroup / removeMembership: CREATE and DELETE GROUP_MEMBERSHIP with the user's details, with
    adminEventsDetailsEnabled false (no representation); a join of a group the user is in records nothing."""
    user_id = await user(env, "alice", "alice@example.org")
    group_id = await create(env, "/groups", {"name": "staff"})
    await expect(env, "PUT", f"/users/{user_id}/groups/{group_id}", 204)
    await expect(env, "PUT", f"/users/{user_id}/groups/{group_id}", 204)  # already in: no event
    await expect(env, "DELETE", f"/users/{user_id}/groups/{group_id}", 204)
    left, joined = await events(env, resourceTypes=["GROUP_MEMBERSHIP"])
    assert (joined["operationType"], left["operationType"]) == ("CREATE", "DELETE")
    for event in (joined, left):
        assert event["details"] == {"username": "alice", "email": "alice@example.org"}
        assert "representation" not in event
    assert all("details" not in e for e in await events(env, resourceTypes=["USER", "GROUP"]))


async def test_a_user_without_email_has_only_the_username_detail(env: Env, realm_id: str) -> None:
    """AdminEventBuilder.detail skips a blank value: no ``email`` key for a user who has none."""
    user_id = await user(env, "bob")
    group_id = await create(env, "/groups", {"name": "staff"})
    await expect(env, "PUT", f"/users/{user_id}/groups/{group_id}", 204)
    (event,) = await events(env, resourceTypes=["GROUP_MEMBERSHIP"])
    assert event["details"] == {"username": "bob"}


async def test_organization_member_removal_carries_the_details(env: Env, realm_id: str) -> None:
    """OrganizationMemberResource.delete: DELETE ORGANIZATION_MEMBERSHIP with the member's details, also kept with
    the representation (adminEventsDetailsEnabled true)."""
    await expect(env, "PUT", "", 204, {"adminEventsDetailsEnabled": True})
    user_id = await user(env, "carol", "carol@acme.org")
    org_id = await organization(env, "acme")
    await expect(env, "POST", f"/organizations/{org_id}/members", 201, user_id)
    await expect(env, "DELETE", f"/organizations/{org_id}/members/{user_id}", 204)
    removed, added = await events(env, resourceTypes=["ORGANIZATION_MEMBERSHIP"])
    assert (added["operationType"], removed["operationType"]) == ("CREATE", "DELETE")
    assert removed["resourcePath"] == f"organizations/{org_id}/members/{user_id}"
    for event in (added, removed):
        assert event["details"] == {"username": "carol", "email": "carol@acme.org"}
        assert "representation" in event


async def test_organization_group_membership_carries_the_details(env: Env, realm_id: str) -> None:
    """OrganizationGroupResource.joinGroup / leaveGroup: CREATE and DELETE ORGANIZATION_GROUP_MEMBERSHIP with the
    member's details; a leave of a group the user is not in records nothing."""
    user_id = await user(env, "dave", "dave@acme.org")
    org_id = await organization(env, "acme")
    await expect(env, "POST", f"/organizations/{org_id}/members", 201, user_id)
    group_id = await create(env, f"/organizations/{org_id}/groups", {"name": "team"})
    members = f"/organizations/{org_id}/groups/{group_id}/members/{user_id}"
    await expect(env, "PUT", members, 204)
    await expect(env, "DELETE", members, 204)
    await expect(env, "DELETE", members, 204)  # not in it any more: no event
    left, joined = await events(env, resourceTypes=["ORGANIZATION_GROUP_MEMBERSHIP"])
    assert (joined["operationType"], left["operationType"]) == ("CREATE", "DELETE")
    for event in (joined, left):
        assert event["details"] == {"username": "dave", "email": "dave@acme.org"}


async def test_refused_membership_calls_record_no_event(env: Env, realm_id: str) -> None:
    """A user of another realm, an unknown group or a non-member: Keycloak's errors, and no event with details."""
    other = await call(env, "GET", "/../master/users", None)
    assert other.status_code == 200, other.text
    master_user = other.json()[0]["id"]
    group_id = await create(env, "/groups", {"name": "staff"})
    await expect(env, "PUT", f"/users/{master_user}/groups/{group_id}", 404)
    user_id = await user(env, "erin", "erin@acme.org")
    await expect(env, "PUT", f"/users/{user_id}/groups/no-such-group", 404)
    org_id = await organization(env, "acme")
    await expect(env, "POST", f"/organizations/{org_id}/members", 400, master_user)
    group = await create(env, f"/organizations/{org_id}/groups", {"name": "team"})
    await expect(env, "PUT", f"/organizations/{org_id}/groups/{group}/members/{user_id}", 400)  # not a member
    assert all("details" not in e for e in await events(env))
