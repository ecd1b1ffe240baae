"""Admin REST answers that Keycloak's own admin-client specs (tests/admin_client/specs) found missing or
different: a user's group memberships without ``access``, the user's (always empty) identity provider
links and user storage credential types, and ThemeResource's effective messages at
``/resources/{realm}/{themeType}/{locale}``."""

from __future__ import annotations

import pytest

from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

USERS = "/admin/realms/test/users"


async def test_a_users_groups_are_listed_without_the_access_block(env: Env) -> None:
    """UserResource.groupMembership: ModelToRepresentation.toRepresentation(group, !brief), no GroupUtils."""
    await seed_realm(env.db, env.clock)
    user = await seed_user(env.db, env.clock, "test", "user1")
    headers = await env.admin_headers()
    created = await env.http.post("/admin/realms/test/groups", headers=headers, json={"name": "team"})
    group_id = created.headers["location"].rsplit("/", 1)[1]
    joined = await env.http.put(f"{USERS}/{user.id}/groups/{group_id}", headers=headers)
    assert joined.status_code == 204

    brief = await env.http.get(f"{USERS}/{user.id}/groups", headers=headers)
    assert brief.json() == [{"id": group_id, "name": "team", "path": "/team", "subGroups": []}]
    full = await env.http.get(f"{USERS}/{user.id}/groups?briefRepresentation=false", headers=headers)
    [group] = full.json()
    assert "access" not in group and group["attributes"] == {}
    listed = await env.http.get("/admin/realms/test/groups", headers=headers)  # the groups resource keeps it
    assert "access" in listed.json()[0]


@pytest.mark.parametrize("path", ["federated-identity", "configured-user-storage-credential-types"])
async def test_a_user_has_no_identity_provider_links_and_no_storage_credential_types(env: Env, path: str) -> None:
    await seed_realm(env.db, env.clock)
    user = await seed_user(env.db, env.clock, "test", "user1")
    headers = await env.admin_headers()
    response = await env.http.get(f"{USERS}/{user.id}/{path}", headers=headers)
    assert (response.status_code, response.json()) == (200, [])
    missing = await env.http.get(f"{USERS}/no-such-user/{path}", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "User not found"})
    assert (await env.http.get(f"{USERS}/{user.id}/{path}")).status_code == 401


async def test_the_login_themes_effective_messages_are_public_and_readable_from_any_origin(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get("/resources/test/login/de", headers={"Origin": "https://app.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"
    texts = {entry["key"]: entry["value"] for entry in response.json()}
    assert set(response.json()[0]) == {"key", "value"}
    assert texts["doLogIn"] == "Anmelden"  # German over the English fallback
    sourced = await env.http.get("/resources/test/LOGIN/en?source=true")
    assert {entry["source"] for entry in sourced.json()} == {"THEME"}
    assert (await env.http.get("/resources/test/admin/en")).json() == []  # Doorkeep has no admin catalog


@pytest.mark.parametrize(
    ("path", "status"),
    # an empty theme type and locale ("//") is refused before routing: Keycloak 26's RejectNonNormalizedPathFilter
    [("/resources/nowhere/login/en", 404), ("/resources/test/nonsense/en", 404), ("/resources/test//", 400)],
)
async def test_an_unknown_realm_or_theme_type_has_no_messages(env: Env, path: str, status: int) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(path)
    assert response.status_code == status
