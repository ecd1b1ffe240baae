"""Creating realms, clients and users with Keycloak's built-in defaults (KEYCLOAK.md §5.1, §7)."""

from __future__ import annotations

import dataclasses
import secrets
import string
import uuid
from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from doorkeep.admin.stored_text import refuse_longer
from doorkeep.clientreg import policy_components
from doorkeep.keys import material
from doorkeep.model import Client, ClientScope, Realm, Role, User
from doorkeep.oauth.mappers.defaults import builtin_mappers, locale_mapper
from doorkeep.realms import default_role, management

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ACCOUNT_ROLES = {
    "manage-account": ["manage-account-links"],
    "view-profile": [],
    "manage-account-links": [],
    "view-applications": [],
    "view-consent": [],
    "manage-consent": ["view-consent"],
    "delete-account": [],
    "view-groups": [],
}
BROKER_ROLES: dict[str, list[str]] = {"read-token": []}  # IdentityBrokerService.retrieveToken's role
MANAGEMENT_ROLES = {
    "view-realm": [],
    "manage-realm": [],
    "view-users": ["query-users", "query-groups"],
    "manage-users": [],
    "query-users": [],
    "query-groups": [],
    "view-clients": ["query-clients"],
    "manage-clients": [],
    "query-clients": [],
    "query-realms": [],
    "create-client": [],
    "view-events": [],
    "manage-events": [],
    "view-identity-providers": [],
    "manage-identity-providers": [],
    "view-authorization": [],
    "manage-authorization": [],
    "impersonation": [],
    # Keycloak 26.7 (AdminRoles, MigrateTo26_7_0): view-organizations holds query-organizations
    "view-organizations": ["query-organizations"],
    "manage-organizations": [],
    "query-organizations": [],
}
SERVICE_ACCOUNT_SCOPE = "service_account"  # Keycloak 26.1+ (ServiceAccountConstants.SERVICE_ACCOUNT_SCOPE)
# name -> (default scope?, include.in.token.scope, consent text, description)
BUILTIN_SCOPES: dict[str, tuple[bool | None, bool, str, str]] = {
    "acr": (True, False, "", "OpenID Connect scope for add acr (authentication context class reference) to the token"),
    "basic": (True, False, "", "OpenID Connect scope for add all basic claims to the token"),
    "email": (True, True, "${emailScopeConsentText}", "OpenID Connect built-in scope: email"),
    "profile": (True, True, "${profileScopeConsentText}", "OpenID Connect built-in scope: profile"),
    "roles": (True, False, "${rolesScopeConsentText}", "OpenID Connect scope for add user roles to the access token"),
    "web-origins": (True, False, "", "OpenID Connect scope for add allowed web origins to the access token"),
    "offline_access": (
        False,
        True,
        "${offlineAccessScopeConsentText}",
        "OpenID Connect built-in scope: offline_access",
    ),
    "address": (False, True, "${addressScopeConsentText}", "OpenID Connect built-in scope: address"),
    "phone": (False, True, "${phoneScopeConsentText}", "OpenID Connect built-in scope: phone"),
    "microprofile-jwt": (False, True, "", "Microprofile - JWT built-in scope"),
    # Keycloak 26 (ORGANIZATION on by default): OIDCLoginProtocolFactory.createDefaultClientScopesImpl adds it to
    # every new realm as an optional scope, whether or not the realm turns organizations on.
    "organization": (
        False,
        True,
        "${organizationScopeConsentText}",
        "Additional claims about the organization a subject belongs to",
    ),
    # Neither a realm default nor optional: linked to a client while its service accounts are enabled.
    SERVICE_ACCOUNT_SCOPE: (None, False, "", "Specific scope for a client enabled for service accounts"),
}
# Composite realm roles every realm starts with (DEFAULT_ROLE stands for the realm's default role).
DEFAULT_ROLE = "default-roles-{realm}"
BUILTIN_COMPOSITES = {DEFAULT_ROLE: ("offline_access", "uma_authorization"), "admin": ("create-realm",)}
REALM_ADMIN = "realm-admin"  # the realm-management role that holds all the others (master's master-realm has none)
ADMIN = "admin"  # the master realm role holding every admin role of master's clients
# RESTEasy's path-segment characters left as they are (Encode.encodePathAsIs); the rest is percent-encoded.
PATH_SAFE = "!$&'()*+,;=:@~/"
BUILTIN_CLIENTS = ("account", "account-console", "admin-cli", "broker", "security-admin-console")
ADMIN_CONSOLE = "security-admin-console"


def builtin_client_ids(realm_name: str) -> tuple[str, ...]:
    """The clients every realm starts with: the built-ins and the client holding its own admin roles
    (``realm-management``, or ``master-realm`` in master)."""
    return (*BUILTIN_CLIENTS, management.client_id_for(realm_name))


def management_role_names(realm_name: str) -> frozenset[str]:
    """The roles of the client holding the realm's own admin roles: ``realm-management``'s include ``realm-admin``,
    which holds the rest; master's ``master-realm`` has no such role (master's ``admin`` holds them)."""
    extra = frozenset() if realm_name == management.MASTER else frozenset({REALM_ADMIN})
    return frozenset(MANAGEMENT_ROLES) | extra


def new_id() -> str:
    return str(uuid.uuid4())


async def create_realm(tx: Tx, name: str, now: int, **settings: Any) -> Realm:
    """A realm as Keycloak creates it: roles, built-in clients and scopes, fresh keys and the default client
    registration policies."""
    realm = frozen_user_action_lifespan(Realm(id=settings.pop("id", None) or new_id(), name=name, **settings))
    await tx.realms.create(realm)
    for alg in material.DEFAULT_KEYS:
        await tx.keys.add(material.generate(realm.id, alg, now))
    await tx.registration_policies.add_many(realm.id, policy_components.defaults(realm.id))
    roles = await add_roles(tx, realm.id, builtin_realm_roles(name))
    default_roles = roles[default_role.name_for(name)]
    for pattern, children in BUILTIN_COMPOSITES.items():
        parent = default_role.name_for(name) if pattern == DEFAULT_ROLE else pattern
        if parent in roles:
            await tx.roles.add_composites(roles[parent], [roles[c] for c in children])
    await create_builtin_scopes(tx, realm.id, roles["offline_access"])
    await create_builtin_clients(tx, realm, default_roles, now)
    return realm


def frozen_user_action_lifespan(realm: Realm) -> Realm:
    """A new realm's user action-token lifespan, when not given, is its login-action timeout at creation
    (Keycloak's RepresentationToModel.createRealm sets it then, so a later change of the timeout leaves it)."""
    if realm.action_token_generated_by_user_lifespan is not None:
        return realm
    return dataclasses.replace(realm, action_token_generated_by_user_lifespan=realm.access_code_lifespan_user_action)


def builtin_realm_roles(realm_name: str, default: str | None = None) -> dict[str, str]:
    """The realm roles every realm has (name -> description); the master realm adds its admin roles. ``default``:
    the default role's name when not ``default-roles-<realm>`` (an imported file's ``defaultRole``)."""
    roles = {
        "offline_access": "${role_offline-access}",
        "uma_authorization": "${role_uma_authorization}",
        default or default_role.name_for(realm_name): "${role_default-roles}",
    }
    if realm_name == "master":
        roles |= {"admin": "${role_admin}", "create-realm": "${role_create-realm}"}
    return roles


async def add_role(
    tx: Tx, realm_id: str, name: str, description: str | None = None, client_uuid: str | None = None
) -> Role:
    role = Role(id=new_id(), realm_id=realm_id, name=name, client_id=client_uuid, description=description)
    await tx.roles.create(role)
    return role


async def add_roles(tx: Tx, realm_id: str, described: dict[str, str], client_uuid: str | None = None) -> dict[str, str]:
    """New roles (name -> description) of the realm or of a client, stored together; name -> id."""
    made = [
        Role(id=new_id(), realm_id=realm_id, name=n, client_id=client_uuid, description=d) for n, d in described.items()
    ]
    await tx.roles.create_many(made)
    return {role.name: role.id for role in made}


async def create_builtin_scopes(tx: Tx, realm_id: str, offline_role_id: str | None, skip: Collection[str] = ()) -> None:
    defaults: list[tuple[str, bool]] = []
    for name, (default, in_token, consent_text, description) in BUILTIN_SCOPES.items():
        if name in skip:  # realm import: the file defines this scope itself
            continue
        attributes = {
            "include.in.token.scope": "true" if in_token else "false",
            "display.on.consent.screen": "true" if consent_text else "false",
        }
        if consent_text:
            attributes["consent.screen.text"] = consent_text
        scope = ClientScope(
            id=new_id(),
            realm_id=realm_id,
            name=name,
            description=description,
            attributes=attributes,
            protocol_mappers=builtin_mappers(name),
        )
        await tx.scopes.create(scope)
        if default is not None:
            defaults.append((scope.id, default))
        if name == "offline_access" and offline_role_id:
            await tx.roles.add_scope_mappings(scope.id, [offline_role_id])
    await tx.realms.set_default_scopes(realm_id, defaults)


async def create_builtin_clients(
    tx: Tx, realm: Realm, default_roles_id: str, now: int, skip: Collection[str] = ()
) -> None:
    # RealmManager.setupAccountManagement / setupAdminConsole: the name as a path segment (Encode.encodePathAsIs).
    segment = quote(realm.name, safe=PATH_SAFE)
    base = f"/realms/{segment}/account/"
    specs: dict[str, dict[str, Any]] = {
        "account": {
            "public_client": True,
            "base_url": base,
            "root_url": "${authBaseUrl}",
            "redirect_uris": (f"{base}*",),
            "name": "${client_account}",
        },
        "account-console": {
            "public_client": True,
            "base_url": base,
            "root_url": "${authBaseUrl}",
            "redirect_uris": (f"{base}*",),
            "name": "${client_account-console}",
            "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
        },
        "admin-cli": {
            "public_client": True,
            "direct_access_grants_enabled": True,
            "standard_flow_enabled": False,
            "name": "${client_admin-cli}",
        },
        "broker": {"bearer_only": True, "secret": None, "name": "${client_broker}"},
        **_management_spec(realm.name),
        "security-admin-console": {
            "public_client": True,
            "root_url": "${authAdminUrl}",
            "base_url": f"/admin/{segment}/console/",
            "redirect_uris": (f"/admin/{segment}/console/*",),
            "web_origins": ("+",),
            "name": "${client_security-admin-console}",
            "attributes": {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": "+"},
            "protocol_mappers": (locale_mapper(),),  # RealmManager.setupAdminConsoleLocaleMapper
        },
    }
    for client_id, spec in specs.items():
        if client_id in skip:  # realm import: the file defines this client itself
            continue
        client = await create_client(
            tx, realm, Client(id=new_id(), realm_id=realm.id, client_id=client_id, **spec), now=now
        )
        if client_id == "account":
            roles = await add_client_roles(tx, realm.id, client.id, ACCOUNT_ROLES)
            await tx.roles.add_composites(default_roles_id, [roles["view-profile"], roles["manage-account"]])
        elif client_id == "broker":  # RealmManager.setupBrokerService: Constants.BROKER_SERVICE_ROLES
            await add_client_roles(tx, realm.id, client.id, BROKER_ROLES)
        elif client_id == management.client_id_for(realm.name):
            await _management_client_roles(tx, realm, client.id)


def _management_spec(realm_name: str) -> dict[str, dict[str, Any]]:
    """The client holding the realm's own admin roles, as setupRealmAdminManagement makes ``realm-management``
    and setupMasterAdminManagement makes master's ``master-realm`` (named ``master Realm``, full scope off)."""
    if realm_name == management.MASTER:
        spec = {"bearer_only": True, "full_scope_allowed": False, "name": f"{realm_name} Realm"}
        return {management.client_id_for(realm_name): spec}
    return {management.REALM_MANAGEMENT: {"bearer_only": True, "name": "${client_realm-management}"}}


async def _management_client_roles(tx: Tx, realm: Realm, client_uuid: str) -> None:
    """Its roles: under ``realm-admin``, or, in master, under master's ``admin`` realm role."""
    spec = MANAGEMENT_ROLES if realm.name == management.MASTER else MANAGEMENT_ROLES | {REALM_ADMIN: []}
    roles = await add_client_roles(tx, realm.id, client_uuid, spec)
    holder = roles.pop(REALM_ADMIN, None)
    if holder is None:
        admin = await tx.roles.get_realm_role(realm.id, ADMIN)
        holder = admin.id if admin is not None else None
    if holder is not None:
        await tx.roles.add_composites(holder, roles.values())


async def add_client_roles(tx: Tx, realm_id: str, client_uuid: str, spec: dict[str, list[str]]) -> dict[str, str]:
    ids = await add_roles(tx, realm_id, {name: f"${{role_{name}}}" for name in spec}, client_uuid)
    for name, children in spec.items():
        if children:
            await tx.roles.add_composites(ids[name], [ids[c] for c in children])
    return ids


def with_admin_console_locale(client: Client) -> Client:
    """An imported ``security-admin-console`` with the ``locale`` mapper if it has none of that name
    (RealmManager.importRealm runs setupAdminConsoleLocaleMapper after the import); any other client as it is."""
    if client.client_id != ADMIN_CONSOLE or client.protocol != "openid-connect":
        return client
    if any(m.name == "locale" for m in client.protocol_mappers):
        return client
    return dataclasses.replace(client, protocol_mappers=(*client.protocol_mappers, locale_mapper()))


async def create_client(tx: Tx, realm: Realm, client: Client, *, now: int, link_default_scopes: bool = True) -> Client:
    """Store a client with the realm's default and optional client scopes (as Keycloak links them);
    ``now`` (epoch seconds) dates its service account."""
    if not client.public_client and not client.bearer_only and not client.secret:
        client = dataclasses.replace(client, secret=new_secret())
    await tx.clients.create(client)
    if link_default_scopes:
        await tx.clients.link_new_scopes(client.id, realm.id, await tx.realms.default_scope_links(realm.id))
    if client.service_accounts_enabled:
        await ensure_service_account(tx, realm, client, now=now)
        await link_service_account_scope(tx, client)
    return client


async def link_service_account_scope(tx: Tx, client: Client) -> None:
    """Keycloak 26.1+: a client whose service accounts are enabled has the realm's ``service_account`` scope
    (the client_id, clientHost and clientAddress claims) as a default scope, unless it is linked already."""
    scope = await tx.scopes.get_by_name(client.realm_id, SERVICE_ACCOUNT_SCOPE)
    if scope is None or scope.protocol != client.protocol:
        return
    if scope.id not in {linked.id for linked, _ in await tx.clients.scopes(client.id)}:
        await tx.clients.link_scope(client.id, scope.id, True)


async def default_service_account_scope(tx: Tx, client: Client) -> None:
    """A client update with service accounts enabled: the ``service_account`` scope is made a default scope
    again, moved there when an admin had made it optional (ServiceAccountClientTest.testServiceAccountEnableDisable:
    "re-enable service accounts, should assign the scope again as default")."""
    scope = await tx.scopes.get_by_name(client.realm_id, SERVICE_ACCOUNT_SCOPE)
    if scope is None or scope.protocol != client.protocol:
        return
    linked = {found.id: default for found, default in await tx.clients.scopes(client.id)}
    if linked.get(scope.id) is True:
        return
    if scope.id in linked:
        await tx.clients.unlink_scope(client.id, scope.id)
    await tx.clients.link_scope(client.id, scope.id, True)


async def unlink_service_account_scope(tx: Tx, client: Client) -> None:
    """Service accounts disabled: the ``service_account`` scope goes with them."""
    scope = await tx.scopes.get_by_name(client.realm_id, SERVICE_ACCOUNT_SCOPE)
    if scope is not None and scope.id in {linked.id for linked, _ in await tx.clients.scopes(client.id)}:
        await tx.clients.unlink_scope(client.id, scope.id)


async def ensure_service_account(tx: Tx, realm: Realm, client: Client, *, now: int) -> User:
    """The client's service-account user, made if missing and dated ``now`` as Keycloak's
    ClientManager.enableServiceAccount does (UserModel.setCreatedTimestamp(Time.currentTimeMillis())).

    Its username ``service-account-<clientId>`` must fit the username column (VARCHAR(255), as Keycloak's): a
    clientId over 239 characters is the 400 ``Invalid input`` PostgreSQL answers, on SQLite too, nothing written."""
    existing = await tx.users.get_service_account(client)
    if existing:
        return existing
    username = service_account_username(client.client_id)
    refuse_longer(username)
    user = User(
        id=new_id(),
        realm_id=realm.id,
        username=username,
        enabled=True,
        service_account_client_id=client.id,
        created_timestamp=now * 1000,
    )
    await tx.users.create(user)
    default_roles = await default_role.find(tx, realm)
    if default_roles:
        await tx.users.grant_roles(user.id, [default_roles.id])
    await join_default_groups(tx, realm, user)
    return user


def service_account_username(client_id: str) -> str:
    """ServiceAccountConstants.SERVICE_ACCOUNT_USER_PREFIX + clientId, lower-cased as usernames are kept."""
    return f"service-account-{client_id}".lower()


async def join_default_groups(tx: Tx, realm: Realm, user: User) -> None:
    """A new user joins the realm's default groups, as Keycloak's addUser does with the default role."""
    for group_id in await tx.groups.default_ids(realm.id):
        await tx.groups.join(user.id, group_id)


async def create_user(tx: Tx, realm: Realm, user: User, *, default_roles: bool = True) -> User:
    await tx.users.create(user)
    if default_roles:
        role = await default_role.find(tx, realm)
        if role:
            await tx.users.grant_roles(user.id, [role.id])
        await join_default_groups(tx, realm, user)
    return user


# SecretGenerator.ALPHANUM; KeycloakModelUtils.getRequiredClientSecretLength() is the length with HS512-level
# entropy, equivalentEntropySize(512 bits, 62 symbols) = ceil(512 / log2 62) = 86, for every client and type.
SECRET_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits
SECRET_LENGTH = 86


def new_secret() -> str:
    """A client secret as Keycloak's KeycloakModelUtils.generateSecret makes it: 86 letters and digits."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
