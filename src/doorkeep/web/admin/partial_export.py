"""Admin REST: ``POST /admin/realms/{realm}/partial-export`` (Keycloak's RealmAdminResource.partialExport).

The realm's RealmRepresentation as ``doorkeep export`` writes it, without its users: with
``exportClients=true`` its clients and their service accounts, with ``exportGroupsAndRoles=true`` its roles and
groups (the scope mappings need both). As in Keycloak's partial export every secret is masked
(``**********``), so the file feeds ``partialImport`` or ``POST /admin/realms`` but never hands out a
credential. manage-realm, and view-clients or view-users for what is included, as Keycloak asks.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.admin_event_rules import strip_secrets
from doorkeep.realms.exportimport.export import realm_representation
from doorkeep.web.admin.common import RealmCall, ok, query_bool, run_realm

ROLE_PARTS = ("roles", "groups", "defaultGroups", "defaultRole")
CLIENT_PARTS = ("clients",)
BOTH_PARTS = ("scopeMappings", "clientScopeMappings")


async def partial_export(request: Request) -> Response:
    clients = query_bool(request, "exportClients", False)
    groups_and_roles = query_bool(request, "exportGroupsAndRoles", False)

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        if clients:
            call.require("view-clients")
        if groups_and_roles:
            call.require("view-users")
        rep: dict[str, Any] = await realm_representation(call.tx, call.realm, users=False)
        dropped = (() if clients else CLIENT_PARTS) + (() if groups_and_roles else ROLE_PARTS)
        dropped += () if clients and groups_and_roles else BOTH_PARTS
        for key in dropped:
            rep.pop(key, None)
        if not clients:
            rep["users"] = []  # the service accounts come with their clients
        elif not groups_and_roles:
            for user in rep.get("users", []):
                for key in ("realmRoles", "clientRoles", "groups"):
                    user.pop(key, None)
        if not rep.get("users"):
            rep.pop("users", None)
        return ok(strip_secrets(rep))

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/partial-export", partial_export, methods=["POST"])]
