"""Keycloak's UserModelTest (testsuite .../model/UserModelTest.java), ported through the Admin REST API: the realms
``original`` and ``other`` (and ``realm1``, ``realm2`` where a method uses them) made anew for each test
(``isImportAfterEachMethod``), each Java transaction one or more admin calls.

Where the model layer takes what the admin API refuses, the port gives the API what it asks for: Keycloak 26's
user profile is always on, so the realm's profile has ``unmanagedAttributePolicy`` ENABLED for the methods that
set free attributes (the model's ``setAttribute`` knows no profile), and persistUser's e-mail is a valid address
(the profile's e-mail validator refuses ``email``). UserRepresentation.attributes leaves out the root attributes
(username, firstName, lastName, email) that ``UserModel.getAttributes()`` also holds; the port checks them as the
representation's fields.

Not ported:

* testGrantToAll: ``UserProvider.grantToAllUsers`` has no admin path (Keycloak calls it only from migrations).
"""

from __future__ import annotations

from typing import Any

import pytest

from model_port import call, create, new_realm, ok, user_id, users_named
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/original"


async def realms(env: Env, *names: str) -> None:
    for name in names or ("original", "other"):
        await new_realm(env, name)


async def unmanaged_attributes_enabled(env: Env, realm: str = "original") -> None:
    profile = await ok(env, "GET", f"/{realm}/users/profile")
    await ok(env, "PUT", f"/{realm}/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"})


async def add_user(env: Env, username: str, realm: str = "original", **fields: Any) -> str:
    return await create(env, f"/{realm}/users", {"username": username, "enabled": True, **fields})


async def user(env: Env, uid: str, realm: str = "original") -> dict[str, Any]:
    rep: dict[str, Any] = await ok(env, "GET", f"/{realm}/users/{uid}")
    return rep


async def test_persist_user(env: Env) -> None:
    """persistUser: a user with names, e-mail and two required actions reads back the same by username and by id,
    made within the last ten seconds; searched by last name, by e-mail or by both, they are the one found."""
    await realms(env)
    fields = {"firstName": "first-name", "lastName": "last-name", "email": "email@keycloak.org"}
    actions = ["CONFIGURE_TOTP", "UPDATE_PASSWORD"]
    uid = await add_user(env, "user", **fields, requiredActions=actions)
    made = await user(env, uid)
    assert 0 <= env.clock.now() * 1000 - made["createdTimestamp"] < 10_000
    (by_name,) = await ok(env, "GET", f"{REALM}/users", username="user", exact="true")
    for persisted in (by_name, await user(env, uid)):
        assert (persisted["username"], persisted["createdTimestamp"]) == ("user", made["createdTimestamp"])
        assert (persisted["firstName"], persisted["lastName"]) == ("first-name", "last-name")
        assert sorted(persisted["requiredActions"]) == sorted(actions)
    assert await users_named(env, "original", lastName="last-name") == {"user"}
    assert await users_named(env, "original", email="email@keycloak.org") == {"user"}
    assert await users_named(env, "original", lastName="last-name", email="email@keycloak.org") == {"user"}


async def test_web_origin_set_test(env: Env) -> None:
    """webOriginSetTest: web origins added one by one and removed one by one, on two clients."""
    await realms(env)
    for client_id in ("user", "oauthclient2"):
        uuid = await create(env, f"{REALM}/clients", {"clientId": client_id})
        assert (await ok(env, "GET", f"{REALM}/clients/{uuid}"))["webOrigins"] == []
        for origins in (["origin-1"], ["origin-1", "origin-2"], ["origin-1"], []):
            rep = await ok(env, "GET", f"{REALM}/clients/{uuid}")
            await ok(env, "PUT", f"{REALM}/clients/{uuid}", {**rep, "webOrigins": origins})
            assert sorted((await ok(env, "GET", f"{REALM}/clients/{uuid}"))["webOrigins"]) == origins


async def set_required_actions(env: Env, uid: str, actions: list[str]) -> list[str]:
    rep = await user(env, uid)
    await ok(env, "PUT", f"{REALM}/users/{uid}", {**rep, "requiredActions": actions})
    found: list[str] = (await user(env, uid))["requiredActions"]
    return found


async def test_user_required_actions(env: Env) -> None:
    """testUserRequiredActions: none at first; CONFIGURE_TOTP once, then again (still once); VERIFY_EMAIL added;
    CONFIGURE_TOTP removed; VERIFY_EMAIL removed."""
    await realms(env)
    uid = await add_user(env, "user")
    assert (await user(env, uid))["requiredActions"] == []
    assert await set_required_actions(env, uid, ["CONFIGURE_TOTP"]) == ["CONFIGURE_TOTP"]
    assert await set_required_actions(env, uid, ["CONFIGURE_TOTP", "CONFIGURE_TOTP"]) == ["CONFIGURE_TOTP"]
    both = await set_required_actions(env, uid, ["CONFIGURE_TOTP", "VERIFY_EMAIL"])
    assert sorted(both) == ["CONFIGURE_TOTP", "VERIFY_EMAIL"]
    assert await set_required_actions(env, uid, ["VERIFY_EMAIL"]) == ["VERIFY_EMAIL"]
    assert await set_required_actions(env, uid, []) == []


async def set_attributes(env: Env, uid: str, attributes: dict[str, list[str]]) -> dict[str, Any]:
    rep = await user(env, uid)
    await ok(env, "PUT", f"{REALM}/users/{uid}", {**rep, "attributes": attributes})
    return await user(env, uid)


async def test_user_multiple_attributes(env: Env) -> None:
    """testUserMultipleAttributes: key1 one value, key2 two; key3 none; then key1 removed and key2 rewritten to a
    single value. A user without attributes has none."""
    await realms(env)
    await unmanaged_attributes_enabled(env)
    uid = await add_user(env, "user", attributes={"key1": ["value1"], "key2": ["val21", "val22"]})
    bare = await add_user(env, "user-noattrs")
    read = await user(env, uid)
    assert read["attributes"]["key1"] == ["value1"]
    assert sorted(read["attributes"]["key2"]) == ["val21", "val22"]
    assert "key3" not in read["attributes"]
    assert set(read["attributes"]) == {"key1", "key2"} and read["username"] == "user"
    assert not (await user(env, bare)).get("attributes")
    assert (await set_attributes(env, uid, {"key2": ["val23"]}))["attributes"] == {"key2": ["val23"]}


async def test_update_user_attribute(env: Env) -> None:
    """testUpdateUserAttribute (KEYCLOAK-3494): key1 updated from value1 to val2 is read back as the one value."""
    await realms(env)
    await unmanaged_attributes_enabled(env)
    uid = await add_user(env, "user", attributes={"key1": ["value1"]})
    assert (await set_attributes(env, uid, {"key1": ["val2"]}))["attributes"] == {"key1": ["val2"]}


async def test_update_user_single_attribute(env: Env) -> None:
    """testUpdateUserSingleAttribute (KEYCLOAK-3608, KEYCLOAK-7014): key1 overwritten to value3, key2 value2, and
    key3 set to null not stored; the names and e-mail stay unset."""
    await realms(env)
    await unmanaged_attributes_enabled(env)
    uid = await add_user(env, "user", attributes={"key1": ["value1"], "key2": ["value2"]})
    read = await set_attributes(env, uid, {"key1": ["value3"], "key2": ["value2"], "key3": [None]})  # type: ignore[list-item]
    assert read["attributes"] == {"key1": ["value3"], "key2": ["value2"]}
    assert (read["username"], read.get("firstName"), read.get("lastName"), read.get("email")) == (
        "user",
        None,
        None,
        None,
    )


async def test_search_by_string(env: Env) -> None:
    """testSearchByString: ``search=user`` (first 0, max 7) finds user1."""
    await realms(env)
    await add_user(env, "user1")
    assert await users_named(env, "original", search="user", first=0, max=7) == {"user1"}


async def test_search_by_user_attribute(env: Env) -> None:
    """testSearchByUserAttribute: ``q=key:value`` finds the users of this realm holding that value, not the other
    realm's user1."""
    await realms(env)
    for realm in ("original", "other"):
        await unmanaged_attributes_enabled(env, realm)
    await add_user(env, "user1", attributes={"key1": ["value1"], "key2": ["value21"]})
    await add_user(env, "user2", attributes={"key1": ["value1"], "key2": ["value22"]})
    await add_user(env, "user3", attributes={"key2": ["value21"]})
    await add_user(env, "user1", realm="other", attributes={"key2": ["value21"]})
    assert await users_named(env, "original", q="key1:value1") == {"user1", "user2"}
    assert await users_named(env, "original", q="key2:value21") == {"user1", "user3"}
    assert await users_named(env, "original", q="key2:value22") == {"user2"}
    assert await users_named(env, "original", q="key3:value3") == set()


async def test_service_account_link(env: Env) -> None:
    """testServiceAccountLink: two users named John Doe are both found; once client foo's service account is one
    of them (here: foo's own service-account user, given the same names, is a third John Doe), searches, the user
    list and its count leave the service account out, and removing foo removes it."""
    await realms(env)
    names = {"firstName": "John", "lastName": "Doe"}
    await add_user(env, "user1", **names)
    await add_user(env, "user2", **names)
    assert await users_named(env, "original", search="John Doe") == {"user1", "user2"}
    foo = await create(env, f"{REALM}/clients", {"clientId": "foo", "publicClient": False})
    rep = await ok(env, "GET", f"{REALM}/clients/{foo}")
    await ok(env, "PUT", f"{REALM}/clients/{foo}", {**rep, "serviceAccountsEnabled": True})
    account = await ok(env, "GET", f"{REALM}/clients/{foo}/service-account-user")
    await ok(env, "PUT", f"{REALM}/users/{account['id']}", {**account, **names})
    assert (await ok(env, "GET", f"{REALM}/users/{account['id']}"))["firstName"] == "John"

    assert await users_named(env, "original", search="John Doe") == {"user1", "user2"}
    assert await users_named(env, "original") == {"user1", "user2"}
    assert await ok(env, "GET", f"{REALM}/users/count") == 2
    # ``getServiceAccount(client)``: UsersResource's field searches (username, exact) do include service accounts
    assert await users_named(env, "original", username="service-account-foo", exact="true") == {"service-account-foo"}
    await ok(env, "DELETE", f"{REALM}/clients/{foo}")
    assert (await call(env, "GET", f"{REALM}/users/{account['id']}")).status_code == 404
    assert await users_named(env, "original", username="service-account-foo", exact="true") == set()


async def test_user_not_before(env: Env) -> None:
    """testUserNotBefore: a user's not-before of 10 (from an import) is read back, then moved by a logout to the
    current time."""
    user_rep = {"username": "user1", "enabled": True, "notBefore": 10}
    await ok(env, "POST", "", {"realm": "original", "enabled": True, "users": [user_rep]})
    uid = await user_id(env, "original", "user1")
    assert (await user(env, uid))["notBefore"] == 10
    env.clock.advance(20)
    await ok(env, "POST", f"{REALM}/users/{uid}/logout")
    assert (await user(env, uid))["notBefore"] == env.clock.now()
