"""The schema. Alembic migrations under ``migrations/`` create and evolve it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 36  # UUID text

realms = Table(
    "realms",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("enabled", Boolean, nullable=False),
    Column("config", JSON, nullable=False),
    # Bumped by every write to the realm's clients, client scopes and roles (see store/config_cache.py).
    Column("config_version", BigInteger, nullable=False, server_default="0"),
    # 0015_user_version, 0016: advanced by triggers on every write to the realm's users, their role mappings and
    # their group memberships.
    Column("user_version", BigInteger, nullable=False, server_default="0"),
)

realm_default_scopes = Table(
    "realm_default_scopes",
    metadata,
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
    Column("scope_id", String(ID), ForeignKey("client_scopes.id", ondelete="CASCADE"), primary_key=True),
    Column("default_scope", Boolean, nullable=False),
)

clients = Table(
    "clients",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(255), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("config", JSON, nullable=False),
    # SHA-256 (hex) of the ``jwt.credential.sub`` attribute: federated-jwt's lookup, indexed whatever its length
    Column("credential_sub_hash", String(64), nullable=True),
    UniqueConstraint("realm_id", "client_id", name="uq_clients_realm_client_id"),
    Index("ix_clients_realm_credential_sub", "realm_id", "credential_sub_hash"),
)

client_scopes = Table(
    "client_scopes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("config", JSON, nullable=False),
    UniqueConstraint("realm_id", "name", name="uq_client_scopes_realm_name"),
)

client_scope_links = Table(
    "client_scope_links",
    metadata,
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("scope_id", String(ID), ForeignKey("client_scopes.id", ondelete="CASCADE"), primary_key=True),
    Column("default_scope", Boolean, nullable=False),
)

roles = Table(
    "roles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("attributes", JSON, nullable=False),
    UniqueConstraint("realm_id", "client_id", "name", name="uq_roles_realm_client_name"),
    # NULLs are distinct in unique constraints, so realm roles (client_id NULL) need their own index.
    Index(
        "uq_roles_realm_role_name",
        "realm_id",
        "name",
        unique=True,
        sqlite_where=text("client_id IS NULL"),
        postgresql_where=text("client_id IS NULL"),
    ),
)

role_composites = Table(
    "role_composites",
    metadata,
    Column("parent_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("child_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

# Role scope mappings of a client (used when fullScopeAllowed is false) or of a client scope.
scope_role_mappings = Table(
    "scope_role_mappings",
    metadata,
    Column("owner_id", String(ID), primary_key=True),  # a client id or a client scope id
    Column("role_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("username", String(255), nullable=False),
    Column("email", String(255), nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("service_account_client_id", String(ID), nullable=True),
    Column("not_before", BigInteger, nullable=False),
    Column("config", JSON, nullable=False),
    UniqueConstraint("realm_id", "username", name="uq_users_realm_username"),
    Index("ix_users_realm_service_account", "realm_id", "service_account_client_id"),
)
# E-mail addresses are compared in lower case (UserRepo.get_by_email, the duplicate checks).
Index("ix_users_realm_lower_email", users.c.realm_id, func.lower(users.c.email))

credentials = Table(
    "credentials",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("type", String(64), nullable=False),
    Column("secret_data", JSON, nullable=False),
    Column("credential_data", JSON, nullable=False),
    Column("created_date", BigInteger, nullable=False),
    Column("user_label", String(255), nullable=True),
    # Keycloak's CREDENTIAL.PRIORITY: the user's credentials are listed by it (10, 20, 30 …; migration 0027).
    Column("priority", Integer, nullable=False, server_default="0"),
)

# Keycloak's ``password-history`` credentials: the user's previous password hashes, newest first by
# ``created_date`` then ``id`` (migration 0030). Apart from ``credentials`` so that no credential listing sees them.
password_history = Table(
    "password_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("secret_data", JSON, nullable=False),
    Column("credential_data", JSON, nullable=False),
    Column("created_date", BigInteger, nullable=False),
)

user_role_mappings = Table(
    "user_role_mappings",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_role_mappings_role", "role_id"),  # a role's users; a role deletion's cascade
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("offline", Boolean, primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("login_username", String(255), nullable=False),
    Column("ip_address", String(64), nullable=False),
    Column("auth_method", String(64), nullable=False),
    Column("remember_me", Boolean, nullable=False),
    Column("started", BigInteger, nullable=False),
    Column("last_session_refresh", BigInteger, nullable=False),
    Column("broker_session_id", String(255), nullable=True),
    Column("notes", JSON, nullable=False),
    Index("ix_user_sessions_user", "user_id", "offline"),
    Index("ix_user_sessions_realm_refresh", "realm_id", "offline", "last_session_refresh"),
    # 0010_perf: the dead-session scans of store/client_session_pages.py
    Index("ix_user_sessions_realm_started", "realm_id", "offline", "started"),
    Index(
        "ix_user_sessions_remember_me",
        "realm_id",
        "offline",
        sqlite_where=text("remember_me = 1"),
        postgresql_where=text("remember_me = true"),
    ),
)

client_sessions = Table(
    "client_sessions",
    metadata,
    Column("user_session_id", String(ID), primary_key=True),
    Column("offline", Boolean, primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("started", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("redirect_uri", Text, nullable=True),
    Column("notes", JSON, nullable=False),
    ForeignKeyConstraint(
        ["user_session_id", "offline"], ["user_sessions.id", "user_sessions.offline"], ondelete="CASCADE"
    ),
    # 0010_perf: pages in Keycloak's order (session id) and the dead-session scans
    Index("ix_client_sessions_client_session", "client_id", "offline", "user_session_id"),
    Index("ix_client_sessions_client_timestamp", "client_id", "offline", "timestamp"),
    Index("ix_client_sessions_client_started", "client_id", "offline", "started"),
)

# 0010_perf: stored client sessions per (client, kind), kept exact by triggers on client_sessions;
# PostgreSQL spreads each count over 16 slots (hash of the session id) so logins do not queue on one row.
session_counts = Table(
    "session_counts",
    metadata,
    Column("client_id", String(ID), primary_key=True),
    Column("offline", Boolean, primary_key=True),
    Column("slot", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

# Rotation state per reuse_id family of a client session (KEYCLOAK.md §6.3).
refresh_families = Table(
    "refresh_families",
    metadata,
    Column("user_session_id", String(ID), primary_key=True),
    Column("offline", Boolean, primary_key=True),
    Column("client_id", String(ID), primary_key=True),
    Column("reuse_key", String(64), primary_key=True),
    Column("current_jti", String(64), nullable=True),
    Column("use_count", Integer, nullable=False),
    Column("last_refresh", BigInteger, nullable=False),
    Column("latest_jti", String(64), nullable=True),
    Column("latest_iat", BigInteger, nullable=True),  # 0011_refresh_grace (issue #13)
    Column("latest_exp", BigInteger, nullable=True),
    Column("revoked", Boolean, nullable=False, server_default=false()),
    ForeignKeyConstraint(
        ["user_session_id", "offline", "client_id"],
        ["client_sessions.user_session_id", "client_sessions.offline", "client_sessions.client_id"],
        ondelete="CASCADE",
    ),
)

consents = Table(
    "consents",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("granted_scopes", JSON, nullable=False),
    Column("created_date", BigInteger, nullable=False),
    Column("last_updated_date", BigInteger, nullable=False),
)

# One row per key-provider component (migration 0049). A kid is no key: Keycloak derives an RSA or EC key's kid from
# its public key, so two providers given one key share it (both kept, as Keycloak keeps both components); a secret
# key's kid (HMAC, AES), which a config may name, stays unique, so a kid never names two different secrets.
realm_keys = Table(
    "realm_keys",
    metadata,
    Column("kid", String(64), nullable=False, index=True),
    Column(
        "realm_id",
        String(ID),
        ForeignKey("realms.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
        index=True,
    ),
    Column("algorithm", String(16), nullable=False),
    Column("use", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("public_pem", Text, nullable=True),
    Column("private", Text, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("priority", BigInteger, nullable=False),  # the component's priority, a Java long (migration 0032)
    Column("component_id", String(ID), primary_key=True, nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("config", JSON, nullable=False),
    Index(
        "uq_realm_keys_secret_kid",
        "kid",
        unique=True,
        sqlite_where=text("public_pem IS NULL"),
        postgresql_where=text("public_pem IS NULL"),
    ),
)

# A realm's client registration policies (Keycloak's ClientRegistrationPolicy components).
registration_policies = Table(
    "registration_policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("sub_type", String(64), nullable=True),
    Column("config", JSON, nullable=False),
    Column("position", Integer, nullable=False),
)

revoked_tokens = Table(
    "revoked_tokens",
    metadata,
    Column("jti", String(128), primary_key=True),
    Column("expires", BigInteger, nullable=False, index=True),
)

# A browser login in progress: the validated authorization request, bound to a cookie.
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("form_token", String(64), nullable=False),
    Column("request", JSON, nullable=False),
    Column("user_id", String(ID), nullable=True),  # set once credentials checked (e.g. waiting for consent)
    Column("expires", BigInteger, nullable=False, index=True),
    Column("step", String(32), nullable=False, server_default="authenticate"),  # the one step accepted next
    Column("notes", JSON, nullable=True),  # 0023_auth_session_notes: what a later step needs (model.AuthSession)
    Column("root_id", String(64), nullable=True, index=True),  # 0031_auth_session_tabs: the browser's AUTH_SESSION_ID
    # 0044_auth_session_steps: the tab's creation, and the root's last step (RootAuthenticationSessionEntity.timestamp)
    Column("started", BigInteger, nullable=False, server_default="0"),
    Column("step_time", BigInteger, nullable=False, server_default="0"),
)

# Authorization codes, stored by SHA-256 hash; ``used`` makes them single-use.
auth_codes = Table(
    "auth_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("user_session_id", String(ID), nullable=False),
    Column("data", JSON, nullable=False),
    Column("expires", BigInteger, nullable=False, index=True),
    Column("used", Boolean, nullable=False),
)

# User events (Keycloak's EVENT_ENTITY); ``time`` in ms, ``client_id`` the clientId string.
events = Table(
    "events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("time", BigInteger, nullable=False),
    Column("type", String(64), nullable=False),
    Column("client_id", String(255), nullable=True),
    Column("user_id", String(ID), nullable=True),
    Column("session_id", String(ID), nullable=True),
    Column("ip_address", String(255), nullable=True),
    Column("error", String(255), nullable=True),
    Column("details", JSON, nullable=False),
    Index("ix_events_realm_time", "realm_id", "time"),
)

# Admin events (Keycloak's ADMIN_EVENT_ENTITY); ``time`` in ms, ``auth_client_id`` the client's UUID.
admin_events = Table(
    "admin_events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("time", BigInteger, nullable=False),
    Column("operation_type", String(32), nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("resource_path", String(2550), nullable=True),
    Column("auth_realm_id", String(ID), nullable=False),
    Column("auth_client_id", String(ID), nullable=False),
    Column("auth_user_id", String(ID), nullable=False),
    Column("auth_ip_address", String(255), nullable=False),
    Column("representation", Text, nullable=True),
    Column("error", String(255), nullable=True),
    Column("details_json", Text, nullable=True),  # ADMIN_EVENT_ENTITY.DETAILS_JSON: the details map as JSON
    Index("ix_admin_events_realm_time", "realm_id", "time"),
)

# Brute Force Detection: Keycloak's UserLoginFailure, one row per user with recent failed logins.
login_failures = Table(
    "login_failures",
    metadata,
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("num_failures", Integer, nullable=False),
    Column("num_temporary_lockouts", Integer, nullable=False),
    Column("last_failure", BigInteger, nullable=False),  # ms
    Column("last_ip_failure", String(255), nullable=True),
    Column("failed_login_not_before", BigInteger, nullable=False),  # epoch seconds
)
# Brute force lockout by user property: the same counters, keyed by a property value's digest (``bf-property:``),
# shared by the users holding that value (users/brute_force_keys.py).
property_login_failures = Table(
    "property_login_failures",
    metadata,
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
    Column("failure_key", String(64), primary_key=True),
    Column("num_failures", Integer, nullable=False),
    Column("num_temporary_lockouts", Integer, nullable=False),
    Column("last_failure", BigInteger, nullable=False),  # ms
    Column("last_ip_failure", String(255), nullable=True),
    Column("failed_login_not_before", BigInteger, nullable=False),  # epoch seconds
)

# Groups (Keycloak's KEYCLOAK_GROUP): a tree per realm; ``config`` holds description and attributes.
groups = Table(
    "groups",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", String(ID), ForeignKey("groups.id", ondelete="CASCADE"), nullable=True),
    Column("name", String(255), nullable=False),
    Column("config", JSON, nullable=False),
    Index("ix_groups_realm_parent", "realm_id", "parent_id"),
    # Keycloak's SIBLING_NAMES: one name per parent; NULLs are distinct, so the top level has its own index.
    Index("uq_groups_sibling_name", "parent_id", "name", unique=True),
    Index(
        "uq_groups_top_level_name",
        "realm_id",
        "name",
        unique=True,
        sqlite_where=text("parent_id IS NULL"),
        postgresql_where=text("parent_id IS NULL"),
    ),
)

group_role_mappings = Table(
    "group_role_mappings",
    metadata,
    Column("group_id", String(ID), ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

user_groups = Table(
    "user_groups",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", String(ID), ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_groups_group", "group_id"),
)

realm_default_groups = Table(
    "realm_default_groups",
    metadata,
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", String(ID), ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
)

# Protocol mappers of a client or of a client scope (exactly one of the two owners is set).
protocol_mappers = Table(
    "protocol_mappers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("scope_id", String(ID), ForeignKey("client_scopes.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("name", String(255), nullable=False),
    Column("protocol", String(64), nullable=False),
    Column("mapper", String(255), nullable=False),
    Column("config", JSON, nullable=False),
)

# When each periodic task last ran, shared by every process and node on the database (store/scheduled_tasks.py):
# the session cleaner runs once per interval in all, as Keycloak's cluster-aware scheduled tasks do.
scheduled_tasks = Table(
    "scheduled_tasks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("last_run", BigInteger, nullable=False),
)

# OAuth 2.0 Device Authorization Grant (RFC 8628): one row per device authorization, keyed by the SHA-256 of
# its device code; the user code is looked up by its hash too (store/device_codes.py).
device_codes = Table(
    "device_codes",
    metadata,
    Column("device_code_hash", String(64), primary_key=True),
    Column("user_code_hash", String(64), nullable=True),  # NULL once approved: the user code works once
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("scope", Text, nullable=False),
    Column("expires", BigInteger, nullable=False),
    Column("interval", Integer, nullable=False),
    Column("keep_until", BigInteger, nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("user_session_id", String(ID), nullable=True),
    Column("next_poll", BigInteger, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("realm_id", "user_code_hash", name="uq_device_codes_realm_user_code"),
)

# Keycloak's single-use store for client assertions (AbstractBaseJWTValidator.validateTokenReuse): the SHA-256
# of "<validator>:<jti>", kept until the assertion could no longer be used (store/client_assertions.py).
used_client_assertions = Table(
    "used_client_assertions",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("expires", BigInteger, nullable=False, index=True),
)

# Keycloak's single-use store for action tokens (LoginActionsServiceChecks.checkTokenWasNotUsedYet): the SHA-256
# of DefaultActionTokenKey.serializeKey, kept until the token expires (store/client_assertions.py's repository).
used_action_tokens = Table(
    "used_action_tokens",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("expires", BigInteger, nullable=False, index=True),
)

# Keycloak's single-use store for pushed authorization requests (ParEndpoint, AuthzEndpointParParser): the
# SHA-256 of the id in the request_uri, who pushed it, its parameters, kept until it expires
# (store/pushed_requests.py).
pushed_authorization_requests = Table(
    "pushed_authorization_requests",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("params", JSON, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("expires", BigInteger, nullable=False, index=True),
)

# Keycloak's CLIENT_INITIAL_ACCESS: what an initial access token may still register (store/initial_access.py).
client_initial_access = Table(
    "client_initial_access",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("timestamp", BigInteger, nullable=False),
    Column("expiration", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    Column("remaining_count", Integer, nullable=False),
)

# A user's links to the realm's identity providers (Keycloak's FederatedIdentityEntity): one per provider alias,
# and one user per federated user id of a provider. ``token`` is the provider's token response, kept only when
# the provider's ``storeToken`` is on.
federated_identities = Table(
    "federated_identities",
    metadata,
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("alias", String(255), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("federated_user_id", String(255), nullable=True),
    Column("linked", BigInteger, nullable=False),  # when, in ns: the user's links are listed in this order
    Column("federated_username", String(255), nullable=True),
    Column("token", Text, nullable=True),
    UniqueConstraint("realm_id", "alias", "federated_user_id", name="uq_federated_identities_realm_alias_user"),
)

# Organizations (Keycloak 26's ORG and ORG_DOMAIN, and the membership Keycloak keeps in the organization's group).
organizations = Table(
    "organizations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("alias", String(255), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("config", JSON, nullable=False),  # description, redirect_url, attributes
    Column("internal_group_id", String(ID), nullable=False),  # organizations.model.internal_group_id(id)
    UniqueConstraint("realm_id", "name", name="uq_organizations_realm_name"),
    UniqueConstraint("realm_id", "alias", name="uq_organizations_realm_alias"),
    Index("uq_organizations_internal_group", "internal_group_id", unique=True),
)

# Keycloak 26.8's realm-level domains (DOMAIN): a name unique in the realm, its verified flag and its routing (the
# identity provider a typed e-mail of the domain is sent to when ``auto_redirect``); organizations claim them
# (ORG_DOMAIN), several organizations may claim one domain.
realm_domains = Table(
    "realm_domains",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("identity_provider_alias", String(255), nullable=True),
    Column("auto_redirect", Boolean, nullable=False),
    UniqueConstraint("realm_id", "name", name="uq_realm_domains_realm_name"),
)

organization_domain_claims = Table(
    "organization_domain_claims",
    metadata,
    Column("organization_id", String(ID), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("domain_id", String(ID), ForeignKey("realm_domains.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_domain_claims_domain", "domain_id"),
)

organization_members = Table(
    "organization_members",
    metadata,
    Column("organization_id", String(ID), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("membership_type", String(16), nullable=False),
    Index("ix_organization_members_user", "user_id"),
)

# Organization roles (Keycloak's main branch after 26.8: KEYCLOAK_ROLE rows of TYPE ORGANIZATION with ORG_ID): a
# role namespace of each organization, kept apart from ``roles`` so that no realm or client role query can see one.
# ``is_default`` marks the organization's default role, which every member holds through membership (Keycloak maps
# it on the organization's internal group); the others are mapped to members in ``organization_role_members``.
# An organization role nests realm or client roles (``organization_role_composites``) and other roles of its own
# organization (``organization_role_children``); no realm or client role nests an organization role.
organization_roles = Table(
    "organization_roles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("organization_id", String(ID), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("attributes", JSON, nullable=False),
    Column("is_default", Boolean, nullable=False),
    UniqueConstraint("organization_id", "name", name="uq_organization_roles_org_name"),
)

organization_role_composites = Table(
    "organization_role_composites",
    metadata,
    Column("parent_id", String(ID), ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True),
    Column("child_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_role_composites_child", "child_id"),
)

organization_role_children = Table(
    "organization_role_children",
    metadata,
    Column("parent_id", String(ID), ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True),
    Column("child_id", String(ID), ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_role_children_child", "child_id"),
)

organization_role_members = Table(
    "organization_role_members",
    metadata,
    Column("role_id", String(ID), ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_role_members_user", "user_id"),
)

# Stored organization invitations (Keycloak 26.4's ORG_INVITATION); the status is read from ``expires_at``.
organization_invitations = Table(
    "organization_invitations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organization_id", String(ID), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("realm_id", String(ID), ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(255), nullable=False),
    Column("first_name", String(255), nullable=True),
    Column("last_name", String(255), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("invite_link", String(2048), nullable=True),
    Column("attributes", JSON, nullable=True),  # name -> values, as the invitation request gave them
    Column("client_id", String(255), nullable=True),  # the link's client (Keycloak 27.0); None: account
    Index("ix_organization_invitations_org_email", "organization_id", "email"),
)

# The realm and client roles an organization invitation grants when it is accepted (Keycloak main after 26.8.0's
# invitations with roles); a role removed before that is simply not granted.
organization_invitation_roles = Table(
    "organization_invitation_roles",
    metadata,
    Column(
        "invitation_id", String(ID), ForeignKey("organization_invitations.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("role_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_invitation_roles_role", "role_id"),
)

# Organization groups (Keycloak 26.6's groups of type ORGANIZATION under the organization's internal group): a
# tree of their own per organization, apart from the realm's groups. ``sibling_key`` is the parent's id, or the
# organization's for a top-level group, so one unique index keeps sibling names apart at every level.
organization_groups = Table(
    "organization_groups",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("organization_id", String(ID), ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", String(ID), ForeignKey("organization_groups.id", ondelete="CASCADE"), nullable=True),
    Column("sibling_key", String(ID), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=True),
    Column("attributes", JSON, nullable=False),
    UniqueConstraint("sibling_key", "name", name="uq_organization_groups_sibling_name"),
    Index("ix_organization_groups_organization", "organization_id"),
)

organization_group_members = Table(
    "organization_group_members",
    metadata,
    Column("group_id", String(ID), ForeignKey("organization_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_group_members_user", "user_id"),
)

# Organization roles mapped to organization groups (Keycloak main after 26.8.0: an organization group's role
# mappings of type ORGANIZATION, held by the group's members and the members of the groups below it).
organization_group_roles = Table(
    "organization_group_roles",
    metadata,
    Column("group_id", String(ID), ForeignKey("organization_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", String(ID), ForeignKey("organization_roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_group_roles_role", "role_id"),
)

# Realm and client roles mapped to organization groups (Keycloak's groups of type ORGANIZATION keep role mappings as
# any group does): the group's members, and those of the groups below it, hold them.
organization_group_role_mappings = Table(
    "organization_group_role_mappings",
    metadata,
    Column("group_id", String(ID), ForeignKey("organization_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", String(ID), ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_organization_group_role_mappings_role", "role_id"),
)
