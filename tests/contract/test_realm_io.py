"""Realm import from Keycloak's realm-export JSON, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from doorkeep.clock import FakeClock
from doorkeep.realms import default_role as realm_default_role
from doorkeep.realms.exportimport import files
from doorkeep.settings import Settings
from doorkeep.store.database import Database
from doorkeep.users import passwords
from realm_files import (
    BUILTIN_CLIENTS,
    BUILTIN_SCOPES,
    DEMO,
    argon2_credential,
    demo,
    import_data,
    pbkdf2_credential,
    realm_roles_of,
    write,
)
from support import claims, password_grant
from wire_env import make_env

pytestmark = pytest.mark.anyio


# --- the demo realm ----------------------------------------------------------------------------------


async def test_the_demo_realm_imported_at_start_gives_user1_an_offline_token(fresh_url: Callable[[], str]) -> None:
    url = fresh_url()
    settings = Settings(
        db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin", import_realms=(str(DEMO),)
    )
    env, db = await make_env(url, settings)
    try:
        response = await password_grant(
            env.http, "demo", "offline-access-portal", "user1", "password", secret="password", scope="offline_access"
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert claims(body["refresh_token"])["typ"] == "Offline"
        assert "offline_access" in body["scope"].split()
        access = claims(body["access_token"])
        assert {"offline_access", "user", "default-roles-demo"} <= set(access["realm_access"]["roles"])
        assert access["email"] == "user1@example.com" and access["given_name"] == "User"
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


async def test_the_demo_realm_gets_keycloaks_builtins_exactly_once(new_db: Callable[[], Awaitable[Database]]) -> None:
    db = await new_db()
    assert await files.import_file(db, str(DEMO), FakeClock(), skip_existing=True) == ["demo"]
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        clients = {c.client_id: c for c in await tx.clients.list(realm.id)}
        assert sorted(clients) == sorted([*BUILTIN_CLIENTS, "offline-access-portal", "offline-access-spa"])
        assert [s.name for s in await tx.scopes.list(realm.id)] == sorted([*BUILTIN_SCOPES, "info"])
        portal = clients["offline-access-portal"]
        assert portal.secret == "password" and not portal.public_client
        assert portal.direct_access_grants_enabled and portal.standard_flow_enabled
        assert portal.redirect_uris == ("http://localhost/*", "http://127.0.0.1/*") and portal.web_origins == ("+",)
        links = {s.name: default for s, default in await tx.clients.scopes(portal.id)}
        assert links["offline_access"] is False and links["profile"] is True
        assert links["info"] is False  # the article's scope=openid info offline_access
        assert realm.revoke_refresh_token  # as the article recommends
        spa = clients["offline-access-spa"]
        assert spa.public_client and spa.attributes["pkce.code.challenge.method"] == "S256"
        default_role = await tx.roles.get_realm_role(realm.id, "default-roles-demo")
        assert default_role is not None
        composites = {
            (r.client_id and clients["account"].id, r.name) for r in await tx.roles.composites(default_role.id)
        }
        assert composites == {
            (None, "offline_access"),
            (None, "uma_authorization"),
            (clients["account"].id, "view-profile"),
            (clients["account"].id, "manage-account"),
        }
        offline_scope = await tx.scopes.get_by_name(realm.id, "offline_access")
        assert offline_scope is not None
        assert [r.name for r in await tx.roles.scope_mappings(offline_scope.id)] == ["offline_access"]
        assert await realm_roles_of(tx, "demo", "user1") == {"default-roles-demo", "offline_access", "user"}
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None and user.enabled and user.first_name == "User" and user.last_name == "One"
        credential = await tx.users.password(user.id)
        assert credential is not None and credential.credential_data["algorithm"] == "argon2"
        assert passwords.verify("password", credential.secret_data, credential.credential_data)


async def test_a_file_listing_builtin_scopes_and_clients_merges_them_by_name(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = demo()
    data["clientScopes"] = [
        *data.get("clientScopes", []),
        {
            "name": "email",
            "description": "Mail, my way",
            "protocol": "openid-connect",
            "attributes": {"include.in.token.scope": "true"},
            "protocolMappers": [
                {
                    "name": "email",
                    "protocolMapper": "oidc-usermodel-property-mapper",
                    "config": {"user.attribute": "email"},
                }
            ],
        },
    ]
    data["clients"].append({"clientId": "admin-cli", "publicClient": True, "directAccessGrantsEnabled": False})
    await import_data(db, data)
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        assert [s.name for s in await tx.scopes.list(realm.id)] == sorted([*BUILTIN_SCOPES, "info"])
        email = await tx.scopes.get_by_name(realm.id, "email")
        assert email is not None and email.description == "Mail, my way"
        assert email.protocol_mappers[0].config == {"user.attribute": "email"}
        assert (email.name, True) in [(s.name, d) for s, d in await tx.realms.default_scopes(realm.id)]
        admin_cli = await tx.clients.list(realm.id, client_id="admin-cli")
        assert len(admin_cli) == 1 and admin_cli[0].direct_access_grants_enabled is False


# --- hashed credentials ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_credential",
    [
        pytest.param(lambda pw: pbkdf2_credential(pw, "pbkdf2-sha256"), id="pbkdf2-sha256"),
        pytest.param(lambda pw: pbkdf2_credential(pw, "pbkdf2-sha512", 210000), id="pbkdf2-sha512"),
        pytest.param(argon2_credential, id="argon2"),
    ],
)
async def test_keycloak_hashed_passwords_import_unchanged_and_verify(
    new_db: Callable[[], Awaitable[Database]],
    make_credential: Callable[[str], dict[str, Any]],
) -> None:
    db = await new_db()
    data = demo()
    credential = make_credential("s3cret!")
    data["users"][0]["credentials"] = [credential]
    await import_data(db, data)
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        stored = await tx.users.password(user.id)
    assert stored is not None
    assert stored.secret_data == json.loads(credential["secretData"])
    assert stored.credential_data == json.loads(credential["credentialData"])
    assert stored.created_date == 1_600_000_000_000
    assert passwords.verify("s3cret!", stored.secret_data, stored.credential_data)
    assert not passwords.verify("password", stored.secret_data, stored.credential_data)


async def test_a_temporary_plain_password_adds_the_update_password_action(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = demo()
    data["users"][0]["credentials"] = [{"type": "password", "value": "changeme", "temporary": True}]
    await import_data(db, data)
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None and user.required_actions == ("UPDATE_PASSWORD",)
        stored = await tx.users.password(user.id)
        assert stored is not None and passwords.verify("changeme", stored.secret_data, stored.credential_data)


# --- malformed files ---------------------------------------------------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


_DELETE = object()
GHOST_ROLE = {"name": "auditor", "composite": True, "composites": {"realm": ["ghost"]}}
DUPLICATE_USER = {"username": "USER1", "enabled": True}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["realm"], _DELETE), "realm: missing realm name"),
        (_set(["realm"], 7), "realm: expected a non-empty string"),
        (_set(["users", 0, "credentials", 0, "value"], 1234), "users[0].credentials[0].value: expected a string"),
        (_set(["users", 1], DUPLICATE_USER), "users[1].username: duplicate username 'user1' (also users[0])"),
        (_set(["users", 0, "clientRoles"], {"nope": ["x"]}), "users[0].clientRoles.nope: no client 'nope'"),
        (
            _set(["groups"], [{"name": "g", "clientRoles": {"account": ["x"]}}]),
            "groups[0].clientRoles.account[0]: client 'account' has no role 'x'",
        ),
        (_set(["roles", "realm", 0], GHOST_ROLE), "roles.realm[0].composites.realm[0]: no realm role 'ghost'"),
        (_set(["clients"], {}), "clients: expected a list"),
        (
            _set(["clients", 0, "redirectUris"], "http://localhost:*"),
            "clients[0].redirectUris: expected a list of strings",
        ),
        (
            _set(["clients", 1, "clientId"], "offline-access-portal"),
            "clients[1].clientId: duplicate clientId 'offline-access-portal'",
        ),
        (
            _set(["clients", 0, "redirectUris", 1], "javascript:alert(document.domain)//"),
            "clients[0].redirectUris[1]: A redirect URI uses an illegal scheme (client 'offline-access-portal')",
        ),
        (
            _set(["clients", 1, "redirectUris", 0], "http://localhost:3000/a b"),
            "clients[1].redirectUris[0]: A redirect URI is not a valid URI (client 'offline-access-spa')",
        ),
        (
            _set(["clients", 1, "redirectUris", 0], "http://localhost/cb#x"),
            "clients[1].redirectUris[0]: Redirect URIs must not contain an URI fragment (client 'offline-access-spa')",
        ),
        (
            _set(["clients", 0, "rootUrl"], "JavaScript:alert(1)"),
            "clients[0].rootUrl: Root URL uses an illegal scheme (client 'offline-access-portal')",
        ),
        (
            _set(["clients", 0, "baseUrl"], "data:text/html,x"),
            "clients[0].baseUrl: Base URL uses an illegal scheme (client 'offline-access-portal')",
        ),
        (
            _set(["clients", 0, "adminUrl"], "http://[bad/"),
            "clients[0].adminUrl: Admin URL is not a valid URL (client 'offline-access-portal')",
        ),
        (
            _set(["clients", 0, "attributes", "post.logout.redirect.uris"], "+##vbscript:msgbox(1)"),
            "clients[0].attributes.post.logout.redirect.uris[1]: A post logout redirect URI uses an illegal scheme "
            "(client 'offline-access-portal')",
        ),
        (_set(["accessTokenLifespan"], "soon"), "accessTokenLifespan: expected a number"),
        (_set(["revokeRefreshToken"], "yes"), "revokeRefreshToken: expected true or false"),
        (_set(["sslRequired"], "sometimes"), "sslRequired: expected one of all, external, none"),
        (
            _set(["defaultDefaultClientScopes"], ["profile", "ghost"]),
            "defaultDefaultClientScopes[1]: no client scope 'ghost'",
        ),
        (
            _set(
                ["users", 0, "credentials", 0], {"type": "password", "secretData": "{not json", "credentialData": "{}"}
            ),
            "users[0].credentials[0].secretData: invalid JSON at column 2: Expecting property name enclosed in double quotes",
        ),
        (
            _set(
                ["users", 0, "credentials", 0],
                {
                    "type": "password",
                    "secretData": json.dumps({"value": "AAAA", "salt": "AAAA"}),
                    "credentialData": json.dumps({"algorithm": "bcrypt", "hashIterations": 10}),
                },
            ),
            "users[0].credentials[0].credentialData.algorithm: unsupported password hash 'bcrypt' "
            "(argon2, pbkdf2-sha256, pbkdf2-sha512 or pbkdf2)",
        ),
    ],
)
async def test_a_malformed_file_names_the_place_and_writes_nothing(
    new_db: Callable[[], Awaitable[Database]],
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    db = await new_db()
    await files.import_file(db, str(DEMO), FakeClock(), skip_existing=False)
    before = await files.export_realm(db, "demo")
    data = demo()
    data["users"].append({"username": "user2", "enabled": True})
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(files.ImportError_) as raised:
        await files.import_file(db, path, FakeClock(), skip_existing=False)
    assert str(raised.value) == f"{path}: {message}"
    assert await files.export_realm(db, "demo") == before


async def test_a_users_undefined_realm_role_is_made_and_granted(new_db: Callable[[], Awaitable[Database]]) -> None:
    """RepresentationToModel.createRoleMappings: a ``realmRoles`` name no role has is added to the realm (Keycloak's
    CompositeRoleTest imports REALM_APP_ROLE_USER holding an ``APP_ROLE_2`` nobody defined)."""
    db = await new_db()
    data = demo()
    data["users"][0]["realmRoles"] = ["ghost", "offline_access"]
    data["users"].append({"username": "user2", "enabled": True, "realmRoles": ["ghost"]})
    await import_data(db, data)
    async with db.transaction() as tx:
        assert await realm_roles_of(tx, "demo", "user1") == {"ghost", "offline_access"}
        assert await realm_roles_of(tx, "demo", "user2") == {"ghost"}
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        assert [r.name for r in await tx.roles.list_realm_roles(realm.id)].count("ghost") == 1


async def test_a_clients_deprecated_default_roles_join_the_default_role(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    """DefaultExportImportManager.convertDeprecatedDefaultRoles: without ``defaultRole``, each of a client's
    ``defaultRoles`` is made a role of the client if the file lacks it, and a composite of the realm's default role,
    beside Keycloak's own defaults; with ``defaultRole`` given, the old field is ignored. The file lists a
    ``default-roles-demo``, so the default role is ``default-roles-demo-1`` (determineDefaultRoleName)."""
    db = await new_db()
    data = demo()
    data.pop("defaultRole", None)
    data["clients"][0]["defaultRoles"] = ["reader", "writer"]
    data["roles"] = {**data.get("roles", {}), "client": {data["clients"][0]["clientId"]: [{"name": "writer"}]}}
    await import_data(db, data)
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        default = await realm_default_role.find(tx, realm)
        assert default is not None and default.name == "default-roles-demo-1"
        parts = await tx.roles.composites(default.id)
        names = {(r.client_id is not None, r.name) for r in parts}
        # a fresh role (setupDefaultRole): the file having offline_access and its scope, setupOfflineTokens adds nothing
        assert {(True, "reader"), (True, "writer")} <= names and (False, "offline_access") not in names, names


async def test_a_json_syntax_error_names_its_line_and_column(
    new_db: Callable[[], Awaitable[Database]],
    tmp_path: Path,
) -> None:
    db = await new_db()
    path = write(tmp_path, '{\n  "realm": "demo",\n  "enabled": true,,\n}\n')
    with pytest.raises(files.ImportError_) as raised:
        await files.import_file(db, path, FakeClock(), skip_existing=False)
    assert (
        str(raised.value)
        == f"{path}: invalid JSON at line 3 column 19: Expecting property name enclosed in double quotes"
    )
    async with db.transaction() as tx:
        assert await tx.realms.get_by_name("demo") is None


async def test_a_list_of_realms_is_imported_all_or_nothing(
    new_db: Callable[[], Awaitable[Database]],
    tmp_path: Path,
) -> None:
    db = await new_db()
    second = {"realm": "second", "users": [{"username": "bob", "clientRoles": {"nope": ["ghost"]}}]}
    path = write(tmp_path, [demo(), second])
    with pytest.raises(files.ImportError_) as raised:
        await files.import_file(db, path, FakeClock(), skip_existing=False)
    assert str(raised.value) == f"{path}: [1].users[0].clientRoles.nope: no client 'nope'"
    async with db.transaction() as tx:
        assert [r.name for r in await tx.realms.list()] == []
    second["users"][0]["clientRoles"] = {"account": ["view-profile"]}  # type: ignore[index]
    path = write(tmp_path, [demo(), second])
    assert await files.import_file(db, path, FakeClock(), skip_existing=False) == ["demo", "second"]


async def test_unknown_fields_are_skipped_with_one_warning_listing_them(
    new_db: Callable[[], Awaitable[Database]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = await new_db()
    data = demo()
    data.update(
        authenticationFlows=[{"alias": "browser"}], smtpServer={"host": "mail"}, groups=[], permanentLockout=False
    )
    data["clients"][0]["webAuthnPolicy"] = {"rpEntityName": "demo"}
    data["users"][0]["credentials"].append(
        {"type": "secret-question", "secretData": "{}", "credentialData": "{}"}  # Keycloak's example provider
    )
    data["users"][0]["groups"] = []
    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        await import_data(db, data)
    warnings = [r for r in caplog.records if r.name == "doorkeep.import" and r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        "realm 'demo': skipped fields Doorkeep does not support: authenticationFlows, clients[].webAuthnPolicy, "
        "users[].credentials[type=secret-question]"
    ]


# --- existing realms -----------------------------------------------------------------------------------


async def test_skip_existing_leaves_a_realm_alone_and_override_replaces_it(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    await import_data(db, demo())
    changed = demo()
    changed["accessTokenLifespan"] = 120
    changed["users"] = [{"username": "carol", "enabled": True}]
    assert await import_data(db, changed, skip_existing=True) is None
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None and realm.access_token_lifespan == 300
        assert await tx.users.get_by_username(realm.id, "user1") is not None
    assert await import_data(db, changed, skip_existing=False) == "demo"
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None and realm.access_token_lifespan == 120
        assert await tx.users.get_by_username(realm.id, "user1") is None
        assert await tx.users.get_by_username(realm.id, "carol") is not None


async def test_a_realm_or_user_the_file_does_not_enable_is_disabled_as_in_keycloak(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    await import_data(db, {"realm": "quiet", "users": [{"username": "dave"}]})
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("quiet")
        assert realm is not None and realm.enabled is False
        user = await tx.users.get_by_username(realm.id, "dave")
        assert user is not None and user.enabled is False
        assert await tx.users.role_ids(user.id) == set()
        assert sorted(c.client_id for c in await tx.clients.list(realm.id)) == BUILTIN_CLIENTS


# --- the service_account scope (Keycloak 26.1) ----------------------------------------------------------


async def _sa_links(db: Database, realm_name: str) -> dict[str, list[tuple[str, bool]]]:
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name(realm_name)
        assert realm is not None
        return {
            c.client_id: [(s.name, d) for s, d in await tx.clients.scopes(c.id) if s.name == "service_account"]
            for c in await tx.clients.list(realm.id)
        }


async def test_a_file_from_before_keycloak_26_1_gets_the_scope_linked_to_its_service_account_clients(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = {
        "realm": "old",
        "enabled": True,
        "clientScopes": [{"name": "profile", "protocol": "openid-connect"}],
        "clients": [
            {"clientId": "machine", "secret": "s", "serviceAccountsEnabled": True, "defaultClientScopes": ["profile"]},
            {"clientId": "web", "secret": "s", "defaultClientScopes": ["profile"]},
        ],
    }
    assert await import_data(db, data) == "old"
    links = await _sa_links(db, "old")
    assert links["machine"] == [("service_account", True)]
    assert links["web"] == []


async def test_a_file_that_has_the_scope_links_it_where_the_file_says(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = {
        "realm": "new",
        "enabled": True,
        "clientScopes": [{"name": "service_account", "protocol": "openid-connect", "description": "kept"}],
        "clients": [
            {"clientId": "machine", "secret": "s", "serviceAccountsEnabled": True, "defaultClientScopes": []},
            {
                "clientId": "linked",
                "secret": "s",
                "serviceAccountsEnabled": True,
                "defaultClientScopes": ["service_account"],
            },
        ],
    }
    assert await import_data(db, data) == "new"
    links = await _sa_links(db, "new")
    assert links["machine"] == []
    assert links["linked"] == [("service_account", True)]
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("new")
        assert realm is not None
        scope = await tx.scopes.get_by_name(realm.id, "service_account")
        assert scope is not None and scope.description == "kept"
