"""Admin REST realms as Keycloak 26 answers them: the settings a RealmRepresentation carries survive a GET,
a partial PUT, a ``POST /admin/realms`` and a partial export (RealmUpdateTest, RealmCreateTest)."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"
SETTINGS: dict[str, Any] = {
    "actionTokenGeneratedByAdminLifespan": 2345,
    "actionTokenGeneratedByUserLifespan": 3456,
    "userManagedAccessAllowed": True,
    "internationalizationEnabled": True,
    "supportedLocales": ["de"],
    "defaultLocale": "de",
    "passwordPolicy": "length(8)",
}


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body.get(key) for key in SETTINGS}


async def test_a_new_realm_shows_keycloaks_defaults_for_action_tokens_locales_and_password_policy(env: Env) -> None:
    headers = await env.admin_headers()
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "new-realm"})).status_code == 201
    body = (await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()
    # RepresentationToModel.createRealm: 12 hours for the admin's tokens, the login-action timeout for the user's.
    assert body["actionTokenGeneratedByAdminLifespan"] == 43200
    assert body["actionTokenGeneratedByUserLifespan"] == 300
    assert body["userManagedAccessAllowed"] is False
    assert body["internationalizationEnabled"] is False
    assert body["supportedLocales"] == []
    assert "defaultLocale" not in body and "passwordPolicy" not in body  # null: left out


async def test_the_user_action_token_lifespan_starts_as_the_login_action_timeout_given_at_creation(env: Env) -> None:
    headers = await env.admin_headers()
    rep = {"realm": "new-realm", "accessCodeLifespanUserAction": 600}
    assert (await env.http.post(REALMS, headers=headers, json=rep)).status_code == 201
    assert (
        await env.http.put(f"{REALMS}/new-realm", headers=headers, json={"accessCodeLifespanUserAction": 900})
    ).status_code == 204
    body = (await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()
    assert body["accessCodeLifespanUserAction"] == 900
    assert body["actionTokenGeneratedByUserLifespan"] == 600  # fixed when the realm was made


async def test_a_partial_put_stores_the_settings_and_a_later_one_keeps_them(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.put(f"{REALMS}/test", headers=headers, json=SETTINGS)
    assert response.status_code == 204, response.text
    assert _settings((await realm.http.get(f"{REALMS}/test", headers=headers)).json()) == SETTINGS
    assert (await realm.http.put(f"{REALMS}/test", headers=headers, json={"displayName": "Test"})).status_code == 204
    assert _settings((await realm.http.get(f"{REALMS}/test", headers=headers)).json()) == SETTINGS


async def test_creating_a_realm_with_the_settings_keeps_them_and_the_export_carries_them(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json={"realm": "new-realm", **SETTINGS})
    assert response.status_code == 201, response.text
    assert _settings((await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()) == SETTINGS
    exported = (await env.http.post(f"{REALMS}/new-realm/partial-export", headers=headers)).json()
    assert _settings(exported) == SETTINGS
    # ... and a realm made from that export has them again (realm import).
    assert (await env.http.delete(f"{REALMS}/new-realm", headers=headers)).status_code == 204
    assert (await env.http.post(REALMS, headers=headers, json=exported)).status_code == 201
    assert _settings((await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()) == SETTINGS
