"""Hostile input to organization roles (security review classes L1 and L3): names, descriptions and attribute values
that no realm role could be stored with (a name longer than the name column, a NUL character in the name or the
description) are refused with the realm role routes' 400 ``Invalid input`` (operations.create_role's refuse_longer /
refuse_nul) on create and on rename, on both engines, and nothing is written. Before, SQLite stored a 256-character
name that PostgreSQL refuses (the database's error turned into the same 400 there), so the same request was accepted
or refused depending on the engine. Long descriptions and unicode are kept as given."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import member, organization
from org_roles import call, org_role
from wire_env import Env

pytestmark = pytest.mark.anyio
INVALID = {"error": "invalid_request", "error_description": "Invalid input"}
ODD: list[dict[str, Any]] = [
    {"name": "n" * 256},
    {"name": "nul\x00name"},
    {"name": "fine", "description": "nul\x00description"},
]


async def test_unstorable_names_and_descriptions_are_refused(realm: Env) -> None:
    env = realm
    org = await organization(env, "unstorable-role-text")
    role = await org_role(env, org, "kept", attributes={"a": ["b"]})
    for body in ODD:
        made = await call(env, "POST", f"{org}/roles", body)
        assert made == (400, INVALID), (body, made)
        renamed = await call(env, "PUT", f"{org}/roles/{role['id']}", body)
        assert renamed == (400, INVALID), (body, renamed)
    _, listed = await call(env, "GET", f"{org}/roles")
    assert sorted(r["name"] for r in listed) == ["default-roles-org-unstorable-role-text", "kept"]
    assert await call(env, "GET", f"{org}/roles/{role['id']}") == (200, role)
    unicode = {"name": "rôle-ü-✓-" + "x" * 240, "description": "d" * 5000, "attributes": {"ключ": ["значение"]}}
    made = await call(env, "POST", f"{org}/roles", unicode)
    assert made[0] == 201, made
    got = [
        r
        for r in (await call(env, "GET", f"{org}/roles", briefRepresentation="false"))[1]
        if r["name"] == unicode["name"]
    ]
    assert got[0]["description"] == unicode["description"] and got[0]["attributes"] == unicode["attributes"]


async def test_path_ids_of_another_organization_or_realm_find_nothing(realm: Env) -> None:
    """A role of organization B under organization A's path, and organization A under master's path: 404 on every
    route, and nothing changes."""
    env = realm
    org, other = await organization(env, "path-ids-a"), await organization(env, "path-ids-b")
    theirs = await org_role(env, other, "theirs")
    mine = await org_role(env, org, "mine")
    user = await member(env, other, "path-ids-member", "path-ids-member@path-ids-b.org")
    h = await env.admin_headers()
    routes = [
        ("GET", "", None),
        ("PUT", "", {"name": "stolen"}),
        ("DELETE", "", None),
        ("GET", "/composites", None),
        ("POST", "/composites", [mine]),
        ("GET", "/composites/effective", None),
        ("GET", "/composites/available?source=organization", None),
        ("GET", "/users", None),
        ("POST", "/users", [{"id": user}]),
        ("GET", "/users/available", None),
    ]
    for realm_path, org_id, role_id in (
        ("test", org, theirs["id"]),
        ("master", other, theirs["id"]),
        ("master", other, "default"),
    ):
        for method, tail, body in routes:
            path = f"/admin/realms/{realm_path}/organizations/{org_id}/roles/{role_id}{tail}"
            sent = await env.http.request(method, path, json=body, headers=h)
            assert sent.status_code == 404, (path, method, sent.status_code, sent.text)
    assert await call(env, "GET", f"{other}/roles/{theirs['id']}") == (200, theirs)
    assert await call(env, "GET", f"{other}/roles/{theirs['id']}/users") == (200, [])
