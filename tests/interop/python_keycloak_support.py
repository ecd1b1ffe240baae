"""Helpers for the python-keycloak interop tests: python-keycloak's own clients, pointed at a Doorkeep server."""

from __future__ import annotations

import json
import uuid
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


def new_realm(server: DoorkeepProcess) -> str:
    """A fresh, enabled realm with a random name (python-keycloak's conftest ``realm``)."""
    name = str(uuid.uuid4())
    admin_of(server).create_realm({"realm": name, "enabled": True})
    return name


def public_client(server: DoorkeepProcess, realm: str) -> KeycloakOpenID:
    """A new public client with a random client id, as python-keycloak's conftest ``oid`` creates it."""
    client_id = str(uuid.uuid4())
    admin_of(server, realm).create_client(
        {"name": client_id, "clientId": client_id, "enabled": True, "publicClient": True, "protocol": "openid-connect"}
    )
    return openid(server, realm, client_id, None)


def client_with_user(
    server: DoorkeepProcess, realm: str, attributes: dict[str, Any] | None = None
) -> tuple[KeycloakOpenID, str, str]:
    """A new confidential client (secret authentication, client ``attributes`` if given) and a new user with a
    password, first/last name and a verified email (conftest's ``oid_with_credentials``, ``..._device``)."""
    admin = admin_of(server, realm)
    client_id, secret = str(uuid.uuid4()), str(uuid.uuid4())
    client: dict[str, Any] = {
        "name": client_id,
        "clientId": client_id,
        "enabled": True,
        "publicClient": False,
        "protocol": "openid-connect",
        "secret": secret,
        "clientAuthenticatorType": "client-secret",
        # its own id in its access tokens' audience, so that it may introspect them (Keycloak 26.6.2)
        "protocolMappers": [
            {
                "name": "own audience",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-audience-mapper",
                "config": {"included.custom.audience": client_id, "access.token.claim": "true"},
            }
        ],
    }
    if attributes is not None:
        client["attributes"] = attributes
    admin.create_client(client)
    username, password = str(uuid.uuid4()), str(uuid.uuid4())
    admin.create_user(
        {
            "username": username,
            "email": f"{username}@test.test",
            "enabled": True,
            "firstName": "first",
            "lastName": "last",
            "emailVerified": True,
            "requiredActions": [],
            "credentials": [{"type": "password", "value": password, "temporary": False}],
        }
    )
    return openid(server, realm, client_id, secret), username, password


def error_text(error: KeycloakError) -> str:
    """The ``"<status>: b'<body>'"`` text python-keycloak's errors print, which its own suite matches."""
    return str(error)
