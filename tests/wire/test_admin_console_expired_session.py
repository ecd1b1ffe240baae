"""The console's Sign out of one session answers as ``DELETE /admin/realms/{realm}/sessions/{id}`` does: a
session past its idle timeout is gone (REST: 404 ``Sesssion not found``) though the cleaner has not removed its
row yet, so the console shows "not found" instead of reporting a sign-out that ended nothing."""

from __future__ import annotations

import pytest

from console_support import HTML, ORIGIN, csrf, sign_in
from support import assert_error, claims, password_grant, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/master/console/test"  # the master admin: its own console session keeps master's timeouts


async def session_id(env: Env, *, offline: bool) -> str:
    scope = "openid offline_access" if offline else "openid"
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return str(claims(response.json()["access_token"])["sid"])


@pytest.mark.parametrize("offline", [False, True])
async def test_signing_out_a_session_past_its_idle_timeout_is_not_found_as_in_the_rest_api(
    realm: Env, offline: bool
) -> None:
    await update_realm(realm.db, "test", sso_session_idle_timeout=60, offline_session_idle_timeout=60)
    flag = "true" if offline else "false"
    expired = await session_id(realm, offline=offline)
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/master/console/", "admin", "admin")
        realm.clock.advance(200)  # past test's idle timeouts (and the online one's 120 s grace)
        live = await session_id(realm, offline=offline)
        token = csrf(await http.get(f"{CONSOLE}/sessions", headers=HTML))
        form = {"csrf_token": token, "offline": flag, "confirmed": "yes"}
        gone = await http.post(f"{CONSOLE}/sessions/{expired}/sign-out", data=form, headers=ORIGIN)
        assert gone.status_code == 404, gone.text[:500]
        assert "That session has already ended." in gone.text
        ended = await http.post(f"{CONSOLE}/sessions/{live}/sign-out", data=form, headers=ORIGIN)
        assert ended.status_code == 303, ended.text[:500]
    headers = await realm.admin_headers()
    for sid in (expired, live):
        rest = await realm.http.delete(
            f"/admin/realms/test/sessions/{sid}", params={"isOffline": flag}, headers=headers
        )
        assert_error(rest, 404, "Sesssion not found")
