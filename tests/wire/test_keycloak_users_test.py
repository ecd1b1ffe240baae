"""Keycloak 26's UsersTest (tests/base/.../tests/admin/UsersTest.java), ported one Java test method to one pytest
of the same name: ``GET /admin/realms/test/users`` and ``/users/count`` with ``search`` (prefix, ``*``
wildcards, ``"…"`` exact, several terms), ``username`` with and without ``exact``, the field filters
(``firstName``, ``lastName``, ``email``, ``username``), ``emailVerified`` and ``briefRepresentation``.

Each Java method gets a fresh realm (``LifeCycle.METHOD``), and so does each test here: realm ``test``
imported through ``POST /admin/realms``, its users created through ``POST /users`` as ``UserConfigBuilder``
builds them (enabled, names, e-mail, a password credential). The admin-client calls map onto query
parameters as Keycloak's ``UsersResource`` interface declares them: ``search(s, first, max)`` is
``?search=``, ``search(username)`` ``?username=``, ``search(username, exact)`` ``?username=&exact=``,
``count(search)`` ``/count?search=``, ``count(last, first, email, username)`` and
``countEmailVerified`` the field parameters of ``/count``. A null argument is no parameter at all.

Left out, with the reason: the arquillian UsersTest's ``count*WithGroupViewPermission`` and
``count*WithNoViewPermission`` methods (gone from Keycloak 26's UsersTest) grant view-members through
fine-grained admin permissions on groups, an authorization-services feature Doorkeep deliberately lacks.

Related behaviour tested elsewhere, not repeated: wildcards and ``LIKE`` metacharacters over more users
(test_profile_and_search.py), ``q`` pairs and ``search=id:`` (test_admin_users_keycloak_parity.py), and that
a narrowed database search finds what a full scan finds (test_admin_user_search_narrowed.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import ADMIN, admin_headers, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, {"realm": "test", "enabled": True})
    return env


async def create_user(
    env: Env, username: str, first: str, last: str, email: str, *, email_verified: bool = False
) -> None:
    """UserConfigBuilder.create()….build() and ``users().create``: 201."""
    rep = {
        "username": username,
        "enabled": True,
        "firstName": first,
        "lastName": last,
        "email": email,
        "emailVerified": email_verified,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    response = await env.http.post(f"{ADMIN}/users", json=rep, headers=await admin_headers(env))
    assert response.status_code == 201, response.text


async def search(env: Env, **params: Any) -> list[dict[str, Any]]:
    """``users().search(...)``: the parameters given (None ones left out), the users listed."""
    sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    response = await env.http.get(f"{ADMIN}/users", params=sent, headers=await admin_headers(env))
    assert response.status_code == 200, (sent, response.status_code, response.text)
    found: list[dict[str, Any]] = response.json()
    return found


async def count(env: Env, **params: Any) -> int:
    """``users().count(...)``: the number ``/users/count`` answers for these parameters."""
    sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    response = await env.http.get(f"{ADMIN}/users/count", params=sent, headers=await admin_headers(env))
    assert response.status_code == 200, (sent, response.status_code, response.text)
    assert isinstance(response.json(), int), response.text
    number: int = response.json()
    return number


async def three_users_two_verified(env: Env) -> None:
    await create_user(env, "user1", "user1FirstName", "user1LastName", "user1@example.com", email_verified=True)
    await create_user(env, "user2", "user2FirstName", "user2LastName", "user2@example.com")
    await create_user(env, "user3", "user3FirstName", "user3LastName", "user3@example.com", email_verified=True)


async def test_search_user_with_wildcards(kc: Env) -> None:
    """``%`` and ``_`` are literal characters of a search term, ``*`` its wildcard."""
    await create_user(kc, "User", "firstName", "lastName", "user@example.com")
    for term, expected in (("Use%", 0), ("Use_", 0), ("Us_r", 0), ("Use", 1), ("Use*", 1), ("Us*e", 1)):
        assert len(await search(kc, search=term)) == expected, term


async def test_search_user_default_settings(kc: Env) -> None:
    """assertCaseInsensitiveSearch: ``username`` matches by infix in any case, ``exact=true`` the whole name."""
    await create_user(kc, "User", "firstName", "lastName", "user@example.com")
    for name in ("user", "User", "USER", "Use"):
        assert len(await search(kc, username=name)) == 1, name
    for name, expected in (("user", 1), ("User", 1), ("USER", 1), ("Use", 0)):
        assert len(await search(kc, username=name, exact=True)) == expected, name


async def test_search_user_match_users_count(kc: Env) -> None:
    """Each blank-separated term must match some field: "jo do" finds john.doe (username, then last name)."""
    await create_user(kc, "john.doe", "John", "Doe Smith", "john.doe@keycloak.org")
    assert await count(kc, search="jo do") == 1
    users = await search(kc, search="jo do")
    assert [u["username"] for u in users] == ["john.doe"]


async def test_find_users_by_email_verified_status(kc: Env) -> None:
    """KEYCLOAK-15146: ``emailVerified`` filters the list, also with ``briefRepresentation=true``."""
    await create_user(kc, "user1", "user1FirstName", "user1LastName", "user1@example.com", email_verified=True)
    await create_user(kc, "user2", "user2FirstName", "user2LastName", "user2@example.com")

    verified = await search(kc, emailVerified=True, briefRepresentation=True)
    assert verified
    assert verified[0]["username"] == "user1"

    not_verified = await search(kc, emailVerified=False, briefRepresentation=True)
    assert not_verified
    assert not_verified[0]["username"] == "user2"


async def test_count_users_by_email_verified_status(kc: Env) -> None:
    """KEYCLOAK-15146: ``/count?emailVerified=`` counts by the flag."""
    await three_users_two_verified(kc)
    assert await count(kc, emailVerified=True) == 2  # countEmailVerified(true)
    assert await count(kc, emailVerified=True) == 2  # count(null, null, null, true, null)
    assert await count(kc, emailVerified=False) == 1
    assert await count(kc, emailVerified=False) == 1


async def test_count_users_with_view_permission(kc: Env) -> None:
    await create_user(kc, "user1", "user1FirstName", "user1LastName", "user1@example.com")
    await create_user(kc, "user2", "user2FirstName", "user2LastName", "user2@example.com")
    assert await count(kc) == 2


async def test_count_users_by_search_with_view_permission(kc: Env) -> None:
    """assertSearchMatchesCount: ``/count?search=`` and the list ``?search=`` agree, for prefix, infix and exact
    terms."""
    await three_users_two_verified(kc)
    expectations: list[tuple[str | None, int]] = [
        # Prefix search count
        ("user", 3),
        ("user*", 3),
        ("er", 0),
        ("", 3),
        ("*", 3),
        ("user2FirstName", 1),
        ("user2First", 1),
        ("user2First*", 1),
        ("user1@example", 1),
        ("user1@example*", 1),
        (None, 3),
        # Infix search count
        ("*user*", 3),
        ("**", 3),
        ("*foobar*", 0),
        ("*LastName*", 3),
        ("*FirstName*", 3),
        ("*@example.com*", 3),
        # Exact search count
        ('"user1"', 1),
        ('"1"', 0),
        ('""', 0),
        ('"user1FirstName"', 1),
        ('"user1LastName"', 1),
        ('"user1@example.com"', 1),
    ]
    for term, expected in expectations:
        found = await count(kc, search=term)
        assert found == expected, (term, found)
        assert len(await search(kc, search=term)) == found, term


async def test_count_users_by_filters_with_view_permission(kc: Env) -> None:
    """``count(lastName, firstName, email, username)``: each filter an infix match, empty ones ignored."""
    await create_user(kc, "user1", "user1FirstName", "user1LastName", "user1@example.com")
    await create_user(kc, "user2", "user2FirstName", "user2LastName", "user2@example.com")

    async def counted(last: str | None, first: str | None, email: str | None, username: str | None) -> int:
        return await count(kc, lastName=last, firstName=first, email=email, username=username)

    expectations: list[tuple[str | None, str | None, str | None, str | None, int]] = [
        # search username
        (None, None, None, "user", 2),
        (None, None, None, "user1", 1),
        (None, None, None, "notExisting", 0),
        (None, None, None, "", 2),
        # search first name
        (None, "FirstName", None, None, 2),
        (None, "user2FirstName", None, None, 1),
        (None, "notExisting", None, None, 0),
        (None, "", None, None, 2),
        # search last name
        ("LastName", None, None, None, 2),
        ("user2LastName", None, None, None, 1),
        ("notExisting", None, None, None, 0),
        ("", None, None, None, 2),
        # search in email
        (None, None, "@example.com", None, 2),
        (None, None, "user1@example.com", None, 1),
        (None, None, "user1@test.com", None, 0),
        (None, None, "", None, 2),
        # search for combinations
        ("LastName", "FirstName", None, None, 2),
        ("user1LastName", "FirstName", None, None, 1),
        ("user1LastName", "", None, None, 1),
        ("LastName", "", None, None, 2),
        (None, None, "@example.com", "user", 2),
        # search not specified (defaults to simply /count)
        (None, None, None, None, 2),
        ("", "", "", "", 2),
    ]
    for last, first, email, username, expected in expectations:
        assert await counted(last, first, email, username) == expected, (last, first, email, username)
