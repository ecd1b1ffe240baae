"""Sweep s66-g, caching: what a shared cache (a proxy, the browser's back button) may keep of the admin API.

Keycloak's admin resources mark their GET methods ``@NoCache`` (ClientResource.getClientSecret, getClient,
getInstallationProvider; RealmAdminResource.getRealm; UsersResource.getUsers; ServerInfoAdminResource.getInfo ...),
so every answer that shows a client secret, a user or the realm's settings says ``Cache-Control: no-cache``, as the
Account REST API's answers already did here. The admin API's answers said nothing at all, so a cache between an
administrator and the server was free to keep (and hand out) a client secret.
"""

from __future__ import annotations

import pytest

from admin_support import client_uuid
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

SECRET_HOLDING = (
    "/admin/realms/test",
    "/admin/realms/test/clients",
    "/admin/realms/test/clients/{app}",
    "/admin/realms/test/clients/{app}/client-secret",
    "/admin/realms/test/clients/{app}/installation/providers/keycloak-oidc-keycloak-json",
    "/admin/realms/test/clients/{app}/user-sessions",
    "/admin/realms/test/users",
    "/admin/realms/test/users/{user}",
    "/admin/realms/test/users/{user}/credentials",
    "/admin/realms/test/keys",
    "/admin/realms/test/components",
    "/admin/realms/test/clients-initial-access",
    "/admin/serverinfo",
)


@pytest.fixture
async def ids(realm: Env) -> dict[str, str]:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    return {"app": await client_uuid(realm, "test", "app"), "user": user.id}


@pytest.mark.parametrize("path", SECRET_HOLDING)
async def test_an_admin_get_answer_is_never_stored_by_a_cache(realm: Env, ids: dict[str, str], path: str) -> None:
    response = await realm.http.get(path.format(**ids), headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    assert response.headers.get("cache-control") == "no-cache", (path, dict(response.headers))


async def test_a_refused_admin_get_is_not_marked(realm: Env) -> None:
    """@NoCache belongs to the resource method's answer: a call refused before any resource runs (no token) gets
    only the 401, as Keycloak's AdminRoot answers it."""
    response = await realm.http.get("/admin/realms/test/users")
    assert response.status_code == 401
    assert "cache-control" not in response.headers


async def test_a_write_answer_is_left_as_keycloak_sends_it(realm: Env, ids: dict[str, str]) -> None:
    """ClientResource.regenerateSecret has no @NoCache; a POST answer is not stored by a shared cache anyway
    (RFC 9111 §4: a cache reuses only what a GET or HEAD answered)."""
    headers = await realm.admin_headers()
    response = await realm.http.post(f"/admin/realms/test/clients/{ids['app']}/client-secret", headers=headers)
    assert response.status_code == 200
    assert "cache-control" not in response.headers
