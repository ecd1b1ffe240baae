"""An offline session ended through the Admin REST API on one process: the other refuses its refresh token at the
very next request, on SQLite (two processes on one file) and PostgreSQL (two workers of one server).

test_workers_offline_core covers /revoke and logout across workers, test_workers_sessions the admin reads after
``DELETE /sessions/{id}?isOffline=true``; here the refresh itself, on node 1 (which refreshed the token once
before, so warm), after each admin way of ending it through node 0: RealmAdminResource.deleteSession with
``isOffline``, UserResource.revokeConsent (UserSessionManager.revokeOfflineToken) and the user's deletion.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from worker_pair import Pair, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

REALM, CLIENT, SECRET = "interop", "interop-app", "interop-app-secret"  # interop.server.SeedRealm's


def _token(pair: Pair, node: int, **form: str) -> httpx.Response:
    sent = {"client_id": CLIENT, "client_secret": SECRET, **form}
    return pair.form(node, f"/realms/{REALM}/protocol/openid-connect/token", sent)


def _offline(pair: Pair, username: str) -> dict[str, Any]:
    """A user ``username`` made through node 0, an offline token issued to them through node 0 and refreshed once
    through node 1: the token response of that refresh."""
    user = {"username": username, "enabled": True, "email": f"{username}@example.org", "emailVerified": True}
    user |= {"firstName": "Off", "lastName": "Line"}
    user["credentials"] = [{"type": "password", "value": "offline-password", "temporary": False}]
    pair.admin(0, "POST", path(REALM, "users"), user, 201)
    login = _token(
        pair, 0, grant_type="password", username=username, password="offline-password", scope="offline_access"
    )
    assert login.status_code == 200, login.text
    refreshed = _token(pair, 1, grant_type="refresh_token", refresh_token=login.json()["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    return dict(refreshed.json())


def _user_id(pair: Pair, username: str) -> str:
    (user,) = pair.admin(0, "GET", f"{path(REALM, 'users')}?username={username}&exact=true", status=200).json()
    return str(user["id"])


def _refused(pair: Pair, tokens: dict[str, Any]) -> tuple[int, str, str]:
    answer = _token(pair, 1, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    body = answer.json()
    return answer.status_code, body.get("error", ""), body.get("error_description", "")


def test_an_offline_session_deleted_through_one_process_refreshes_no_more_on_the_other(pair: Pair) -> None:
    tokens = _offline(pair, "deleted-session")
    pair.admin(0, "DELETE", f"{path(REALM, 'sessions', tokens['session_state'])}?isOffline=true", status=204)
    assert _refused(pair, tokens) == (400, "invalid_grant", "Offline user session not found")


def test_a_consent_revoked_through_one_process_ends_the_offline_token_on_the_other(pair: Pair) -> None:
    tokens = _offline(pair, "revoked-consent")
    pair.admin(0, "DELETE", path(REALM, "users", _user_id(pair, "revoked-consent"), "consents", CLIENT), status=204)
    assert _refused(pair, tokens) == (400, "invalid_grant", "Offline user session not found")


def test_a_user_deleted_through_one_process_refreshes_no_offline_token_on_the_other(pair: Pair) -> None:
    tokens = _offline(pair, "deleted-user")
    pair.admin(0, "DELETE", path(REALM, "users", _user_id(pair, "deleted-user")), status=204)
    assert _refused(pair, tokens) == (
        400,
        "invalid_grant",
        "Offline user session not found",
    )  # the sessions go with the user
