"""Keycloak's CompositeRolesModelTest (testsuite .../model/CompositeRolesModelTest.java), ported through the Admin
REST API: the realm of ``model/testcomposites2.json`` (Keycloak's pre-2.0 shapes: ``applications``,
``oauthClients``, users' ``applicationRoles``, ``applicationScopeMappings``, roles' ``application`` composites)
imported with ``POST /admin/realms``, and the test's own ``getRequestedRoles`` computed over what the admin API
reads back: the user's role mappings, the client's scope mappings and roles, and each role's composites
(``roles-by-id/{id}/composites``), ``hasRole`` being "is the role itself or among its composites, transitively".

``getRequestedRoles`` is the test's helper, not the server's token rule: TokenManager.getAccess expands the
client's scope fully and so puts more roles in a token (REALM_ROLE_2 and REALM_ROLE_3 for APP_COMPOSITE_USER at
APP_COMPOSITE_APPLICATION); the port also checks that every requested role is in the example access token
(``evaluate-scopes/generate-example-access-token``) of that user at that client.

testNoClientID imports ``model/testrealm-noclient-id.json``, whose ``clientScopeMappings`` give a role of
realm-management to an unknown client ``some-client``. Keycloak's import throws a RuntimeException ("Unknown client
specification in scope mappings: some-client"), which RealmsAdminResource.importRealm does not catch: a 500 whose
body does not carry the text. Doorkeep answers a 400 naming the client (its import's own wording, as for every
refused import) and makes no realm.
"""

from __future__ import annotations

from typing import Any

import pytest

from model_port import call, client_uuid, ok, user_id
from support import without_verify_profile
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "TestComposites"
APP = {"enabled": True, "baseUrl": "http://localhost:8081/app", "adminUrl": "http://localhost:8081/app/logout"}


def _user(username: str, n: int, **roles: Any) -> dict[str, Any]:
    rep = {"username": username, "enabled": True, "email": f"test-user{n}@localhost"}
    return {**rep, "credentials": [{"type": "password", "value": "password"}], **roles}


def _app(name: str) -> dict[str, Any]:
    return {"name": name, "fullScopeAllowed": False, **APP, "secret": "password"}


TESTCOMPOSITES2: dict[str, Any] = {
    "id": "TestComposites",
    "realm": REALM,
    "enabled": True,
    "accessTokenLifespan": 600,
    "accessCodeLifespan": 600,
    "accessCodeLifespanUserAction": 600,
    "sslRequired": "external",
    "registrationAllowed": True,
    "resetPasswordAllowed": True,
    "requiredCredentials": ["password"],
    "smtpServer": {"from": "auto@keycloak.org", "host": "localhost", "port": "3025"},
    "users": [
        _user("REALM_COMPOSITE_1_USER", 1, realmRoles=["REALM_COMPOSITE_1"]),
        _user("REALM_ROLE_1_USER", 2, realmRoles=["REALM_ROLE_1"]),
        _user("REALM_APP_COMPOSITE_USER", 3, realmRoles=["REALM_APP_COMPOSITE_ROLE"]),
        _user("REALM_APP_ROLE_USER", 4, applicationRoles={"APP_ROLE_APPLICATION": ["APP_ROLE_2"]}),
        _user("APP_COMPOSITE_USER", 5, realmRoles=["REALM_APP_COMPOSITE_ROLE", "REALM_COMPOSITE_1"]),
    ],
    "oauthClients": [{"name": "third-party", "enabled": True, "secret": "password"}],
    "scopeMappings": [
        {"client": "REALM_COMPOSITE_1_APPLICATION", "roles": ["REALM_COMPOSITE_1"]},
        {
            "client": "REALM_COMPOSITE_2_APPLICATION",
            "roles": ["REALM_COMPOSITE_1", "REALM_COMPOSITE_CHILD", "REALM_ROLE_4"],
        },
        {"client": "REALM_ROLE_1_APPLICATION", "roles": ["REALM_ROLE_1"]},
    ],
    "applications": [
        _app(name)
        for name in (
            "REALM_COMPOSITE_1_APPLICATION",
            "REALM_COMPOSITE_2_APPLICATION",
            "REALM_ROLE_1_APPLICATION",
            "APP_ROLE_APPLICATION",
            "APP_COMPOSITE_APPLICATION",
        )
    ],
    "roles": {
        "realm": [
            {"name": "REALM_ROLE_1"},
            {"name": "REALM_ROLE_2"},
            {"name": "REALM_ROLE_3"},
            {"name": "REALM_ROLE_4"},
            {"name": "REALM_COMPOSITE_1", "composites": {"realm": ["REALM_ROLE_1", "REALM_COMPOSITE_CHILD"]}},
            {"name": "REALM_COMPOSITE_CHILD", "composites": {"realm": ["REALM_ROLE_4"]}},
            {
                "name": "REALM_APP_COMPOSITE_ROLE",
                "composites": {
                    "application": {
                        "APP_ROLE_APPLICATION": ["APP_ROLE_1"],
                        "APP_COMPOSITE_APPLICATION": ["APP_COMPOSITE_ROLE"],
                    }
                },
            },
        ],
        "application": {
            "APP_ROLE_APPLICATION": [{"name": "APP_ROLE_1"}, {"name": "APP_ROLE_2"}],
            "APP_COMPOSITE_APPLICATION": [
                {
                    "name": "APP_COMPOSITE_ROLE",
                    "composites": {
                        "realm": ["REALM_ROLE_1", "REALM_ROLE_2", "REALM_ROLE_3"],
                        "application": {
                            "APP_ROLE_APPLICATION": ["APP_ROLE_1"],
                            "APP_COMPOSITE_APPLICATION": ["APP_COMPOSITE_CHILD"],
                        },
                    },
                },
                {
                    "name": "APP_COMPOSITE_CHILD",
                    "composites": {"application": {"APP_COMPOSITE_APPLICATION": ["APP_ROLE_2"]}},
                },
                {"name": "APP_ROLE_2"},
            ],
        },
    },
    "applicationScopeMappings": {
        "APP_ROLE_APPLICATION": [{"client": "APP_COMPOSITE_APPLICATION", "roles": ["APP_ROLE_1"]}]
    },
}

# Role: (container, name); the container is "realm" or a clientId, as the Java getRole takes it.
Role = tuple[str, str]


class Reader:
    """The realm's roles as the admin API shows them, composites read once per role."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.names: dict[str, Role] = {}
        self.children: dict[str, list[str]] = {}

    def remember(self, rep: dict[str, Any], container: str) -> str:
        self.names[rep["id"]] = (container, rep["name"])
        return str(rep["id"])

    async def composites(self, role_id: str) -> list[str]:
        if role_id not in self.children:
            found = await ok(self.env, "GET", f"/{REALM}/roles-by-id/{role_id}/composites")
            self.children[role_id] = [self.remember(r, self.container_of(r)) for r in found]
        return self.children[role_id]

    def container_of(self, rep: dict[str, Any]) -> str:
        return self.client_ids[rep["containerId"]] if rep.get("clientRole") else "realm"

    async def has_role(self, role_id: str, wanted: str, seen: set[str] | None = None) -> bool:
        """RoleModel.hasRole: the role itself, or one of its composites, transitively."""
        seen = set() if seen is None else seen
        if role_id == wanted:
            return True
        if role_id in seen:
            return False
        seen.add(role_id)
        for child in await self.composites(role_id):
            if await self.has_role(child, wanted, seen):
                return True
        return False

    async def load_clients(self) -> None:
        clients = await ok(self.env, "GET", f"/{REALM}/clients")
        self.client_ids = {c["id"]: c["clientId"] for c in clients}
        self.uuids = {c["clientId"]: c["id"] for c in clients}

    async def mappings(self, path: str) -> list[str]:
        """The realm and client roles of a ``role-mappings`` or ``scope-mappings`` answer; their ids."""
        found = await ok(self.env, "GET", path)
        ids = [self.remember(r, "realm") for r in found.get("realmMappings", [])]
        for client in found.get("clientMappings", {}).values():
            ids.extend(self.remember(r, client["client"]) for r in client["mappings"])
        return ids

    async def requested_roles(self, client_id: str, username: str) -> set[Role]:
        """The Java test's getRequestedRoles(application, user)."""
        await self.load_clients()
        uuid = self.uuids[client_id]
        user_roles = await self.mappings(f"/{REALM}/users/{await user_id(self.env, REALM, username)}/role-mappings")
        scopes = await self.mappings(f"/{REALM}/clients/{uuid}/scope-mappings")
        scopes += [self.remember(r, client_id) for r in await ok(self.env, "GET", f"/{REALM}/clients/{uuid}/roles")]
        requested: set[str] = set()
        for scope in scopes:
            for role in user_roles:
                if self.names[role][0] == client_id:
                    requested.add(role)
                await self.apply_scope(role, scope, set(), requested)
        return {self.names[r] for r in requested}

    async def apply_scope(self, role: str, scope: str, visited: set[str], requested: set[str]) -> None:
        if scope in visited:
            return
        visited.add(scope)
        if await self.has_role(role, scope):
            requested.add(scope)
            return
        for contained in await self.composites(scope):
            await self.apply_scope(role, contained, visited, requested)


async def token_roles(env: Env, client_id: str, username: str) -> set[Role]:
    """The roles of the example access token of ``username`` at ``client_id``."""
    uuid = await client_uuid(env, REALM, client_id)
    uid = await user_id(env, REALM, username)
    path = f"/{REALM}/clients/{uuid}/evaluate-scopes/generate-example-access-token"
    token = await ok(env, "GET", path, userId=uid)
    roles = {("realm", r) for r in token.get("realm_access", {}).get("roles", [])}
    for client, access in token.get("resource_access", {}).items():
        roles |= {(client, r) for r in access["roles"]}
    return roles


async def imported(env: Env) -> Reader:
    response = await call(env, "POST", "", TESTCOMPOSITES2)
    assert response.status_code == 201, response.text
    await without_verify_profile(env.db, REALM)
    return Reader(env)


async def assert_requested(env: Env, reader: Reader, client_id: str, username: str, expected: set[Role]) -> None:
    requested = await reader.requested_roles(client_id, username)
    assert requested == expected, (client_id, username, requested)
    assert requested <= await token_roles(env, client_id, username)


async def test_composites(env: Env) -> None:
    """testComposites: the requested roles of each user at each client, as the Java test counts and names them."""
    reader = await imported(env)
    app = "APP_COMPOSITE_APPLICATION"
    await assert_requested(
        env,
        reader,
        app,
        "APP_COMPOSITE_USER",
        {
            (app, "APP_COMPOSITE_ROLE"),
            (app, "APP_COMPOSITE_CHILD"),
            (app, "APP_ROLE_2"),
            ("APP_ROLE_APPLICATION", "APP_ROLE_1"),
            ("realm", "REALM_ROLE_1"),
        },
    )
    requested2 = await reader.requested_roles(app, "REALM_APP_COMPOSITE_USER")
    assert len(requested2) == 4 and ("APP_ROLE_APPLICATION", "APP_ROLE_1") in requested2, requested2
    assert requested2 <= await token_roles(env, app, "REALM_APP_COMPOSITE_USER")
    composite1 = {("realm", "REALM_COMPOSITE_1")}
    await assert_requested(env, reader, "REALM_COMPOSITE_1_APPLICATION", "REALM_COMPOSITE_1_USER", composite1)
    await assert_requested(
        env,
        reader,
        "REALM_COMPOSITE_2_APPLICATION",
        "REALM_COMPOSITE_1_USER",
        {("realm", "REALM_COMPOSITE_1"), ("realm", "REALM_COMPOSITE_CHILD"), ("realm", "REALM_ROLE_4")},
    )
    role1 = {("realm", "REALM_ROLE_1")}
    await assert_requested(env, reader, "REALM_ROLE_1_APPLICATION", "REALM_COMPOSITE_1_USER", role1)
    await assert_requested(env, reader, "REALM_COMPOSITE_1_APPLICATION", "REALM_ROLE_1_USER", role1)


NO_CLIENT_ID: dict[str, Any] = {
    "realm": "demo-no-client-id",
    "enabled": True,
    "accessTokenLifespan": 300,
    "accessCodeLifespan": 10,
    "accessCodeLifespanUserAction": 600,
    "sslRequired": "external",
    "requiredCredentials": ["password"],
    "users": [
        {
            "username": "bburke@redhat.com",
            "enabled": True,
            "email": "bburke@redhat.com",
            "credentials": [{"type": "Password", "value": "password"}],
            "realmRoles": ["user"],
        }
    ],
    "roles": {
        "realm": [
            {"name": "user", "description": "Have User privileges"},
            {"name": "admin", "description": "Have Administrator privileges"},
        ]
    },
    "scopeMappings": [{"client": "third-party", "roles": ["user"]}],
    "clients": [{"name": "third-party", "enabled": True, "bearerOnly": True}],
    "clientScopeMappings": {"realm-management": [{"client": "some-client", "roles": ["create-client"]}]},
}


async def test_no_client_id(env: Env) -> None:
    """testNoClientID: the file as it is (its client named by ``name`` alone) is refused, and so is the file whose
    client has its clientId, for the unknown ``some-client`` of its client scope mappings; no realm is made."""
    response = await call(env, "POST", "", {**NO_CLIENT_ID, "id": "TestNoClientID"})
    assert response.status_code == 400, response.text
    named = {
        **NO_CLIENT_ID,
        "id": "TestNoClientID",
        "clients": [{**NO_CLIENT_ID["clients"][0], "clientId": "third-party"}],
    }
    response = await call(env, "POST", "", named)
    assert response.status_code == 400, response.text
    assert "some-client" in response.json()["errorMessage"], response.text
    assert (await call(env, "GET", "/demo-no-client-id")).status_code == 404
