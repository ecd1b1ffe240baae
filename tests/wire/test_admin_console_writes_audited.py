"""Every write of the Admin Console records the admin event of the Admin REST call it equals (the call
Keycloak's own console makes for the same change), over HTTP against the real app (both engines, fake
clock): same operation, resource type, path and representation as that REST call records, authDetails
naming the sign-in realm, its ``security-admin-console`` client, the administrator and the IP; nothing
while admin events are off, no representation without details, nothing for a refused write, no secret."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from admin_support import client_uuid, make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from doorkeep.web.admin_console.routes import routes
from doorkeep.web.admin_console.views_clients import ADVANCED
from support import claims, password_grant, seed_client, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

CONSOLE = "/admin/test/console/test"
REALM = "/admin/realms/test"
SECRET = "console-s3cret-4b1d-9e7a"
ADMIN_IP = "127.0.0.2"
# Each console action (path under /admin/{realm}/console) and the event its REST twin records: operation,
# resource type, path; None for the actions that change nothing (tested below, each of them).
ACTIONS = {
    "/sign-out": None,  # the console's own sign-out
    "/{target}/realm-settings/sessions": ("UPDATE", "REALM", ""),
    "/{target}/realm-settings/tokens": ("UPDATE", "REALM", ""),
    "/{target}/realm-settings/login": ("UPDATE", "REALM", ""),
    "/{target}/realm-settings/localization": ("UPDATE", "REALM", ""),
    "/{target}/authentication/policies/otp": ("UPDATE", "REALM", ""),
    "/{target}/authentication/policies/webauthn": ("UPDATE", "REALM", ""),
    "/{target}/authentication/policies/webauthn-passwordless": ("UPDATE", "REALM", ""),
    "/{target}/authentication/required-actions/{alias}/switch": (
        "UPDATE",
        "REQUIRED_ACTION",
        "authentication/required-actions/{alias}",
    ),
    "/{target}/authentication/required-actions/{alias}/raise-priority": (
        "UPDATE",
        "REQUIRED_ACTION",
        "authentication/required-actions/{alias}/raise-priority",
    ),
    "/{target}/authentication/required-actions/{alias}/lower-priority": (
        "UPDATE",
        "REQUIRED_ACTION",
        "authentication/required-actions/{alias}/lower-priority",
    ),
    "/{target}/authentication/required-actions/{alias}/config": (
        "UPDATE",
        "REQUIRED_ACTION_CONFIG",
        "authentication/required-actions/{alias}/config",
    ),
    "/{target}/authentication/required-actions/{alias}/config/clear": (
        "DELETE",
        "REQUIRED_ACTION_CONFIG",
        "authentication/required-actions/{alias}/config",
    ),
    "/{target}/authentication/register-required-action": (
        "CREATE",
        "REQUIRED_ACTION",
        "authentication/register-required-action",
    ),
    "/{target}/authentication/create-flow": ("CREATE", "AUTH_FLOW", "authentication/flows/{id}"),
    "/{target}/authentication/flows/{id}/duplicate": ("CREATE", "AUTH_FLOW", "authentication/flows/{alias}/copy"),
    "/{target}/authentication/flows/{id}/bind": ("UPDATE", "REALM", ""),
    "/{target}/authentication/flows/{id}/edit": ("UPDATE", "AUTH_FLOW", "authentication/flows/{id}"),
    "/{target}/authentication/flows/{id}/delete": ("DELETE", "AUTH_FLOW", "authentication/flows/{id}"),
    "/{target}/authentication/flows/{id}/add": (
        "CREATE",
        "AUTH_EXECUTION",
        "authentication/flows/{alias}/executions/execution",
    ),  # AUTH_EXECUTION_FLOW at …/executions/flow for a sub-flow (test_admin_console_flows_steps.py)
    "/{target}/authentication/flows/{id}/executions/{execution}/requirement": (
        "UPDATE",
        "AUTH_EXECUTION",
        "authentication/flows/{alias}/executions",
    ),
    "/{target}/authentication/flows/{id}/executions/{execution}/raise-priority": (
        "UPDATE",
        "AUTH_EXECUTION",
        "authentication/executions/{execution}/raise-priority",
    ),
    "/{target}/authentication/flows/{id}/executions/{execution}/lower-priority": (
        "UPDATE",
        "AUTH_EXECUTION",
        "authentication/executions/{execution}/lower-priority",
    ),
    "/{target}/authentication/flows/{id}/executions/{execution}/delete": (
        "DELETE",
        "AUTH_EXECUTION",
        "authentication/executions/{execution}",
    ),
    "/{target}/authentication/flows/{id}/executions/{execution}/config": (
        "CREATE",
        "AUTHENTICATOR_CONFIG",
        "authentication/executions/{execution}/config",
    ),  # UPDATE AUTHENTICATOR_CONFIG at authentication/config/{id} once it has one (test_admin_console_flows_config.py)
    "/{target}/authentication/flows/{id}/executions/{execution}/config/clear": (
        "DELETE",
        "AUTHENTICATOR_CONFIG",
        "authentication/config/{id}",
    ),
    "/{target}/realm-settings/keys/providers/new/{provider}": ("CREATE", "COMPONENT", "components/{id}"),
    "/{target}/realm-settings/keys/providers/{id}": ("UPDATE", "COMPONENT", "components/{id}"),
    "/{target}/realm-settings/keys/providers/{id}/delete": ("DELETE", "COMPONENT", "components/{id}"),
    "/{target}/revocation/triggers": ("UPDATE", "REALM", ""),
    "/{target}/revocation/set-to-now": ("UPDATE", "REALM", ""),
    "/{target}/revocation/clear": ("UPDATE", "REALM", ""),
    "/{target}/revocation/push": ("ACTION", "REALM", "push-revocation"),
    "/{target}/clients/{id}": ("UPDATE", "CLIENT", "clients/{id}"),
    "/{target}/clients/{id}/advanced": ("UPDATE", "CLIENT", "clients/{id}"),
    "/{target}/clients/{id}/revocation-triggers": ("UPDATE", "CLIENT", "clients/{id}"),
    "/{target}/clients/{id}/revocation/set-to-now": ("UPDATE", "CLIENT", "clients/{id}"),
    "/{target}/clients/{id}/revocation/clear": ("UPDATE", "CLIENT", "clients/{id}"),
    "/{target}/clients/{id}/revocation/push": None,  # ClientResource.pushRevocation records no event
    "/{target}/clients/{id}/secret": None,
    "/{target}/client-registration/create": ("CREATE", "CLIENT_INITIAL_ACCESS_MODEL", "clients-initial-access/{id}"),
    "/{target}/client-registration/{id}/delete": (
        "DELETE",
        "CLIENT_INITIAL_ACCESS_MODEL",
        "clients-initial-access/{id}",
    ),  # shows the secret (Keycloak: GET client-secret)
    "/{target}/client-registration/policies/{sub}/new/{provider}": ("CREATE", "COMPONENT", "components/{id}"),
    "/{target}/client-registration/policy/{id}": ("UPDATE", "COMPONENT", "components/{id}"),
    "/{target}/client-registration/policy/{id}/delete": ("DELETE", "COMPONENT", "components/{id}"),
    "/{target}/sessions/{sid}/sign-out": ("DELETE", "USER_SESSION", "sessions/{sid}"),
    "/{target}/users/{id}/sign-out": ("ACTION", "USER", "users/{id}/logout"),
    "/{target}/users/{id}/details": ("UPDATE", "USER", "users/{id}"),
    "/{target}/users/{id}/credentials/reset-password": ("ACTION", "USER", "users/{id}/reset-password"),
    "/{target}/users/{id}/credentials/{credential}/delete": ("ACTION", "USER", "users/{id}/credentials/{credential}"),
    "/{target}/users/{id}/impersonate": None,  # POST users/{id}/impersonation records no admin event, as the REST call
    "/{target}/users/{id}/consents/revoke": ("ACTION", "USER", "users/{id}/consents/{clientId}"),
    "/{target}/users/{id}/offline-sessions/remove-others": ("DELETE", "USER", "users/{id}/offline-sessions"),
    # a user's Identity provider links tab (test_admin_console_user_links.py compares them with the REST calls')
    "/{target}/users/{id}/identity-provider-links/link": ("CREATE", "USER", "users/{id}/federated-identity/{alias}"),
    "/{target}/users/{id}/identity-provider-links/{alias}/unlink": (
        "DELETE",
        "USER",
        "users/{id}/federated-identity/{alias}",
    ),
    "/{target}/offline-sessions/revoke/preview": None,  # the dry run
    "/{target}/offline-sessions/revoke/run": ("ACTION", "USER_SESSION", "offline-sessions/revoke"),
    "/{target}/events/admin-events/settings": ("UPDATE", "REALM", "events/config"),
    # the Identity providers page (test_admin_console_identity_providers.py compares them with the REST calls')
    "/{target}/identity-providers/add": ("CREATE", "IDENTITY_PROVIDER", "identity-provider/instances/{alias}"),
    "/{target}/identity-providers/add/discover": None,  # import-config: reads the discovery document only
    # the Organizations pages (test_admin_console_organizations.py compares them with the REST calls')
    "/{target}/organizations/new": ("CREATE", "ORGANIZATION", "organizations/{id}"),
    "/{target}/organizations/{id}/settings": ("UPDATE", "ORGANIZATION", "organizations/{id}"),
    "/{target}/organizations/{id}/attributes": ("UPDATE", "ORGANIZATION", "organizations/{id}"),
    "/{target}/organizations/{id}/delete": ("DELETE", "ORGANIZATION", "organizations/{id}"),
    "/{target}/organizations/{id}/members/add": ("CREATE", "ORGANIZATION_MEMBERSHIP", "organizations/{id}/members"),
    "/{target}/organizations/{id}/members/invite": (
        "ACTION",
        "ORGANIZATION_MEMBERSHIP",
        "organizations/{id}/members/invite-user",
    ),
    "/{target}/organizations/{id}/members/{user}/remove": (
        "DELETE",
        "ORGANIZATION_MEMBERSHIP",
        "organizations/{id}/members/{user}",
    ),
    "/{target}/organizations/{id}/invitations/{inv}/resend": (
        "ACTION",
        "ORGANIZATION_MEMBERSHIP",
        "organizations/{id}/invitations/{inv}/resend",
    ),
    "/{target}/organizations/{id}/invitations/{inv}/delete": (
        "DELETE",
        "ORGANIZATION_MEMBERSHIP",
        "organizations/{id}/invitations/{inv}",
    ),
    # Keycloak 26.8's link dialog: POST …/identity-providers, then PUT …/identity-providers/{alias}: neither records
    "/{target}/organizations/{id}/identity-providers/link": None,
    # DomainsTab's Edit: PUT organizations/{id} with the domain's routing
    "/{target}/organizations/{id}/domains/save": ("UPDATE", "ORGANIZATION", "organizations/{id}"),
    # the Roles tab and a member's role mapping (test_kc_s71h_console_organization_roles.py reads their events)
    "/{target}/organizations/{id}/roles/new": ("CREATE", "ORGANIZATION_ROLE", "organizations/{id}/roles/{role}"),
    "/{target}/organizations/{id}/roles/{role}/details": (
        "UPDATE",
        "ORGANIZATION_ROLE",
        "organizations/{id}/roles/{role}",
    ),
    "/{target}/organizations/{id}/roles/{role}/attributes": (
        "UPDATE",
        "ORGANIZATION_ROLE",
        "organizations/{id}/roles/{role}",
    ),
    "/{target}/organizations/{id}/roles/{role}/delete": (
        "DELETE",
        "ORGANIZATION_ROLE",
        "organizations/{id}/roles/{role}",
    ),
    "/{target}/organizations/{id}/roles/{role}/associated-roles/add": (
        "CREATE",
        "ORGANIZATION_ROLE",
        "organizations/{id}/roles/{role}/composites",
    ),
    "/{target}/organizations/{id}/roles/{role}/associated-roles/{child}/remove": (
        "DELETE",
        "ORGANIZATION_ROLE",
        "organizations/{id}/roles/{role}/composites",
    ),
    "/{target}/organizations/{id}/roles/{role}/users-in-role/add": (
        "CREATE",
        "ORGANIZATION_ROLE_MAPPING",
        "organizations/{id}/roles/{role}/users",
    ),
    "/{target}/organizations/{id}/roles/{role}/users-in-role/{user}/remove": (
        "DELETE",
        "ORGANIZATION_ROLE_MAPPING",
        "organizations/{id}/roles/{role}/users",
    ),
    "/{target}/organizations/{id}/members/{user}/roles/assign": (
        "CREATE",
        "ORGANIZATION_ROLE_MAPPING",
        "organizations/{id}/roles/{role}/users",
    ),
    "/{target}/organizations/{id}/members/{user}/roles/{role}/unassign": (
        "DELETE",
        "ORGANIZATION_ROLE_MAPPING",
        "organizations/{id}/roles/{role}/users",
    ),
    "/{target}/organizations/{id}/identity-providers/{alias}/unlink": None,  # the REST DELETE records no event
    "/{target}/identity-providers/instances/{alias}": (
        "UPDATE",
        "IDENTITY_PROVIDER",
        "identity-provider/instances/{alias}",
    ),
    "/{target}/identity-providers/instances/{alias}/switch": (
        "UPDATE",
        "IDENTITY_PROVIDER",
        "identity-provider/instances/{alias}",
    ),
    "/{target}/identity-providers/instances/{alias}/delete": (
        "DELETE",
        "IDENTITY_PROVIDER",
        "identity-provider/instances/{alias}",
    ),
    "/{target}/identity-providers/instances/{alias}/mappers/add/{kind}": (
        "CREATE",
        "IDENTITY_PROVIDER_MAPPER",
        "identity-provider/instances/{alias}/mappers/{id}",
    ),
    "/{target}/identity-providers/instances/{alias}/mappers/{id}/delete": (
        "DELETE",
        "IDENTITY_PROVIDER_MAPPER",
        "identity-provider/instances/{alias}/mappers/{id}",
    ),
    # Realm settings → Client policies: each write is PUT client-policies/profiles or …/policies, which records no
    # admin event (ClientProfilesResource, ClientPoliciesResource); test_admin_console_client_policies_tab.py checks
    **{
        f"/{{target}}/realm-settings/client-policies/{{kind}}{tail}": None
        for tail in ("/json", "/new", "/edit", "/delete", "/switch", "/items/new", "/items/edit", "/items/delete")
    },
}


@dataclass
class Admin:
    """A console signed in as ``boss`` (realm-admin of ``test``) from ``ADMIN_IP``."""

    http: httpx.AsyncClient
    user_id: str
    token: str = ""

    async def post(self, path: str, **fields: str) -> httpx.Response:
        """POST a console action with this session's CSRF token, from this origin."""
        if not self.token:
            self.token = csrf(await self.http.get(f"{CONSOLE}/revocation", headers=HTML))
        return await self.http.post(CONSOLE + path, data={"csrf_token": self.token, **fields}, headers=ORIGIN)


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[Admin]:
    user_id, _ = await make_admin(realm, "test", "boss", "realm-admin")
    await seed_client(realm.db, "test", "vault", secret=SECRET, redirect_uris=("http://localhost/cb",))
    async with client_at(realm, ADMIN_IP) as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield Admin(http, user_id)


async def enable(env: Env, *, details: bool = True) -> None:
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": details}
    response = await env.http.put(f"{REALM}/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def events(env: Env) -> list[dict[str, Any]]:
    """The test realm's admin events, newest first, as the REST API lists them."""
    response = await env.http.get(f"{REALM}/admin-events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def latest(env: Env) -> dict[str, Any]:
    return (await events(env))[0]


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    """The same change through the Admin REST API, as the master admin."""
    headers = await env.admin_headers()
    content = None if body is None else json.dumps(body)
    if content is not None:
        headers["Content-Type"] = "application/json"
    response = await env.http.request(method, REALM + path, content=content, headers=headers)
    assert response.status_code < 300, response.text
    return response


ACTION_OF = {
    "sessions": "/{target}/realm-settings/sessions",
    "tokens": "/{target}/realm-settings/tokens",
    "login": "/{target}/realm-settings/login",
    "localization": "/{target}/realm-settings/localization",
    "triggers": "/{target}/revocation/triggers",
    "settings": "/{target}/clients/{id}",
    "advanced": "/{target}/clients/{id}/advanced",
    "client-triggers": "/{target}/clients/{id}/revocation-triggers",
}


def expected(action: str, **names: str) -> tuple[str, str, str | None]:
    """The operation, resource type and path ACTIONS gives for ``action``, its names filled in."""
    recorded = ACTIONS[action]
    assert recorded is not None
    operation, resource, path = recorded
    return operation, resource, path.format(**names) or None


def what(event: dict[str, Any]) -> tuple[str, str, str | None, Any]:
    """What an event says about the change: operation, resource type, path, parsed representation."""
    shown = event.get("representation")
    return (
        event["operationType"],
        event["resourceType"],
        event.get("resourcePath"),
        None if shown is None else json.loads(shown),
    )


async def done(response: httpx.Response) -> None:
    assert response.status_code == 303, response.text[:500]


async def session_id(env: Env, user: str = "user1", *, offline: bool = True) -> str:
    """The id of a new session of ``user`` with ``app`` (offline, or online only)."""
    scope = "openid offline_access" if offline else "openid"
    response = await password_grant(env.http, "test", "app", user, scope=scope)
    assert response.status_code == 200, response.text
    return str(claims(response.json()["access_token"])["sid"])


async def ids(env: Env, *names: tuple[str, str]) -> list[str]:
    """Ids of (realm, clientId) clients; a realm's own id for clientId ''."""
    out = []
    for realm_name, client_id in names:
        if client_id:
            out.append(await client_uuid(env, realm_name, client_id))
        else:
            async with env.db.transaction() as tx:
                found = await tx.realms.get_by_name(realm_name)
                assert found is not None
                out.append(found.id)
    return out


async def test_a_console_write_names_the_sign_in_realm_its_console_client_the_admin_and_the_ip(
    realm: Env, admin: Admin
) -> None:
    await enable(realm)
    await done(await admin.post("/revocation/set-to-now", confirmed="yes"))
    test_id, console_id = await ids(realm, ("test", ""), ("test", "security-admin-console"))
    event = await latest(realm)
    assert event["realmId"] == test_id and event["time"] == realm.clock.now() * 1000
    assert event["authDetails"] == {
        "realmId": test_id,
        "clientId": console_id,
        "userId": admin.user_id,
        "ipAddress": ADMIN_IP,
    }


async def test_the_master_admin_in_the_master_console_is_recorded_with_the_master_console_client(
    realm: Env,
) -> None:
    await enable(realm)
    user = await seed_user(realm.db, realm.clock, "test", "user2")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/master/console/", "admin", "admin")
        token = csrf(await http.get("/admin/master/console/test/revocation", headers=HTML))
        signed_out = await http.post(
            f"/admin/master/console/test/users/{user.id}/sign-out",
            data={"csrf_token": token, "confirmed": "yes"},
            headers=ORIGIN,
        )
        await done(signed_out)
    master_id, console_id = await ids(realm, ("master", ""), ("master", "security-admin-console"))
    async with realm.db.transaction() as tx:
        master_admin = await tx.users.get_by_username(master_id, "admin")
        assert master_admin is not None
    event = await latest(realm)
    assert what(event) == (*expected("/{target}/users/{id}/sign-out", id=user.id), None)
    assert event["authDetails"] == {
        "realmId": master_id,
        "clientId": console_id,
        "userId": master_admin.id,
        "ipAddress": "127.0.0.3",
    }


def _units(page: str) -> dict[str, str]:
    """The number fields and their chosen units of a realm settings tab, as shown."""
    fields = dict(re.findall(r'<input type="number"[^>]*name="([^"]+)"\s+value="([^"]*)"', page))
    units = re.findall(
        r'<select name="([^"]+)\.unit"[^>]*>(?:(?!</select>).)*?<option value="(\w+)" selected', page, re.S
    )
    return {**fields, **{f"{name}.unit": unit for name, unit in units}}


@pytest.mark.parametrize("form", ["sessions", "tokens", "triggers", "login", "localization"])
async def test_each_realm_settings_form_records_the_rest_put_of_the_whole_realm(
    realm: Env, admin: Admin, form: str
) -> None:
    await enable(realm)
    if form == "sessions":
        tab = await admin.http.get(f"{CONSOLE}/realm-settings/sessions", headers=HTML)
        saved = await admin.post("/realm-settings/sessions", **{**_units(tab.text), "ssoSessionIdleTimeout": "45"})
    elif form == "tokens":
        fields = {"accessTokenLifespan.unit": "minutes", "refreshTokenMaxReuse": "0", "refreshTokenGracePeriod": "0"}
        saved = await admin.post("/realm-settings/tokens", accessTokenLifespan="10", **fields)
    elif form == "login":
        saved = await admin.post("/realm-settings/login", registrationAllowed="on", rememberMe="on")
    elif form == "localization":
        saved = await admin.post("/realm-settings/localization", internationalizationEnabled="on", defaultLocale="de")
    else:
        saved = await admin.post("/revocation/triggers", **{"admin-logout": "both"})
    await done(saved)
    console = await latest(realm)
    whole = (await rest(realm, "GET", "")).json()
    assert what(console) == (*expected(ACTION_OF[form]), whole)
    await rest(realm, "PUT", "", whole)  # the same realm, PUT as Keycloak's console sends it
    assert what(await latest(realm)) == what(console)


@pytest.mark.parametrize("tab", ["settings", "advanced", "client-triggers"])
async def test_each_client_form_records_the_rest_put_of_the_whole_client_with_its_secret_masked(
    realm: Env, admin: Admin, tab: str
) -> None:
    await enable(realm)
    vault = await client_uuid(realm, "test", "vault")
    if tab == "settings":
        on = {"enabled": "on", "standardFlowEnabled": "on", "directAccessGrantsEnabled": "on"}
        saved = await admin.post(f"/clients/{vault}", name="Vault", redirectUris="http://localhost/cb", **on)
    elif tab == "advanced":
        units = {f"{spec.name}.unit": "minutes" for spec in ADVANCED}
        saved = await admin.post(f"/clients/{vault}/advanced", **units, **{"client.session.idle.timeout": "15"})
    else:
        saved = await admin.post(f"/clients/{vault}/revocation-triggers", **{"admin-logout": "none"})
    await done(saved)
    console = await latest(realm)
    whole = (await rest(realm, "GET", f"/clients/{vault}")).json()
    assert whole["secret"] == SECRET
    assert what(console) == (*expected(ACTION_OF[tab], id=vault), {**whole, "secret": "**********"})
    assert SECRET not in console["representation"]
    await rest(realm, "PUT", f"/clients/{vault}", whole)
    assert what(await latest(realm)) == what(console)


async def test_not_before_set_to_now_and_clear_record_the_put_keycloaks_console_sends(realm: Env, admin: Admin) -> None:
    await enable(realm)
    await done(await admin.post("/revocation/set-to-now", confirmed="yes"))
    now = realm.clock.now()
    assert what(await latest(realm)) == (
        *expected("/{target}/revocation/set-to-now"),
        {"realm": "test", "notBefore": now},
    )
    await done(await admin.post("/revocation/clear", confirmed="yes"))
    cleared = await latest(realm)
    assert what(cleared) == (*expected("/{target}/revocation/clear"), {"realm": "test", "notBefore": 0})
    await rest(realm, "PUT", "", {"realm": "test", "notBefore": 0})
    assert what(await latest(realm)) == what(cleared)


async def test_push_records_the_push_revocation_action_as_the_rest_call_does(realm: Env, admin: Admin) -> None:
    await enable(realm)
    await done(await admin.post("/revocation/push", confirmed="yes"))
    console = await latest(realm)
    # RealmAdminResource.pushRevocation records its GlobalRequestResult: empty, no client having an admin URL
    assert what(console) == (*expected("/{target}/revocation/push"), {})
    await rest(realm, "POST", "/push-revocation")
    assert what(await latest(realm)) == what(console)


async def test_a_client_not_before_set_to_now_and_clear_record_the_put_of_the_whole_client(
    realm: Env, admin: Admin
) -> None:
    await enable(realm)
    vault = await client_uuid(realm, "test", "vault")
    for kind, not_before in (("set-to-now", realm.clock.now()), ("clear", 0)):
        await done(await admin.post(f"/clients/{vault}/revocation/{kind}", confirmed="yes"))
        console = await latest(realm)
        whole = (await rest(realm, "GET", f"/clients/{vault}")).json()
        assert whole["notBefore"] == not_before
        action = "/{target}/clients/{id}/revocation/" + kind
        assert what(console) == (*expected(action, id=vault), {**whole, "secret": "**********"})
        await rest(realm, "PUT", f"/clients/{vault}", whole)  # AdvancedTab's save: the whole client, as shown
        assert what(await latest(realm)) == what(console)
    before = len(await events(realm))
    await done(await admin.post(f"/clients/{vault}/revocation/push", confirmed="yes"))
    assert len(await events(realm)) == before


@pytest.mark.parametrize("offline", [False, True])
async def test_signing_a_session_out_records_the_session_delete(realm: Env, admin: Admin, offline: bool) -> None:
    await enable(realm)
    first, second = await session_id(realm, offline=offline), await session_id(realm, offline=offline)
    flag = "true" if offline else "false"
    await done(await admin.post(f"/sessions/{first}/sign-out", offline=flag, confirmed="yes"))
    console = await latest(realm)
    assert what(console) == (*expected("/{target}/sessions/{sid}/sign-out", sid=first), None)
    await rest(realm, "DELETE", f"/sessions/{second}?isOffline={flag}")
    assert what(await latest(realm)) == ("DELETE", "USER_SESSION", f"sessions/{second}", None)


async def test_signing_a_user_out_everywhere_records_the_users_logout_action(realm: Env, admin: Admin) -> None:
    await enable(realm)
    user = await seed_user(realm.db, realm.clock, "test", "user2")
    await done(await admin.post(f"/users/{user.id}/sign-out", confirmed="yes"))
    console = await latest(realm)
    assert what(console) == (*expected("/{target}/users/{id}/sign-out", id=user.id), None)
    await rest(realm, "POST", f"/users/{user.id}/logout")
    assert what(await latest(realm)) == what(console)


async def test_revoking_a_consent_records_the_consents_action_with_the_client_id(realm: Env, admin: Admin) -> None:
    await enable(realm)
    await session_id(realm)
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        user = await tx.users.get_by_username(found.id, "user1")
        assert user is not None
    await done(await admin.post(f"/users/{user.id}/consents/revoke", client="app", confirmed="yes"))
    console = await latest(realm)
    assert what(console) == (*expected("/{target}/users/{id}/consents/revoke", id=user.id, clientId="app"), None)
    await session_id(realm)
    await rest(realm, "DELETE", f"/users/{user.id}/consents/app")
    assert what(await latest(realm)) == what(console)


async def test_removing_the_other_devices_records_the_users_offline_sessions_delete(realm: Env, admin: Admin) -> None:
    await enable(realm)
    keep = await session_id(realm)
    await session_id(realm)
    user_id = (await rest(realm, "GET", "/users?username=user1&exact=true")).json()[0]["id"]
    await done(await admin.post(f"/users/{user_id}/offline-sessions/remove-others", keep=keep, confirmed="yes"))
    console = await latest(realm)
    assert what(console) == (*expected("/{target}/users/{id}/offline-sessions/remove-others", id=user_id), None)
    await rest(realm, "DELETE", f"/users/{user_id}/offline-sessions?keep={keep}")
    assert what(await latest(realm)) == what(console)


async def test_the_bulk_revocation_run_records_its_criteria_and_the_preview_records_nothing(
    realm: Env, admin: Admin
) -> None:
    await enable(realm)
    await session_id(realm)
    before = await events(realm)
    preview = await admin.post("/offline-sessions/revoke/preview", client="app")
    assert preview.status_code == 200 and "Preview: 1 offline session(s) match" in preview.text
    assert await events(realm) == before
    await done(await admin.post("/offline-sessions/revoke/run", client="app", confirmed="yes"))
    console = await latest(realm)
    criteria = {"dryRun": False, "clientId": "app"}
    assert what(console) == (*expected("/{target}/offline-sessions/revoke/run"), criteria)
    await rest(realm, "POST", "/offline-sessions/revoke", criteria)
    assert what(await latest(realm)) == what(console)


async def test_the_admin_events_settings_record_the_events_config_put_turning_them_off_included(
    realm: Env, admin: Admin
) -> None:
    saved = await admin.post("/events/admin-events/settings", adminEventsEnabled="on", adminEventsDetailsEnabled="on")
    await done(saved)
    (console,) = await events(realm)  # the save that turned them on is itself recorded, as the REST PUT
    config = (await rest(realm, "GET", "/events/config")).json()
    assert what(console) == (*expected("/{target}/events/admin-events/settings"), config)
    await rest(realm, "PUT", "/events/config", config)
    assert what(await latest(realm)) == what(console)
    before = await events(realm)
    await done(await admin.post("/events/admin-events/settings"))
    off, *rest_of = await events(realm)  # as updateRealmEventsConfig, which considers old and new config
    assert rest_of == before and off["resourcePath"] == "events/config" and "representation" not in off


async def test_nothing_is_recorded_while_admin_events_are_off(realm: Env, admin: Admin) -> None:
    vault = await client_uuid(realm, "test", "vault")
    user = await seed_user(realm.db, realm.clock, "test", "user2")
    await done(await admin.post("/revocation/set-to-now", confirmed="yes"))
    await done(await admin.post(f"/clients/{vault}/revocation-triggers", **{"admin-logout": "none"}))
    await done(await admin.post(f"/users/{user.id}/sign-out", confirmed="yes"))
    await done(await admin.post("/revocation/push", confirmed="yes"))
    assert await events(realm) == []


async def test_without_details_the_events_carry_no_representation(realm: Env, admin: Admin) -> None:
    await enable(realm, details=False)
    vault = await client_uuid(realm, "test", "vault")
    await done(await admin.post(f"/clients/{vault}/revocation-triggers", **{"admin-logout": "none"}))
    await done(await admin.post("/revocation/set-to-now", confirmed="yes"))
    found = await events(realm)
    assert [what(e)[:3] for e in found[:2]] == [("UPDATE", "REALM", None), ("UPDATE", "CLIENT", f"clients/{vault}")]
    assert all("representation" not in e for e in found)


async def test_a_refused_console_write_records_nothing(realm: Env, admin: Admin) -> None:
    await enable(realm)
    before = await events(realm)
    bad_form = await admin.post("/realm-settings/tokens", accessTokenLifespan="soon", refreshTokenMaxReuse="0")
    assert bad_form.status_code == 400
    page = await admin.http.get(f"{CONSOLE}/revocation", headers=HTML)
    no_token = await admin.http.post(f"{CONSOLE}/revocation/set-to-now", data={"confirmed": "yes"}, headers=ORIGIN)
    elsewhere = await admin.http.post(
        f"{CONSOLE}/revocation/set-to-now",
        data={"csrf_token": csrf(page), "confirmed": "yes"},
        headers={"Origin": "http://evil.example"},
    )
    assert no_token.status_code == elsewhere.status_code == 403
    no_consent = await admin.post(f"/users/{admin.user_id}/consents/revoke", client="app", confirmed="yes")
    assert no_consent.status_code == 404
    gone = await admin.post("/sessions/no-such-session/sign-out", confirmed="yes")
    assert gone.status_code == 404
    await make_admin(realm, "test", "watcher", "view-realm", "view-clients")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        token = csrf(await http.get(f"{CONSOLE}/revocation", headers=HTML))
        refused = await http.post(
            f"{CONSOLE}/revocation/set-to-now", data={"csrf_token": token, "confirmed": "yes"}, headers=ORIGIN
        )
        assert refused.status_code == 403
    assert await events(realm) == before


async def test_no_console_write_puts_a_secret_in_a_representation(realm: Env, admin: Admin) -> None:
    await enable(realm)
    vault = await client_uuid(realm, "test", "vault")
    await done(await admin.post(f"/clients/{vault}/revocation-triggers", **{"admin-logout": "none"}))
    fields = {"enabled": "on", "standardFlowEnabled": "on", "directAccessGrantsEnabled": "on"}
    await done(await admin.post(f"/clients/{vault}", redirectUris="http://localhost/cb", **fields))
    shown = await admin.http.post(f"{CONSOLE}/clients/{vault}/secret", data={"csrf_token": admin.token}, headers=ORIGIN)
    assert shown.status_code == 200 and SECRET in shown.text  # shown on request, and not a write: not recorded
    found = await events(realm)
    assert [e["operationType"] for e in found] == ["UPDATE", "UPDATE", "UPDATE"]
    assert all(SECRET not in json.dumps(e) for e in found)
    assert all(json.loads(e["representation"])["secret"] == "**********" for e in found[:2])


def test_every_console_action_is_in_the_table_of_recorded_writes() -> None:
    """A new console action must be added to ACTIONS (and tested here), so that no write goes unrecorded."""
    console = [r for r in routes() if isinstance(r, Route)]
    posts = {r.path.removeprefix("/admin/{realm}/console") for r in console if "POST" in (r.methods or ())}
    assert posts == set(ACTIONS)


@pytest.mark.parametrize("move", ["requirement", "lower-priority", "raise-priority"])
async def test_a_flow_step_change_records_what_its_rest_twin_records(realm: Env, admin: Admin, move: str) -> None:
    """The flows tab's step changes (test_admin_console_flows*.py test the others) against the REST calls."""
    await rest(realm, "POST", "/authentication/flows/browser/copy", {"newName": "twin"})
    flow_id = next(f["id"] for f in (await rest(realm, "GET", "/authentication/flows")).json() if f["alias"] == "twin")
    steps = (await rest(realm, "GET", "/authentication/flows/twin/executions")).json()
    otp = next(s for s in steps if s["displayName"] == "OTP Form")
    await enable(realm)
    action = f"/{{target}}/authentication/flows/{{id}}/executions/{{execution}}/{move}"
    if move == "requirement":
        await done(
            await admin.post(
                f"/authentication/flows/{flow_id}/executions/{otp['id']}/requirement", requirement="REQUIRED"
            )
        )
        body = {**otp, "requirement": "REQUIRED"}
        console = await latest(realm)
        assert what(console) == (*expected(action, alias="twin"), body)
        await rest(realm, "PUT", "/authentication/flows/twin/executions", {**otp, "requirement": "DISABLED"})
        await rest(realm, "PUT", "/authentication/flows/twin/executions", body)
    else:
        await done(await admin.post(f"/authentication/flows/{flow_id}/executions/{otp['id']}/{move}"))
        console = await latest(realm)
        assert what(console) == (*expected(action, execution=otp["id"]), None)
        back = "raise-priority" if move == "lower-priority" else "lower-priority"
        await rest(realm, "POST", f"/authentication/executions/{otp['id']}/{back}")
        await rest(realm, "POST", f"/authentication/executions/{otp['id']}/{move}")
    assert what(await latest(realm)) == what(console)
