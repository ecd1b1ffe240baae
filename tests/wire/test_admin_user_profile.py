"""``/admin/realms/{realm}/users/profile``: Keycloak 26's default user profile configuration and its
``unmanagedAttributePolicy`` (UserProfileResource; keycloak-admin-client's users.getProfile and updateProfile),
never a lookup of a user named "profile". Custom attributes: test_keycloak_user_profile.py."""

from __future__ import annotations

import pytest

from support import password_grant, seed_client, seed_realm, seed_user
from user_profile_config import DEFAULT_PROFILE
from wire_env import Env

pytestmark = pytest.mark.anyio

PROFILE = "/admin/realms/test/users/profile"


async def test_the_profile_is_keycloaks_default_configuration(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(PROFILE, headers=await env.admin_headers())
    assert response.status_code == 200
    assert response.json() == DEFAULT_PROFILE


async def test_the_default_profile_put_back_is_accepted_and_an_invalid_one_refused_in_words(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    current = (await env.http.get(PROFILE, headers=headers)).json()
    same = await env.http.put(PROFILE, headers=headers, json=current)
    assert (same.status_code, same.json()) == (200, current)
    response = await env.http.put(PROFILE, headers=headers, json={"attributes": []})
    assert response.status_code == 400
    assert response.json() == {  # UPConfigUtils.validate's messages, as ComponentValidationException has them
        "errorMessage": "[The attribute 'username' can not be removed, The attribute 'email' can not be removed]"
    }


async def test_reading_it_needs_an_admin_role_in_the_realm(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    response = await env.http.get(PROFILE, headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})
    assert (await env.http.get(PROFILE)).status_code == 401
    missing = await env.http.get("/admin/realms/nowhere/users/profile", headers=await env.admin_headers())
    assert (missing.status_code, missing.json()) == (404, {"error": "Realm not found."})


async def test_the_unmanaged_attribute_policy_is_kept_and_served_back(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    default = (await env.http.get(PROFILE, headers=headers)).json()
    enabled = await env.http.put(PROFILE, headers=headers, json={**default, "unmanagedAttributePolicy": "ENABLED"})
    assert (enabled.status_code, enabled.json()) == (200, {**default, "unmanagedAttributePolicy": "ENABLED"})
    assert (await env.http.get(PROFILE, headers=headers)).json()["unmanagedAttributePolicy"] == "ENABLED"

    realm = await env.http.get("/admin/realms/test", headers=headers)  # kept out of the realm's attributes
    assert "doorkeep.userProfile.unmanagedAttributePolicy" not in realm.json()["attributes"]
    update = {"attributes": {"some.attribute": "x"}}  # a new attributes map does not drop the policy
    assert (await env.http.put("/admin/realms/test", headers=headers, json=update)).status_code == 204
    assert (await env.http.get(PROFILE, headers=headers)).json()["unmanagedAttributePolicy"] == "ENABLED"

    admin_view = await env.http.put(
        PROFILE, headers=headers, json={**default, "unmanagedAttributePolicy": "ADMIN_VIEW"}
    )
    assert admin_view.json()["unmanagedAttributePolicy"] == "ADMIN_VIEW"
    disabled = await env.http.put(PROFILE, headers=headers, json=default)  # no policy: disabled again
    assert (disabled.status_code, disabled.json()) == (200, default)
    assert (await env.http.get(PROFILE, headers=headers)).json() == default


async def test_an_unknown_unmanaged_attribute_policy_is_a_400(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    default = (await env.http.get(PROFILE, headers=headers)).json()
    for policy in ("SOMETIMES", 3, ["ENABLED"]):
        response = await env.http.put(PROFILE, headers=headers, json={**default, "unmanagedAttributePolicy": policy})
        assert response.status_code == 400, policy
        assert "unmanagedAttributePolicy" in response.json()["errorMessage"]
    assert (await env.http.get(PROFILE, headers=headers)).json() == default
