"""Keycloak 26's ClientScopeProtocolMapperTest (tests/base/.../tests/admin/client/ClientScopeProtocolMapperTest.java
with its AbstractProtocolMapperTest), ported one Java test method to one pytest of the same name: the protocol
mappers of an OpenID Connect and of a SAML client scope through
``/admin/realms/test/client-scopes/{id}/protocol-mappers/...``, with the admin events Keycloak records.

Left out, with the reason:

* ``test03CreateSamlMappersFromList`` adds every mapper of ``serverinfo``'s ``builtinProtocolMappers["saml"]``.
  Doorkeep has no SAML login protocol, so its serverinfo lists OpenID Connect's built-in mappers only
  (admin/serverinfo.py lists only what Doorkeep has). SAML mappers are stored and served as they are
  (test04, test06, testDeleteSamlMapper), never applied.

Each test starts as the Java ``init`` does (both client scopes created, their CREATE events asserted) and ends
as its ``tearDown`` does (both removed, their DELETE events asserted).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from client_scope_port import assert_event, call, create_scope, created_id, ok, poll, remove_scope, setup
from wire_env import Env

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Scopes:
    env: Env
    oidc: str
    saml: str

    def mappers(self, scope_id: str) -> str:
        return f"/client-scopes/{scope_id}/protocol-mappers"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Scopes]:
    await setup(env)
    oidc = await create_scope(env, {"name": "oidcMapperClient-scope", "protocol": "openid-connect"})
    saml = await create_scope(env, {"name": "samlMapperClient-scope", "protocol": "saml"})
    yield Scopes(env, oidc, saml)
    await remove_scope(env, oidc)
    await remove_scope(env, saml)


def saml_mapper(name: str) -> dict[str, Any]:
    config = {"role": "account.view-profile", "new.role.name": "new-role-name"}
    return {"protocol": "saml", "name": name, "protocolMapper": "saml-role-name-mapper", "config": config}


def oidc_mapper(name: str) -> dict[str, Any]:
    config = {"role": "myrole"}
    return {
        "protocol": "openid-connect",
        "name": name,
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": config,
    }


def assert_equal_mappers(original: dict[str, Any], created: dict[str, Any]) -> None:
    """AbstractProtocolMapperTest.assertEqualMappers."""
    keys = ("name", "config", "protocol", "protocolMapper")
    assert {k: created.get(k) for k in keys} == {k: original.get(k) for k in keys}


async def listed(kc: Scopes, scope_id: str, protocol: str | None = None) -> list[dict[str, Any]]:
    """``getMappers()``, or ``getMappersPerProtocol(protocol)``."""
    path = f"{kc.mappers(scope_id)}/models" if protocol is None else f"{kc.mappers(scope_id)}/protocol/{protocol}"
    found: list[dict[str, Any]] = await ok(kc.env, "GET", path, status=200)
    return found


async def create_mapper(kc: Scopes, scope_id: str, rep: dict[str, Any]) -> str:
    """createMapper and its CREATE event (the path of what was created, the representation sent)."""
    created = created_id(await call(kc.env, "POST", f"{kc.mappers(scope_id)}/models", rep))
    path = f"client-scopes/{scope_id}/protocol-mappers/models/{created}"
    assert_event(await poll(kc.env), "CREATE", path, "PROTOCOL_MAPPER", rep)
    return created


async def test_01_get_mappers_list(kc: Scopes) -> None:
    assert await listed(kc, kc.oidc) == []
    assert await listed(kc, kc.saml) == []


async def test_02_create_oidc_mappers_from_list(kc: Scopes) -> None:
    """testAddAllBuiltinMappers: what the admin console does to add the built-in mappers."""
    old = await listed(kc, kc.oidc, "openid-connect")
    info = (await kc.env.http.get("/admin/serverinfo", headers=await kc.env.admin_headers())).json()
    builtins = info["builtinProtocolMappers"]["openid-connect"]
    to_add = [m for m in builtins if m["name"] not in {o["name"] for o in old}]
    assert to_add

    await ok(kc.env, "POST", f"{kc.mappers(kc.oidc)}/add-models", to_add)
    event = await poll(kc.env)
    assert_event(event, "CREATE", f"client-scopes/{kc.oidc}/protocol-mappers/add-models", "PROTOCOL_MAPPER")
    recorded = json.loads(event["representation"])
    assert len(recorded) == len(to_add)
    for expected, actual in zip(to_add, recorded, strict=True):
        assert_equal_mappers(expected, actual)

    new = await listed(kc, kc.oidc, "openid-connect")
    assert len(new) == len(old) + len(to_add)
    assert {m["name"] for m in to_add} <= {m["name"] for m in new}


async def test_04_create_saml_protocol_mapper(kc: Scopes) -> None:
    rep = saml_mapper("saml-role-name-mapper")
    total, total_saml = len(await listed(kc, kc.saml)), len(await listed(kc, kc.saml, "saml"))
    created = await create_mapper(kc, kc.saml, rep)
    assert len(await listed(kc, kc.saml)) == total + 1
    assert len(await listed(kc, kc.saml, "saml")) == total_saml + 1
    assert_equal_mappers(rep, await ok(kc.env, "GET", f"{kc.mappers(kc.saml)}/models/{created}", status=200))


async def test_05_create_oidc_protocol_mapper(kc: Scopes) -> None:
    rep = oidc_mapper("oidc-hardcoded-role-mapper")
    total, total_oidc = len(await listed(kc, kc.oidc)), len(await listed(kc, kc.oidc, "openid-connect"))
    created = await create_mapper(kc, kc.oidc, rep)
    assert len(await listed(kc, kc.oidc)) == total + 1
    assert len(await listed(kc, kc.oidc, "openid-connect")) == total_oidc + 1
    assert_equal_mappers(rep, await ok(kc.env, "GET", f"{kc.mappers(kc.oidc)}/models/{created}", status=200))


async def _update(kc: Scopes, scope_id: str, rep: dict[str, Any], role: str) -> None:
    created = await create_mapper(kc, scope_id, rep)
    rep = {**rep, "id": created, "config": {**rep["config"], "role": role}}
    model = f"{kc.mappers(scope_id)}/models/{created}"
    await ok(kc.env, "PUT", model, rep)
    assert_event(await poll(kc.env), "UPDATE", model[1:], "PROTOCOL_MAPPER", rep)
    assert_equal_mappers(rep, await ok(kc.env, "GET", model, status=200))


async def test_06_update_saml_mapper(kc: Scopes) -> None:
    await _update(kc, kc.saml, saml_mapper("saml-role-name-mapper2"), "account.manage-account")


async def test_07_update_oidc_mapper(kc: Scopes) -> None:
    await _update(kc, kc.oidc, oidc_mapper("oidc-hardcoded-role-mapper2"), "myotherrole")


async def test_08_effective_mappers(kc: Scopes) -> None:
    """The mapper read back shows the effective values of the options left out (getEffectiveModel)."""
    env = kc.env
    roles = next(s for s in await ok(env, "GET", "/client-scopes", status=200) if s["name"] == "roles")
    mappers = await listed(kc, roles["id"])
    audience = next(m for m in mappers if m["protocol"] == "openid-connect" and m["name"] == "audience resolve")
    model = f"{kc.mappers(roles['id'])}/models/{audience['id']}"
    original = dict(audience["config"])

    async def put(rep: dict[str, Any]) -> dict[str, str]:
        await ok(env, "PUT", model, rep)
        assert_event(await poll(env), "UPDATE", model[1:], "PROTOCOL_MAPPER", rep)
        config: dict[str, str] = (await ok(env, "GET", model, status=200))["config"]
        return config

    try:
        assert audience["config"]["access.token.claim"] == "true"
        assert audience["config"]["introspection.token.claim"] == "true"

        without_defaults = {
            k: v for k, v in audience["config"].items() if k not in ("access.token.claim", "introspection.token.claim")
        }
        audience = {**audience, "config": without_defaults}
        config = await put(audience)
        assert (config["access.token.claim"], config["introspection.token.claim"]) == ("true", "true")

        audience = {**audience, "config": {**without_defaults, "introspection.token.claim": "false"}}
        config = await put(audience)
        assert (config["access.token.claim"], config["introspection.token.claim"]) == ("true", "false")
    finally:
        await put({**audience, "config": {**audience["config"], **original}})


async def _delete(kc: Scopes, scope_id: str, rep: dict[str, Any]) -> None:
    created = await create_mapper(kc, scope_id, rep)
    model = f"{kc.mappers(scope_id)}/models/{created}"
    await ok(kc.env, "DELETE", model)
    assert_event(await poll(kc.env), "DELETE", model[1:], "PROTOCOL_MAPPER")
    missing = await call(kc.env, "GET", model)
    assert missing.status_code == 404 and missing.json() == {"error": "Model not found"}


async def test_delete_saml_mapper(kc: Scopes) -> None:
    await _delete(kc, kc.saml, saml_mapper("saml-role-name-mapper3"))


async def test_delete_oidc_mapper(kc: Scopes) -> None:
    await _delete(kc, kc.oidc, oidc_mapper("oidc-hardcoded-role-mapper3"))
