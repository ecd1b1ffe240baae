"""The admin console's own reads, Keycloak's admin-ui-ext module (``/admin/realms/{realm}/ui-ext/…``): the shapes
and orderings of its models, without HTTP.

``ClientRole`` (EffectiveRoleMappingResource, AvailableRoleMappingResource) is ``{id, role, client, clientId,
description}``: ``client`` the role's clientId, ``clientId`` the client's uuid, ``description`` left out when unset
(Keycloak's JSON omits nulls); effective and available roles come sorted by clientId, then role name.
``RealmNameRepresentation`` (UIRealmsResource) is ``{name, displayName}``; ``UIRealmInfo`` (UIRealmResource.getInfo)
says whether a user storage provider is enabled, which Doorkeep has none of. ``BruteUser`` (BruteForceUsersResource)
is a UserRepresentation with ``bruteForceStatus``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from doorkeep.model import Client, LoginFailure, Realm, Role


def client_role_json(role: Role, client: Client) -> dict[str, Any]:
    """RoleMapper.convertToModel: one client role as admin-ui-ext's ClientRole."""
    out: dict[str, Any] = {"id": role.id, "role": role.name, "client": client.client_id, "clientId": client.id}
    if role.description is not None:
        out["description"] = role.description
    return out


def effective_client_roles(roles: Iterable[Role], clients: Mapping[str, Client]) -> list[dict[str, Any]]:
    """EffectiveRoleMappingResource.toSortedClientRoles: the client roles among ``roles`` (``clients`` by uuid), as
    ClientRoles sorted by clientId then role name."""
    shown = [
        client_role_json(r, clients[r.client_id]) for r in roles if r.client_id is not None and r.client_id in clients
    ]
    return sorted(shown, key=lambda rep: (rep["client"], rep["role"]))


def available_client_roles(
    roles: Iterable[Role],
    clients: Mapping[str, Client],
    excluded: set[str],
    search: str,
    first: int,
    max_results: int,
) -> list[dict[str, Any]]:
    """RoleProvider.searchForClientRolesStream(realm, search, excludedIds, first, max) as Keycloak's JPA store runs
    it for AvailableRoleMappingResource: the client roles among ``roles`` but the ``excluded`` ids whose name or
    client's clientId holds ``search`` (trimmed, case-insensitive; blank: every one), ordered by clientId then name,
    then ``first``/``max`` (a negative one: no bound), as ClientRoles."""
    needle = search.strip().lower()
    chosen = [
        client_role_json(r, clients[r.client_id])
        for r in roles
        if r.client_id is not None and r.client_id in clients and r.id not in excluded
    ]
    chosen = [rep for rep in chosen if needle in rep["role"].lower() or needle in rep["client"].lower()]
    chosen.sort(key=lambda rep: (rep["client"], rep["role"]))
    start = max(first, 0)
    return chosen[start:] if max_results < 0 else chosen[start : start + max_results]


def realm_names(realms: Iterable[Realm], search: str, first: int, max_results: int) -> list[dict[str, Any]]:
    """UIRealmsResource.getRealms over the realms the caller may see: ``search`` a case-insensitive part of the
    name (blank: every realm), then ``first``/``max``; ordered by name."""
    needle = search.strip().lower()
    chosen = sorted((r for r in realms if not needle or needle in r.name.lower()), key=lambda r: r.name)
    out: list[dict[str, Any]] = []
    for realm in chosen[max(first, 0) : max(first, 0) + max(max_results, 0)]:
        rep: dict[str, Any] = {"name": realm.name}
        if realm.display_name is not None:
            rep["displayName"] = realm.display_name
        out.append(rep)
    return out


def realm_info() -> dict[str, Any]:
    """UIRealmInfo: no user storage provider can be enabled here (no LDAP or Kerberos federation)."""
    return {"userProfileProvidersEnabled": False}


def event_listeners(listener_ids: Iterable[str]) -> list[dict[str, Any]]:
    """AvailableEventListenersResource: each realm (non-global) event listener provider as ``{id}``."""
    return [{"id": listener} for listener in listener_ids]


def brute_force_status(failure: LoginFailure | None, now: int) -> dict[str, object]:
    """BruteForceUsersResource.getBruteForceStatus over the user's own login-failure record (``None``: none kept):
    four keys, ``disabled`` only while a temporary lockout lasts (isTemporarilyDisabled; a permanent lockout shows
    as the user's ``enabled: false``), ``lastFailure`` in milliseconds."""
    if failure is None:
        return {"disabled": False, "numFailures": 0, "lastFailure": 0, "lastIPFailure": "n/a"}
    return {
        "disabled": now < failure.failed_login_not_before,
        "numFailures": failure.num_failures,
        "lastFailure": failure.last_failure,
        "lastIPFailure": failure.last_ip_failure,
    }
