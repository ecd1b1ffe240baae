"""A client's default ACR values as Keycloak's DefaultClientValidationProvider.validateDefaultAcrValues judges
them on the admin API: each must be a name of the client's (else the realm's) ACR-to-LoA map or a level of the
realm's browser flow (0 and 1 for Keycloak's default flow); otherwise 400 ``invalid_input`` and nothing kept."""

from __future__ import annotations

import pytest

from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"
INVALID = (
    "Default ACR values need to contain values specified in the ACR-To-Loa mapping or number levels from set realm "
    "browser flow"
)


def client(values: str, loa_map: str | None = None) -> dict[str, object]:
    attributes = {"default.acr.values": values}
    if loa_map is not None:
        attributes["acr.loa.map"] = loa_map
    return {"clientId": "acr-app", "attributes": attributes}


async def test_an_unmapped_default_acr_value_is_refused(realm: Env) -> None:
    admin = await realm.admin_headers()
    refused = await realm.http.post(CLIENTS, json=client("silver##foo", '{"silver":1}'), headers=admin)
    assert_error(refused, 400, "invalid_input", INVALID)
    assert (await realm.http.get(CLIENTS, params={"clientId": "acr-app"}, headers=admin)).json() == []


async def test_mapped_names_and_browser_flow_levels_are_accepted(realm: Env) -> None:
    admin = await realm.admin_headers()
    made = await realm.http.post(CLIENTS, json=client("silver##1", '{"silver":2}'), headers=admin)
    assert made.status_code == 201, made.text
    uuid = made.headers["location"].rsplit("/", 1)[1]
    updated = await realm.http.put(f"{CLIENTS}/{uuid}", json=client("gold"), headers=admin)
    assert_error(updated, 400, "invalid_input", INVALID)
