"""An export of Doorkeep's master realm from before it had ``master-realm``, read in Keycloak's shape.

Doorkeep used to give master a ``realm-management`` client, as every other realm has; Keycloak gives master
``master-realm`` instead (doorkeep.realms.management), and migration 0047 renamed the stored one. A master file
that lists no ``master-realm`` has every mention of ``realm-management`` read as ``master-realm``: the client
(named ``master Realm``), its roles, the composites, users', groups' and scope mappings naming them, and identity
provider mappers granting ``realm-management.<role>``; master's ``admin`` role then holds each of those roles, as
Keycloak's does. Its ``realm-admin``, if listed, stays a role of ``master-realm`` (the migration keeps it too).
A Keycloak export, which lists ``master-realm``, is read as it is.
"""

from __future__ import annotations

import copy
from typing import Any

from doorkeep.realms import management, provisioning

OLD = management.REALM_MANAGEMENT
NEW = management.client_id_for(management.MASTER)
OLD_NAME = "${client_realm-management}"


def adopted(data: Any) -> Any:
    """``data`` with master's ``realm-management`` read as ``master-realm``; any other realm (or a file already
    naming ``master-realm``, or not a realm at all) as it is."""
    if not isinstance(data, dict) or data.get("realm") != management.MASTER:
        return data
    clients = data.get("clients")
    listed = [c for c in clients if isinstance(c, dict)] if isinstance(clients, list) else []
    if any(c.get("clientId") == NEW for c in listed):
        return data
    out = copy.deepcopy(data)
    for client in out.get("clients") or []:
        if isinstance(client, dict) and client.get("clientId") == OLD:
            client["clientId"] = NEW
            if client.get("name") in (None, OLD_NAME):
                client["name"] = f"{management.MASTER} Realm"
    roles = out.get("roles")
    if isinstance(roles, dict):
        _rename_key(roles, "client")
        for role in _roles_of(roles):
            _rename_key(role.get("composites"), "client")
        _admin_holds_all(roles)
    if isinstance(out.get("defaultRole"), dict):
        _rename_key(out["defaultRole"].get("composites"), "client")
    for user in out.get("users") or []:
        if isinstance(user, dict):
            _rename_key(user, "clientRoles")
    _groups(out.get("groups"))
    _rename_key(out, "clientScopeMappings")
    for mapping in out.get("scopeMappings") or []:
        if isinstance(mapping, dict) and mapping.get("client") == OLD:
            mapping["client"] = NEW
    for mapper in out.get("identityProviderMappers") or []:
        config = mapper.get("config") if isinstance(mapper, dict) else None
        granted = config.get("role") if isinstance(config, dict) else None
        if isinstance(config, dict) and isinstance(granted, str) and granted.startswith(OLD + "."):
            config["role"] = NEW + granted[len(OLD) :]
    return out


def _rename_key(holder: Any, key: str) -> None:
    """``holder[key]``, a map by clientId, with ``realm-management``'s entry moved to ``master-realm``."""
    inner = holder.get(key) if isinstance(holder, dict) else None
    if isinstance(inner, dict) and OLD in inner and NEW not in inner:
        inner[NEW] = inner.pop(OLD)


def _roles_of(roles: dict[str, Any]) -> list[dict[str, Any]]:
    """Every role representation the file's ``roles`` lists, realm and client roles alike."""
    found = [r for r in roles.get("realm") or [] if isinstance(r, dict)]
    by_client = roles.get("client")
    for listed in by_client.values() if isinstance(by_client, dict) else []:
        found += [r for r in listed or [] if isinstance(r, dict)] if isinstance(listed, list) else []
    return found


def _admin_holds_all(roles: dict[str, Any]) -> None:
    """Master's ``admin`` holds every listed admin role of ``master-realm`` (RealmManager.createMasterAdminManagement
    makes it so; Doorkeep's old ``admin`` held none of realm-management's)."""
    by_client = roles.get("client")
    listed = by_client.get(NEW) if isinstance(by_client, dict) else None
    names = {r.get("name") for r in listed if isinstance(r, dict)} if isinstance(listed, list) else set()
    held = sorted(name for name in names if isinstance(name, str) and name in provisioning.MANAGEMENT_ROLES)
    admin = next((r for r in roles.get("realm") or [] if isinstance(r, dict) and r.get("name") == "admin"), None)
    if admin is None or not held:
        return
    composites = admin.setdefault("composites", {})
    if not isinstance(composites, dict):
        return
    client_part = composites.setdefault("client", {})
    if isinstance(client_part, dict):
        already = client_part.get(NEW)
        kept = [n for n in already if isinstance(n, str)] if isinstance(already, list) else []
        client_part[NEW] = sorted({*kept, *held})
    admin["composite"] = True


def _groups(groups: Any) -> None:
    for group in groups if isinstance(groups, list) else []:
        if isinstance(group, dict):
            _rename_key(group, "clientRoles")
            _groups(group.get("subGroups"))
