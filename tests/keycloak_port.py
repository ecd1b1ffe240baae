"""The admin-API helpers of the wire ports of Keycloak's test classes: the realm ``test`` imported through
``POST /admin/realms``, changed through the admin API as Keycloak's ``ClientManager`` / ``RealmManager`` do,
and its events polled as Keycloak's ``events.poll()`` does."""

from __future__ import annotations

from typing import Any

from doorkeep.users import otp
from support import without_verify_profile
from wire_env import Env

ADMIN = "/admin/realms/test"
_TOKENS: dict[int, tuple[Env, str, int]] = {}


async def admin_headers(env: Env) -> dict[str, str]:
    """The master admin's bearer header, minted again only when the (60 s) token may have expired or the
    clock moved back: a password grant per call would hash the admin password every time."""
    cached = _TOKENS.get(id(env))
    now = env.clock.now()
    if cached is None or cached[0] is not env or not 0 <= now - cached[2] < 50:
        cached = (env, await env.admin_token(), now)
        _TOKENS[id(env)] = cached
    return {"Authorization": f"Bearer {cached[1]}"}


def forget(env: Env) -> None:
    _TOKENS.pop(id(env), None)


async def import_realm(env: Env, rep: dict[str, Any], *, verify_profile: bool = False) -> None:
    """``POST /admin/realms`` with ``rep``; then, unless ``verify_profile``, the realm's VERIFY_PROFILE disabled as
    Keycloak's testsuite disables it in every realm it imports (AbstractKeycloakTest.importTestRealms, unless the
    class overrides ``removeVerifyProfileAtImport``): the Java tests' users often have no names, which a new
    realm's user profile requires. It is written to the store directly, so the realm records no admin event for
    it (the Java tests clear the ones the admin client's update leaves)."""
    response = await env.http.post("/admin/realms", json=rep, headers=await admin_headers(env))
    assert response.status_code == 201, response.text
    if not verify_profile:
        await without_verify_profile(env.db, str(rep["realm"]))


async def get(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(ADMIN + path, params=params, headers=await admin_headers(env))
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def post(env: Env, path: str, body: Any, status: int = 204) -> None:
    response = await env.http.post(ADMIN + path, json=body, headers=await admin_headers(env))
    assert response.status_code == status, (path, response.status_code, response.text)


async def put(env: Env, path: str, body: Any, status: int = 204) -> None:
    response = await env.http.put(ADMIN + path, json=body, headers=await admin_headers(env))
    assert response.status_code == status, (path, response.status_code, response.text)


async def delete(env: Env, path: str, body: Any = None) -> None:
    """A DELETE, with a JSON body where the resource takes one (role mappings)."""
    headers = await admin_headers(env)
    response = await env.http.request("DELETE", ADMIN + path, json=body, headers=headers)
    assert response.status_code == 204, (path, response.status_code, response.text)


async def client_uuid(env: Env, client_id: str) -> str:
    (client,) = await get(env, "/clients", clientId=client_id)
    return str(client["id"])


async def user_id(env: Env, username: str) -> str:
    (user,) = await get(env, "/users", username=username, exact="true")
    return str(user["id"])


async def add_totp(env: Env, username: str, secret: str) -> None:
    """UserBuilder's ``totpSecret``: the user's OTP credential, made a second ago, goes into the store (a realm
    import reads passwords only)."""
    uid = await user_id(env, username)
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        await tx.users.add_credential(
            otp.new_credential(uid, otp.policy(realm), secret, None, env.clock.now_ms() - 1000)
        )


async def update_realm(env: Env, **changes: Any) -> None:
    await put(env, "", changes)


async def update_client(env: Env, client_id: str, **changes: Any) -> None:
    """ClientManager / ClientAttributeUpdater: the representation read, changed and written back."""
    uuid = await client_uuid(env, client_id)
    rep = await get(env, f"/clients/{uuid}")
    attributes = changes.pop("attributes", None)
    if attributes is not None:
        rep["attributes"] = {**rep.get("attributes", {}), **attributes}
    await put(env, f"/clients/{uuid}", {**rep, **changes})


async def update_user(env: Env, username: str, **changes: Any) -> None:
    uid = await user_id(env, username)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, **changes})


async def poll(env: Env) -> list[dict[str, Any]]:
    """Every event recorded since the last poll, oldest first."""
    found: list[dict[str, Any]] = await get(env, "/events", max=1000)
    await delete(env, "/events")
    return list(reversed(found))


async def one_event(env: Env) -> dict[str, Any]:
    """``events.poll()`` where the test expects exactly one event since the last poll."""
    found = await poll(env)
    assert len(found) == 1, [(e["type"], e.get("error")) for e in found]
    return found[0]


async def session_active(env: Env, session_id: str) -> bool:
    """``testingClient.testing().getClientSessionsCountInUserSession`` answers (rather than 404): the online
    user session is still in the store."""
    async with env.db.transaction() as tx:
        return await tx.sessions.get_user_session(session_id, False) is not None
