"""Keycloak's ClientSecretVisibilityTest (tests/base/.../tests/admin/, the new test framework): an admin who may
view clients but not manage them sees a confidential client's secret masked, in the client and in the list, and
is refused its secret and rotated secret (403 before the not-found check); manage-clients sees and reads it; a
public client has no secret at all.

SecretVisibilityRealmConfig: realm ``test`` with ``test-confidential`` (secret ``test-secret-value``, direct
grants), the public ``test-public``, ``view-only-user`` (view-clients) and ``manage-user`` (manage-clients), both
signing in through admin-cli."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, make_admin
from support import seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CONFIDENTIAL = "test-confidential"
SECRET = "test-secret-value"
SECRET_VALUE = "**********"  # ComponentRepresentation.SECRET_VALUE
CLIENTS = "/admin/realms/test/clients"


async def _setup(realm: Env) -> tuple[str, dict[str, str], dict[str, str]]:
    """The confidential client's id and the bearer headers of the view-only and the managing admin."""
    await seed_client(realm.db, "test", CONFIDENTIAL, secret=SECRET)
    await seed_client(realm.db, "test", "test-public", public=True)
    _, view = await make_admin(realm, "test", "view-only-user", "view-clients")
    _, manage = await make_admin(realm, "test", "manage-user", "manage-clients")
    return await client_uuid(realm, "test", CONFIDENTIAL), view, manage


async def _listed(realm: Env, headers: dict[str, str], client_id: str) -> dict[str, Any]:
    response = await realm.http.get(CLIENTS, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = next(c for c in response.json() if c["clientId"] == client_id)
    return found


async def test_view_only_get_client_secret_is_masked(realm: Env) -> None:
    """ClientSecretVisibilityTest#viewOnly_getClient_secretIsMasked"""
    uuid, view, _ = await _setup(realm)
    response = await realm.http.get(f"{CLIENTS}/{uuid}", headers=view)
    assert response.status_code == 200, response.text
    assert response.json().get("secret") in (None, SECRET_VALUE)


async def test_view_only_get_clients_secrets_are_masked(realm: Env) -> None:
    """ClientSecretVisibilityTest#viewOnly_getClients_secretsAreMasked"""
    _, view, _ = await _setup(realm)
    assert (await _listed(realm, view, CONFIDENTIAL)).get("secret") in (None, SECRET_VALUE)


async def test_view_only_get_client_rotated_secret_returns_403(realm: Env) -> None:
    """ClientSecretVisibilityTest#viewOnly_getClientRotatedSecret_returns403: 403 before the not-found check."""
    uuid, view, _ = await _setup(realm)
    response = await realm.http.get(f"{CLIENTS}/{uuid}/client-secret/rotated", headers=view)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_view_only_get_client_secret_returns_403(realm: Env) -> None:
    """ClientSecretVisibilityTest#viewOnly_getClientSecret_returns403"""
    uuid, view, _ = await _setup(realm)
    response = await realm.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=view)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_manage_role_get_client_secret_is_visible(realm: Env) -> None:
    """ClientSecretVisibilityTest#manageRole_getClient_secretIsVisible"""
    uuid, _, manage = await _setup(realm)
    response = await realm.http.get(f"{CLIENTS}/{uuid}", headers=manage)
    assert response.status_code == 200, response.text
    assert response.json()["secret"] == SECRET


async def test_manage_role_get_clients_secrets_are_visible(realm: Env) -> None:
    """ClientSecretVisibilityTest#manageRole_getClients_secretsAreVisible"""
    _, _, manage = await _setup(realm)
    assert (await _listed(realm, manage, CONFIDENTIAL))["secret"] == SECRET


async def test_manage_role_get_client_secret_returns_secret(realm: Env) -> None:
    """ClientSecretVisibilityTest#manageRole_getClientSecret_returnsSecret"""
    uuid, _, manage = await _setup(realm)
    response = await realm.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=manage)
    assert (response.status_code, response.json()) == (200, {"type": "secret", "value": SECRET})


async def test_public_client_get_client_secret_is_null(realm: Env) -> None:
    """ClientSecretVisibilityTest#publicClient_getClient_secretIsNull: as the master admin."""
    await _setup(realm)
    assert "secret" not in await _listed(realm, await realm.admin_headers(), "test-public")


async def test_view_only_sees_a_rotated_secret_attribute_masked_and_a_vault_reference_as_it_is(realm: Env) -> None:
    """StripSecretsUtils.stripClient, which ClientResource.getClient applies for a caller without manage: the
    ``client.secret.rotated`` attribute masked too, a ``${vault.…}`` secret left as it is."""
    uuid, view, _ = await _setup(realm)
    rotated = {"client.secret.rotated": "old-secret", "client.secret.rotated.creation.time": "1"}
    await seed_client(realm.db, "test", "vaulted", secret="${vault.app_secret}", attributes=rotated)
    listed = await _listed(realm, view, "vaulted")
    assert listed["secret"] == "${vault.app_secret}"
    assert listed["attributes"]["client.secret.rotated"] == SECRET_VALUE
    one = await realm.http.get(f"{CLIENTS}/{uuid}", headers=view)
    assert one.json()["secret"] == SECRET_VALUE
