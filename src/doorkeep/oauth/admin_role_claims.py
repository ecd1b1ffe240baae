"""Admin roles a user does not hold never reach an access token (Keycloak 26.4.14 / 26.6.5 / 26.7.1:
``AdminRoleTokenPostProcessor``, CVE-2026-4629 / CVE-2026-16102, keycloak#51499 and its follow-up #52094).

Any claim mapper may write ``realm_access`` or ``resource_access.<client>`` (a user attribute or user property
mapper whose user edits the value, a hardcoded claim, a role mapper with a prefix, a client role mapper filing
another client's roles under ``realm-management``). Keycloak fixes this when the token is made, after its mappers:

1. ``convert`` (TokenUtil.convertTokenRolesFromOtherClaims): a ``realm_access`` value, and each
   ``resource_access`` entry, that reads as an Access (an object of a ``roles`` list of strings and an optional
   boolean ``verify_caller``, nothing else) is taken as one, its roles a set. ``resource_access`` is replaced by
   the entries that read so only when at least one does (#52094); otherwise it stays as mapped.
2. ``strip`` (removeTransientAdminRoles): in the master realm, ``realm_access.roles`` loses every
   ``admin`` / ``create-realm`` the user does not hold; every ``resource_access`` entry of an admin client
   (``realm-management``, and master's ``<realm>-realm`` clients) loses every realm-management role name the user
   does not hold. The entry stays, its roles perhaps empty; other roles are untouched. "Holds" is by name, as in
   Keycloak: the names of the admin roles among the user's roles (directly, through groups, composites expanded).

Doorkeep is stricter in one place, where Keycloak's check would not see the value at all: a ``roles`` written as
a single string (a mapper that is not multivalued) that names an admin role the user lacks becomes ``[]``, an
object of role names loses those names, and a value that does not read as an Access (an extra key beside
``roles``) still loses the names. The roles the token was made from are the user's roles when the client has full
scope, so nothing is read then; a client without full scope has the user's other roles read only when the token
names an admin role its scoped roles do not hold.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from doorkeep.admin.permissions import ADMIN_ROLE_NAMES
from doorkeep.model import Client, Role, User
from doorkeep.oauth.mappers.context import role_clients as clients_of
from doorkeep.oauth.roles import user_roles
from doorkeep.realms import management

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

REALM_ACCESS, RESOURCE_ACCESS = "realm_access", "resource_access"
# AdminRoles.REALM_LEVEL_ROLES (master's realm roles) and REALM_MANAGEMENT_ROLES (an admin client's roles)
REALM_LEVEL_ROLES = frozenset({"admin", "create-realm"})
REALM_MANAGEMENT_ROLES = ADMIN_ROLE_NAMES - REALM_LEVEL_ROLES
ACCESS_KEYS = frozenset({"roles", "verify_caller"})


def is_admin_client(realm_name: str, client_id: str | None) -> bool:
    """AdminRoles.isAdminClient: ``realm-management`` anywhere; in master, any clientId ending in ``-realm``."""
    if client_id is None:
        return False
    if client_id == management.REALM_MANAGEMENT:
        return True
    return realm_name == management.MASTER and client_id.endswith(management.APP_SUFFIX)


def held_admin_names(realm_name: str, roles: Collection[Role], role_clients: Mapping[str, str]) -> frozenset[str]:
    """The names of the admin roles among ``roles`` (AdminRoles.isAdminRole): master's realm roles and the roles
    of admin clients, with an admin role's name (``role_clients``: clientId by client UUID)."""
    names = set()
    for role in roles:
        if role.name not in ADMIN_ROLE_NAMES:
            continue
        if role.client_id is None:
            if realm_name == management.MASTER:
                names.add(role.name)
        elif is_admin_client(realm_name, role_clients.get(role.client_id)):
            names.add(role.name)
    return frozenset(names)


def _as_access(value: Any) -> dict[str, Any] | None:
    """TokenUtil.convertToAccess: the value as Keycloak's AccessToken.Access (roles a set), or None."""
    if not isinstance(value, dict) or not value.keys() <= ACCESS_KEYS:
        return None
    roles, verify = value.get("roles"), value.get("verify_caller")
    if roles is not None and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
        return None
    if verify is not None and not isinstance(verify, bool):
        return None
    access: dict[str, Any] = {} if roles is None else {"roles": list(dict.fromkeys(roles))}
    if verify is not None:
        access["verify_caller"] = verify
    return access


def convert(claims: dict[str, Any]) -> None:
    """TokenUtil.convertTokenRolesFromOtherClaims on ``claims`` (its top level only is replaced, never changed
    below: mapped claims may be kept for later tokens)."""
    realm_access = _as_access(claims.get(REALM_ACCESS))
    if realm_access is not None:
        claims[REALM_ACCESS] = realm_access
    resource_access = claims.get(RESOURCE_ACCESS)
    if isinstance(resource_access, dict):
        converted = {k: a for k, v in resource_access.items() if (a := _as_access(v)) is not None}
        if converted:  # #52094: kept as mapped when no entry reads as an Access
            claims[RESOURCE_ACCESS] = converted


def _admin_names(access: Any, names: frozenset[str]) -> set[str]:
    """The names among ``names`` an access value lists under ``roles`` (a list, or a lone string)."""
    roles = access.get("roles") if isinstance(access, dict) else None
    if isinstance(roles, str):
        return {roles} & names
    if isinstance(roles, dict):  # an object of role names, which a lenient reader tests membership in
        return {r for r in roles if r in names}
    if isinstance(roles, list):
        return {r for r in roles if isinstance(r, str) and r in names}
    return set()


def named_admin_roles(claims: Mapping[str, Any], realm_name: str) -> set[str]:
    """The admin role names the token lists where Keycloak looks for them (containsAdminRoles); empty: no work."""
    found = _admin_names(claims.get(REALM_ACCESS), REALM_LEVEL_ROLES) if realm_name == management.MASTER else set()
    resource_access = claims.get(RESOURCE_ACCESS)
    if isinstance(resource_access, dict):
        for client_id, access in resource_access.items():
            if is_admin_client(realm_name, client_id):
                found |= _admin_names(access, REALM_MANAGEMENT_ROLES)
    return found


def _without(access: Any, names: frozenset[str], held: frozenset[str]) -> Any:
    """``access`` (a copy) without the ``names`` it lists that are not ``held``."""
    if not _admin_names(access, names) - held:
        return access
    roles, lacking = access["roles"], names - held
    kept: Any
    if isinstance(roles, str):
        kept = []
    elif isinstance(roles, dict):
        kept = {r: v for r, v in roles.items() if r not in lacking}
    else:
        kept = [r for r in roles if not (isinstance(r, str) and r in lacking)]
    return {**access, "roles": kept}


def strip(claims: dict[str, Any], realm_name: str, held: frozenset[str]) -> None:
    """AdminRoleTokenPostProcessor.removeTransientAdminRoles on ``claims`` (the top level replaced, as ``convert``)."""
    if realm_name == management.MASTER and REALM_ACCESS in claims:
        claims[REALM_ACCESS] = _without(claims[REALM_ACCESS], REALM_LEVEL_ROLES, held)
    resource_access = claims.get(RESOURCE_ACCESS)
    if isinstance(resource_access, dict):
        claims[RESOURCE_ACCESS] = {
            client_id: _without(access, REALM_MANAGEMENT_ROLES, held)
            if is_admin_client(realm_name, client_id)
            else access
            for client_id, access in resource_access.items()
        }


async def post_process(
    tx: Tx,
    realm_name: str,
    client: Client,
    user: User,
    roles: list[Role],
    role_clients: Mapping[str, str],
    claims: dict[str, Any],
) -> None:
    """AdminRoleTokenPostProcessor.process on an access token's ``claims``. ``roles``: the user's roles in the
    client's scope, from which the token was made (``role_clients`` names their clients)."""
    convert(claims)
    named = named_admin_roles(claims, realm_name)
    if not named:
        return
    held = held_admin_names(realm_name, roles, role_clients)
    if named <= held:
        return
    if not client.full_scope_allowed:  # the scoped roles are not all the user's: read the rest
        everything = await tx.config.roles(user.realm_id, await user_roles(tx, user))
        held = held_admin_names(realm_name, everything, await clients_of(tx, user.realm_id, everything))
    strip(claims, realm_name, held)
