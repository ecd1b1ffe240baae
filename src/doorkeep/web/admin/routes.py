"""The admin URL map: each resource module contributes its ``ROUTES``."""

from __future__ import annotations

import importlib

from starlette.routing import BaseRoute

MODULES = ("realms", "clients", "scopes", "roles", "users", "sessions")


def admin_routes() -> list[BaseRoute]:
    out: list[BaseRoute] = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"doorkeep.web.admin.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"doorkeep.web.admin.{name}":
                raise
            continue
        out.extend(module.ROUTES)
    return out
