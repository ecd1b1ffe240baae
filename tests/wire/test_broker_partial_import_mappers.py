"""``partialImport`` with ``identityProviderMappers`` (IdentityProviderMappersPartialImport): each mapper as
``POST …/mappers`` creates it, after the providers of the same import; ``FAIL``, ``SKIP`` and ``OVERWRITE`` as for
the other resources; the result's type is ``IDP_MAPPER``."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

IMPORT = "/admin/realms/test/partialImport"
PROVIDER = {"alias": "corp", "providerId": "oidc", "config": {"clientId": "c", "clientSecret": "s"}}


def mapper(
    name: str, kind: str = "hardcoded-attribute-idp-mapper", alias: str = "corp", **config: str
) -> dict[str, Any]:
    return {"name": name, "identityProviderAlias": alias, "identityProviderMapper": kind, "config": config}


async def _mappers(env: Env) -> list[dict[str, Any]]:
    got = await env.http.get(
        "/admin/realms/test/identity-provider/instances/corp/mappers", headers=await env.admin_headers()
    )
    result: list[dict[str, Any]] = got.json()
    return result


async def test_mappers_come_with_their_provider_and_answer_keycloaks_results(env: Env) -> None:
    headers = await env.admin_headers()
    await enable_admin_events(env, clear=True)
    body = {
        "identityProviders": [PROVIDER],
        "identityProviderMappers": [
            mapper("dept", attribute="dept", **{"attribute.value": "x"}),
            mapper("name", "oidc-username-idp-mapper", template="${CLAIM.email}", target="LOCAL"),
        ],
    }
    done = await env.http.post(IMPORT, json=body, headers=headers)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert (answer["added"], answer["skipped"], answer["overwritten"]) == (3, 0, 0)
    stored = {m["name"]: m for m in await _mappers(env)}
    assert [(r["action"], r["resourceType"], r["resourceName"], r["id"]) for r in answer["results"]][1:] == [
        ("ADDED", "IDP_MAPPER", "dept", stored["dept"]["id"]),
        ("ADDED", "IDP_MAPPER", "name", stored["name"]["id"]),
    ]
    assert stored["name"]["config"] == {"template": "${CLAIM.email}", "target": "LOCAL"}
    paths = [e["resourcePath"] for e in await admin_events(env)]
    assert f"mappers/{stored['dept']['id']}" in paths


async def test_an_existing_mapper_fails_is_skipped_or_overwritten(env: Env) -> None:
    headers = await env.admin_headers()
    first = {"identityProviders": [PROVIDER], "identityProviderMappers": [mapper("dept", attribute="dept")]}
    assert (await env.http.post(IMPORT, json=first, headers=headers)).status_code == 200
    [before] = await _mappers(env)
    again = {"identityProviderMappers": [mapper("dept", attribute="team"), mapper("more", attribute="more")]}
    conflict = await env.http.post(IMPORT, json=again, headers=headers)
    assert conflict.status_code == 409
    assert conflict.json() == {"errorMessage": "Identity Provider Mapper'dept' already exists."}
    assert [m["name"] for m in await _mappers(env)] == ["dept"]  # nothing written

    skipped = await env.http.post(IMPORT, json={**again, "ifResourceExists": "SKIP"}, headers=headers)
    assert skipped.status_code == 200, skipped.text
    actions = [(r["action"], r["resourceName"]) for r in skipped.json()["results"]]
    assert actions == [("SKIPPED", "dept"), ("ADDED", "more")]
    assert {m["name"]: m["config"] for m in await _mappers(env)}["dept"] == {"attribute": "dept"}

    over = await env.http.post(IMPORT, json={**again, "ifResourceExists": "OVERWRITE"}, headers=headers)
    assert over.status_code == 200, over.text
    results = over.json()["results"]
    assert [(r["action"], r["resourceName"]) for r in results] == [("OVERWRITTEN", "dept"), ("OVERWRITTEN", "more")]
    after = {m["name"]: m for m in await _mappers(env)}
    assert after["dept"]["config"] == {"attribute": "team"} and after["dept"]["id"] != before["id"]
    assert len(after) == 2


async def test_a_mapper_doorkeep_does_not_run_or_of_no_provider_is_refused(env: Env) -> None:
    headers = await env.admin_headers()
    for bad, text in (
        (mapper("g", "oidc-user-session-note-idp-mapper"), "Failed to add mapper 'g' to identity provider [oidc]."),
        (mapper("x", alias="nope"), "Failed to add mapper 'x' to identity provider [nope]."),
        (mapper("s", syncMode="SOMETIMES"), "Failed to add mapper 's' to identity provider [oidc]."),
    ):
        body = {"identityProviders": [PROVIDER], "identityProviderMappers": [bad], "ifResourceExists": "OVERWRITE"}
        refused = await env.http.post(IMPORT, json=body, headers=headers)
        assert refused.status_code == 400 and refused.json() == {"errorMessage": text}, refused.text
    assert (await env.http.get("/admin/realms/test/identity-provider/instances", headers=headers)).json() == []
    shapeless = await env.http.post(IMPORT, json={"identityProviderMappers": [{"name": "n"}]}, headers=headers)
    assert shapeless.status_code == 400
