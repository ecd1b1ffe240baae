"""Helpers for the python-keycloak interop tests: python-keycloak's own clients, pointed at a Doorkeep server."""

from __future__ import annotations

import json
from typing import Any

from keycloak import KeycloakAdmin, KeycloakError, KeycloakOpenID

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess


def admin_of(server: DoorkeepProcess, realm: str = "master") -> KeycloakAdmin:
    """The master admin, working on ``realm``."""
    admin = KeycloakAdmin(
        server_url=server.base_url,
        username=ADMIN_USERNAME,
        password=ADMIN_PASSWORD,
        realm_name="master",
        user_realm_name="master",
    )
    admin.change_current_realm(realm)
    return admin


def openid(server: DoorkeepProcess, realm: str, client_id: str, secret: str | None) -> KeycloakOpenID:
    return KeycloakOpenID(server_url=server.base_url, realm_name=realm, client_id=client_id, client_secret_key=secret)


def body_of(error: KeycloakError) -> dict[str, Any]:
    assert error.response_body is not None
    return dict(json.loads(error.response_body))


def names(items: list[dict[str, Any]]) -> set[str]:
    return {str(item["name"]) for item in items}


def raw_json(admin: KeycloakAdmin, path: str) -> Any:
    """GET an admin path python-keycloak 7.1.1 has no method for, through its own authenticated connection."""
    response = admin.connection.raw_get(f"admin/realms/{admin.connection.realm_name}/{path}")
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()
