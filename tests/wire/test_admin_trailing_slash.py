"""Admin and Account REST paths with a trailing slash are served, not redirected (JAX-RS matching; kcadm's
``create identity-provider/instances/`` and any client that builds ``…/users/`` POSTs to them)."""

from __future__ import annotations

import pytest

from account_rest_realm import ACCOUNT, bearer, seed
from account_rest_realm import token as account_token
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed(env)
    return env


async def test_a_post_and_a_get_with_a_trailing_slash_are_answered_in_place(realm: Env) -> None:
    headers = await realm.admin_headers()
    created = await realm.http.post("/admin/realms/test/users/", headers=headers, json={"username": "slashed"})
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[1]
    assert created.headers["location"].endswith(f"/admin/realms/test/users/{user_id}") and user_id
    found = await realm.http.get("/admin/realms/test/users/", headers=headers, params={"username": "slashed"})
    assert found.status_code == 200 and [u["username"] for u in found.json()] == ["slashed"]
    # a doubled slash is no longer matched as one: Keycloak 26's RejectNonNormalizedPathFilter refuses the path
    doubled = await realm.http.get("/admin/realms/test/users//", headers=headers, params={"username": "slashed"})
    assert doubled.status_code == 400 and doubled.json()["error"] == "missingNormalization", doubled.text
    assert (await realm.http.get("/admin/serverinfo/", headers=headers)).status_code == 200


async def test_the_console_pages_keep_their_own_slash_rules(realm: Env) -> None:
    page = await realm.http.get("/admin/test/console", headers={"Accept": "text/html"})
    assert page.status_code in (302, 307), page.text[:200]  # to /admin/test/console/, as before


async def test_account_rest_calls_with_a_trailing_slash_are_answered_as_without(kc: Env) -> None:
    """Keycloak's admin client asks for ``account/linked-accounts/`` and ``account/organizations/`` (AccountLoader
    hands a REST caller to AccountRestService, whose methods JAX-RS matches with or without the slash)."""
    access = await account_token(kc)
    for path in ("linked-accounts", "organizations", "sessions", "credentials", "groups", "v1/sessions/devices"):
        bare = await kc.http.get(f"{ACCOUNT}/{path}", headers=bearer(access))
        slashed = await kc.http.get(f"{ACCOUNT}/{path}/", headers={**bearer(access), "Accept": "application/json"})
        assert (slashed.status_code, slashed.json()) == (bare.status_code, bare.json()), path
        assert bare.status_code == 200, (path, bare.text)
    query = {"linked": "true", "search": "github", "first": "1", "max": "10"}
    listed = await kc.http.get(f"{ACCOUNT}/linked-accounts/", params=query, headers=bearer(access))
    assert (listed.status_code, listed.json()) == (200, [])
    unknown = await kc.http.get(f"{ACCOUNT}/no-such-resource/", headers=bearer(access))
    assert unknown.status_code == 404


async def test_a_browser_below_the_account_root_keeps_the_consoles_slash_rules(kc: Env) -> None:
    """Only REST callers are rewritten: a browser's ``account/applications/`` is left to the console."""
    bare = await kc.http.get(f"{ACCOUNT}/applications", headers={"Accept": "text/html"})
    slashed = await kc.http.get(f"{ACCOUNT}/applications/", headers={"Accept": "text/html"})
    assert bare.status_code == 302, bare.text[:200]  # to the sign-in
    assert slashed.status_code == 404, slashed.text[:200]
