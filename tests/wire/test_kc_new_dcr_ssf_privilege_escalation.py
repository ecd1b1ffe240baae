"""Port of Keycloak's ``DcrSsfPrivilegeEscalationTest`` (tests/base, org.keycloak.tests.client; the stored copy
with the introspection methods, read 2026-12-06): what a client may not give itself through the ``default``
registration provider (src/doorkeep/clientreg/privileged.py).

Every method is ported except ``serviceAccountsCannotBeReEnabledViaRatOnResourceServer``, whose client is an
authorization-services resource server (Doorkeep keeps none: such a client cannot be made through the admin API
either). Another stored copy (with an ``oidcRat`` set up before each test) has
``ratFromOidcProviderIsRejectedByDefaultProvider``: a token of the ``openid-connect`` provider refused by ``default``
with 401. Not followed: ``ClientRegistrationPoliciesTest`` (tests/base, and its predecessor) registers through
``openid-connect`` and updates through ``default`` with that token (testAnonConsentRequired and others), and the copy
with the introspection methods, which we take to be the later one, no longer has the method. Beyond the Java class: an administrator's bearer token may still enable a service account through the
registration service, a client whose service account an administrator enabled may send the flag back as it read
it, and an administrator's introspection switch survives a registration-token update that tries to set it.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_registration_port import REGISTRATION_REALM
from keycloak_port import import_realm
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULT = "/realms/test/clients-registrations/default"
OIDC = "/realms/test/clients-registrations/openid-connect"
INTROSPECTION = "allow.token.introspection.without.audience.check"


async def _iat(env: Env) -> dict[str, str]:
    admin = await env.admin_headers()
    made = await env.http.post(
        "/admin/realms/test/clients-initial-access", json={"expiration": 0, "count": 1}, headers=admin
    )
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


async def _stored(env: Env, client_id: str) -> dict[str, Any]:
    found = await env.http.get(
        "/admin/realms/test/clients", params={"clientId": client_id}, headers=await env.admin_headers()
    )
    assert found.status_code == 200 and len(found.json()) == 1, found.text
    stored: dict[str, Any] = found.json()[0]
    return stored


async def _registered(env: Env, rep: dict[str, Any] | None = None) -> dict[str, Any]:
    await import_realm(env, REGISTRATION_REALM)
    created = await env.http.post(DEFAULT, json=rep or {}, headers=await _iat(env))
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _rat(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['registrationAccessToken']}"}


async def test_service_accounts_enabled_cannot_be_set_via_rat(env: Env) -> None:
    """serviceAccountsEnabledCannotBeSetViaRat: 400, and the stored client keeps no service account."""
    created = await _registered(env)
    client_id = created["clientId"]
    update = {"clientId": client_id, "serviceAccountsEnabled": True}
    refused = await env.http.put(f"{DEFAULT}/{client_id}", json=update, headers=_rat(created))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_client_metadata"
    assert (await _stored(env, client_id))["serviceAccountsEnabled"] is False
    # the refused update rotated nothing: the same registration access token still works
    again = await env.http.get(f"{DEFAULT}/{client_id}", headers=_rat(created))
    assert again.status_code == 200, again.text


async def test_ssf_attribute_is_stripped_on_dcr_create(env: Env) -> None:
    """ssfAttributeIsStrippedOnDcrCreate."""
    attrs = {"ssf.enabled": "true", "ssf.customAttribute": "injected", "safe.attribute": "allowed"}
    created = await _registered(env, {"attributes": attrs})
    stored = (await _stored(env, created["clientId"]))["attributes"]
    assert "ssf.enabled" not in stored and "ssf.customAttribute" not in stored
    assert stored["safe.attribute"] == "allowed"


async def test_ssf_attribute_is_stripped_on_dcr_update(env: Env) -> None:
    """ssfAttributeIsStrippedOnDcrUpdate: the update succeeds (200) and drops ssf.* silently."""
    created = await _registered(env)
    client_id = created["clientId"]
    attrs = {"ssf.enabled": "true", "ssf.customAttribute": "injected", "safe.update.attr": "allowed"}
    updated = await env.http.put(
        f"{DEFAULT}/{client_id}", json={"clientId": client_id, "attributes": attrs}, headers=_rat(created)
    )
    assert updated.status_code == 200, updated.text
    stored = (await _stored(env, client_id))["attributes"]
    assert "ssf.enabled" not in stored and "ssf.customAttribute" not in stored
    assert stored["safe.update.attr"] == "allowed"


async def test_service_accounts_enabled_cannot_be_set_via_iat(env: Env) -> None:
    """serviceAccountsEnabledCannotBeSetViaIat: 400, and no client is made."""
    await import_realm(env, REGISTRATION_REALM)
    admin = await env.admin_headers()
    before = len((await env.http.get("/admin/realms/test/clients", headers=admin)).json())
    refused = await env.http.post(DEFAULT, json={"serviceAccountsEnabled": True}, headers=await _iat(env))
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_client_metadata"
    assert len((await env.http.get("/admin/realms/test/clients", headers=admin)).json()) == before


async def test_authorization_services_enabled_cannot_be_set_via_iat(env: Env) -> None:
    """authorizationServicesEnabledCannotBeSetViaIat."""
    await import_realm(env, REGISTRATION_REALM)
    refused = await env.http.post(DEFAULT, json={"authorizationServicesEnabled": True}, headers=await _iat(env))
    assert refused.status_code == 400, refused.text


async def test_rat_from_default_provider_is_rejected_by_oidc_provider(env: Env) -> None:
    """ratFromDefaultProviderIsRejectedByOidcProvider: 401."""
    created = await _registered(env)
    answer = await env.http.get(f"{OIDC}/{created['clientId']}", headers=_rat(created))
    assert answer.status_code == 401, answer.text


async def test_introspection_audience_bypass_attribute_is_stripped_on_dcr_create(env: Env) -> None:
    """introspectionAudienceBypassAttributeIsStrippedOnDcrCreate."""
    created = await _registered(env, {"attributes": {INTROSPECTION: "true", "safe.attribute": "allowed"}})
    stored = (await _stored(env, created["clientId"]))["attributes"]
    assert INTROSPECTION not in stored and stored["safe.attribute"] == "allowed"


async def test_introspection_audience_bypass_attribute_is_stripped_on_dcr_update(env: Env) -> None:
    """introspectionAudienceBypassAttributeIsStrippedOnDcrUpdate."""
    created = await _registered(env)
    client_id = created["clientId"]
    attrs = {INTROSPECTION: "true", "safe.update.attr": "allowed"}
    updated = await env.http.put(
        f"{DEFAULT}/{client_id}", json={"clientId": client_id, "attributes": attrs}, headers=_rat(created)
    )
    assert updated.status_code == 200, updated.text
    stored = (await _stored(env, client_id))["attributes"]
    assert INTROSPECTION not in stored and stored["safe.update.attr"] == "allowed"


async def test_an_administrators_settings_stay_and_an_administrator_may_enable_them(env: Env) -> None:
    """Beyond the Java class: what an administrator set survives a registration-token round trip (the flag sent
    back as read, the attribute sent again), and an administrator's bearer token may enable a service account."""
    created = await _registered(env)
    client_id = created["clientId"]
    admin = await env.admin_headers()
    stored = await _stored(env, client_id)
    changed = {**stored, "serviceAccountsEnabled": True, "attributes": {**stored["attributes"], INTROSPECTION: "true"}}
    put = await env.http.put(f"/admin/realms/test/clients/{stored['id']}", json=changed, headers=admin)
    assert put.status_code == 204, put.text
    read = await env.http.get(f"{DEFAULT}/{client_id}", headers=_rat(created))
    assert read.status_code == 200 and read.json()["serviceAccountsEnabled"] is True
    round_trip = {**read.json(), "attributes": {**read.json()["attributes"], INTROSPECTION: "true"}}
    round_trip.pop("registrationAccessToken")
    updated = await env.http.put(f"{DEFAULT}/{client_id}", json=round_trip, headers=_rat(read.json()))
    assert updated.status_code == 200, updated.text
    after = await _stored(env, client_id)
    assert after["serviceAccountsEnabled"] is True and after["attributes"][INTROSPECTION] == "true"

    token = await password_grant(env.http, "test", "admin-cli", "manage-clients", secret=None)
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    by_admin = await env.http.post(DEFAULT, json={"serviceAccountsEnabled": True}, headers=bearer)
    assert by_admin.status_code == 201, by_admin.text
    assert (await _stored(env, by_admin.json()["clientId"]))["serviceAccountsEnabled"] is True
