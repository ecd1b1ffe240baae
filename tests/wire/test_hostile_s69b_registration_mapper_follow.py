"""Client registration's delete under the rule the admin API's deletion follows (doorkeep.admin.mapper_targets):
with client ``late`` gone, an identity provider's role mapper naming ``late.boss`` names the realm role
``late.boss`` (broker/idp_mappers.role_of). An admin with manage-identity-providers and manage-clients writes such a
mapper while ``late.boss`` is client ``late``'s plain role (nothing admin: it passes), takes ``late``'s
registration access token from the admin API, and deletes ``late`` through ``/clients-registrations``: the next
brokered user would be given the realm role holding realm-admin. The admin API's DELETE refused this
(test_attack_s67_grant_sweep); the registration endpoint did not. Keycloak has no such check (it has none on these
redirects, nor on identity provider mappers); refused as the registration's 403, nothing deleted."""

from __future__ import annotations

import pytest

from admin_support import forbidden, make_admin, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test"
DENIED = {"error": "insufficient_scope", "error_description": "Forbidden"}
MAPPERS = f"{BASE}/identity-provider/instances/idp/mappers"
HARDCODED = {
    "name": "late",
    "identityProviderAlias": "idp",
    "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
    "config": {"syncMode": "INHERIT", "role": "late.boss"},
}


async def _world(env: Env) -> str:
    """Provider ``idp``; realm role ``late.boss`` holding realm-admin; client ``late`` with a plain role ``boss``;
    ``late``'s uuid."""
    root = await env.admin_headers()
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    idp = {"alias": "idp", "providerId": "oidc", "config": config}
    assert (await env.http.post(f"{BASE}/identity-provider/instances", json=idp, headers=root)).status_code == 201
    made = await env.http.post(f"{BASE}/roles", json={"name": "late.boss"}, headers=root)
    assert made.status_code == 201, made.text
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    nested = await env.http.post(f"{BASE}/roles/late.boss/composites", json=[ref], headers=root)
    assert nested.status_code == 204, nested.text
    late = await env.http.post(f"{BASE}/clients", json={"clientId": "late"}, headers=root)
    assert late.status_code == 201, late.text
    uuid = str(late.headers["location"]).rsplit("/", 1)[1]
    boss = await env.http.post(f"{BASE}/clients/{uuid}/roles", json={"name": "boss"}, headers=root)
    assert boss.status_code == 201, boss.text
    return uuid


async def _mole(env: Env, late: str, via: str) -> tuple[dict[str, str], dict[str, str]]:
    """The manage-clients admin's headers, and those ``via`` presents to the registration endpoint."""
    _, headers = await make_admin(env, "test", "mole", "manage-identity-providers", "manage-clients")
    if via == "bearer":
        return headers, headers
    answer = await env.http.post(f"{BASE}/clients/{late}/registration-access-token", headers=headers)
    assert answer.status_code == 200, answer.text
    return headers, {"Authorization": f"Bearer {answer.json()['registrationAccessToken']}"}


@pytest.mark.usefixtures("realm")
@pytest.mark.parametrize(
    ("via", "provider"),
    [("registration access token", "default"), ("bearer", "default"), ("bearer", "openid-connect")],
)
async def test_deleting_a_client_through_registration_points_no_waiting_mapper_at_realm_admin(
    env: Env, via: str, provider: str
) -> None:
    late = await _world(env)
    headers, presented = await _mole(env, late, via)
    written = await env.http.post(MAPPERS, json=HARDCODED, headers=headers)
    assert written.status_code == 201, written.text  # it names late's plain role: nothing admin yet
    url = f"/realms/test/clients-registrations/{provider}/late"
    refused = await env.http.delete(url, headers=presented)
    assert (refused.status_code, refused.json()) == (403, DENIED)
    root = await env.admin_headers()
    kept = await env.http.get(f"{BASE}/clients/{late}", headers=root)
    assert kept.status_code == 200 and kept.json()["clientId"] == "late"
    # with no mapper waiting for it, the same deletion is the registration's to make
    deleted = await env.http.delete(written.headers["location"], headers=root)
    assert deleted.status_code == 204, deleted.text
    done = await env.http.delete(url, headers=presented)
    assert done.status_code == 204, done.text


@pytest.mark.usefixtures("realm")
async def test_the_admin_api_refuses_the_same_deletion(env: Env) -> None:
    """The admin API's answer to the same move, for comparison (s67's rule, unchanged by the shared code)."""
    late = await _world(env)
    headers, _ = await _mole(env, late, "bearer")
    written = await env.http.post(MAPPERS, json=HARDCODED, headers=headers)
    assert written.status_code == 201, written.text
    forbidden(await env.http.delete(f"{BASE}/clients/{late}", headers=headers))
