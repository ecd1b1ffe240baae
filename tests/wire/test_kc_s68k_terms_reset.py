"""Keycloak's TermsAndConditionsResetTest and RequiredActionResetIntervalTest (testsuite/.../actions/) over HTTP.

Both classes sit in Keycloak's repository history only as commits of a fork (GRNET's eosc-kc): they drive a
``RequiredActionsResetTask`` timer, a ``reset_every`` / ``reset_every_multiplier`` config on the Terms and
Conditions required action, and an admin ``resetRequiredAction`` call, none of which Keycloak's own
AuthenticationManagementResource or services have. So the fork's endpoint is no Keycloak endpoint: POST
``authentication/required-actions/TERMS_AND_CONDITIONS/reset`` matches no resource method (404), and the interval
task is not ported (Doorkeep has no such timer; a deliberate difference from the fork, none from Keycloak).

What termsAcceptedAndRefreshed asserts of Keycloak's own behaviour is ported, the fork's reset replaced by what an
admin of Keycloak does to ask for the terms again (UserResource.updateUser with the action in
``requiredActions``): each of two users signs in, is shown the terms, accepts them, and the admin API then lists
no required action for the user (TermsAndConditions.processAction removes it); the sessions are ended
(``logout-all``); the terms asked again, both users are shown them again and accept them again.
"""

from __future__ import annotations

import pytest

from browser_flow import code_from, start, submit
from keycloak_port import ADMIN, admin_headers, get, put
from support import seed_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

TERMS = "TERMS_AND_CONDITIONS"
USERS = ("test-user@localhost", "test-user2@localhost")


@pytest.fixture
async def terms(realm: Env) -> Env:
    """``addTermsAndConditionsRequiredActionAndSecondUser``: the action enabled, both users carrying it."""
    await update_realm(realm.db, "test", events_enabled=True)
    await seed_client(realm.db, "test", "test-app", redirect_uris=("http://127.0.0.1:9999/*",))
    action = await get(realm, f"/authentication/required-actions/{TERMS}")
    await put(realm, f"/authentication/required-actions/{TERMS}", {**action, "enabled": True})
    headers = await admin_headers(realm)
    for username in USERS:
        user = {"username": username, "email": username, "firstName": "Tom", "lastName": "Brady", "enabled": True}
        user["requiredActions"] = [TERMS]
        user["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
        made = await realm.http.post(f"{ADMIN}/users", json=user, headers=headers)
        assert made.status_code == 201, made.text
    return realm


async def required_actions(env: Env, username: str) -> list[str]:
    (user,) = await get(env, "/users", username=username, exact="true")
    found: list[str] = user["requiredActions"]
    return found


async def accept_terms(env: Env, username: str) -> None:
    """``termsAndConditionsAccept``: the terms page after the password, accepted, and no action left."""
    page = await submit(env.http, await start(env.http, "test", "test-app"), username=username, password="password")
    assert page.status_code == 200 and 'name="accept"' in page.text, page.text[:600]
    assert "code" in code_from(await submit(env.http, page, accept="Accept"))
    assert await required_actions(env, username) == []


async def logout_all(env: Env) -> None:
    """``deleteAllSessionsInRealm``: the realm's sessions ended and the browser's cookies gone."""
    ended = await env.http.post(f"{ADMIN}/logout-all", headers=await admin_headers(env))
    assert ended.status_code == 200, ended.text
    env.http.cookies.clear()


async def test_terms_accepted_and_refreshed(terms: Env) -> None:
    """TermsAndConditionsResetTest#termsAcceptedAndRefreshed, the terms asked again through the user update."""
    for username in USERS:
        await accept_terms(terms, username)
        await logout_all(terms)
    for username in USERS:
        (user,) = await get(terms, "/users", username=username, exact="true")
        await put(terms, f"/users/{user['id']}", {**user, "requiredActions": [TERMS]})
        assert await required_actions(terms, username) == [TERMS]
    for username in USERS:
        await accept_terms(terms, username)
        await logout_all(terms)


async def test_the_fork_s_reset_endpoint_is_no_keycloak_endpoint(terms: Env) -> None:
    """TermsAndConditionsResetTest's ``flows().resetRequiredAction`` and RequiredActionResetIntervalTest's timer
    belong to the fork: Keycloak matches no resource method there (RESTEasy's 404 in Keycloak's JSON, not the 501
    of a Keycloak feature Doorkeep lacks), and nothing of the users changes. The neighbouring paths Keycloak has
    (``raise-priority``, ``config-description``) are still routed."""
    headers = await admin_headers(terms)
    url = f"{ADMIN}/authentication/required-actions/{TERMS}/reset"
    answer = await terms.http.post(url, headers=headers)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == "Unable to find matching target resource method"
    for path in ("flows/x/reset", "executions/x/config/y/z", "required-actions/x/y/z", "config-description"):
        answer = await terms.http.get(f"{ADMIN}/authentication/{path}", headers=headers)
        assert answer.status_code == 404, (path, answer.text)
    raised = await terms.http.post(f"{ADMIN}/authentication/required-actions/{TERMS}/raise-priority", headers=headers)
    assert raised.status_code == 204, raised.text
    for username in USERS:
        assert await required_actions(terms, username) == [TERMS]
