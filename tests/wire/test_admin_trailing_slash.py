"""Admin REST paths with a trailing slash are served, not redirected (JAX-RS matching; kcadm's
``create identity-provider/instances/`` and any client that builds ``…/users/`` POSTs to them)."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_post_and_a_get_with_a_trailing_slash_are_answered_in_place(realm: Env) -> None:
    headers = await realm.admin_headers()
    created = await realm.http.post("/admin/realms/test/users/", headers=headers, json={"username": "slashed"})
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[1]
    assert created.headers["location"].endswith(f"/admin/realms/test/users/{user_id}") and user_id
    found = await realm.http.get("/admin/realms/test/users//", headers=headers, params={"username": "slashed"})
    assert found.status_code == 200 and [u["username"] for u in found.json()] == ["slashed"]
    assert (await realm.http.get("/admin/serverinfo/", headers=headers)).status_code == 200


async def test_the_console_pages_keep_their_own_slash_rules(realm: Env) -> None:
    page = await realm.http.get("/admin/test/console", headers={"Accept": "text/html"})
    assert page.status_code in (302, 307), page.text[:200]  # to /admin/test/console/, as before
