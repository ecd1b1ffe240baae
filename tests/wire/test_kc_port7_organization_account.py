"""Keycloak's OrganizationAccountTest (organization/account/): each test names its Java method. alice of the provider
realm comes in through ``kc``, the organization's provider, and is given a password to call the Account REST."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, served, signs_in_by_hint
from flow_builder import admin
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
ACCOUNT = "/realms/test/account"


async def _account_headers(env: Env, username: str) -> dict[str, str]:
    """A token of the account console's public client (the Account REST's audience) for ``username``."""
    answer = await password_grant(env.http, "test", "admin-cli", username, secret=None)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}", "Accept": "application/json"}


async def _user(env: Env, username: str) -> dict[str, Any]:
    [user] = (await admin(env, "GET", f"{REALM}/users?username={username}&exact=true", status=200)).json()
    return dict(user)


async def test_fail_unlink_identity_provider(env: Env) -> None:
    """testFailUnlinkIdentityProvider: a member cannot unlink the organization's provider (400 and Keycloak's
    message) until the provider leaves the organization (204)."""
    async with served(env) as broker:
        await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
        domains = [{"name": "neworg.org"}, {"name": "example.org"}]  # alice's: Keycloak 26.8's domain gate
        made = await admin(env, "POST", ORGS, {"name": "neworg", "domains": domains}, 201)
        org = made.headers["location"].rsplit("/", 1)[1]
        await broker.add_provider(organizationId=org)
        await signs_in_by_hint(broker)
        alice = await _user(env, "alice")
        await admin(env, "PUT", f"{REALM}/users/{alice['id']}/reset-password", {"value": "password"}, 204)
        headers = await _account_headers(env, "alice")
        linked = (await env.http.get(f"{ACCOUNT}/linked-accounts", headers=headers)).json()
        assert any(a["providerAlias"] == ALIAS and a["connected"] for a in linked)
        refused = await env.http.delete(f"{ACCOUNT}/linked-accounts/{ALIAS}", headers=headers)
        assert (refused.status_code, refused.json()) == (
            400,
            {"errorMessage": "You cannot remove the link to an identity provider associated with an organization."},
        )
        await admin(env, "DELETE", f"{ORGS}/{org}/identity-providers/{ALIAS}", status=204)
        removed = await env.http.delete(f"{ACCOUNT}/linked-accounts/{ALIAS}", headers=headers)
        assert removed.status_code == 204, removed.text


async def test_get_organizations(realm: Env) -> None:
    """testGetOrganizations: the user's two organizations with id, alias, name, description and domain names."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    user = await _user(realm, "user1")
    reps = {}
    for alias in ("orga", "orgb"):
        body = {"name": alias, "alias": alias, "description": f"{alias} is a test organization!"}
        made = await admin(realm, "POST", ORGS, {**body, "domains": [{"name": f"{alias}.org"}]}, 201)
        org = made.headers["location"].rsplit("/", 1)[1]
        await admin(realm, "POST", f"{ORGS}/{org}/members", user["id"], 201)
        reps[org] = body
    listed = (await realm.http.get(f"{ACCOUNT}/organizations", headers=await _account_headers(realm, "user1"))).json()
    assert len(listed) == 2
    for found in listed:
        expected = reps[found["id"]]
        assert (found["alias"], found["name"], found["description"]) == (
            expected["alias"],
            expected["name"],
            expected["description"],
        )
        assert found["domains"] == [f"{expected['alias']}.org"]
