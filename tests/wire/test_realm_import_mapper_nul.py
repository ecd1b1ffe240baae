"""A realm file (``POST /admin/realms``, the parse every import shares) with a NUL in a protocol mapper's name, type
or protocol: PostgreSQL refuses one in a text column and SQLite would store it, so the parse refuses it on both
engines with a 400 naming its place, and nothing of the realm is written."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
NAME = "hostile"


def _mapper(field: str) -> dict[str, Any]:
    mapper: dict[str, Any] = {
        "name": "claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": "c", "claim.value": "v"},
    }
    mapper[field] += "\x00"
    return mapper


@pytest.mark.parametrize("field", ["name", "protocolMapper", "protocol"])
@pytest.mark.parametrize("owner", ["clients", "clientScopes"])
async def test_a_nul_in_a_protocol_mapper_of_a_realm_file_is_refused_before_anything_is_written(
    env: Env, owner: str, field: str
) -> None:
    h = await env.admin_headers()
    holder = {"clientId": "app"} if owner == "clients" else {"name": "extra", "protocol": "openid-connect"}
    rep = {"realm": NAME, "enabled": True, owner: [{**holder, "protocolMappers": [_mapper(field)]}]}
    answer = await env.http.post("/admin/realms", json=rep, headers=h)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"errorMessage": f"{owner}[0].protocolMappers[0].{field}: expected no NUL character"}
    assert (await env.http.get(f"/admin/realms/{NAME}", headers=h)).status_code == 404


async def test_a_nul_in_a_protocol_mapper_config_value_is_kept_as_text(env: Env) -> None:
    """The config is stored as JSON text, which holds an escaped NUL on both engines: imported, read back."""
    h = await env.admin_headers()
    mapper = {**_mapper("name"), "name": "claim", "config": {"claim.name": "c", "claim.value": "v\x00"}}
    rep = {"realm": NAME, "enabled": True, "clients": [{"clientId": "app", "protocolMappers": [mapper]}]}
    assert (await env.http.post("/admin/realms", json=rep, headers=h)).status_code == 201
    found = (await env.http.get(f"/admin/realms/{NAME}/clients", params={"clientId": "app"}, headers=h)).json()
    assert found[0]["protocolMappers"][0]["config"]["claim.value"] == "v\x00"
