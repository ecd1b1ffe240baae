"""Keycloak's OrganizationInvitationRoleBrokerTest (main after 26.8.0): the invitation's roles are granted when the
invitee joins through an identity provider at the first broker login (the registration page's "Back to Login", then
"sign in with" the provider), over real HTTP with the provider another realm of the same server."""

from __future__ import annotations

import pytest

from invitation_broker_support import INVITEE, ORGS, Invited, invited, through_provider
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio
__all__ = ["invited"]
REALM = "/admin/realms/test"


async def test_invitation_roles_granted_on_broker_login(env: Env, invited: Invited, mail: Sink) -> None:
    """testInvitationRolesGrantedOnBrokerLogin: the federated user is made, a member, holds the invitation's realm
    role, and the invitation is gone."""
    here = invited
    http, h = here.http, here.headers
    assert (await http.post(f"{REALM}/roles", json={"name": "broker-invitation-role"}, headers=h)).status_code == 201
    role = (await http.get(f"{REALM}/roles/broker-invitation-role", headers=h)).json()
    [first] = await here.invitations()
    assert (await http.delete(f"{ORGS}/{here.org}/invitations/{first['id']}", headers=h)).status_code == 204
    data = {"email": INVITEE, "firstName": "Alice", "lastName": "Org", "roles": [role["id"]]}
    sent = await http.post(f"{ORGS}/{here.org}/members/invite-user", data=data, headers=h)
    assert sent.status_code == 204, sent.text
    here.link = mail.received[-1].link()
    done = await through_provider(here)
    assert done.status_code == 302, done.text[:800]
    users = (await http.get(f"{REALM}/users", params={"email": INVITEE, "exact": "true"}, headers=h)).json()
    assert len(users) == 1
    [member] = await here.members()
    assert member["id"] == users[0]["id"]
    mapped = (await http.get(f"{REALM}/users/{member['id']}/role-mappings/realm", headers=h)).json()
    assert "broker-invitation-role" in [r["name"] for r in mapped]
    assert await here.invitations() == []
