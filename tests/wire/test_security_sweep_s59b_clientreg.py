"""Security sweep (session 59, second pass) of the ``default`` registration provider's privilege rules
(src/doorkeep/clientreg/privileged.py) under other spellings. All held:

- ``serviceAccountsEnabled`` as ``"TRUE"``/``"True"`` is read as true and refused (invalid_client_metadata); as a
  number, a padded string, ``"yes"``, a list or an object the body does not parse (400) — no service account either
  way (Keycloak's Jackson would coerce ``1`` to true and refuse it: the same 400, another error code);
- attribute keys in another case or with a leading space (``SSF.enabled``, `` ssf.enabled``,
  ``ALLOW.token.…``) are stored as sent but name nothing: every reader looks the exact key up (Keycloak's
  attribute map is case-sensitive too), so the introspection audience check still applies to such a client.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_registration_port import REGISTRATION_REALM
from keycloak_port import import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
DEFAULT = "/realms/test/clients-registrations/default"
INTROSPECTION = "allow.token.introspection.without.audience.check"


async def _iat(env: Env) -> dict[str, str]:
    made = await env.http.post(
        "/admin/realms/test/clients-initial-access",
        json={"expiration": 0, "count": 50},
        headers=await env.admin_headers(),
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


async def test_no_spelling_of_service_accounts_enabled_turns_them_on(env: Env) -> None:
    await import_realm(env, REGISTRATION_REALM)
    iat = await _iat(env)
    for value in ("TRUE", "True"):
        made = await env.http.post(DEFAULT, json={"serviceAccountsEnabled": value}, headers=iat)
        assert made.status_code == 400 and made.json()["error"] == "invalid_client_metadata", (value, made.text)
    for odd in (1, 1.0, " true", "true ", "yes", "on", "1", [True], {"x": True}):
        made = await env.http.post(DEFAULT, json={"serviceAccountsEnabled": odd}, headers=iat)
        assert made.status_code == 400, (odd, made.text)
    listed = await env.http.get("/admin/realms/test/clients", headers=await env.admin_headers())
    assert not [c["clientId"] for c in listed.json() if c.get("serviceAccountsEnabled")]


async def test_attribute_key_variants_are_inert(env: Env) -> None:
    await import_realm(env, REGISTRATION_REALM)
    iat = await _iat(env)
    sent = {
        "SSF.enabled": "true",
        " ssf.enabled": "true",
        "ssf.enabled ": "true",
        "ALLOW.token.introspection.without.audience.check": "true",
        " " + INTROSPECTION: "true",
    }
    made = await env.http.post(DEFAULT, json={"attributes": sent}, headers=iat)
    assert made.status_code == 201, made.text
    stored = (await _stored(env, made.json()["clientId"]))["attributes"]
    assert INTROSPECTION not in stored and "ssf.enabled" not in stored and "ssf.enabled " not in stored
    # An update through the registration access token may not add the exact keys either.
    rat = {"Authorization": f"Bearer {made.json()['registrationAccessToken']}"}
    update = {"clientId": made.json()["clientId"], "attributes": {INTROSPECTION: "true", "ssf.enabled": "true"}}
    updated = await env.http.put(f"{DEFAULT}/{made.json()['clientId']}", json=update, headers=rat)
    assert updated.status_code == 200, updated.text
    stored = (await _stored(env, made.json()["clientId"]))["attributes"]
    assert INTROSPECTION not in stored and "ssf.enabled" not in stored
