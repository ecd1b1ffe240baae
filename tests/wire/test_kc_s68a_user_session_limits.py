"""Keycloak's UserSessionLimitsDirectGrantTest and UserSessionLimitsBrowserTest (tests/base/.../tests/sessionlimits/,
split out of UserSessionLimitsTest by the fix of issue 46879) over HTTP: the methods the earlier port
(test_kc_new_user_session_limits.py) does not hold. The set-up is ``session_limits_port``'s.

``Terminate oldest session`` when the realm limit is reached ends, after the sessions over the client limit, the
sessions of the client being signed in to before those of other clients, and the oldest of each (the comparator
of UserSessionLimitsAuthenticator that testComparatorPrioritizesCurrentClientSessionsForRemoval and
testComparatorFallsBackToAgeWhenNoCurrentClientSessions assert). ``Thread.sleep(1100)`` becomes the fake clock.

The old testsuite's RealmSessionLimitsTest is not ported: it tests ``realm-session-limits``
(RealmSessionLimitsAuthenticator), which Keycloak dropped before the limiter shipped; Keycloak 26 has no such
provider, and neither has Doorkeep.
"""

from __future__ import annotations

import pytest

import session_limits_port
from keycloak_port import poll
from otp_port import APP
from session_limits_port import DIRECT, TERMINATE, configure, password_grant, session_counts, sessions
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, imported, kc, otp_realm, otp_users, limited = session_limits_port.FIXTURES

DG1, DG2, DG3 = "direct-grant-1", "direct-grant-2", "direct-grant-3"


async def grants(env: Env, *client_ids: str) -> None:
    """One password grant a client, each accepted, the clock a second and more on after each (so that the
    sessions' ``lastSessionRefresh`` differ, as the Java tests' sleeps make them)."""
    for client_id in client_ids:
        response = await password_grant(env, client_id)
        assert response.status_code == 200, (client_id, response.text)
        env.clock.advance(2)


async def test_realm_limit_exceeded_with_multiple_clients_and_client_limit_higher(limited: Env) -> None:
    """UserSessionLimitsDirectGrantTest#testRealmLimitExceededWithMultipleClientsAndClientLimitHigherDirectGrantFlow
    (issue 46879): the realm limit reached while the client's is far off ends one session and admits the login,
    never an error."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="3", userClientLimit="10")
    await grants(limited, DG1, DG1, DG2)
    assert await session_counts(limited, DG1, DG2) == (3, 2, 1)
    await grants(limited, DG2)
    assert (await session_counts(limited))[0] == 3


async def test_comparator_prioritizes_current_client_sessions_for_removal(limited: Env) -> None:
    """UserSessionLimitsDirectGrantTest#testComparatorPrioritizesCurrentClientSessionsForRemoval: with no client
    limit, the realm limit ends the session of the client signed in to, though the other client's are older."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="3", userClientLimit="0")
    await grants(limited, DG1, DG1, DG2)
    assert await session_counts(limited, DG1, DG2) == (3, 2, 1)
    await grants(limited, DG2)
    assert await session_counts(limited, DG1, DG2) == (3, 2, 1)


async def test_comparator_falls_back_to_age_when_no_current_client_sessions(limited: Env) -> None:
    """UserSessionLimitsDirectGrantTest#testComparatorFallsBackToAgeWhenNoCurrentClientSessions: no session of the
    client signed in to, so the oldest session of all goes."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="2", userClientLimit="0")
    await grants(limited, DG1, DG2)
    assert await session_counts(limited, DG1, DG2) == (2, 1, 1)
    await grants(limited, DG3)
    assert await session_counts(limited, DG1, DG2, DG3) == (2, 0, 1, 1)


async def test_realm_limit_exceeded_with_new_client_and_oldest_session_removed_from_other_clients(
    limited: Env,
) -> None:
    """UserSessionLimitsDirectGrantTest#testRealmLimitExceededWithNewClientAndOldestSessionRemovedFromOtherClients:
    a third client's login under a realm limit of two ends the oldest session (of another client) and is
    admitted."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="2", userClientLimit="2")
    await grants(limited, DG1, DG2)
    assert await session_counts(limited, DG1, DG2) == (2, 1, 1)
    await grants(limited, DG3)
    assert await session_counts(limited, DG1, DG2, DG3) == (2, 0, 1, 1)


async def test_realm_and_client_limit_exceeded_and_client_session_removal_sufficient(limited: Env) -> None:
    """UserSessionLimitsDirectGrantTest#testRealmAndClientLimitExceededAndClientSessionRemovalSufficient: both limits
    reached; ending the client's oldest session makes room under both, so no other client's session goes."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="4", userClientLimit="2")
    await grants(limited, DG1, DG1, DG2, DG2)
    assert await session_counts(limited, DG1, DG2) == (4, 2, 2)
    await grants(limited, DG1)
    assert await session_counts(limited, DG1, DG2) == (4, 2, 2)


async def test_the_session_ended_for_the_realm_limit_is_the_oldest_of_the_current_client(limited: Env) -> None:
    """The comparator's order within the client's sessions: of the two sessions of ``direct-grant-1`` the one
    refreshed longest ago is ended (its LOGOUT names it), the other client's older session stays."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="3", userClientLimit="0")
    await grants(limited, DG2, DG1, DG1)
    before = {s["id"]: s for s in await sessions(limited)}
    logins = [e for e in await poll(limited) if e["type"] == "LOGIN"]
    assert [e["clientId"] for e in logins] == [DG2, DG1, DG1]
    await grants(limited, DG1)
    logout = [e for e in await poll(limited) if e["type"] == "LOGOUT"]
    assert [(e["sessionId"], e["clientId"]) for e in logout] == [(logins[1]["sessionId"], DG1)]
    after = {s["id"] for s in await sessions(limited)}
    assert logins[0]["sessionId"] in after and logins[1]["sessionId"] not in after and len(before) == len(after)


async def test_terminate_oldest_session_with_no_limit_reached_ends_nothing(limited: Env) -> None:
    """Below both limits the limiter ends no session and records no LOGOUT (``context.success()``)."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="3", userClientLimit="2")
    await grants(limited, APP, DG1)
    assert [e["type"] for e in await poll(limited)] == ["LOGIN", "LOGIN"]
    assert (await session_counts(limited))[0] == 2


async def test_a_direct_grant_logout_carries_the_grants_details(limited: Env) -> None:
    """logoutOldestSessions records each ended session as a clone of the login's event builder: in the direct grant
    the LOGOUT names the ended session, the user and the client, with the grant's details so far (the grant
    type, the flow's auth method, the username typed, the client authentication method)."""
    await configure(limited, DIRECT, behavior=TERMINATE, userRealmLimit="1", userClientLimit="0")
    await grants(limited, DG1)
    (first,) = await poll(limited)
    await grants(limited, DG1)
    logout, login = await poll(limited)
    assert (logout["type"], logout["sessionId"], logout["userId"]) == ("LOGOUT", first["sessionId"], first["userId"])
    assert (logout["clientId"], logout["ipAddress"], login["type"]) == (DG1, first["ipAddress"], "LOGIN")
    shared = ("grant_type", "auth_method", "username", "client_auth_method")
    assert logout["details"] == {k: first["details"][k] for k in shared}
