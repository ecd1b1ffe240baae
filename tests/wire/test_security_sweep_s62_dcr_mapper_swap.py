"""Security sweep s62: Keycloak's CVE-2026-15572 (keycloak#51468, fixed by #51500 in 26.4.14/26.6.5/26.7.1): a
client registered with a mapper of an allowed type, then updated through the registration access token with the
same mapper (its id, name and configuration kept) swapped to a type the "Allowed Protocol Mapper Types" policy does
not allow, here the Hardcoded Role mapper naming realm-management's realm-admin. Doorkeep checks the type of every
mapper of an update, changed or not: 403 with the policy's message, and the stored mapper keeps its type. The
same for a mapper sent with its id and no type at all."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
REG = "/realms/test/clients-registrations/default"
REFUSED = (
    "Policy 'Allowed Protocol Mapper Types' rejected request to client-registration service. "
    "Details: ProtocolMapper type not allowed"
)
CONFIG = {"role": "realm-management.realm-admin", "access.token.claim": "true"}


async def _registered(env: Env) -> dict[str, Any]:
    made = await env.http.post("/admin/realms/test/clients-initial-access", json={}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    mapper = {"name": "m", "protocol": "openid-connect", "protocolMapper": "oidc-full-name-mapper", "config": CONFIG}
    answer = await env.http.post(
        REG,
        json={"clientId": "swapper", "protocolMappers": [mapper]},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _stored_types(env: Env) -> list[str]:
    uuid = await client_uuid(env, "test", "swapper")
    listed = await env.http.get(
        f"/admin/realms/test/clients/{uuid}/protocol-mappers/models", headers=await env.admin_headers()
    )
    return [m["protocolMapper"] for m in listed.json()]


@pytest.mark.parametrize("swap", [{"protocolMapper": "oidc-hardcoded-role-mapper"}, {"protocolMapper": None}])
async def test_a_mapper_swapped_to_a_type_not_allowed_is_refused_on_update(realm: Env, swap: dict[str, Any]) -> None:
    registered = await _registered(realm)
    assert await _stored_types(realm) == ["oidc-full-name-mapper"]
    mappers = [{**m, **swap} for m in registered["protocolMappers"]]
    assert [m["config"] for m in mappers] == [CONFIG]  # the configuration unchanged
    token = registered["registrationAccessToken"]
    answer = await realm.http.put(
        f"{REG}/swapper",
        json={**registered, "protocolMappers": mappers},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(answer, 403, "insufficient_scope", REFUSED)
    assert await _stored_types(realm) == ["oidc-full-name-mapper"]
