"""An attacker's sweep around session 55's fix of CVE-2026-89298 (a view-clients token read a confidential client's
secret through the registration service's GET; now masked, as the admin API masks it since keycloak#49220 /
#51733): two other reads still handed a view-clients caller the whole secret.

- ``GET /admin/realms/{realm}/clients/{id}/installation/providers/{providerId}`` (keycloak.json, the JBoss subsystem
  XML and CLI): view-clients renders the adapter configuration, whose ``credentials`` carry the secret;
- ``GET /realms/{realm}/clients-registrations/install/{clientId}`` with a view-clients bearer token;
- and the fix itself masked only ``secret``: the registration service's GET (default provider) still showed the
  rotated secret (``client.secret.rotated``, which authenticates the client until its grace period ends), which
  the admin API masks for the same caller (StripSecretsUtils.stripClient).

Fixed: such a caller reads the secret, and the rotated one, masked (``**********``) there too. Keycloak's stored source renders it whole
in both (ClientResource.getInstallationProvider and AdapterInstallationClientRegistrationProvider.get after
requireView); the choice rests on Keycloak's own statement of the rule (#51733's documentation: "Viewing the client
secret through the Admin REST API requires manage-clients permission") and on the CVE fix's purpose. manage-clients
and the client authenticating itself still read it."""

from __future__ import annotations

import base64

import pytest

from admin_support import realm_admin
from support import seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio
SECRET = "s3cr3t-value-of-vault"
MASK = "**********"
PROVIDERS = ("keycloak-oidc-keycloak-json", "keycloak-oidc-jboss-subsystem", "keycloak-oidc-jboss-subsystem-cli")


async def _vault(env: Env) -> str:
    await seed_client(env.db, "test", "vault", secret=SECRET)
    h = await env.admin_headers()
    found = await env.http.get("/admin/realms/test/clients", params={"clientId": "vault"}, headers=h)
    client_id: str = found.json()[0]["id"]
    return client_id


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_view_only_admin_reads_the_installation_with_the_secret_masked(realm: Env, provider: str) -> None:
    vault = await _vault(realm)
    url = f"/admin/realms/test/clients/{vault}/installation/providers/{provider}"
    viewer = await realm.http.get(url, headers=await realm_admin(realm, "viewer", "view-clients"))
    assert viewer.status_code == 200, viewer.text
    assert SECRET not in viewer.text and MASK in viewer.text
    manager = await realm.http.get(url, headers=await realm_admin(realm, "manager", "manage-clients"))
    assert manager.status_code == 200 and SECRET in manager.text


async def test_the_registration_install_provider_masks_the_secret_for_a_view_only_token(realm: Env) -> None:
    await _vault(realm)
    url = "/realms/test/clients-registrations/install/vault"
    viewer = await realm.http.get(url, headers=await realm_admin(realm, "viewer", "view-clients"))
    assert viewer.status_code == 200, viewer.text
    assert viewer.json()["credentials"] == {"secret": MASK}
    manager = await realm.http.get(url, headers=await realm_admin(realm, "manager", "manage-clients"))
    assert manager.status_code == 200 and manager.json()["credentials"] == {"secret": SECRET}
    itself = {"Authorization": "Basic " + base64.b64encode(f"vault:{SECRET}".encode()).decode()}
    own = await realm.http.get(url, headers=itself)
    assert own.status_code == 200 and own.json()["credentials"] == {"secret": SECRET}, own.text


async def test_the_registration_get_masks_the_rotated_secret_for_a_view_only_token(realm: Env) -> None:
    rotated = {"client.secret.rotated": "still-good-rotated-secret", "client.secret.rotated.creation.time": "1"}
    await seed_client(realm.db, "test", "vault", secret=SECRET, attributes=rotated)
    viewer = await realm_admin(realm, "viewer", "view-clients")
    for path in ("default", "openid-connect"):
        shown = await realm.http.get(f"/realms/test/clients-registrations/{path}/vault", headers=viewer)
        assert shown.status_code == 200, shown.text
        assert SECRET not in shown.text and "still-good-rotated-secret" not in shown.text, shown.text
    body = (await realm.http.get("/realms/test/clients-registrations/default/vault", headers=viewer)).json()
    assert body["secret"] == MASK and body["attributes"]["client.secret.rotated"] == MASK
    manager = await realm_admin(realm, "manager", "manage-clients")
    whole = (await realm.http.get("/realms/test/clients-registrations/default/vault", headers=manager)).json()
    assert whole["secret"] == SECRET and whole["attributes"]["client.secret.rotated"] == "still-good-rotated-secret"
