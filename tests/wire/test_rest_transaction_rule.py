"""The REST APIs' one transaction rule (web/handlers.py): a refused call leaves no write behind."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.app import create_app
from doorkeep.errors import AdminError
from doorkeep.web import handlers
from doorkeep.web.admin import common
from wire_env import Env

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio

HALFWAY = "/admin/realms/{realm}/users/{id}/halfway"


async def _disable_then_refuse(request: Request) -> Response:
    """A users-style handler that writes (disables the user), then is refused, as a late check would."""

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        user = await common.user_of(tx, realm, request.path_params["id"])
        await tx.users.update(dataclasses.replace(user, enabled=False, first_name="Changed"))
        raise AdminError(409, "User exists with same username")

    return await handlers.answer(request, work)


async def _realm_call_then_refuse(request: Request) -> Response:
    """A clients-style handler (common.run_realm) that writes, then is refused."""

    async def work(call: common.RealmCall) -> Response:
        call.require("manage-realm")
        await call.tx.realms.update(dataclasses.replace(call.realm, display_name="Changed"))
        raise common.invalid_input("refused after the write")

    return await common.run_realm(request, work)


def _client(env: Env) -> httpx.AsyncClient:
    app = create_app(env.settings, db=env.db, clock=env.clock)
    app.router.routes.insert(0, Route(HALFWAY, _disable_then_refuse, methods=["PUT"]))
    app.router.routes.insert(0, Route("/admin/realms/{realm}/halfway", _realm_call_then_refuse, methods=["PUT"]))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


async def _user(env: Env, headers: dict[str, str]) -> dict[str, object]:
    found = await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=headers)
    assert found.status_code == 200, found.text
    user: dict[str, object] = found.json()[0]
    return user


async def test_an_admin_request_failing_halfway_leaves_no_write_and_no_admin_event(realm: Env) -> None:
    headers = await realm.admin_headers()
    on = await realm.http.put("/admin/realms/test", json={"adminEventsEnabled": True}, headers=headers)
    assert on.status_code == 204, on.text
    before = await _user(realm, headers)
    events_before = (await realm.http.get("/admin/realms/test/admin-events", headers=headers)).json()
    async with _client(realm) as http:
        refused = await http.put(f"/admin/realms/test/users/{before['id']}/halfway", json={}, headers=headers)
    assert refused.status_code == 409
    assert refused.json() == {"errorMessage": "User exists with same username"}
    after = await _user(realm, headers)
    assert after == before, "the write made before the refusal was committed"
    events_after = (await realm.http.get("/admin/realms/test/admin-events", headers=headers)).json()
    assert events_after == events_before


async def test_a_realm_admin_call_failing_halfway_rolls_back_its_write(realm: Env) -> None:
    headers = await realm.admin_headers()
    async with _client(realm) as http:
        refused = await http.put("/admin/realms/test/halfway", json={}, headers=headers)
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_input", "error_description": "refused after the write"}
    shown = await realm.http.get("/admin/realms/test", headers=headers)
    assert shown.json().get("displayName") != "Changed"


async def test_an_admin_refusal_before_any_write_answers_keycloaks_error(realm: Env) -> None:
    headers = await realm.admin_headers()
    async with _client(realm) as http:
        missing = await http.put("/admin/realms/test/users/no-such-id/halfway", json={}, headers=headers)
        anonymous = await http.put("/admin/realms/test/halfway", json={})
    assert missing.status_code == 404
    assert missing.json() == {"error": "User not found"}
    assert anonymous.status_code == 401
