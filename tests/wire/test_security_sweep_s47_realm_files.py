"""Security sweep (session 47): realm files (``POST /admin/realms``, the path ``migrate-from-keycloak`` writes
through) whose organization groups, memberships and required actions no Keycloak writes. Each is refused with a
400 naming the place, and nothing of the realm is left behind; never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
NAME = "hostile"


def _organization(**extra: Any) -> dict[str, Any]:
    return {"name": "acme", "alias": "acme", "enabled": True, "domains": [{"name": "acme.example"}], **extra}


def _realm(**extra: Any) -> dict[str, Any]:
    return {"realm": NAME, "enabled": True, "organizationsEnabled": True, **extra}


@pytest.mark.parametrize(
    "rep",
    [
        _realm(organizations=[_organization(groups=[{"name": "n" * 5000}])]),
        _realm(organizations=[_organization(groups=[{"name": None}])]),
        _realm(organizations=[_organization(groups=[{"name": "a"}, {"name": "a"}])]),
        _realm(organizations=[_organization(groups=[{"name": "a", "subGroups": "not a list"}])]),
        _realm(organizations=[_organization(groups=[{"name": "a", "attributes": {"k": [{"x": 1}]}}])]),
        _realm(
            users=[{"username": "alice", "enabled": True}],
            organizations=[_organization(groups=[{"name": "a"}], members=[{"username": "alice", "groups": ["/b"]}])],
        ),
        _realm(requiredActions=[{"alias": "a" * 5000, "providerId": "UPDATE_PASSWORD", "enabled": True}]),
        _realm(requiredActions=[{"alias": "x\x00", "providerId": "UPDATE_PASSWORD", "enabled": True}]),
        _realm(requiredActions=[{"alias": "UPDATE_PASSWORD"}, {"alias": "UPDATE_PASSWORD"}]),
        _realm(requiredActions="everything"),
    ],
)
async def test_a_hostile_realm_file_is_refused_and_leaves_nothing(env: Env, rep: dict[str, Any]) -> None:
    h = await env.admin_headers()
    answer = await env.http.post("/admin/realms", json=rep, headers=h)
    assert answer.status_code == 400, answer.text
    assert (await env.http.get(f"/admin/realms/{NAME}", headers=h)).status_code == 404


@pytest.mark.parametrize("config", [{"max_auth_age": "\x00"}, {"k\x00": "1"}, {"max_auth_age": "9" * 5000}])
async def test_odd_required_action_config_in_a_realm_file_never_fails(env: Env, config: dict[str, str]) -> None:
    """Keycloak's import keeps an action's config unchecked: kept or refused, never a 500; the age it gives is the
    default (a value Integer.parseInt refuses)."""
    h = await env.admin_headers()
    action = {"alias": "UPDATE_PASSWORD", "providerId": "UPDATE_PASSWORD", "enabled": True, "config": config}
    answer = await env.http.post("/admin/realms", json=_realm(requiredActions=[action]), headers=h)
    assert answer.status_code in (201, 400), answer.text
    if answer.status_code == 201:
        path = f"/admin/realms/{NAME}/authentication/required-actions/UPDATE_PASSWORD"
        assert (await env.http.get(path, headers=h)).status_code == 200
