"""UserSessionClientVisibilityTest's ``uiExtSessionsShowAllClientsWithViewClients`` (tests/base/.../admin/user/,
keycloak@532241fb) and the admin-ui-ext SessionsResource it calls (``GET ui-ext/sessions``, ``ui-ext/sessions/client``),
on the realm of test_admin_user_session_client_visibility.py: ``session-owner`` holds, for each of ``visible-app``
and ``hidden-app``, one online and one offline session. ``uiExtSessionsHideClientsWithoutViewPermission`` needs
fine-grained admin permissions, which Doorkeep does not have; without them a view-users admin who may not view
clients sees the sessions with no client, as ``GET users/{id}/sessions`` shows them."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin, visible_and_hidden_sessions
from support import password_grant, seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio

UI_EXT = "/admin/realms/test/ui-ext/sessions"


async def _sessions(env: Env, headers: dict[str, str], path: str = "", **params: Any) -> list[dict[str, Any]]:
    response = await env.http.get(UI_EXT + path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def test_ui_ext_sessions_show_all_clients_with_view_clients(env: Env) -> None:
    """An admin with view-realm, view-users and view-clients: ``ui-ext/sessions?max=100`` names both clients among
    the owner's sessions, each session once per kind, in admin-ui-ext's SessionRepresentation."""
    visible, hidden, owner = await visible_and_hidden_sessions(env)
    viewer = await realm_admin(env, "full-viewer", "view-realm", "view-users", "view-clients")
    listed = [s for s in await _sessions(env, viewer, max=100) if s["userId"] == owner]
    assert {c for s in listed for c in s["clients"]} == {visible, hidden}
    assert sorted(s["type"] for s in listed) == ["OFFLINE", "OFFLINE", "REGULAR", "REGULAR"]
    now_ms = env.clock.now() * 1000
    [one] = [s for s in listed if s["type"] == "REGULAR" and visible in s["clients"]]
    assert one == {
        "id": one["id"],
        "username": "session-owner",
        "userId": owner,
        "ipAddress": "127.0.0.1",
        "start": now_ms,
        "lastAccess": now_ms,
        "transientUser": False,
        "type": "REGULAR",
        "clients": {visible: "visible-app"},
    }


async def test_ui_ext_sessions_without_view_clients_show_no_client(env: Env) -> None:
    """view-realm and view-users without view-clients: the sessions, with no client."""
    _, _, owner = await visible_and_hidden_sessions(env)
    viewer = await realm_admin(env, "user-viewer", "view-realm", "view-users")
    listed = await _sessions(env, viewer, max=100)
    assert len([s for s in listed if s["userId"] == owner]) == 4  # and the viewer's own admin-cli session
    assert all(s["clients"] == {} for s in listed)


async def test_ui_ext_sessions_need_view_realm_and_list_only_viewable_users(env: Env) -> None:
    """SessionsResource.realmSessions asks view-realm (403 without); applySearch keeps the sessions of users the
    admin may view, so a view-realm admin without view-users gets none."""
    await visible_and_hidden_sessions(env)
    no_realm = await realm_admin(env, "no-realm", "view-users", "view-clients")
    refused = await env.http.get(UI_EXT, headers=no_realm)
    assert refused.status_code == 403, refused.text
    realm_only = await realm_admin(env, "realm-only", "view-realm")
    assert await _sessions(env, realm_only, max=100) == []


async def test_ui_ext_sessions_type_search_and_paging(env: Env) -> None:
    """``type`` picks REGULAR or OFFLINE (an unknown name is JAX-RS's 404); ``search`` keeps the sessions whose
    username, IP address or a clientId contains it (trimmed); ``first``/``max`` page the list, ``max`` 10 by
    default."""
    _, hidden, _ = await visible_and_hidden_sessions(env)
    headers = await env.admin_headers()
    assert {s["type"] for s in await _sessions(env, headers, type="REGULAR")} == {"REGULAR"}
    assert len(await _sessions(env, headers, type="OFFLINE")) == 2
    unknown = await env.http.get(UI_EXT, params={"type": "online"}, headers=headers)
    assert unknown.status_code == 404, unknown.text
    found = await _sessions(env, headers, search=" hidden ")
    assert len(found) == 2 and all(s["clients"] == {hidden: "hidden-app"} for s in found)
    assert len(await _sessions(env, headers, search="127.0.0")) == 4
    assert await _sessions(env, headers, search="Session-Owner") == []
    everything = await _sessions(env, headers)
    assert len(everything) == 4
    pages = [await _sessions(env, headers, first=at, max=3) for at in (0, 3)]
    assert [len(p) for p in pages] == [3, 1]
    assert [(s["id"], s["type"]) for p in pages for s in p] == [(s["id"], s["type"]) for s in everything]
    assert await _sessions(env, headers, max=0) == []


async def test_ui_ext_client_sessions_list_one_clients_online_and_offline_sessions(env: Env) -> None:
    """``ui-ext/sessions/client?clientId={uuid}``: that client's online and offline sessions; an unknown client is
    a 404."""
    visible, _, _ = await visible_and_hidden_sessions(env)
    headers = await env.admin_headers()
    other = await seed_client(env.db, "test", "other-app")
    assert (await password_grant(env.http, "test", "other-app", username="session-owner")).status_code == 200
    listed = await _sessions(env, headers, "/client", clientId=visible)
    assert sorted(s["type"] for s in listed) == ["OFFLINE", "REGULAR"]
    assert all(s["clients"] == {visible: "visible-app"} for s in listed)
    [only] = await _sessions(env, headers, "/client", clientId=other.id, type="REGULAR")
    assert only["clients"] == {other.id: "other-app"}
    missing = await env.http.get(f"{UI_EXT}/client", params={"clientId": "no-such-client"}, headers=headers)
    assert missing.status_code == 404, missing.text
