"""The admin URL map (filled in per resource module)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def admin_routes() -> list[BaseRoute]:
    return []
