"""Shared set-up of the ports of Keycloak's admin authentication tests (AbstractAuthenticationTest): realm ``test``
with admin events on, and the calls on its AuthenticationManagementResource."""

from __future__ import annotations

from typing import Any

import httpx

from role_port import call, import_test_realm
from wire_env import Env

AUTH = "/authentication"


async def setup(env: Env) -> str:
    """Realm ``test`` (admin events with representations on); its id."""
    return await import_test_realm(env)


async def auth(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    return await call(env, method, AUTH + path, body)


async def flows(env: Env) -> list[dict[str, Any]]:
    response = await auth(env, "GET", "/flows")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def flow_by_alias(env: Env, alias: str) -> dict[str, Any] | None:
    return next((f for f in await flows(env) if f["alias"] == alias), None)


async def executions(env: Env, alias: str) -> list[dict[str, Any]]:
    response = await auth(env, "GET", f"/flows/{alias}/executions")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def by_provider(rows: list[dict[str, Any]], provider: str) -> dict[str, Any] | None:
    """findExecutionByProvider."""
    return next((r for r in rows if r.get("providerId") == provider), None)


def new_flow(alias: str | None, description: str, provider: str, top_level: bool, built_in: bool) -> dict[str, Any]:
    return {
        "alias": alias,
        "description": description,
        "providerId": provider,
        "topLevel": top_level,
        "builtIn": built_in,
    }


async def create_flow(env: Env, rep: dict[str, Any]) -> str:
    response = await auth(env, "POST", "/flows", rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def copy(env: Env, alias: str, new_name: str) -> httpx.Response:
    return await auth(env, "POST", f"/flows/{alias}/copy", {"newName": new_name})


def compare_flows(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """AbstractAuthenticationTest.compareFlows: alias, description, provider, top-level, built-in and the
    executions (each field of each) equal."""
    for key in ("alias", "description", "providerId", "topLevel", "builtIn"):
        assert expected.get(key) == actual.get(key), (key, expected.get(key), actual.get(key))
    got = actual.get("authenticationExecutions") or []
    wanted = expected.get("authenticationExecutions") or []
    assert len(got) == len(wanted), (wanted, got)
    for one, other in zip(wanted, got, strict=True):
        compare_execution(one, other)


def compare_execution(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    for key in ("authenticator", "authenticatorConfig", "flowAlias", "authenticatorFlow", "requirement", "priority"):
        assert expected.get(key) == actual.get(key), (key, expected, actual)
    assert actual.get("userSetupAllowed") is False
