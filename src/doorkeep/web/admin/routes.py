"""The admin URL map: each resource module contributes its ``ROUTES`` relative to /admin/realms."""

from __future__ import annotations

import importlib

from starlette.routing import BaseRoute, Route

PREFIX = "/admin/realms"
MODULES = (
    "realms",
    "clients",
    "scopes",
    "roles",
    "users",
    "sessions",
    "bulk_revoke",
    "offline_devices",
    "events",
    "admin_events",
    "attack_detection",
    "mappers",
    "groups",
    "group_members",
    "group_roles",
    "partial_import",
    "partial_export",
    "server",
)


def admin_routes() -> list[BaseRoute]:
    out: list[BaseRoute] = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"doorkeep.web.admin.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"doorkeep.web.admin.{name}":
                raise
            continue
        for route in module.ROUTES:
            assert isinstance(route, Route)
            methods = sorted(route.methods - {"HEAD"}) if route.methods else None
            out.append(Route(PREFIX + route.path, route.endpoint, methods=methods, name=route.name))
    return out
