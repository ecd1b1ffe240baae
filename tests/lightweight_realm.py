"""Keycloak's LightWeightAccessTokenTest realm and helpers (testsuite/.../oidc/LightWeightAccessTokenTest.java),
shared by the port of that test and the tests of the ``client.use.lightweight.access.token.enabled`` path.

The realm is the part of ``testrealm.json`` the test reads, with ``addTestRealms``' changes: ``test-app``
(secret ``password``, direct grants and a service account), the extra confidential client ``resource-server``
(secret ``password``, a service account) which introspects (with Keycloak 26.6.2's per-client switch
``allow.token.introspection.without.audience.check``, the tokens' audience being what the test switches), and ``test-user@localhost`` with an address in
its attributes, member of ``/topGroup/level2group``. ``setProtocolMappers`` switches the built-in scopes'
mappers and adds the client mappers the test adds to ``test-app``; everything goes through the admin API.
"""

from __future__ import annotations

from typing import Any

from access_token_realm import client_uuid as client_uuid
from access_token_realm import get as get
from access_token_realm import send as send
from browser_flow import code_from, exchange, start, submit
from wire_env import Env

ADMIN = "/admin/realms/test"
APP, SECRET, USER = "test-app", "password", "test-user@localhost"
RESOURCE_SERVER = "resource-server"
TOKEN_URL = "/realms/test/protocol/openid-connect/token"
LIGHTWEIGHT = "client.use.lightweight.access.token.enabled"
ACCESS, INTROSPECTION, LIGHT = "access.token.claim", "introspection.token.claim", "lightweight.claim"
# setScopeProtocolMappers: (client scope, mapper name) of OIDCLoginProtocolFactory's built-in mappers.
SCOPE_MAPPERS = (
    ("acr", "acr loa level"),
    ("profile", "full name"),
    ("email", "email"),
    ("email", "email verified"),
    ("profile", "given name"),
    ("profile", "family name"),
    ("profile", "username"),
    ("web-origins", "allowed web origins"),
    ("roles", "realm roles"),
    ("roles", "client roles"),
    ("roles", "audience resolve"),
    ("address", "address"),
)


def realm_rep() -> dict[str, Any]:
    address = {"street": ["1 My Street"], "locality": ["Cardiff"], "region": ["Cardiff"], "postal_code": ["CF104RA"]}
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "roles": {"realm": [{"name": "user"}, {"name": "admin"}], "client": {APP: [{"name": "customer-user"}]}},
        "groups": [{"name": "topGroup", "subGroups": [{"name": "level2group"}]}],
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "webOrigins": ["http://127.0.0.1:9999"],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
                "attributes": {"standard.token.exchange.enabled": "true"},
            },
            {
                "clientId": RESOURCE_SERVER,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
                "serviceAccountsEnabled": True,
                # Keycloak 26.6.2 answers an introspection only for a client in the token's audience; the test
                # switches the audience mappers on and off, so the introspecting client is in compatibility mode
                "attributes": {"allow.token.introspection.without.audience.check": "true"},
            },
        ],
        "users": [
            {
                "username": USER,
                "enabled": True,
                "email": USER,
                "emailVerified": True,
                "firstName": "Tom",
                "lastName": "Brady",
                "attributes": address,
                "groups": ["/topGroup/level2group"],
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
                "realmRoles": ["user", "offline_access"],
                "clientRoles": {APP: ["customer-user"]},
            }
        ],
    }


async def import_realm(env: Env) -> Env:
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def set_client_attribute(env: Env, name: str, value: str | None, client_id: str = APP) -> dict[str, Any]:
    """``ClientAttributeUpdater``: the whole representation PUT back with one attribute set (None: removed)."""
    uuid = await client_uuid(env, client_id)
    rep: dict[str, Any] = await get(env, f"/clients/{uuid}")
    attributes = dict(rep.get("attributes") or {})
    if value is None:
        attributes.pop(name, None)
    else:
        attributes[name] = value
    rep["attributes"] = attributes
    await send(env, "PUT", f"/clients/{uuid}", rep)
    return rep


def flags(access: bool, introspection: bool, lightweight: bool | None) -> dict[str, str]:
    config = {ACCESS: str(access).lower(), INTROSPECTION: str(introspection).lower()}
    if lightweight is not None:
        config[LIGHT] = str(lightweight).lower()
    return config


async def set_scope_mapper(env: Env, scope: str, mapper: str, config: dict[str, str]) -> None:
    """setScopeProtocolMapper: the built-in mapper's config changed and PUT back."""
    [found] = [s for s in await get(env, "/client-scopes") if s["name"] == scope]
    models = await get(env, f"/client-scopes/{found['id']}/protocol-mappers/models")
    [rep] = [m for m in models if m["name"] == mapper]
    rep["config"] = {**rep["config"], **config}
    await send(env, "PUT", f"/client-scopes/{found['id']}/protocol-mappers/models/{rep['id']}", rep)


def client_mappers(config: dict[str, str]) -> list[dict[str, Any]]:
    """setExistingProtocolMappers: the mappers added to test-app, each with the same token switches."""

    def mapper(name: str, kind: str, extra: dict[str, str]) -> dict[str, Any]:
        return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": {**config, **extra}}

    return [
        mapper("audience", "oidc-audience-mapper", {"included.client.audience": "account-console"}),
        mapper("role-name", "oidc-role-name-mapper", {"role": "user", "new.role.name": "new-role"}),
        mapper("group-member", "oidc-group-membership-mapper", {"claim.name": "group-name"}),
        mapper(
            "hardcoded-claim", "oidc-hardcoded-claim-mapper", {"claim.name": "test-claim", "claim.value": "test-value"}
        ),
        mapper("hardcoded-role", "oidc-hardcoded-role-mapper", {"role": "hardcoded-role"}),
        mapper(
            "user-session-note",
            "oidc-usersessionmodel-note-mapper",
            {"claim.name": "user-session-note", "user.session.note": "AUTH_TIME"},
        ),
    ]


async def set_protocol_mappers(env: Env, access: bool, introspection: bool, lightweight: bool | None = None) -> None:
    """setProtocolMappers: the scope mappers switched, the client mappers added to test-app."""
    config = flags(access, introspection, lightweight)
    for scope, mapper in SCOPE_MAPPERS:
        await set_scope_mapper(env, scope, mapper, config)
    uuid = await client_uuid(env)
    await send(env, "POST", f"/clients/{uuid}/protocol-mappers/add-models", client_mappers(config))


async def browser_login(env: Env, scope: str = "openid address", **params: str) -> tuple[str, dict[str, Any]]:
    """browserLogin: the login form, then the code exchanged; the session id and the token response."""
    page = await start(env.http, "test", APP, scope=scope, **params)
    if page.status_code == 302:
        redirect = code_from(page)
    else:
        assert page.status_code == 200, page.text[:300]
        redirect = code_from(await submit(env.http, page, username=USER, password="password"))
    response = await exchange(env.http, "test", APP, redirect["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    return redirect["session_state"], response.json()


async def client_credentials(env: Env, scope: str = "openid address") -> dict[str, Any]:
    response = await env.http.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "scope": scope}, auth=(APP, SECRET)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def introspect(env: Env, token: str) -> dict[str, Any]:
    """``introspectAccessTokenWithClientCredential("resource-server", "password", token)``."""
    response = await env.http.post(TOKEN_URL + "/introspect", data={"token": token}, auth=(RESOURCE_SERVER, SECRET))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("active") is True, body
    return body


async def logout(env: Env, refresh_token: str) -> None:
    """``oauth.doLogout(refreshToken)``."""
    form = {"refresh_token": refresh_token}
    response = await env.http.post("/realms/test/protocol/openid-connect/logout", data=form, auth=(APP, SECRET))
    assert response.status_code == 204, response.text


# --- LightWeightAccessTokenTest's assertions ------------------------------------------------------------

AUTH_CODE_CLAIMS = (
    "name",
    "given_name",
    "family_name",
    "address",
    "email",
    "user-session-note",
    "test-claim",
    "group-name",
)
# ``aud`` is checked when added only: introspection keeps the token's own (getAccessTokenFromStoredData).
MAPPED_CLAIMS = ("acr", "allowed-origins", "realm_access", "email_verified", "preferred_username")


def assert_mapper_claims(token: dict[str, Any], added: bool, auth_code: bool) -> None:
    """assertMapperClaims: the mapped claims all there, or all absent (``resource_access`` empty; ``aud`` unchecked)."""
    names = (AUTH_CODE_CLAIMS if auth_code else ()) + MAPPED_CLAIMS
    if added:
        missing = [n for n in ("aud", *names) if token.get(n) is None]
        assert not missing, (missing, token)
        if auth_code:
            assert token["resource_access"], token
    else:
        present = [n for n in names if token.get(n) is not None]
        assert not present, (present, token)
        assert not token.get("resource_access"), token


def assert_init_claims(token: dict[str, Any], auth_code: bool) -> None:
    """assertInitClaims: what TokenManager.initToken sets; ``sid`` only with a user session."""
    missing = [n for n in ("exp", "iat", "jti", "typ", "azp", "scope", "iss") if token.get(n) is None]
    assert not missing, (missing, token)
    assert (token.get("sid") is not None) is auth_code, token


def assert_basic_claims(token: dict[str, Any], auth_code: bool, missing: bool) -> None:
    """assertBasicClaims: the ``basic`` scope's ``sub`` and ``auth_time`` (none without a login)."""
    if missing:
        assert token.get("auth_time") is None and token.get("sub") is None, token
    else:
        assert token.get("sub") is not None, token
        assert (token.get("auth_time") is not None) is auth_code, token


def assert_introspect_claims(token: dict[str, Any]) -> None:
    """assertIntrospectClaims."""
    assert token.get("client_id") is not None and token.get("active") is not None, token
    assert token.get("token_type") is not None, token
