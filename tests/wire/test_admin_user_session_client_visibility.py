"""Keycloak's UserSessionClientVisibilityTest without fine-grained admin permissions: viewing a user's sessions,
offline sessions and consents needs view-users alone, so the clients those answers reveal follow the client view
permission (view-clients or manage-clients). An admin with view-users but not view-clients sees the sessions with no
clients, no consents, and 403 for one client's offline sessions; with view-clients, everything. The console's
bulk revocation, which a view-users admin also reaches, checks manage-users first."""

from __future__ import annotations

from typing import Any

import pytest

from admin_console_http import post, sign_in
from admin_support import make_admin, realm_admin, visible_and_hidden_sessions
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
CONSOLE = "/admin/test/console/test"
HTML = {"Accept": "text/html"}


async def _get(env: Env, path: str, headers: dict[str, str]) -> Any:
    return await env.http.get(f"{REALM}{path}", headers=headers)


async def test_a_user_viewer_without_view_clients_sees_no_client(env: Env) -> None:
    visible, hidden, owner = await visible_and_hidden_sessions(env)
    viewer = await realm_admin(env, "fgap-viewer", "view-realm", "view-users")
    sessions = await _get(env, f"/users/{owner}/sessions", viewer)
    assert sessions.status_code == 200, sessions.text
    assert sessions.json() and all(s["clients"] == {} for s in sessions.json())
    consents = await _get(env, f"/users/{owner}/consents", viewer)
    assert consents.status_code == 200 and consents.json() == [], consents.text
    for client in (visible, hidden):
        refused = await _get(env, f"/users/{owner}/offline-sessions/{client}", viewer)
        assert refused.status_code == 403, refused.text
    unknown = await _get(env, f"/users/{owner}/offline-sessions/no-such-client", viewer)
    assert unknown.status_code == 404, unknown.text


@pytest.mark.parametrize("role", ["view-clients", "manage-clients"])
async def test_a_viewer_of_clients_sees_every_client(env: Env, role: str) -> None:
    visible, hidden, owner = await visible_and_hidden_sessions(env)
    viewer = await realm_admin(env, "full-viewer", "view-realm", "view-users", role)
    sessions = (await _get(env, f"/users/{owner}/sessions", viewer)).json()
    assert {c for s in sessions for c in s["clients"]} == {visible, hidden}
    consents = (await _get(env, f"/users/{owner}/consents", viewer)).json()
    assert {c["clientId"] for c in consents} == {"visible-app", "hidden-app"}
    for client in (visible, hidden):
        offline = await _get(env, f"/users/{owner}/offline-sessions/{client}", viewer)
        assert offline.status_code == 200 and len(offline.json()) == 1, offline.text


async def test_the_admin_console_shows_a_user_viewer_no_client(env: Env) -> None:
    """The console's Consents and Sessions tabs follow the REST rule: a view-users admin without view-clients sees
    the user's sessions but no client of them and no consent."""
    _, _, owner = await visible_and_hidden_sessions(env)
    await make_admin(env, "test", "console-viewer", "view-realm", "view-users")
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "console-viewer")
        consents = await http.get(f"{CONSOLE}/users/{owner}/consents", headers=HTML)
        sessions = await http.get(f"{CONSOLE}/users/{owner}/sessions", headers=HTML)
    for page in (consents, sessions):
        assert page.status_code == 200, page.text[:300]
        assert "visible-app" not in page.text and "hidden-app" not in page.text
    await make_admin(env, "test", "console-full-viewer", "view-realm", "view-users", "view-clients")
    async with client_at(env, "127.0.0.3") as http:
        await sign_in(http, "console-full-viewer")
        for tab in ("consents", "sessions"):
            page = await http.get(f"{CONSOLE}/users/{owner}/{tab}", headers=HTML)
            assert "visible-app" in page.text and "hidden-app" in page.text, tab


async def test_bulk_revocation_in_the_console_asks_manage_users_before_reading_the_criteria(env: Env) -> None:
    """A view-users console admin posting the bulk revocation's preview or run, with criteria good or bad, gets the
    403 page, never the form's criteria error nor the confirm step (the REST call's order)."""
    await visible_and_hidden_sessions(env)
    await make_admin(env, "test", "bulk-viewer", "view-realm", "view-users")
    async with client_at(env, "127.0.0.4") as http:
        start = await sign_in(http, "bulk-viewer")
        base = f"{CONSOLE}/offline-sessions/revoke"
        for action in ("preview", "run"):
            for criteria in ({"client": "visible-app"}, {"ipAddress": "not-an-address"}):
                answer = await post(http, f"{base}/{action}", start, **criteria)
                assert answer.status_code == 403, (action, criteria, answer.text[:300])
                assert "Revoke offline sessions?" not in answer.text
