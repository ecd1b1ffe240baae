"""Realm import and export in Keycloak's realm-export JSON (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from doorkeep.clock import Clock
from doorkeep.store.database import Database


class ImportError_(Exception):
    """A realm file that cannot be imported; the message names the place in the file."""


async def import_file(db: Database, path: str, clock: Clock, *, skip_existing: bool) -> list[str]:
    raise ImportError_("realm import is not implemented yet")


async def export_realm(db: Database, realm_name: str) -> dict[str, Any]:
    raise ImportError_("realm export is not implemented yet")
