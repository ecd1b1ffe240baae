"""Keycloak 26's UserSearchTest (tests/base/.../tests/admin/user/UserSearchTest.java, from the old testsuite's
admin UserTest), ported one method to one test over HTTP: ``GET users`` with ``search``, ``username``,
``email``, ``firstName``, ``lastName``, ``exact``, ``q``, ``enabled``, ``briefRepresentation``, ``first`` and
``max``, and ``GET users/count`` with the same filters, on a realm ``test`` with admin events on, each user made
as AbstractUserTest makes it (201 and its CREATE USER event).

AbstractUserTest declares the custom attributes these tests use as managed user-profile attributes; Doorkeep
keeps a user's custom attributes as they are sent, which is the same on the wire. One app for the module
(group_port.shared_env) and one realm, each test's users, clients and identity providers deleted after it as the
Java cleanups do (user_search_port.py).

Already covered elsewhere, so not repeated here:

* ``searchById``: test_admin_users_keycloak_parity.py
  (test_search_by_id_takes_several_ids_separated_by_blanks and the tests around it).

``searchByIdp``, ``searchByIdpAndEnabled`` and ``wildcardSearch`` are ported in test_kc_s66k_user_search.py.
"""

from __future__ import annotations

import pytest

import group_port
import user_search_port
from role_port import call, create
from user_search_port import (
    MAX_LENGTH_ATTRIBUTES,
    count,
    create_user,
    create_users,
    q,
    random_alphanumeric,
    user_rep,
    usernames,
    users,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module, each test on a realm ``test`` imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
managed_realm, realm_id = user_search_port.managed_realm, user_search_port.realm_id


async def test_count_users_by_enabled_filter(env: Env, realm_id: str) -> None:
    await create_user(env, realm_id, {"username": "enabled1", "email": "enabled1@enabledfilter.com", "enabled": True})
    await create_user(env, realm_id, {"username": "enabled2", "email": "enabled2@enabledfilter.com", "enabled": True})
    await create_user(
        env, realm_id, {"username": "disabled1", "email": "disabled1@enabledfilter.com", "enabled": False}
    )
    assert await count(env, email="@enabledfilter.com") == 3
    assert await count(env, email="@enabledfilter.com", username="enabled1", enabled=True) == 1
    assert await count(env, email="@enabledfilter.com", enabled=False) == 1
    assert await count(env, email="@enabledfilter.com", enabled=True) == 2


async def test_search_by_email(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, email="user1@localhost")) == 1
    assert len(await users(env, email="@localhost")) == 9


async def test_search_by_email_exact_match(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, email="user1@localhost", exact=True)) == 1
    assert await users(env, username="@localhost", exact=True) == []


async def test_search_by_username(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, username="username1")) == 1
    assert len(await users(env, username="user")) == 9


async def test_search_by_attribute(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, q=q({"test": "test1"}))) == 1
    assert len(await users(env, q=q({"attr": "common"}))) == 9
    assert await users(env, q=q({"x": "common"})) == []


async def test_search_by_multiple_attributes(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    found = await users(env, q=q({"username": "user", "test": "test1", "attr": "common", "test1": "test1"}))
    assert len(found) == 1
    # a custom attribute is not matched by substring by default...
    assert await users(env, q=q({"username": "user", "test": "est", "attr": "mm", "test1": "test1"})) == []
    # ... but is with exact=false
    found = await users(env, q=q({"username": "user", "test": "est", "attr": "mm", "test1": "test1"}), exact=False)
    assert len(found) == 1
    assert await users(env, q=q({"test": "est", "attr": "mm", "test1": "test1"}), exact=True) == []


async def test_search_by_attributes_with_pagination(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    for i in range(1, 10):
        (found,) = await users(env, first=i - 1, max=1, briefRepresentation=False, q=q({"attr": "Common"}))
        assert "attr" in found["attributes"]


async def test_store_and_read_user_with_long_attribute_value(env: Env, realm_id: str) -> None:
    long_value = random_alphanumeric(MAX_LENGTH_ATTRIBUTES)
    rep = user_rep("user1", "user1@example.com", firstName="user1FirstName", lastName="user1LastName")
    await create_user(env, realm_id, {**rep, "attributes": {"attr": [long_value]}})
    (found,) = await users(env, username="user1", exact=True)
    assert found["attributes"]["attr"][0] == long_value

    rep = user_rep("user2", "user2@example.com", firstName="user2FirstName", lastName="user2LastName")
    response = await call(env, "POST", "/users", {**rep, "attributes": {"attr": [long_value + "a"]}})
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == "error-invalid-length"


async def test_search_by_long_attributes(env: Env, realm_id: str) -> None:
    # distinct long values, the last character keeping them distinct whatever the case
    long_value = random_alphanumeric(MAX_LENGTH_ATTRIBUTES - 1) + "u"
    long_value2 = random_alphanumeric(MAX_LENGTH_ATTRIBUTES - 1) + "v"
    attributes = [
        {"test1": [long_value, "v2"], "test2": ["v2"]},
        {"test1": [long_value, "v2"], "test2": [long_value2]},
        {"test2": [long_value, "v3"], "test4": ["v4"]},
    ]
    for i, attrs in enumerate(attributes, 1):
        names = {"firstName": f"user{i}FirstName", "lastName": f"user{i}LastName"}
        await create_user(env, realm_id, {**user_rep(f"user{i}", f"user{i}@example.com", **names), "attributes": attrs})

    assert sorted(usernames(await users(env, q=q({"test1": long_value})))) == ["user1", "user2"]
    assert usernames(await users(env, q=q({"test1": long_value, "test2": long_value2}))) == ["user2"]
    # case-insensitive
    assert usernames(await users(env, q=q({"test1": long_value, "test2": long_value2.lower()}))) == ["user2"]


async def test_search_by_username_exact_match(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    await create_user(env, realm_id, {"username": "username11"})
    assert len(await users(env, username="username1", exact=True)) == 1
    assert await users(env, username="user", exact=True) == []


async def test_search_by_first_name_exact(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, firstName="First1", exact=True)) == 1


async def test_search_by_last_name_exact(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, lastName="Last1", exact=True)) == 1


async def test_search_by_first_name_null_for_last_name(env: Env, realm_id: str) -> None:
    await create_user(env, realm_id, {"username": "user1", "firstName": "Erik", "requiredActions": [], "enabled": True})
    assert len(await users(env, search="Erik", first=0, max=50)) == 1


async def test_search_by_last_name_null_for_first_name(env: Env, realm_id: str) -> None:
    await create_user(
        env, realm_id, {"username": "user1", "lastName": "de Wit", "requiredActions": [], "enabled": True}
    )
    assert len(await users(env, search="*wit*")) == 1


async def test_search_by_enabled(env: Env, realm_id: str) -> None:
    common = "enabled-disabled-user"
    await create_user(env, realm_id, {"username": f"{common}1", "requiredActions": [], "enabled": True})
    await create_user(env, realm_id, {"username": f"{common}2", "requiredActions": [], "enabled": False})

    assert len(await users(env, enabled=True, briefRepresentation=False)) == 1
    enabled = await users(env, username=common, enabled=True, briefRepresentation=True)
    assert usernames(enabled) == [f"{common}1"]
    disabled = await users(env, username=common, enabled=False, briefRepresentation=False)
    assert usernames(disabled) == [f"{common}2"]
    assert len(await users(env, username=common, first=0, max=100, briefRepresentation=True)) == 2


async def test_search_with_filters(env: Env, realm_id: str) -> None:
    await create_user(env, realm_id, user_rep("user1", "user1@localhost"))
    rep = user_rep("user2", "user2@localhost", firstName="First", lastName="Last", enabled=False)
    await create_user(env, realm_id, rep)

    found = await users(env, firstName="First", enabled=False, briefRepresentation=True)
    assert usernames(found) == ["user2"]
    assert await users(env, lastName="Last", enabled=True, briefRepresentation=False) == []
    found = await users(env, email="user2@localhost", first=0, max=50, enabled=False, briefRepresentation=True)
    assert usernames(found) == ["user2"]
    assert await users(env, first=10, max=20, briefRepresentation=False) == []


async def test_search_with_filter_and_enabled_attribute(env: Env, realm_id: str) -> None:
    await create_user(env, realm_id, user_rep("user1", "user1@localhost"))
    rep = user_rep("user3", "user3@localhost", firstName="user3First", lastName="user3Last", enabled=False)
    await create_user(env, realm_id, rep)

    assert usernames(await users(env, search="user3", enabled=False, first=0, max=5)) == ["user3"]
    assert usernames(await users(env, search="user3@localhost", enabled=False, first=0, max=5)) == ["user3"]
    assert await users(env, search="user3Last", enabled=True, first=0, max=5) == []


async def test_infix_search(env: Env, realm_id: str) -> None:
    ids = await create_users(env, realm_id)

    async def search(term: str) -> list[str]:
        return [u["id"] for u in await users(env, search=term)]

    # username
    assert await search("*1*") == [ids[0]]
    assert await search("*y*") == []
    assert len(await search("*name*")) == 9
    assert len(await search("**")) == 9
    # first and last name
    assert await search("*first1*") == [ids[0]]
    assert len(await search("*last*")) == 9
    # e-mail
    assert len(await search("*@localhost*")) == 9
    assert await search("*1@local*") == [ids[0]]


async def test_prefix_search(env: Env, realm_id: str) -> None:
    ids = await create_users(env, realm_id)

    async def search(term: str | None) -> list[str]:
        return [u["id"] for u in await users(env, search=term)]

    # username
    assert len(await search("user")) == 9
    assert len(await search("user*")) == 9
    assert await search("name") == []
    assert await search("name*") == []
    assert await search("username1") == [ids[0]]
    assert await search("username1*") == [ids[0]]
    assert len(await search(None)) == 9
    assert len(await search("")) == 9
    assert len(await search("*")) == 9
    # first and last name
    assert await search("first1") == [ids[0]]
    assert await search("first1*") == [ids[0]]
    assert len(await search("last")) == 9
    assert len(await search("last*")) == 9
    # e-mail
    assert await search("user1@local") == [ids[0]]
    assert await search("user1@local*") == [ids[0]]


async def test_circumfix_search(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert len(await users(env, search="u*name")) == 9


async def test_exact_search(env: Env, realm_id: str) -> None:
    ids = await create_users(env, realm_id)

    async def search(term: str) -> list[str]:
        return [u["id"] for u in await users(env, search=term)]

    assert await search('"username1"') == [ids[0]]
    assert await search('"user"') == []
    assert await search('""') == []
    assert await search('"first1"') == [ids[0]]
    assert await search('"user1@localhost"') == [ids[0]]


async def test_search_with_exact_match(env: Env, realm_id: str) -> None:
    people = [
        ("test_username", "test_first_name", "test_last_name", "test_email@test.com"),
        ("test_username2", "test_first_name2", "test_last_name", "test_email@test.com2"),
        ("test_username3", "test_first_name", "test_last_name3", "test_email@test.com3"),
    ]
    for username, first, last, email in people:
        rep = {"username": username, "firstName": first, "lastName": last, "email": email}
        await create_user(env, realm_id, {**rep, "enabled": True, "emailVerified": True})

    async def search(username: str | None, first: str | None, last: str | None, email: str | None) -> int:
        params = {"username": username, "firstName": first, "lastName": last, "email": email}
        return len(await users(env, **params, first=0, max=10, exact=True))

    assert await search(None, None, None, "test_email@test.co") == 0
    assert await search(None, None, None, "test_email@test.com") == 1
    assert await search(None, None, "test_last", "test_email@test.com") == 0
    assert await search(None, None, "test_last_name", "test_email@test.com") == 1
    assert await search(None, "test_first", "test_last_name", "test_email@test.com") == 0
    assert await search(None, "test_first_name", "test_last_name", "test_email@test.com") == 1
    assert await search("test_usernam", "test_first_name", "test_last_name", "test_email@test.com") == 0
    assert await search("test_username", "test_first_name", "test_last_name", "test_email@test.com") == 1
    assert await search(None, None, "test_last_name", None) == 2
    assert await search(None, "test_first_name", None, None) == 2


async def test_count_users_not_service_account(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert await count(env) == 9
    client = {
        "clientId": "test-client",
        "publicClient": False,
        "secret": "secret",
        "serviceAccountsEnabled": True,
        "enabled": True,
        "redirectUris": ["http://url"],
    }
    await create(env, "/clients", client)
    assert await count(env) == 9  # KEYCLOAK-5660: service accounts are not counted


async def test_search_paginated(env: Env, realm_id: str) -> None:
    await create_users(env, realm_id)
    assert usernames(await users(env, search="username", first=0, max=1)) == ["username1"]
    assert usernames(await users(env, search="username", first=5, max=2)) == ["username6", "username7"]
    assert usernames(await users(env, search="username", first=7, max=20)) == ["username8", "username9"]
    assert len(await users(env, search="username", first=0, max=20)) == 9
