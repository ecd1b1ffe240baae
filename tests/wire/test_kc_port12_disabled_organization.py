"""Keycloak's OrganizationMemberTest testGetAllDisabledOrganization and testGetAllDisabledOrganizationProvider, and
what follows from them: a MANAGED member of a disabled organization, and every MANAGED member while the realm's
organizations are off, reads back disabled and read-only (UserStorageManager.validateUser wraps the user in a
ReadOnlyUserModelDelegate built with ``enabled=false``; Organizations.isReadOnlyOrganizationMember). The Admin REST
shows ``enabled: false`` (users, one user, the organization's members), an update is 400 with the delegate's
message, and the user's tokens stop working as a disabled user's do (TokenManager.validateToken: 400
``invalid_grant`` "User disabled", online and offline) until the organization is enabled again, the sessions kept.

``neworg`` (neworg.org) as AbstractOrganizationTest.createOrganization makes it; the managed member is alice of the
provider realm of broker_support, brought in through the organization's provider (assertBrokerRegistration)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import Broker, browser, hinted_login, query, served
from browser_flow import REDIRECT
from flow_builder import admin
from organization_login_support import REALM, organization, owns_broker_domain
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
TOKEN = "/realms/test/protocol/openid-connect/token"
READ_ONLY = "The user is read-only. Not possible to write '{}' when updating user 'alice'."
USER_DISABLED = {"error": "invalid_grant", "error_description": "User disabled"}


async def _get(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _onboarded(broker: Broker) -> tuple[str, list[str], dict[str, Any]]:
    """neworg with five UNMANAGED members, then alice through its provider (offline_access asked): the
    organization's id, the unmanaged members' ids and alice's token response."""
    env = broker.env
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    org = await organization(env, "neworg")
    await owns_broker_domain(env, org)
    unmanaged = []
    for i in range(5):
        email = f"member-{i}@neworg.org"
        made = await admin(env, "POST", f"{REALM}/users", {"username": email, "email": email, "enabled": True}, 201)
        unmanaged.append(str(made.headers["location"].rsplit("/", 1)[1]))
        await admin(env, "POST", f"{ORGS}/{org}/members", unmanaged[-1], 201)
    await broker.add_provider(organizationId=org)
    async with browser(broker) as http:
        tokens = await _tokens(http)
    return org, unmanaged, tokens


async def _tokens(http: httpx.AsyncClient, scope: str = "openid offline_access") -> dict[str, Any]:
    done = await hinted_login(http, scope=scope)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    code = query(done.headers["location"])["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    answer = await http.post(TOKEN, data={**form, "client_id": "app", "client_secret": "secret"})
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


async def _enabled(env: Env, org: str) -> dict[str, bool]:
    """``enabled`` by username, as the organization's members list and the users search each say it (they agree)."""
    members = {m["username"]: m["enabled"] for m in await _get(env, f"{ORGS}/{org}/members", first=-1, max=-1)}
    users = {u["username"]: u["enabled"] for u in await _get(env, f"{REALM}/users", first=0, max=100)}
    assert {name: users[name] for name in members} == members
    return members


async def _refresh(http: httpx.AsyncClient, token: str) -> httpx.Response:
    """On the served port, the tokens' issuer."""
    data = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "app", "client_secret": "secret"}
    return await http.post(TOKEN, data=data)


async def _update(env: Env, user_id: str, rep: dict[str, Any]) -> httpx.Response:
    return await env.http.put(f"{REALM}/users/{user_id}", json=rep, headers=await env.admin_headers())


async def _alice(env: Env) -> dict[str, Any]:
    [alice] = await _get(env, f"{REALM}/users", username="alice", exact="true")
    return dict(alice)


async def test_get_all_disabled_organization(env: Env) -> None:
    """testGetAllDisabledOrganization: the organization disabled, its MANAGED member reads disabled (its UNMANAGED
    ones do not) in the members list and the users search, and re-enabling it by an update is 400."""
    async with served(env) as broker:
        org, _, _ = await _onboarded(broker)
        rep = await _get(env, f"{ORGS}/{org}")
        await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": False}, 204)
        assert (await _get(env, f"{ORGS}/{org}"))["enabled"] is False
        enabled = await _enabled(env, org)
        assert len(enabled) == 6 and enabled.pop("alice") is False and all(enabled.values()), enabled
        alice = await _alice(env)
        assert (await _get(env, f"{REALM}/users/{alice['id']}"))["enabled"] is False
        refused = await _update(env, alice["id"], {**alice, "enabled": True})
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"errorMessage": READ_ONLY.format("enabled")}
        # the organization enabled again: alice is as she was stored, enabled (the update above wrote nothing)
        await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": True}, 204)
        assert all((await _enabled(env, org)).values())


async def test_get_all_disabled_organization_provider(env: Env) -> None:
    """testGetAllDisabledOrganizationProvider: the realm's organizations turned off, every MANAGED member reads
    disabled in the users search and cannot be updated; the UNMANAGED ones are untouched."""
    async with served(env) as broker:
        org, unmanaged, _ = await _onboarded(broker)
        assert all((await _enabled(env, org)).values())
        await admin(env, "PUT", REALM, {"organizationsEnabled": False}, 204)
        users = {u["username"]: u for u in await _get(env, f"{REALM}/users", first=0, max=100)}
        alice = users.pop("alice")
        assert alice["enabled"] is False
        assert all(u["enabled"] for u in users.values())
        refused = await _update(env, alice["id"], {**alice, "enabled": True})
        assert (refused.status_code, refused.json()) == (400, {"errorMessage": READ_ONLY.format("enabled")})
        # an UNMANAGED member is not read-only
        member = users["member-0@neworg.org"]
        assert (await _update(env, member["id"], {**member, "firstName": "Zero"})).status_code == 204
        await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
        assert (await _alice(env))["enabled"] is True
        assert unmanaged[0] == member["id"]


async def test_a_read_only_member_cannot_refresh_online_or_offline_until_the_organization_is_back(env: Env) -> None:
    """TokenManager.validateToken reads the user through the same validateUser: 400 invalid_grant "User disabled"
    for the refresh and the offline token; userinfo refuses the access token and introspection says inactive. The
    sessions stay: enabled again, the offline token refreshes."""
    async with served(env) as broker, browser(broker) as http, browser(broker) as other:
        org, _, offline = await _onboarded(broker)
        online = await _tokens(other, "openid")
        for tokens in (online, offline):
            assert (await _refresh(http, tokens["refresh_token"])).status_code == 200
        rep = await _get(env, f"{ORGS}/{org}")
        await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": False}, 204)
        for tokens in (online, offline):
            refused = await _refresh(http, tokens["refresh_token"])
            assert (refused.status_code, refused.json()) == (400, USER_DISABLED)
        bearer = {"Authorization": f"Bearer {online['access_token']}"}
        userinfo = await http.get("/realms/test/protocol/openid-connect/userinfo", headers=bearer)
        assert userinfo.status_code == 401, userinfo.text
        inspect = {"token": online["access_token"], "client_id": "app", "client_secret": "secret"}
        introspected = await http.post(f"{TOKEN}/introspect", data=inspect)
        assert introspected.json() == {"active": False}
        await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": True}, 204)
        for tokens in (online, offline):
            assert (await _refresh(http, tokens["refresh_token"])).status_code == 200


async def test_a_read_only_member_cannot_sign_in_through_the_provider_nor_with_a_password(env: Env) -> None:
    """The login reads the user as the grants do: the broker login ends on "Account is disabled" and the password
    grant is invalid_grant "Account disabled" for the password an administrator gave alice before (a reset while
    she is read-only is refused: resetPassword's required-action step, tests/wire/test_read_only_member_writes.py)."""
    async with served(env) as broker:
        _, _, _ = await _onboarded(broker)
        alice = await _alice(env)
        reset = {"type": "password", "value": "alice-password", "temporary": False}
        await admin(env, "PUT", f"{REALM}/users/{alice['id']}/reset-password", reset, 204)
        await admin(env, "PUT", REALM, {"organizationsEnabled": False}, 204)
        form = {"grant_type": "password", "username": "alice", "password": "alice-password"}
        async with browser(broker) as http:
            refused = await http.post(TOKEN, data={**form, "client_id": "app", "client_secret": "secret"})
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "invalid_grant", "error_description": "Account disabled"}
        async with browser(broker) as http:
            done = await hinted_login(http)
            # IdentityBrokerService.validateUser: ErrorPage.error, 400
            assert done.status_code == 400 and "Account is disabled" in done.text, done.text


async def test_an_update_of_a_read_only_member_names_the_first_write_keycloak_refuses(env: Env) -> None:
    """UserResource.updateUser's ReadOnlyException, in its order of writes: a changed attribute first, then
    ``enabled`` or ``emailVerified`` whenever sent; an update that writes none of them (a password alone) passes."""
    async with served(env) as broker:
        org, _, _ = await _onboarded(broker)
        rep = await _get(env, f"{ORGS}/{org}")
        await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": False}, 204)
        alice = await _alice(env)
        for change, written in (
            ({"firstName": "Alicia", "enabled": True}, "attribute(firstName)"),
            ({"enabled": False}, "enabled"),
            ({"emailVerified": True}, "emailVerified"),
        ):
            refused = await _update(env, alice["id"], change)
            assert (refused.status_code, refused.json()) == (400, {"errorMessage": READ_ONLY.format(written)})
        password = {"credentials": [{"type": "password", "value": "another-one", "temporary": False}]}
        assert (await _update(env, alice["id"], password)).status_code == 204
        assert (await _alice(env))["firstName"] == "Alice"
