"""admin-ui-ext's ``SessionsResource.clientSessions`` (``GET ui-ext/sessions/client``), every query parameter it reads.

The newest SessionsResource reads ``clientId`` (the client's uuid), ``type`` (SessionType ALL, the default, REGULAR
or OFFLINE), ``search`` (blank: none; else trimmed, kept where the username, the IP address or any clientId of the
session contains it, case counting), ``first`` (0) and ``max`` (10) as ints; no user parameter (the only per-user
rule is applySearch's ``auth.users().canView``). A session's ``clients`` are all the clients of that user session
(toRepresentation walks getAuthenticatedClientSessions), not only the listed client; the list is ``distinct`` by
session id and type (SessionRepresentation.equals). ``realmSessions`` finds a session through each of its clients
(getActiveClientSessionStats) and lists it once per type.

Deliberate difference: a negative ``first`` or ``max`` is a Java Stream's IllegalArgumentException (a 500) there;
here it counts as 0 (the list from the start, or none).
"""

from __future__ import annotations

from typing import Any

import pytest

import browser_flow
from admin_support import realm_admin
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
UI_EXT = "/admin/realms/test/ui-ext/sessions"
REDIRECTS = ("http://127.0.0.1:9999/*",)


async def _get(env: Env, path: str, headers: dict[str, str] | None = None, /, **params: Any) -> Any:
    response = await env.http.get(UI_EXT + path, params=params, headers=headers or await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _status(env: Env, path: str, headers: dict[str, str] | None = None, /, **params: Any) -> int:
    response = await env.http.get(UI_EXT + path, params=params, headers=headers or await env.admin_headers())
    return response.status_code


async def _sso_in_two_clients(env: Env) -> tuple[str, str, str]:
    """user1 logs in to app-a in a browser, then to app-b by its SSO session: one user session, two clients."""
    for client_id in ("app-a", "app-b"):
        params = await browser_flow.login(env.http, "test", client_id)
        answer = await browser_flow.exchange(env.http, "test", client_id, params["code"])
        assert answer.status_code == 200, answer.text
    return answer.json()["session_state"], *await _uuids(env)


async def _uuids(env: Env) -> tuple[str, str]:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        a = await tx.clients.get_by_client_id(realm.id, "app-a")
        b = await tx.clients.get_by_client_id(realm.id, "app-b")
        assert a is not None and b is not None
        return a.id, b.id


@pytest.fixture
async def two(env: Env) -> tuple[Env, str, str, str]:
    """Realm ``test``: user1's browser session holding app-a and app-b, and user2's online and offline sessions of
    app-a (password grants)."""
    await seed_realm(env.db, env.clock)
    for client_id in ("app-a", "app-b"):
        await seed_client(env.db, "test", client_id, redirect_uris=REDIRECTS)
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "user2")
    sid, a, b = await _sso_in_two_clients(env)
    for scope in (None, "offline_access"):
        granted = await password_grant(env.http, "test", "app-a", "user2", scope=scope)
        assert granted.status_code == 200, granted.text
    return env, sid, a, b


async def test_a_clients_sessions_name_every_client_of_each_session(two: tuple[Env, str, str, str]) -> None:
    env, sid, a, b = two
    listed = await _get(env, "/client", clientId=a, max=100)
    [shared] = [s for s in listed if s["id"] == sid]
    assert shared["type"] == "REGULAR" and shared["clients"] == {a: "app-a", b: "app-b"}
    assert sorted((s["username"], s["type"]) for s in listed) == [
        ("user1", "REGULAR"),
        ("user2", "OFFLINE"),
        ("user2", "REGULAR"),
    ]
    [only] = await _get(env, "/client", clientId=b, max=100)
    assert only["id"] == sid and only["clients"] == {a: "app-a", b: "app-b"}


async def test_the_realm_list_shows_a_session_of_two_clients_once(two: tuple[Env, str, str, str]) -> None:
    env, sid, _, _ = two
    listed = await _get(env, "", max=100, type="REGULAR")
    assert [s["id"] for s in listed].count(sid) == 1


@pytest.mark.parametrize(
    "search, users",
    [
        ("app-b", ["user1"]),  # another client of the session
        ("  user2 ", ["user2", "user2"]),  # trimmed
        ("User2", []),  # case counts
        ("127.0.0.1", ["user1", "user2", "user2"]),  # the IP address
        ("   ", ["user1", "user2", "user2"]),  # blank: no search
        ("nobody", []),
    ],
)
async def test_a_clients_sessions_are_searched_by_username_ip_and_any_client_id(
    two: tuple[Env, str, str, str], search: str, users: list[str]
) -> None:
    env, _, a, _ = two
    listed = await _get(env, "/client", clientId=a, search=search, max=100)
    assert sorted(s["username"] for s in listed) == users


async def test_a_clients_sessions_by_type(two: tuple[Env, str, str, str]) -> None:
    env, _, a, b = two
    assert [s["username"] for s in await _get(env, "/client", clientId=a, type="OFFLINE")] == ["user2"]
    assert sorted(s["username"] for s in await _get(env, "/client", clientId=a, type="REGULAR")) == ["user1", "user2"]
    assert len(await _get(env, "/client", clientId=a, type="ALL")) == 3
    assert await _get(env, "/client", clientId=b, type="OFFLINE") == []
    assert await _status(env, "/client", clientId=a, type="regular") == 404  # Enum.valueOf: names as written


async def test_a_clients_sessions_are_paged_by_first_and_max(two: tuple[Env, str, str, str]) -> None:
    env, _, a, _ = two
    everything = [(s["id"], s["type"]) for s in await _get(env, "/client", clientId=a)]
    assert len(everything) == 3
    pages = [await _get(env, "/client", clientId=a, first=at, max=2) for at in (0, 2, 4)]
    assert [[(s["id"], s["type"]) for s in p] for p in pages] == [everything[:2], everything[2:], []]
    assert await _get(env, "/client", clientId=a, max=0) == []
    assert [(s["id"], s["type"]) for s in await _get(env, "/client", clientId=a, first=-1, max=-1)] == []
    for name in ("first", "max"):
        assert await _status(env, "/client", clientId=a, **{name: "two"}) == 404  # JAX-RS's int conversion
        assert await _status(env, "/client", clientId=a, **{name: "2147483648"}) == 404


async def test_a_clients_sessions_need_view_clients_and_list_only_viewable_users(
    two: tuple[Env, str, str, str],
) -> None:
    """requireView of the client (403), a client that does not exist in the realm (404), and applySearch's canView per user:
    none without view-users. manage-users views users, manage-clients views clients (UserPermissions.canView,
    ClientPermissions.canView)."""
    env, _, a, _ = two
    no_clients = await realm_admin(env, "no-clients", "view-users", "view-realm")
    assert await _status(env, "/client", no_clients, clientId=a) == 403
    no_users = await realm_admin(env, "no-users", "view-clients")
    assert await _get(env, "/client", no_users, clientId=a) == []
    managers = await realm_admin(env, "managers", "manage-users", "manage-clients")
    assert len(await _get(env, "/client", managers, clientId=a)) == 3
    assert await _status(env, "/client", clientId="no-such-client") == 404
    await seed_realm(env.db, env.clock, "other")
    elsewhere = await seed_client(env.db, "other", "app-a")
    assert await _status(env, "/client", clientId=elsewhere.id) == 404  # realm.getClientById: this realm's only
    assert await _status(env, "/client") == 404
