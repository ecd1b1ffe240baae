"""Session 63's read-only organization members (organizations/read_only_members.py) attacked through a write an
admin update can still name: UserResource.updateUserFromRep calls ``setFederationLink`` whenever the representation
carries a ``federationLink``, which ReadOnlyUserModelDelegate refuses ("federationLink") after ``enabled`` and
``emailVerified``. Doorkeep keeps no federation link, but the answer is Keycloak's, and nothing is written.
alice is a MANAGED member of ``neworg``, bob an UNMANAGED one (the control)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from flow_builder import admin
from keycloak_port import import_realm
from organization_login_support import REALM
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
READ_ONLY = "The user is read-only. Not possible to write '{}' when updating user 'alice'."


def _user(name: str) -> dict[str, Any]:
    return {"username": name, "enabled": True, "email": f"{name}@neworg.org", "firstName": name, "lastName": "Member"}


REALM_FILE: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "organizationsEnabled": True,
    "users": [_user("alice"), _user("bob")],
    "organizations": [
        {
            "name": "neworg",
            "alias": "neworg",
            "enabled": False,
            "domains": [{"name": "neworg.org"}],
            "members": [
                {"username": "alice", "membershipType": "MANAGED"},
                {"username": "bob", "membershipType": "UNMANAGED"},
            ],
        }
    ],
}


@pytest.fixture
async def ids(env: Env) -> dict[str, str]:
    """The imported realm's user ids by username, its organization disabled."""
    await import_realm(env, REALM_FILE)
    return {u["username"]: u["id"] for u in (await admin(env, "GET", f"{REALM}/users", status=200)).json()}


async def _update(env: Env, user_id: str, change: dict[str, Any]) -> httpx.Response:
    return await admin(env, "PUT", f"{REALM}/users/{user_id}", change)


def _read_only(answer: httpx.Response, detail: str) -> None:
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": READ_ONLY.format(detail)}), answer.text


async def test_a_federation_link_in_the_update_of_a_read_only_member_is_refused(env: Env, ids: dict[str, str]) -> None:
    alice = ids["alice"]
    _read_only(await _update(env, alice, {"federationLink": "f0a7-ldap"}), "federationLink")
    _read_only(await _update(env, alice, {"federationLink": "", "lastName": "Changed"}), "attribute(lastName)")
    _read_only(await _update(env, alice, {"federationLink": "x", "emailVerified": False}), "emailVerified")
    [org] = (await admin(env, "GET", ORGS, status=200)).json()
    await admin(env, "PUT", f"{ORGS}/{org['id']}", {**org, "enabled": True}, 204)
    user = (await admin(env, "GET", f"{REALM}/users/{alice}", status=200)).json()
    assert user["lastName"] == "Member" and user["enabled"] is True and "federationLink" not in user


async def test_an_unmanaged_member_s_update_with_a_federation_link_still_passes(env: Env, ids: dict[str, str]) -> None:
    """bob (UNMANAGED) is no read-only delegate: the same body is 204 (the link kept nowhere, as before)."""
    answer = await _update(env, ids["bob"], {"federationLink": "f0a7-ldap"})
    assert answer.status_code == 204, answer.text
