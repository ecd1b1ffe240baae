"""Keycloak's OIDCProtocolMappersTest realm and helpers, for the wire port of
``org.keycloak.testsuite.oauth.OIDCProtocolMappersTest`` (testsuite/integration-arquillian/tests/base).

The realm is the part of Keycloak's ``testrealm.json`` the test reads: the clients ``test-app`` (secret
``password``, full scope), ``test-app-scope`` (full scope off, scoped to ``user``, ``admin`` and
``test-app.customer-admin-composite-role``) and ``test-app-authz`` (secret ``secret``; its authorization
settings are left out, Doorkeep has no authorization services); the realm and client roles with their
composites; the groups ``/topGroup/level2group(2)`` and ``/roleRichGroup/level2group(2)``; the users
``test-user@localhost`` (Tom Brady), ``level2GroupUser`` and ``roleRichUser`` (``rich.roles@redhat.com``).
Every user has a first and last name, so that no profile update interrupts the login. ``@Before`` turns
the unmanaged attributes on (``UserProfileUtil.enableUnmanagedAttributes``), as ``import_realm`` does.

The mapper builders mirror ``ProtocolMapperUtil`` / the mappers' ``create`` methods: Keycloak's mapper types
and config keys, created through the admin API.
"""

from __future__ import annotations

from typing import Any

import httpx

from access_token_realm import client_uuid as client_uuid
from access_token_realm import get as get
from access_token_realm import user_id as user_id
from browser_flow import code_from, exchange, start, submit
from wire_env import Env

ADMIN = "/admin/realms/test"
APP = "test-app"
SCOPE_APP = "test-app-scope"
AUTHZ_APP = "test-app-authz"
USER = "test-user@localhost"
RICH = "rich.roles@redhat.com"
ORIGIN = "http://127.0.0.1:9999"
SECRETS = {APP: "password", SCOPE_APP: "password", AUTHZ_APP: "secret"}


def _user(username: str, email: str, **extra: Any) -> dict[str, Any]:
    credentials = [{"type": "password", "value": "password", "temporary": False}]
    names = {"firstName": "Tom", "lastName": "Brady"} if username == USER else {"firstName": "A", "lastName": "B"}
    return {"username": username, "email": email, "enabled": True, "credentials": credentials, **names, **extra}


def _client(client_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "enabled": True,
        "secret": SECRETS[client_id],
        "redirectUris": [f"{ORIGIN}/*"],
        "directAccessGrantsEnabled": True,
        **extra,
    }


def _group(name: str, realm_roles: list[str], client_roles: dict[str, list[str]], **extra: Any) -> dict[str, Any]:
    return {"name": name, "realmRoles": realm_roles, "clientRoles": client_roles, **extra}


def realm_rep() -> dict[str, Any]:
    composite = {
        "name": "realm-composite-role",
        "composite": True,
        "composites": {
            "realm": ["sample-realm-role"],
            "client": {APP: ["sample-client-role"], "account": ["view-profile"]},
        },
    }
    app_composite = {
        "name": "customer-admin-composite-role",
        "composite": True,
        "composites": {"realm": ["customer-user-premium"], "client": {APP: ["customer-admin"]}},
    }
    level2 = [
        _group("level2group", ["admin"], {APP: ["customer-user"]}, attributes={"level2Attribute": ["true"]}),
        _group("level2group2", ["admin"], {APP: ["customer-user"]}, attributes={"level2Attribute": ["true"]}),
    ]
    rich_level2 = [
        _group("level2group", ["admin"], {APP: ["customer-user", "customer-admin-composite-role"]}),
        _group("level2group2", ["admin"], {APP: ["customer-user"]}),
    ]
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "clients": [
            _client(APP),
            _client(SCOPE_APP, fullScopeAllowed=False),
            _client(AUTHZ_APP, baseUrl="/test-app-authz"),
        ],
        "roles": {
            "realm": [
                {"name": "user"},
                {"name": "admin"},
                {"name": "customer-user-premium"},
                {"name": "sample-realm-role"},
                composite,
            ],
            "client": {
                APP: [
                    {"name": "manage-account"},
                    {"name": "customer-user"},
                    {"name": "customer-admin"},
                    {"name": "sample-client-role"},
                    app_composite,
                ],
                SCOPE_APP: [{"name": "test-app-allowed-by-scope"}, {"name": "test-app-disallowed-by-scope"}],
            },
        },
        "groups": [
            _group("topGroup", ["user"], {}, subGroups=level2),
            _group(
                "roleRichGroup",
                ["user", "realm-composite-role"],
                {"account": ["manage-account"]},
                subGroups=rich_level2,
            ),
        ],
        "users": [
            _user(
                USER,
                USER,
                realmRoles=["user", "offline_access"],
                clientRoles={APP: ["customer-user"], "account": ["view-profile", "manage-account"]},
            ),
            _user("level2GroupUser", "level2@redhat.com", groups=["/topGroup/level2group"]),
            _user(
                "roleRichUser",
                RICH,
                groups=["/roleRichGroup/level2group"],
                clientRoles={SCOPE_APP: ["test-app-allowed-by-scope", "test-app-disallowed-by-scope"]},
            ),
        ],
        "scopeMappings": [{"client": APP, "roles": ["user"]}, {"client": SCOPE_APP, "roles": ["user", "admin"]}],
        "clientScopeMappings": {
            APP: [{"client": SCOPE_APP, "roles": ["customer-admin-composite-role"]}],
            SCOPE_APP: [{"client": SCOPE_APP, "roles": ["test-app-allowed-by-scope"]}],
        },
    }


async def import_realm(env: Env) -> Env:
    """``POST /admin/realms`` with the realm, then the unmanaged attributes enabled (the test's ``@Before``)."""
    await send(env, "POST", "", realm_rep(), status=201, base="/admin/realms")
    profile = await get(env, "/users/profile")
    await send(env, "PUT", "/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"}, status=200)
    return env


# --- the admin API --------------------------------------------------------------------------------------


async def send(
    env: Env, method: str, path: str, body: Any = None, status: int = 204, base: str = ADMIN
) -> httpx.Response:
    response = await env.http.request(method, base + path, json=body, headers=await env.admin_headers())
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def set_attributes(env: Env, attributes: dict[str, list[str | None]]) -> None:
    """``user.singleAttribute`` / ``getAttributes().put`` on test-user@localhost, then ``userResource.update(user)``."""
    uid = await user_id(env, USER)
    rep: dict[str, Any] = await get(env, f"/users/{uid}")
    rep["attributes"] = {**(rep.get("attributes") or {}), **attributes}
    await send(env, "PUT", f"/users/{uid}", rep)


async def add_mappers(env: Env, *mappers: dict[str, Any], client_id: str = APP) -> None:
    """``protocolMappers.createMapper(list)`` on the client's dedicated mappers."""
    await send(env, "POST", f"/clients/{await client_uuid(env, client_id)}/protocol-mappers/add-models", list(mappers))


async def scope_id(env: Env, name: str) -> str:
    return str(next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == name))


async def scope_mapper(env: Env, scope: str, name: str) -> tuple[str, dict[str, Any]]:
    """The models URL of a client scope and its mapper called ``name``."""
    models = f"/client-scopes/{await scope_id(env, scope)}/protocol-mappers/models"
    return models, next(m for m in await get(env, models) if m["name"] == name)


async def create_group(env: Env, name: str, parent: str | None = None, **attributes: list[str]) -> str:
    """``groups().add(group)`` or ``group(parent).subGroup(group)``: the new group's id."""
    path = "/groups" if parent is None else f"/groups/{parent}/children"
    response = await send(env, "POST", path, {"name": name, "attributes": attributes}, status=201)
    return response.headers["location"].rsplit("/", 1)[1]


async def join_group(env: Env, group: str, username: str = USER) -> None:
    await send(env, "PUT", f"/users/{await user_id(env, username)}/groups/{group}")


async def group_by_path(env: Env, path: str) -> str:
    return str((await get(env, f"/group-by-path{path}"))["id"])


# --- mappers (ProtocolMapperUtil) -----------------------------------------------------------------------


def mapper(name: str, kind: str, **config: str) -> dict[str, Any]:
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}


def _flags(access: bool, id_token: bool, introspection: bool) -> dict[str, str]:
    return {
        "access.token.claim": str(access).lower(),
        "id.token.claim": str(id_token).lower(),
        "introspection.token.claim": str(introspection).lower(),
    }


def claim_mapper(
    name: str,
    attribute: str,
    claim: str,
    json_type: str,
    access: bool,
    id_token: bool,
    introspection: bool,
    multivalued: bool,
    aggregate: bool = False,
) -> dict[str, Any]:
    """``createClaimMapper``: UserAttributeMapper.createClaimMapper."""
    config = {"user.attribute": attribute, "claim.name": claim, "jsonType.label": json_type}
    config |= _flags(access, id_token, introspection)
    if multivalued:
        config["multivalued"] = "true"
    if aggregate:
        config["aggregate.attrs"] = "true"
    return mapper(name, "oidc-usermodel-attribute-mapper", **config)


def property_mapper(
    name: str, prop: str, claim: str, access: bool, id_token: bool, introspection: bool
) -> dict[str, Any]:
    """UserPropertyMapper.createClaimMapper."""
    config = {"user.attribute": prop, "claim.name": claim, "jsonType.label": "String"}
    return mapper(name, "oidc-usermodel-property-mapper", **config, **_flags(access, id_token, introspection))


def hardcoded_claim(
    name: str, claim: str, value: str, json_type: str, access: bool, id_token: bool, introspection: bool
) -> dict[str, Any]:
    """``createHardcodedClaim``: HardcodedClaim.create."""
    config = {"claim.name": claim, "claim.value": value, "jsonType.label": json_type}
    return mapper(name, "oidc-hardcoded-claim-mapper", **config, **_flags(access, id_token, introspection))


def hardcoded_role(name: str, role: str) -> dict[str, Any]:
    return mapper(name, "oidc-hardcoded-role-mapper", role=role)


def role_name(name: str, role: str, new_name: str) -> dict[str, Any]:
    return mapper(name, "oidc-role-name-mapper", **{"role": role, "new.role.name": new_name})


def address_mapper(access: bool, id_token: bool, introspection: bool, userinfo: bool) -> dict[str, Any]:
    """``createAddressMapper``: AddressMapper.createAddressMapper, every part mapped to its own name."""
    parts = ("street", "locality", "region", "postal_code", "country", "formatted")
    config = {f"user.attribute.{p}": p for p in parts} | _flags(access, id_token, introspection)
    config["userinfo.token.claim"] = str(userinfo).lower()
    return mapper("address", "oidc-address-mapper", **config)


def realm_role_mapper(
    prefix: str, name: str, claim: str, access: bool, id_token: bool, introspection: bool, multivalued: bool = True
) -> dict[str, Any]:
    """``createUserRealmRoleMappingMapper``: UserRealmRoleMappingMapper.create."""
    config = {"usermodel.realmRoleMapping.rolePrefix": prefix, "claim.name": claim, "jsonType.label": "String"}
    config |= _flags(access, id_token, introspection) | {"multivalued": str(multivalued).lower()}
    return mapper(name, "oidc-usermodel-realm-role-mapper", **config)


def client_role_mapper(
    client_id: str | None,
    prefix: str | None,
    name: str,
    claim: str,
    access: bool,
    id_token: bool,
    introspection: bool,
    multivalued: bool = True,
) -> dict[str, Any]:
    """``createUserClientRoleMappingMapper``: UserClientRoleMappingMapper.create (null config left out)."""
    config = {"claim.name": claim, "jsonType.label": "String"}
    if client_id is not None:
        config["usermodel.clientRoleMapping.clientId"] = client_id
    if prefix is not None:
        config["usermodel.clientRoleMapping.rolePrefix"] = prefix
    config |= _flags(access, id_token, introspection) | {"multivalued": str(multivalued).lower()}
    return mapper(name, "oidc-usermodel-client-role-mapper", **config)


# --- the protocol ---------------------------------------------------------------------------------------


async def browser_login(env: Env, username: str = USER, client_id: str = APP, **params: str) -> dict[str, Any]:
    """``browserLogin``: ``oauth.doLogin`` then ``oauth.doAccessTokenRequest(code)``; the token response."""
    page = await start(env.http, "test", client_id, **params)
    assert page.status_code == 200, page.text[:300]
    code = code_from(await submit(env.http, page, username=username, password="password"))["code"]
    response = await exchange(env.http, "test", client_id, code, secret=SECRETS[client_id])
    assert response.status_code == 200, response.text
    env.http.cookies.clear()  # ``oauth.openLogout()``: the next login starts without the SSO session
    return dict(response.json())


async def password_login(env: Env, client_id: str = APP, **params: str) -> dict[str, Any]:
    """``oauth.doPasswordGrantRequest(USER, "password")``."""
    form = {"grant_type": "password", "client_id": client_id, "client_secret": SECRETS[client_id]}
    form |= {"username": USER, "password": "password", "scope": "openid", **params}
    response = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def userinfo(env: Env, access_token: str) -> dict[str, Any]:
    response = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {access_token}"}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def introspect(env: Env, token: str, client_id: str = APP) -> dict[str, Any]:
    form = {"client_id": client_id, "client_secret": SECRETS[client_id], "token": token}
    response = await env.http.post("/realms/test/protocol/openid-connect/token/introspect", data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())
