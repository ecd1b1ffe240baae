"""``doorkeep migrate-from-keycloak`` against a Keycloak-shaped PostgreSQL, then a real Doorkeep server.

The Keycloak database holds the rows Keycloak 26 writes (tests/interop/keycloak_rows.py); the offline
tokens are minted as Keycloak mints them, with the realm's own HMAC key. After the migration a real
``doorkeep start-dev`` process must accept them, with the same ``sid``, and Keycloak's RS256 access
tokens must verify against Doorkeep's ``certs``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import asyncpg
import jwt
import pytest
from sqlalchemy import text

from doorkeep.store.database import Database
from interop import keycloak_rows as rows
from interop.server import DOORKEEP, DoorkeepProcess, free_port
from pg import ThrowawayPostgres

KEYCLOAK_TABLES = (
    "realm",
    "required_action_provider",
    "required_action_config",
    "realm_attribute",
    "client",
    "user_entity",
    "credential",
    "component",
    "component_config",
    "offline_user_session",
    "offline_client_session",
    "user_consent",
    "keycloak_group",
    "user_group_membership",
    "protocol_mapper",
    "protocol_mapper_config",
)


def _migrate(workdir: Path, source: str, db_url: str, *extra: str) -> str:
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            str(DOORKEEP),
            "migrate-from-keycloak",
            "--source-db-url",
            source,
            "--realm",
            "shop",
            "--db-url",
            db_url,
            *extra,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    for secret in (rows.CLIENT_SECRET, "PRIVATE KEY", "pbkdf2", '"secret"'):
        assert secret not in done.stdout + done.stderr, f"the migration printed {secret!r}"
    return done.stdout


async def _keycloak_snapshot(url: str) -> dict[str, list[str]]:
    conn = await asyncpg.connect(url)
    try:
        return {t: sorted(str(dict(r)) for r in await conn.fetch(f"SELECT * FROM {t}")) for t in KEYCLOAK_TABLES}
    finally:
        await conn.close()


_DOORKEEP_QUERIES = {
    "organizations": "SELECT o.id, o.name, o.alias, o.enabled, o.config FROM organizations o",
    "organization domains": (
        "SELECT c.organization_id, d.name, d.verified FROM organization_domain_claims c"
        " JOIN realm_domains d ON d.id = c.domain_id"
    ),
    "organization members": "SELECT organization_id, user_id, membership_type FROM organization_members",
    "organization invitations": "SELECT organization_id, email, first_name, last_name, created_at, expires_at "
    "FROM organization_invitations",
    "realm": "SELECT id, name, enabled FROM realms WHERE name = 'shop'",
    "realm config": "SELECT config FROM realms WHERE name = 'shop'",
    "users": "SELECT u.id, u.username, u.email, u.enabled, u.config FROM users u JOIN realms r ON r.id = u.realm_id "
    "WHERE r.name = 'shop'",
    "credentials": "SELECT c.* FROM credentials c JOIN users u ON u.id = c.user_id JOIN realms r "
    "ON r.id = u.realm_id WHERE r.name = 'shop'",
    "clients": "SELECT c.id, c.client_id FROM clients c JOIN realms r ON r.id = c.realm_id "
    "WHERE r.name = 'shop' AND c.client_id = 'portal'",
    "realm roles": "SELECT o.id, o.name FROM roles o JOIN realms r ON r.id = o.realm_id "
    "WHERE r.name = 'shop' AND o.client_id IS NULL",
    "keys": "SELECT k.* FROM realm_keys k JOIN realms r ON r.id = k.realm_id WHERE r.name = 'shop'",
    "user sessions": "SELECT s.* FROM user_sessions s JOIN realms r ON r.id = s.realm_id WHERE r.name = 'shop'",
    "client sessions": "SELECT * FROM client_sessions",
    "refresh families": "SELECT * FROM refresh_families",
    "consents": "SELECT * FROM consents",
    "groups": "SELECT g.id, g.parent_id, g.name, g.config FROM groups g JOIN realms r ON r.id = g.realm_id "
    "WHERE r.name = 'shop'",
    "group roles": "SELECT * FROM group_role_mappings",
    "members": "SELECT * FROM user_groups",
    "default groups": "SELECT d.group_id FROM realm_default_groups d JOIN realms r ON r.id = d.realm_id "
    "WHERE r.name = 'shop'",
    "links": "SELECT f.user_id, f.alias, f.federated_user_id, f.federated_username FROM federated_identities f",
    # Built-in scopes Keycloak lacked get fresh mappers on each run: only Keycloak's own are compared.
    "mappers": "SELECT m.id, m.client_id, m.scope_id, m.name, m.mapper, m.config FROM protocol_mappers m "
    "WHERE m.name IN ('shop-api audience', 'tenant', 'realm roles', 'username')",
}


async def _doorkeep_snapshot(db_url: str) -> dict[str, list[str]]:
    db = Database(db_url)  # the engine Doorkeep itself uses for this URL
    try:
        async with db.transaction(write=False) as tx:
            conn = tx.realms._c
            return {
                name: sorted(str(dict(r._mapping)) for r in await conn.execute(text(q)))
                for name, q in _DOORKEEP_QUERIES.items()
            }
    finally:
        await db.dispose()


def _post(url: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(json.loads(response.read()))


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_offline_tokens_keycloak_issued_refresh_on_doorkeep_after_migration(
    postgres_server: ThrowawayPostgres,
    tmp_path: Path,
    target: str,
) -> None:
    name = f"kc_{target}_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    source = postgres_server.url(name)
    if target == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"
    else:
        postgres_server.create_database(name + "_dk")
        db_url = postgres_server.url(name + "_dk")
    now = int(time.time())
    kc = asyncio.run(rows.fill(source, now))
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/realms/shop"
    live_token = kc.mint_offline(issuer, kc.live_session, now - 3600)
    idle_token = kc.mint_offline(issuer, kc.idle_session, now - 31 * rows.DAY)
    current_token = kc.mint_offline(
        issuer, kc.rotated_session, now - 600, rows.ROTATED_CURRENT_JTI, rows.ROTATED_REUSE_ID
    )
    keycloak_before = asyncio.run(_keycloak_snapshot(source))
    workdir = tmp_path / "server"

    dry = _migrate(workdir, source, db_url, "--dry-run")
    assert "realm 'shop': would carry 1 clients, 5 client scopes" in dry
    assert "2 groups, 4 protocol mappers, 2 scope mappings, 1 users, 1 group memberships" in dry
    assert "1 password credentials, 1 consents, 3 keys, 3 offline sessions, 3 offline client sessions" in dry
    assert "1 identity providers, 1 identity provider mappers, 1 identity provider links" in dry
    assert "1 organizations, 1 organization members, 1 organization invitations" in dry
    assert "cannot carry" not in dry  # the AES key too: it encrypts the realm's KC_RESTART cookies
    assert asyncio.run(_doorkeep_snapshot(db_url))["realm"] == [], "a dry run wrote the realm"

    assert "realm 'shop': carried 1 clients" in _migrate(workdir, source, db_url)
    first = asyncio.run(_doorkeep_snapshot(db_url))
    [org] = [o.replace('"', "'") for o in first["organizations"]]  # SQLite's JSON is a string
    # acme, its domain, attribute, MANAGED member and provider came along
    assert all(part in org for part in ("'ACME Corp'", "'acme'", "'tier': ['gold']", "https://acme.example/")), org
    assert [kc.alice in m and "'MANAGED'" in m for m in first["organization members"]] == [True]
    assert ["'acme.example'" in d for d in first["organization domains"]] == [True]
    [invited] = first["organization invitations"]  # 26.4's stored invitation, in acme
    assert all(part in invited for part in ("'bob@acme.example'", "'Bob'", "1700043200", org.split(chr(39))[3]))
    [config] = [c.replace('"', "'") for c in first["realm config"]]  # corp is acme's provider
    assert f"'organizationId': '{org.split(chr(39))[3]}'" in config, config
    assert "'organizations_enabled': True" in config or "'organizations_enabled': true" in config, config
    assert "'config': {'max_auth_age': '60'}" in config, config  # UPDATE_PASSWORD's REQUIRED_ACTION_CONFIG
    [link] = first["links"]  # alice's link to her account at the provider came with the provider
    assert all(part in link for part in ("'corp'", "'corp-alice'", "'alice@corp.example'")), link
    _migrate(workdir, source, db_url)
    assert asyncio.run(_doorkeep_snapshot(db_url)) == first, "a second run changed what the first one wrote"
    assert asyncio.run(_keycloak_snapshot(source)) == keycloak_before, "the migration changed Keycloak's database"

    server = DoorkeepProcess(workdir, port=port, db_url=None if target == "sqlite" else db_url)
    server.start()
    try:
        token_url = f"{issuer}/protocol/openid-connect/token"
        client = {"client_id": "portal", "client_secret": rows.CLIENT_SECRET}
        status, body = _post(token_url, {"grant_type": "refresh_token", "refresh_token": live_token, **client})
        assert status == 200, body
        refreshed = jwt.decode(body["refresh_token"], options={"verify_signature": False})
        assert refreshed["sid"] == kc.live_session
        assert refreshed["typ"] == "Offline"
        assert body["session_state"] == kc.live_session
        # offline_access came through alice's group /staff/night-shift, staff-member from /staff above
        # it; the audience (client) and hardcoded-claim (scope) mappers came along.
        access = jwt.decode(body["access_token"], options={"verify_signature": False})
        assert {"offline_access", "staff-member", "shopper"} <= set(access["realm_access"]["roles"])
        assert "shop-api" in ([access["aud"]] if isinstance(access["aud"], str) else access["aud"])
        assert (access["tenant"], access["preferred_username"]) == ("shop", "alice")

        status, body = _post(token_url, {"grant_type": "refresh_token", "refresh_token": idle_token, **client})
        assert (status, body["error"], body["error_description"]) == (
            400,
            "invalid_grant",
            "Offline session not active",
        )

        # Keycloak's rotation state came along (max reuse 1, already used once on Keycloak): the
        # current token of the family works once more here, and the next reuse is one too many.
        status, body = _post(token_url, {"grant_type": "refresh_token", "refresh_token": current_token, **client})
        assert status == 200, body
        assert jwt.decode(body["refresh_token"], options={"verify_signature": False})["reuse_id"] == (
            rows.ROTATED_REUSE_ID
        )
        status, body = _post(token_url, {"grant_type": "refresh_token", "refresh_token": current_token, **client})
        assert (status, body["error_description"]) == (400, "Maximum allowed refresh token reuse exceeded")

        status, body = _post(
            token_url, {"grant_type": "password", "username": "alice", "password": rows.PASSWORD, **client}
        )
        assert status == 200, body

        jwks = _get(f"{issuer}/protocol/openid-connect/certs")
        signed_by_keycloak = kc.mint_access(issuer)
        jwk = next(k for k in jwks["keys"] if k["kid"] == kc.rsa_kid)
        claims = jwt.decode(signed_by_keycloak, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience="account")
        assert claims["sid"] == kc.live_session

        # The realm's browser security headers came along: Keycloak's value, the other defaults.
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=10) as response:
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        server.stop()


def test_a_realm_keycloak_does_not_have_is_a_clear_error_and_nothing_is_written(
    postgres_server: ThrowawayPostgres,
    tmp_path: Path,
) -> None:
    name = f"kc_missing_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    asyncio.run(rows.fill(postgres_server.url(name), int(time.time())))
    (tmp_path / "data").mkdir()
    db_url = f"sqlite:///{tmp_path / 'data' / 'doorkeep.db'}"
    done = subprocess.run(
        [
            str(DOORKEEP),
            "migrate-from-keycloak",
            "--source-db-url",
            postgres_server.url(name),
            "--realm",
            "shop",
            "--realm",
            "nope",
            "--db-url",
            db_url,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr.strip()) == (1, "Error: realm 'nope' not found in the Keycloak database")
    assert asyncio.run(_doorkeep_snapshot(db_url))["realm"] == []


def test_a_keycloak_database_that_is_not_postgresql_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    done = subprocess.run(
        [str(DOORKEEP), "migrate-from-keycloak", "--source-db-url", "sqlite:///kc.db", "--realm", "shop"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr.strip()) == (1, "Error: the Keycloak database must be a postgresql:// URL")
