"""Admin REST: ``POST /admin/realms/{realm}/partial-export`` (Keycloak's RealmAdminResource.partialExport).

The realm's RealmRepresentation as ``doorkeep export`` writes it, cut down as Keycloak's ExportUtils.exportRealm
cuts it with ``ExportOptions(users=false, clients, groupsAndRoles, onlyServiceAccounts=clients)``:

- ``exportClients=true``: the clients, the client-role lists under ``roles.client`` (with roles asked too), the
  clients' own scope mappings, and the service accounts of confidential clients that have them;
- ``exportGroupsAndRoles=true``: the realm roles and the groups, and the service accounts' roles and groups;
- always: the settings, ``defaultRole``, ``defaultGroups`` if there are any, the client scopes and *their* scope
  mappings (so ``scopeMappings`` holds at least ``offline_access``'s).

Lists and maps Keycloak leaves null when empty are left out, and no user carries ``credentials``. As in
Keycloak's partial export every secret is masked (``**********``), so the file feeds ``partialImport`` or
``POST /admin/realms`` but never hands out a credential. The realm's key providers come whatever is asked
(``components``, as exportComponents lists every component), cut down as StripSecretsUtils.stripComponentExport
cuts them: their declared properties only (no key material), an imported key's ``privateKey`` masked. So do the
realm's ``localizationTexts``. No ``organizations`` (and no provider names one), as OrganizationExportTest
asserts. manage-realm, and view-clients or view-users for what is included, as Keycloak
asks.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.admin_event_rules import strip_secrets
from doorkeep.keys import component_files
from doorkeep.keys.components import KEY_PROVIDER
from doorkeep.realms.exportimport.export import realm_representation
from doorkeep.web.admin.common import RealmCall, ok, query_bool, run_realm

USER_MAPPINGS = ("realmRoles", "clientRoles", "groups")


def cut(rep: dict[str, Any], *, clients: bool, groups_and_roles: bool) -> dict[str, Any]:
    """The full representation ``rep`` reduced to what Keycloak's partial export holds for these options."""
    if groups_and_roles:
        roles = {"realm": rep["roles"]["realm"], "client": rep["roles"]["client"] if clients else {}}
        rep["roles"] = {key: value for key, value in roles.items() if value}
    else:
        for key in ("roles", "groups"):
            rep.pop(key, None)
    if not rep.get("defaultGroups"):
        rep.pop("defaultGroups", None)
    # A client's own scope mappings come with the clients; a client scope's always.
    rep["scopeMappings"] = [m for m in rep.get("scopeMappings", []) if clients or "client" not in m]
    by_role_client = rep.get("clientScopeMappings", {})
    kept = {owner: [m for m in found if clients or "client" not in m] for owner, found in by_role_client.items()}
    rep["clientScopeMappings"] = {owner: found for owner, found in kept.items() if found}
    rep.pop("organizations", None)  # OrganizationExportTest.testPartialExport: never in a partial export
    rep["users"] = _service_accounts(rep, groups_and_roles) if clients else []
    if not clients:
        rep.pop("clients", None)
    for key in ("scopeMappings", "clientScopeMappings", "users"):
        if not rep[key]:
            del rep[key]
    return rep


def _service_accounts(rep: dict[str, Any], groups_and_roles: bool) -> list[dict[str, Any]]:
    """The service accounts of confidential, non-bearer-only clients that enable them, without credentials
    and, unless roles are asked, without their roles and groups."""
    eligible = {
        c["clientId"]
        for c in rep.get("clients", [])
        if c.get("serviceAccountsEnabled") and not c.get("publicClient") and not c.get("bearerOnly")
    }
    accounts = [u for u in rep.get("users", []) if u.get("serviceAccountClientId") in eligible]
    for user in accounts:
        user.pop("credentials", None)
        if not groups_and_roles:
            for key in USER_MAPPINGS:
                user.pop(key, None)
    return accounts


async def partial_export(request: Request) -> Response:
    clients = query_bool(request, "exportClients", False)
    groups_and_roles = query_bool(request, "exportGroupsAndRoles", False)

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        if clients:
            call.require("view-clients")
        if groups_and_roles:
            call.require("query-groups")  # auth.groups().requireList(): view-users, manage-users or query-groups
        rep: dict[str, Any] = await realm_representation(call.tx, call.realm, users=False)
        keys = [component_files.masked(k) for k in await call.tx.keys.list(call.realm.id)]
        rep["components"] = {**rep.get("components", {}), KEY_PROVIDER: keys}
        return ok(strip_secrets(cut(rep, clients=clients, groups_and_roles=groups_and_roles)))

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/partial-export", partial_export, methods=["POST"])]
