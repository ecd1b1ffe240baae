"""The conditions that judge who registers or updates a client (Keycloak's ClientUpdaterSourceHostsCondition,
ClientUpdaterSourceGroupsCondition, ClientUpdaterSourceRolesCondition). The host condition votes on REGISTER and
UPDATE, the groups and roles ones on REGISTERED and UPDATED too; each abstains elsewhere. Without a user (an
anonymous or initial-access-token registration) the groups and roles conditions vote no."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import strings
from doorkeep.clientpolicies.context import ADMIN_CRUD_EVENTS, Event, PolicyContext

# Keycloak 26.8 (pull request #50205): the admin API's mapper events are ClientPolicyCRUDContexts too
CRUD = (Event.REGISTER, Event.UPDATE, *ADMIN_CRUD_EVENTS)
CRUD_AND_AFTER = (Event.REGISTER, Event.UPDATE, Event.REGISTERED, Event.UPDATED, *ADMIN_CRUD_EVENTS)
HOSTS_KEY = "trusted-hosts"  # ClientUpdaterSourceHostsCondition.Configuration


def trusted_hosts(config: dict[str, Any]) -> list[str]:
    """The configured hosts, each a host name or an address; ``*.domain`` entries name a domain."""
    return strings(config, HOSTS_KEY)


def source_host(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """Yes when the request comes from an address a trusted host resolves to, or from a host whose name ends
    with a trusted ``*.`` domain (isHostMatched)."""
    if context.event not in CRUD:
        return None
    facts = context.updater_facts
    if facts is None or facts.remote_addr is None:
        return False
    for host in trusted_hosts(config):
        if host.startswith("*."):
            if facts.remote_hostname is not None and facts.remote_hostname.endswith(host[2:]):
                return True
        elif facts.remote_addr in facts.resolved_hosts.get(host, frozenset()):
            return True
    return False


def source_groups(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """Yes when the user is a member of one of the groups: a leading ``/`` names a group by its path, a bare
    name a top-level group (resolveGroup); membership is the user's own groups, not their parents."""
    if context.event not in CRUD_AND_AFTER:
        return None
    facts = context.updater_facts
    if facts is None or config.get("groups") is None:
        return False
    wanted = {g if g.startswith("/") else f"/{g}" for g in strings(config, "groups")}
    return bool(wanted & facts.group_paths)


def source_roles(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """Yes when the user has one of the roles (``name`` a realm role, ``clientId.name`` a client role),
    directly, through a composite or through a group (UserModel.hasRole)."""
    if context.event not in CRUD_AND_AFTER:
        return None
    facts = context.updater_facts
    if facts is None:
        return False
    return bool(set(strings(config, "roles")) & facts.role_names)
