"""Shared pieces of the realm import/export tests: database fixtures, the demo file, hashes, a rich realm."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from argon2.low_level import Type, hash_secret_raw

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-realm.json"
BUILTIN_CLIENTS = ["account", "account-console", "admin-cli", "broker", "realm-management", "security-admin-console"]
BUILTIN_SCOPES = [
    "acr",
    "address",
    "basic",
    "email",
    "microprofile-jwt",
    "offline_access",
    "organization",
    "phone",
    "profile",
    "roles",
    "service_account",
    "web-origins",
]


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def url_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """Makes URLs of new, empty databases on the engine named by the fixture parameter."""
    numbers = itertools.count(1)
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'realm-io-{next(numbers)}.db'}"
    server = request.getfixturevalue("postgres_server")

    def make() -> str:
        name = f"realm_io_{uuid.uuid4().hex[:16]}"
        server.create_database(name)
        return str(server.url(name))

    return make


@contextlib.asynccontextmanager
async def databases(fresh_url: Callable[[], str]) -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    """Opens migrated databases, all disposed of on exit."""
    opened: list[Database] = []

    async def open_database() -> Database:
        database = Database(fresh_url())
        opened.append(database)
        await database.migrate()
        return database

    try:
        yield open_database
    finally:
        for database in opened:
            await database.dispose()


def demo() -> dict[str, Any]:
    return dict(json.loads(DEMO.read_text()))


def write(tmp_path: Path, data: Any, name: str = "realm.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


async def import_data(db: Database, data: dict[str, Any], *, skip_existing: bool = False) -> str | None:
    async with db.transaction() as tx:
        return await files.import_realm(tx, data, 1_700_000_000, skip_existing=skip_existing)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def pbkdf2_credential(password: str, algorithm: str, iterations: int = 27500) -> dict[str, Any]:
    """A password credential exactly as Keycloak exports a pbkdf2 hash."""
    digest_name, length = {"pbkdf2-sha256": ("sha256", 32), "pbkdf2-sha512": ("sha512", 64)}[algorithm]
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac(digest_name, password.encode(), salt, iterations, length)
    return {
        "id": str(uuid.uuid4()),
        "type": "password",
        "userLabel": "My password",
        "createdDate": 1_600_000_000_000,
        "secretData": json.dumps({"value": b64(digest), "salt": b64(salt), "additionalParameters": {}}),
        "credentialData": json.dumps(
            {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": {}}
        ),
    }


def argon2_credential(password: str) -> dict[str, Any]:
    """Keycloak's argon2 form, with parameters unlike Doorkeep's defaults (3 iterations, 8 MiB)."""
    salt = os.urandom(16)
    digest = hash_secret_raw(
        password.encode(), salt, time_cost=3, memory_cost=8192, parallelism=1, hash_len=32, type=Type.ID, version=0x13
    )
    params = {"hashLength": ["32"], "memory": ["8192"], "type": ["id"], "version": ["1.3"], "parallelism": ["1"]}
    return {
        "type": "password",
        "createdDate": 1_600_000_000_000,
        "secretData": json.dumps({"value": b64(digest), "salt": b64(salt), "additionalParameters": {}}),
        "credentialData": json.dumps({"hashIterations": 3, "algorithm": "argon2", "additionalParameters": params}),
    }


async def realm_roles_of(tx: Tx, realm_name: str, username: str) -> set[str]:
    realm = await tx.realms.get_by_name(realm_name)
    assert realm is not None
    user = await tx.users.get_by_username(realm.id, username)
    assert user is not None
    return {r.name for r in await tx.roles.get_many(await tx.users.role_ids(user.id)) if r.client_id is None}


ALICE_ID = "5d8b4a3e-0c7f-4e36-9c5b-2f1a7d9e8b10"


def rich_realm() -> dict[str, Any]:
    """The demo realm plus non-default settings, composites, scope mappings, a service account and hashes."""
    data = demo()
    data.update(
        revokeRefreshToken=True,
        refreshTokenMaxReuse=2,
        offlineSessionMaxLifespanEnabled=True,
        offlineSessionMaxLifespan=864000,
        clientOfflineSessionIdleTimeout=3600,
        ssoSessionIdleTimeoutRememberMe=7200,
        notBefore=1_650_000_000,
        sslRequired="none",
        attributes={"frontendUrl": "https://id.example.com"},
    )
    data["roles"]["realm"].append(
        {
            "name": "admin",
            "description": "Administrators",
            "composite": True,
            "composites": {"realm": ["user"], "client": {"reports": ["read"]}},
            "attributes": {"level": ["high"]},
        }
    )
    data["roles"]["client"] = {
        "reports": [
            {"name": "read"},
            {"name": "write", "composite": True, "composites": {"client": {"reports": ["read"]}}},
        ]
    }
    data["clientScopes"] = [
        *data.get("clientScopes", []),
        {
            "name": "reports",
            "description": "Reports API",
            "protocol": "openid-connect",
            "attributes": {"include.in.token.scope": "true", "display.on.consent.screen": "false"},
            "protocolMappers": [
                {
                    "name": "reports-audience",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "consentRequired": False,
                    "config": {"included.client.audience": "reports", "access.token.claim": "true"},
                }
            ],
        },
    ]
    data["defaultOptionalClientScopes"] = ["offline_access", "address", "phone", "microprofile-jwt", "reports"]
    data["scopeMappings"] = [{"client": "offline-access-spa", "roles": ["user"]}]
    data["clientScopeMappings"] = {"reports": [{"clientScope": "reports", "roles": ["read"]}]}
    data["clients"].append(
        {
            "clientId": "reports",
            "secret": "reports-secret",
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "fullScopeAllowed": False,
            "defaultClientScopes": ["profile", "reports"],
            "optionalClientScopes": ["offline_access"],
            "attributes": {"client.offline.session.idle.timeout": "86400", "use.refresh.tokens": "true"},
        }
    )
    data["users"] += [
        {
            "username": "service-account-reports",
            "enabled": True,
            "serviceAccountClientId": "reports",
            "realmRoles": ["default-roles-demo"],
            "clientRoles": {"reports": ["write"]},
        },
        {
            "id": ALICE_ID,
            "username": "Alice",
            "email": "alice@example.com",
            "enabled": False,
            "emailVerified": True,
            "createdTimestamp": 1_600_000_000_000,
            "attributes": {"team": ["red", "blue"]},
            "requiredActions": ["VERIFY_EMAIL"],
            "credentials": [pbkdf2_credential("alice-pw", "pbkdf2-sha256")],
            "realmRoles": ["admin"],
            "clientRoles": {"reports": ["read"], "account": ["manage-account"]},
        },
    ]
    return data
