"""Port of Keycloak's ``ClientRegistrationSecretVisibilityTest`` (tests/base, org.keycloak.tests.client): a bearer
token that may view clients but not manage them reads a confidential client through the registration service
with its secret masked (``**********``), as the admin API shows it to such a caller; ``manage-clients`` and the
client's own registration access token see the secret (CVE-2026-89298, keycloak#52692, fixed in 26.6.8/26.7.5
in AbstractClientRegistrationProvider.get).

Every method is ported, each on the OpenID Connect provider as in the Java class and, beyond it, on the default
provider, which answers the same ``get``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from client_registration_port import REGISTRATION_REALM
from keycloak_port import import_realm
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/test/clients-registrations/openid-connect"
DEFAULT = "/realms/test/clients-registrations/default"
MASK = "**********"


async def registration_realm(env: Env) -> None:
    """AbstractClientRegistrationTest's realm, with a user holding ``view-clients`` alone."""
    rep: dict[str, Any] = copy.deepcopy(REGISTRATION_REALM)
    (manager,) = [u for u in rep["users"] if u["username"] == "manage-clients"]
    viewer = {**manager, "username": "view-clients", "email": "view-clients@test.com"}
    rep["users"].append({**viewer, "firstName": "view", "clientRoles": {"realm-management": ["view-clients"]}})
    await import_realm(env, rep)


async def bearer(env: Env, username: str) -> dict[str, str]:
    response = await password_grant(env.http, "test", "admin-cli", username, secret=None)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def create_confidential_client(env: Env) -> dict[str, Any]:
    """createConfidentialClient, with an initial access token of ten uses (the Java @BeforeEach)."""
    admin = await env.admin_headers()
    iat = await env.http.post(
        "/admin/realms/test/clients-initial-access", json={"expiration": 0, "count": 10}, headers=admin
    )
    assert iat.status_code == 201, iat.text
    headers = {"Authorization": f"Bearer {iat.json()['token']}"}
    created = await env.http.post(OIDC, json={"client_name": "SecretVisibilityTest"}, headers=headers)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert body["client_secret"] and body["client_secret"] != MASK
    return body


async def test_view_clients_sees_the_secret_masked(env: Env) -> None:
    """viewClients_getOIDC_secretIsNotExposed (and the default provider's answer)."""
    await registration_realm(env)
    created = await create_confidential_client(env)
    headers = await bearer(env, "view-clients")
    oidc = await env.http.get(f"{OIDC}/{created['client_id']}", headers=headers)
    assert oidc.status_code == 200, oidc.text
    assert oidc.json()["client_secret"] == MASK
    default = await env.http.get(f"{DEFAULT}/{created['client_id']}", headers=headers)
    assert default.status_code == 200, default.text
    assert default.json()["secret"] == MASK


async def test_manage_clients_sees_the_secret(env: Env) -> None:
    """manageClients_getOIDC_secretIsVisible (and the default provider's answer)."""
    await registration_realm(env)
    created = await create_confidential_client(env)
    headers = await bearer(env, "manage-clients")
    oidc = await env.http.get(f"{OIDC}/{created['client_id']}", headers=headers)
    assert oidc.status_code == 200, oidc.text
    assert oidc.json()["client_secret"] == created["client_secret"]
    default = await env.http.get(f"{DEFAULT}/{created['client_id']}", headers=headers)
    assert default.status_code == 200 and default.json()["secret"] == created["client_secret"]


async def test_the_registration_access_token_sees_the_secret(env: Env) -> None:
    """registrationAccessToken_getOIDC_secretIsVisible."""
    await registration_realm(env)
    created = await create_confidential_client(env)
    headers = {"Authorization": f"Bearer {created['registration_access_token']}"}
    oidc = await env.http.get(f"{OIDC}/{created['client_id']}", headers=headers)
    assert oidc.status_code == 200, oidc.text
    assert oidc.json()["client_secret"] == created["client_secret"]
