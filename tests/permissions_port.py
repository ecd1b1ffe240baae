"""The set-up and the checker of the wire port of Keycloak's PermissionsTest (tests/wire/
test_keycloak_permissions_test.py): one app and database for the whole module, the realms ``permissions-test``
and ``realm2`` imported as AbstractPermissionsTest's PermissionsTestRealmConfig1/2 make them, a bearer header
per caller, and ``invoke``: each case's requests made as every caller, the answer held against Keycloak's
expectation (permitted: 200, 201, 204, 400, 404 or 409; refused: 403 ``{"error": "HTTP 403 Forbidden"}``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from admin_support import FORBIDDEN_BODY
from keycloak_port import admin_headers
from wire_env import Env

REALM = "permissions-test"
REALM_2 = "realm2"
DOOMED = "permissions-delete"  # deleted by its own realm-admin in realms()
BASE = f"/admin/realms/{REALM}"
# AdminRoles.ALL_REALM_ROLES, plus impersonation: one user of that name holding that realm-management role.
ROLES = (
    "create-client",
    "view-realm",
    "view-users",
    "view-clients",
    "view-events",
    "view-identity-providers",
    "view-authorization",
    "manage-realm",
    "manage-users",
    "manage-clients",
    "manage-events",
    "manage-identity-providers",
    "manage-authorization",
    "query-users",
    "query-clients",
    "query-realms",
    "query-groups",
    "impersonation",
)
PERMITTED = frozenset({200, 201, 204, 400, 404, 409})
MULTIPART = object()  # a step's body: an empty multipart/form-data upload (uploadJks(null))
# AbstractPermissionsTest.getViewRole / getManageRole / getDifferentViewRole / getDifferentManageRole.
VIEW = {
    "client": "view-clients",
    "user": "view-users",
    "realm": "view-realm",
    "events": "view-events",
    "identity-provider": "view-identity-providers",
}
MANAGE = {
    "client": "manage-clients",
    "user": "manage-users",
    "realm": "manage-realm",
    "events": "manage-events",
    "identity-provider": "manage-identity-providers",
}
OTHER_VIEW = {
    "client": "view-users",
    "user": "view-clients",
    "realm": "view-events",
    "events": "view-identity-providers",
    "identity-provider": "view-realm",
}
OTHER_MANAGE = {
    "client": "manage-users",
    "user": "manage-clients",
    "realm": "manage-events",
    "events": "manage-identity-providers",
    "identity-provider": "manage-realm",
}
# The roles of master's ``permissions-test-realm`` client held by the master callers ``master-<role>`` (each user
# holding one; AbstractPermissionsTest makes one per AdminRoles.ALL_REALM_ROLES, the port those the cases use).
MASTER_ROLES = tuple(sorted({*VIEW.values(), *MANAGE.values(), *OTHER_VIEW.values(), *OTHER_MANAGE.values()}))

Step = tuple[str, str, Any]  # method, path (below the realm's admin URL unless it starts with /admin), body


@dataclass(frozen=True)
class Case:
    """One ``invoke`` of the Java test: its requests, and who may make them.

    With ``resource``, the callers and answers AbstractPermissionsTest's ``invoke(invocation, resource, manage,
    skipDifferentRole)`` expects; otherwise ``callers`` names them. ``check`` sees each permitted caller's last
    answer body. ``refresh`` reads the set-up's ids again after each caller (the Java test re-reads the id of
    a resource it deleted and made again)."""

    name: str
    steps: tuple[Step, ...]
    resource: str | None = None
    manage: bool = False
    skip_different: bool = False
    callers: tuple[tuple[str, bool], ...] = ()
    check: Callable[[str, Any], None] | None = None
    refresh: bool = False

    def expected(self) -> dict[str, bool]:
        if self.resource is None:
            return dict(self.callers)
        out = {"master-none": False, "master-admin": True, "none": False, "realm-admin": True, "REALM2": False}
        for prefix in ("master-", ""):  # the master users holding the role of permissions-test-realm, then the realm's
            out |= {prefix + VIEW[self.resource]: not self.manage, prefix + MANAGE[self.resource]: True}
            if not self.skip_different:
                out |= {prefix + OTHER_VIEW[self.resource]: False, prefix + OTHER_MANAGE[self.resource]: False}
        return out


def case(name: str, method: str, path: str, resource: str, manage: bool, body: Any = None, **kw: Any) -> Case:
    """A one-request ``invoke(invocation, resource, manage[, skipDifferentRole])``."""
    return Case(name, ((method, path, body),), resource, manage, **kw)


def by(name: str, method: str, path: str, *callers: tuple[str, bool], body: Any = None, **kw: Any) -> Case:
    """A one-request ``invoke(invocation, clients.get(caller), expectSuccess)`` per listed caller."""
    return Case(name, ((method, path, body),), callers=callers, **kw)


@dataclass
class Kc:
    env: Env
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    async def call(self, caller: str, method: str, path: str, body: Any = None) -> httpx.Response:
        url = path if path.startswith("/admin/") else BASE + path
        url = url.format(**self.ids)
        headers = dict(self.headers[caller])
        if body is MULTIPART:
            headers["Content-Type"] = "multipart/form-data; boundary=permissions"
            return await self.env.http.request(method, url, content=b"--permissions--\r\n", headers=headers)
        return await self.env.http.request(method, url, json=body, headers=headers)

    async def master(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """A set-up request as master's admin that must succeed; its JSON body, or None."""
        url = path if path.startswith("/admin/") else BASE + path
        headers = await admin_headers(self.env)
        response = await self.env.http.request(method, url, json=body, params=params or None, headers=headers)
        assert response.status_code in (200, 201, 204), (method, url, response.status_code, response.text)
        return response.json() if response.status_code == 200 else None

    async def log_in_again(self) -> None:
        """Fresh tokens for the callers of ``permissions-test`` (after a logout-all ended their sessions; the
        Java test logs its admin clients in again before each method)."""
        for username in ("realm-admin", "multi", "none", *ROLES):
            self.headers[username] = await login(self.env, REALM, username)

    async def refresh(self) -> None:
        """The ids of the set-up's resources, read again (after a case deleted and made one again)."""
        (foo,) = await self.master("GET", "/clients", clientId="foo")
        (user,) = await self.master("GET", "/users", username="testuser", exact="true")
        scopes = await self.master("GET", "/client-scopes")
        group = await self.master("GET", "/group-by-path/mygroup")
        role = await self.master("GET", "/roles/role-by-id")
        self.ids |= {
            "foo": foo["id"],
            "testuser": user["id"],
            "scope": next(s["id"] for s in scopes if s["name"] == "scope"),
            "mygroup": group["id"],
            "role_id": role["id"],
        }


async def invoke(kc: Kc, one: Case) -> None:
    """Every caller makes the case's requests; the answers that differ from Keycloak's are reported together."""
    wrong: list[str] = []
    for caller, permitted in one.expected().items():
        status, body = 200, None
        for method, path, payload in one.steps:
            response = await kc.call(caller, method, path, payload)
            status, body = response.status_code, response.content
            if status >= 400:
                break
            if len(one.steps) > 1:
                status = 200  # a void invocation that did not throw: "OK (we don't care about the exact status)"
        if status >= 500:
            wrong.append(f"{caller}: {status} {body!r}")
        elif permitted and status not in PERMITTED:
            wrong.append(f"{caller}: expected permitted, was {status}")
        elif not permitted and status != 403:
            wrong.append(f"{caller}: expected 403, was {status}")
        elif not permitted and json.loads(body or b"null") != FORBIDDEN_BODY:
            wrong.append(f"{caller}: 403 with {body!r}, not Keycloak's {FORBIDDEN_BODY}")
        elif permitted and one.check is not None:
            one.check(caller, json.loads(body or b"null"))
        if one.refresh:
            await kc.refresh()
    assert not wrong, f"{one.name}: " + "; ".join(wrong)


def realm_rep(name: str, users: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    client = {"clientId": "test-client", "enabled": True, "publicClient": True, "directAccessGrantsEnabled": True}
    return {"realm": name, "enabled": True, "clients": [client], "users": users, **extra}


def user_rep(username: str, *roles: str) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "username": username,
        "enabled": True,
        "firstName": username,
        "lastName": username,
        "email": f"{username}@localhost.com",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    if roles:
        rep["clientRoles"] = {"realm-management": list(roles)}
    return rep


def realm_one(smtp_port: int) -> dict[str, Any]:
    """PermissionsTestRealmConfig1."""
    users = [
        user_rep("realm-admin", "realm-admin"),
        user_rep("multi", "query-groups", "manage-realm", "view-clients"),
        user_rep("none"),
        *(user_rep(role, role) for role in ROLES),
        user_rep("admin", "realm-admin"),
    ]
    smtp = {"host": "127.0.0.1", "port": str(smtp_port), "from": "auto@keycloak.org"}
    return realm_rep(REALM, users, smtpServer=smtp)


def realm_two(name: str = REALM_2) -> dict[str, Any]:
    """PermissionsTestRealmConfig2."""
    return realm_rep(name, [user_rep("admin", "realm-admin")])


async def login(env: Env, realm: str, username: str, client_id: str = "test-client") -> dict[str, str]:
    form = {"grant_type": "password", "client_id": client_id, "username": username, "password": "password"}
    response = await env.http.post(f"/realms/{realm}/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, (realm, username, response.text)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def set_up(env: Env, smtp_port: int) -> Kc:
    """AbstractPermissionsTest.beforeEach and the realm configs, once: the realms, the callers' tokens, and the
    resources the Java methods make before their ``invoke`` calls (the client ``foo``, the users ``testuser``
    and ``attacked``, the group ``mygroup``, the realm roles ``sample-role`` and ``role-by-id``, the client
    scope ``scope``)."""
    kc = Kc(env)
    await kc.master("POST", "/admin/realms", realm_one(smtp_port))
    await kc.master("POST", "/admin/realms", realm_two())
    await kc.master("POST", "/admin/realms", realm_two(DOOMED))
    await kc.master("POST", "/admin/realms/master/users", user_rep("permissions-test-master-none"))
    kc.headers["master-admin"] = await admin_headers(env)
    kc.headers["master-none"] = await login(env, "master", "permissions-test-master-none", "admin-cli")
    kc.headers["REALM2"] = await login(env, REALM_2, "admin")
    kc.headers["doomed-admin"] = await login(env, DOOMED, "admin")
    (realm_client,) = await kc.master("GET", "/admin/realms/master/clients", clientId=f"{REALM}-realm")
    for role in MASTER_ROLES:
        username = f"permissions-test-master-{role}"
        await kc.master("POST", "/admin/realms/master/users", user_rep(username))
        (user,) = await kc.master("GET", "/admin/realms/master/users", username=username, exact="true")
        rep = await kc.master("GET", f"/admin/realms/master/clients/{realm_client['id']}/roles/{role}")
        await kc.master(
            "POST", f"/admin/realms/master/users/{user['id']}/role-mappings/clients/{realm_client['id']}", [rep]
        )
        kc.headers[f"master-{role}"] = await login(env, "master", username, "admin-cli")
    await kc.log_in_again()
    await kc.master("POST", "/clients", {"clientId": "foo"})
    await kc.master("POST", "/users", {"username": "testuser"})
    await kc.master("POST", "/users", {"username": "attacked", "enabled": True})
    await kc.master("POST", "/groups", {"name": "mygroup"})
    await kc.master("POST", "/groups", {"name": "sample"})
    await kc.master("POST", "/roles", {"name": "sample-role"})
    await kc.master("POST", "/roles", {"name": "role-by-id"})
    await kc.master("POST", "/client-scopes", {"name": "scope", "protocol": "openid-connect"})
    (management,) = await kc.master("GET", "/clients", clientId="realm-management")
    (attacked,) = await kc.master("GET", "/users", username="attacked", exact="true")
    (test_client,) = await kc.master("GET", "/clients", clientId="test-client")
    kc.ids |= {"rm": management["id"], "attacked": attacked["id"], "test_client": test_client["id"]}
    kc.ids["random"] = str(uuid.uuid4())
    await kc.refresh()
    return kc
