"""A Keycloak 26 database for migration tests: one realm's rows, shaped as Keycloak writes them.

``fill`` creates the schema (``keycloak_schema.sql``) and the rows of realm ``shop``: a confidential client
``portal``, the roles and client scopes a Keycloak realm has for offline access, a user ``alice``
with a pbkdf2-sha512 password, an RSA (``rsa-generated``) and an HMAC (``hmac-generated``, HS512) key
provider, a consent, groups ``/staff/night-shift`` (alice's only grant of ``offline_access``; ``staff``
is the default group), protocol mappers (an audience mapper on ``portal``, a hardcoded claim on scope
``tenant``, the realm-roles and username mappers of ``roles`` and ``profile``), scope mappings, and three offline sessions (live, idle for 31 days, and one with rotation notes) with the
DATA JSON and notes Keycloak 26 stores, and an OpenID Connect identity provider ``corp`` (a mapper, alice's
link). ``mint_offline`` / ``mint_access`` sign tokens as Keycloak does with those keys (HS512 ``typ: Offline``;
RS256 with Keycloak's ``kid``).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SCHEMA = Path(__file__).with_name("keycloak_schema.sql")
PASSWORD = "alice-password"
CLIENT_SECRET = "portal-secret"
DAY = 86400
ROTATED_REUSE_ID = "5f0f3c2e-8a1b-4c55-9d1e-2b7f4a6c9e01"
ROTATED_CURRENT_JTI = "8d3e1f0a-77c2-4b9e-a0d4-3c5b6e7f8a90"


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class KeycloakRealm:
    realm_id: str
    alice: str
    live_session: str
    idle_session: str
    rotated_session: str
    hmac_kid: str
    hmac_secret: bytes
    rsa_kid: str
    rsa_key: rsa.RSAPrivateKey
    now: int

    def mint_offline(self, issuer: str, sid: str, iat: int, jti: str = "", reuse_id: str = "") -> str:
        """An offline token as Keycloak 26 signs it: HS512, realm HMAC kid, no exp by default."""
        claims: dict[str, Any] = {
            "iat": iat,
            "jti": jti or _id(),
            "iss": issuer,
            "aud": issuer,
            "sub": self.alice,
            "typ": "Offline",
            "azp": "portal",
            "sid": sid,
            # A refresh token names every granted scope (include.in.token.scope or not).
            "scope": "openid profile email roles tenant offline_access",
        }
        if reuse_id:
            claims["reuse_id"] = reuse_id
        return jwt.encode(claims, self.hmac_secret, algorithm="HS512", headers={"kid": self.hmac_kid, "typ": "JWT"})

    def mint_access(self, issuer: str) -> str:
        claims = {
            "exp": self.now + 300,
            "iat": self.now,
            "jti": "ofrt" + _id(),
            "iss": issuer,
            "aud": "account",
            "sub": self.alice,
            "typ": "Bearer",
            "azp": "portal",
            "sid": self.live_session,
            "scope": "openid profile email offline_access",
            "preferred_username": "alice",
        }
        return jwt.encode(claims, self.rsa_key, algorithm="RS256", headers={"kid": self.rsa_kid, "typ": "JWT"})


def _rsa_provider() -> tuple[rsa.RSAPrivateKey, str, str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    private = base64.b64encode(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    ).decode()
    certificate = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, private, certificate, _b64u(hashlib.sha256(spki).digest())


def _pbkdf2(password: str) -> tuple[str, str]:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 210000, 64)
    secret = {
        "value": base64.b64encode(digest).decode(),
        "salt": base64.b64encode(salt).decode(),
        "additionalParameters": {},
    }
    data = {"hashIterations": 210000, "algorithm": "pbkdf2-sha512", "additionalParameters": {}}
    return json.dumps(secret), json.dumps(data)


async def fill(url: str, now: int) -> KeycloakRealm:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(SCHEMA.read_text())
        return await _rows(conn, now)
    finally:
        await conn.close()


async def _rows(conn: asyncpg.Connection, now: int) -> KeycloakRealm:
    realm, portal, alice = _id(), _id(), _id()
    role = {n: _id() for n in ("offline_access", "uma_authorization", "default-roles-shop", "shopper", "staff-member")}
    await conn.execute(
        "INSERT INTO realm (id, name, enabled, ssl_required, access_token_lifespan, sso_idle_timeout, "
        "sso_max_lifespan, offline_session_idle_timeout, not_before, default_role, revoke_refresh_token, "
        "refresh_token_max_reuse) VALUES ($1, 'shop', TRUE, 'external', 300, 1800, 36000, 2592000, 0, $2, TRUE, 1)",
        realm,
        role["default-roles-shop"],
    )
    for name, value in (
        ("displayName", "Shop"),
        ("offlineSessionMaxLifespanEnabled", "false"),
        ("offlineSessionMaxLifespan", "5184000"),
        ("clientOfflineSessionIdleTimeout", "0"),
        ("_browser_header.xFrameOptions", "DENY"),  # RealmAdapter keeps browserSecurityHeaders under this prefix
    ):
        await conn.execute("INSERT INTO realm_attribute VALUES ($1, $2, $3)", name, realm, value)
    for name, rid in role.items():
        await conn.execute(
            "INSERT INTO keycloak_role (id, client_realm_constraint, client_role, name, realm_id, realm) "
            "VALUES ($1, $2, FALSE, $3, $2, $2)",
            rid,
            realm,
            name,
        )
    # offline_access is not in the default role here: alice holds it only through her group.
    for child in ("uma_authorization",):
        await conn.execute("INSERT INTO composite_role VALUES ($1, $2)", role["default-roles-shop"], role[child])
    await conn.execute(
        "INSERT INTO client (id, enabled, full_scope_allowed, client_id, public_client, secret, realm_id, protocol, "
        "client_authenticator_type, standard_flow_enabled, direct_access_grants_enabled, name) "
        "VALUES ($1, TRUE, TRUE, 'portal', FALSE, $2, $3, 'openid-connect', 'client-secret', TRUE, TRUE, 'Portal')",
        portal,
        CLIENT_SECRET,
        realm,
    )
    await conn.execute("INSERT INTO client_attributes VALUES ($1, 'post.logout.redirect.uris', '+')", portal)
    await conn.execute("INSERT INTO redirect_uris VALUES ($1, 'https://portal.example/*')", portal)
    scopes = {n: _id() for n in ("offline_access", "profile", "email", "roles", "tenant")}
    for name, sid in scopes.items():
        await conn.execute("INSERT INTO client_scope VALUES ($1, $2, $3, NULL, 'openid-connect')", sid, name, realm)
        await conn.execute("INSERT INTO client_scope_attributes VALUES ($1, 'true', 'include.in.token.scope')", sid)
        default = name != "offline_access"
        await conn.execute("INSERT INTO default_client_scope VALUES ($1, $2, $3)", realm, sid, default)
        await conn.execute("INSERT INTO client_scope_client VALUES ($1, $2, $3)", portal, sid, default)
    await conn.execute(
        "INSERT INTO user_entity (id, email, email_constraint, email_verified, enabled, first_name, realm_id, "
        "username, created_timestamp) VALUES ($1, 'alice@shop.example', 'alice@shop.example', TRUE, TRUE, 'Alice', "
        "$2, 'alice', $3)",
        alice,
        realm,
        (now - 90 * DAY) * 1000,
    )
    secret, data = _pbkdf2(PASSWORD)
    await conn.execute(
        "INSERT INTO credential (id, type, user_id, created_date, secret_data, credential_data, "
        "priority) VALUES ($1, 'password', $2, $3, $4, $5, 10)",
        _id(),
        alice,
        (now - 90 * DAY) * 1000,
        secret,
        data,
    )
    for name in ("default-roles-shop", "shopper"):
        await conn.execute("INSERT INTO user_role_mapping VALUES ($1, $2)", role[name], alice)
    consent = _id()
    await conn.execute(
        "INSERT INTO user_consent (id, client_id, user_id, created_date, last_updated_date) "
        "VALUES ($1, $2, $3, $4, $4)",
        consent,
        portal,
        alice,
        (now - 10 * DAY) * 1000,
    )
    await conn.execute("INSERT INTO user_consent_client_scope VALUES ($1, $2)", consent, scopes["offline_access"])
    await _groups_and_mappers(conn, realm, portal, alice, role, scopes)
    await _brokering(conn, realm, alice)
    await _organization(conn, realm, alice)
    await _required_actions(conn, realm)
    rsa_key, private, certificate, rsa_kid = _rsa_provider()
    hmac_secret, hmac_kid = os.urandom(64), _id()
    await _component(
        conn,
        realm,
        "rsa-generated",
        {"priority": "100", "privateKey": private, "certificate": certificate, "algorithm": "RS256"},
    )
    await _component(
        conn,
        realm,
        "hmac-generated",
        {"priority": "100", "secret": _b64u(hmac_secret), "kid": hmac_kid, "algorithm": "HS512", "secretSize": "64"},
    )
    await _component(
        conn,
        realm,
        "aes-generated",
        {"priority": "100", "secret": _b64u(os.urandom(16)), "kid": _id(), "secretSize": "16"},
    )
    live, idle, rotated = _id(), _id(), _id()
    await _offline_session(conn, realm, portal, alice, live, now - 10 * DAY, now - 3600)
    await _offline_session(conn, realm, portal, alice, idle, now - 40 * DAY, now - 31 * DAY)
    # Refresh-token rotation state Keycloak keeps as client-session notes, per reuse_id.
    await _offline_session(
        conn,
        realm,
        portal,
        alice,
        rotated,
        now - 5 * DAY,
        now - 600,
        {
            "refreshTokenPrefix" + ROTATED_REUSE_ID: ROTATED_CURRENT_JTI,
            "refreshTokenUsePrefix" + ROTATED_REUSE_ID: "1",  # Keycloak already accepted it once
            "refreshTokenLastRefreshPrefix" + ROTATED_REUSE_ID: str(now - 600),
        },
    )
    return KeycloakRealm(realm, alice, live, idle, rotated, hmac_kid, hmac_secret, rsa_kid, rsa_key, now)


async def _required_actions(conn: asyncpg.Connection, realm: str) -> None:
    """Two registered actions, UPDATE_PASSWORD with its own max auth age (REQUIRED_ACTION_CONFIG)."""
    password, profile = _id(), _id()
    await conn.execute(
        "INSERT INTO required_action_provider VALUES ($1, 'UPDATE_PASSWORD', 'Update Password', $2, TRUE, FALSE, "
        "'UPDATE_PASSWORD', 30), ($3, 'UPDATE_PROFILE', 'Update Profile', $2, TRUE, FALSE, 'UPDATE_PROFILE', 40)",
        password,
        realm,
        profile,
    )
    await conn.execute("INSERT INTO required_action_config VALUES ($1, '60', 'max_auth_age')", password)


async def _brokering(conn: asyncpg.Connection, realm: str, alice: str) -> None:
    """An OpenID Connect provider ``corp`` with its config rows and a hardcoded-role mapper, and alice's link to
    her account there (FEDERATED_IDENTITY)."""
    corp, mapper = _id(), _id()
    await conn.execute(
        "INSERT INTO identity_provider (internal_id, enabled, provider_alias, provider_id, realm_id, trust_email, "
        "provider_display_name) VALUES ($1, TRUE, 'corp', 'oidc', $2, TRUE, 'Corp SSO')",
        corp,
        realm,
    )
    for name, value in (
        ("clientId", "shop"),
        ("clientSecret", "corp-secret"),
        ("authorizationUrl", "https://corp.example/auth"),
        ("tokenUrl", "https://corp.example/token"),
        ("syncMode", "IMPORT"),
    ):
        await conn.execute("INSERT INTO identity_provider_config VALUES ($1, $2, $3)", corp, value, name)
    await conn.execute(
        "INSERT INTO identity_provider_mapper VALUES ($1, 'shoppers', 'corp', 'oidc-hardcoded-role-idp-mapper', $2)",
        mapper,
        realm,
    )
    await conn.execute("INSERT INTO idp_mapper_config VALUES ($1, 'shopper', 'role')", mapper)
    await conn.execute(
        "INSERT INTO federated_identity VALUES ('corp', $1, 'corp-alice', 'alice@corp.example', NULL, $2)", realm, alice
    )


async def _organization(conn: asyncpg.Connection, realm: str, alice: str) -> None:
    """An organization ``acme`` (Keycloak 26: ORG, ORG_DOMAIN, its type-1 group holding its attribute and alice as
    a MANAGED member; 26.4: an ORG_INVITATION) with the provider ``corp`` linked to it, and the realm's
    organizationsEnabled."""
    org, group = _id(), _id()
    await conn.execute("INSERT INTO realm_attribute VALUES ('organizationsEnabled', $1, 'true')", realm)
    await conn.execute("INSERT INTO keycloak_group VALUES ($1, $2, ' ', $3, 1)", group, org, realm)
    await conn.execute(
        "INSERT INTO org VALUES ($1, TRUE, $2, $3, 'ACME Corp', 'Our partner', 'acme', 'https://acme.example/')",
        org,
        realm,
        group,
    )
    await conn.execute("INSERT INTO org_domain VALUES ($1, 'acme.example', TRUE, $2)", _id(), org)
    await conn.execute(  # Keycloak 26.4's stored invitation to an address no user has
        "INSERT INTO org_invitation VALUES ($1, $2, 'bob@acme.example', 'Bob', NULL, 1700000000, 1700043200, "
        "'https://kc.example/realms/shop/protocol/openid-connect/registrations?token=x')",
        _id(),
        org,
    )
    await conn.execute("INSERT INTO group_attribute VALUES ($1, 'tier', 'gold', $2)", _id(), group)
    await conn.execute("INSERT INTO user_group_membership VALUES ($1, $2, 'MANAGED')", group, alice)
    await conn.execute("UPDATE identity_provider SET organization_id = $1 WHERE provider_alias = 'corp'", org)


async def _groups_and_mappers(
    conn: asyncpg.Connection, realm: str, portal: str, alice: str, role: dict[str, str], scopes: dict[str, str]
) -> None:
    staff, night = _id(), _id()
    await conn.execute("INSERT INTO keycloak_group VALUES ($1, 'staff', ' ', $2, 0)", staff, realm)
    await conn.execute("INSERT INTO keycloak_group VALUES ($1, 'night-shift', $2, $3, 0)", night, staff, realm)
    await conn.execute("INSERT INTO group_attribute VALUES ($1, 'department', 'ops', $2)", _id(), staff)
    await conn.execute("INSERT INTO group_role_mapping VALUES ($1, $2)", role["staff-member"], staff)
    await conn.execute("INSERT INTO group_role_mapping VALUES ($1, $2)", role["offline_access"], night)
    await conn.execute("INSERT INTO user_group_membership VALUES ($1, $2, 'UNMANAGED')", night, alice)
    await conn.execute("INSERT INTO realm_default_groups VALUES ($1, $2)", realm, staff)
    await conn.execute("INSERT INTO scope_mapping VALUES ($1, $2)", portal, role["shopper"])
    await conn.execute(
        "INSERT INTO client_scope_role_mapping VALUES ($1, $2)", scopes["offline_access"], role["offline_access"]
    )
    token = {"access.token.claim": "true", "id.token.claim": "true", "userinfo.token.claim": "true"}
    mappers: list[tuple[str | None, str | None, str, str, dict[str, str]]] = [
        (
            portal,
            None,
            "shop-api audience",
            "oidc-audience-mapper",
            {"included.custom.audience": "shop-api", "access.token.claim": "true", "id.token.claim": "false"},
        ),
        (
            None,
            scopes["tenant"],
            "tenant",
            "oidc-hardcoded-claim-mapper",
            {**token, "claim.name": "tenant", "claim.value": "shop", "jsonType.label": "String"},
        ),
        (
            None,
            scopes["roles"],
            "realm roles",
            "oidc-usermodel-realm-role-mapper",
            {
                "user.attribute": "foo",
                "access.token.claim": "true",
                "claim.name": "realm_access.roles",
                "jsonType.label": "String",
                "multivalued": "true",
            },
        ),
        (
            None,
            scopes["profile"],
            "username",
            "oidc-usermodel-attribute-mapper",
            {**token, "user.attribute": "username", "claim.name": "preferred_username", "jsonType.label": "String"},
        ),
    ]
    for client, scope, name, kind, config in mappers:
        mid = _id()
        await conn.execute(
            "INSERT INTO protocol_mapper VALUES ($1, $2, 'openid-connect', $3, $4, $5)", mid, name, kind, client, scope
        )
        for key, value in config.items():
            await conn.execute("INSERT INTO protocol_mapper_config VALUES ($1, $2, $3)", mid, value, key)


async def _component(conn: asyncpg.Connection, realm: str, provider: str, config: dict[str, str]) -> None:
    cid = _id()
    await conn.execute(
        "INSERT INTO component VALUES ($1, $2, $3, $4, 'org.keycloak.keys.KeyProvider', $3, NULL)",
        cid,
        f"{provider}",
        realm,
        provider,
    )
    for name, value in {"enabled": "true", "active": "true", **config}.items():
        await conn.execute("INSERT INTO component_config VALUES ($1, $2, $3, $4)", _id(), cid, name, value)


async def _offline_session(
    conn: asyncpg.Connection,
    realm: str,
    client: str,
    user: str,
    sid: str,
    started: int,
    last: int,
    rotation: dict[str, str] | None = None,
) -> None:
    """One offline user session with its client session, DATA and notes as Keycloak 26 persists them."""
    user_data: dict[str, Any] = {
        "brokerSessionId": None,
        "brokerUserId": None,
        "ipAddress": "10.0.0.7",
        "authMethod": "openid-connect",
        "rememberMe": False,
        "started": 0,
        "state": "LOGGED_IN",
        "notes": {
            "AUTH_TIME": str(started),
            "KC_DEVICE_NOTE": _b64u(b'{"os":"Linux","browser":"Firefox/133"}'),
            "authenticators-completed": json.dumps({"auth-username-password-form": started}),
        },
    }
    await conn.execute(
        "INSERT INTO offline_user_session (user_session_id, user_id, realm_id, created_on, "
        "offline_flag, data, last_session_refresh, broker_session_id, version, remember_me) "
        "VALUES ($1, $2, $3, $4, '1', $5, $6, NULL, 1, FALSE)",
        sid,
        user,
        realm,
        started,
        json.dumps(user_data),
        last,
    )
    client_data = {
        "authMethod": "openid-connect",
        "redirectUri": "https://portal.example/callback",
        "protocolMappers": None,
        "roles": None,
        "action": "AUTHENTICATE",
        "notes": {
            "clientId": client,
            "iss": "https://sso.shop.example/realms/shop",
            "startedAt": str(started),
            "userSessionStartedAt": str(started),
            "level-of-authentication": "-1",
            "SSO_AUTH": "false",
            "scope": "openid offline_access",
            "response_type": "code",
            "redirect_uri": "https://portal.example/cb",
            **(rotation or {}),
        },
    }
    await conn.execute(
        "INSERT INTO offline_client_session (user_session_id, client_id, offline_flag, timestamp, "
        "data, version) VALUES ($1, $2, '1', $3, $4, 1)",
        sid,
        client,
        last,
        json.dumps(client_data),
    )
