"""Keycloak 26's UserAttributesTest (tests/base/.../tests/admin/user/, from the old testsuite's admin
UserTest), ported one method to one test over the admin API with admin events on, on a server started as
UserAttributesServerConfig starts it (``--spi-user-profile-declarative-user-profile-admin-read-only-attributes=
deniedSomeAdmin``).

AbstractUserTest declares the attributes these tests use as managed user-profile attributes, editable by
admins; Doorkeep keeps a user's custom attributes as they are sent in a realm given no configuration, which is
the same on the wire, the read-only attributes (``users.read_only``) included: they are refused there as
Keycloak refuses them for a declared attribute.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from doorkeep.settings import Settings
from keycloak_port import get
from pg import ThrowawayPostgres
from role_port import assert_event, call, create, ok, poll_events
from role_port import import_test_realm as _import
from wire_env import Env, make_env, prepared_postgres

pytestmark = pytest.mark.anyio

EXACT = "keycloak.session.realm.users.query.exact"  # UserModel.EXACT


@pytest.fixture
async def env(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Env]:
    """UserAttributesServerConfig: the app with ``deniedSomeAdmin`` read-only for admins, on SQLite or
    (DOORKEEP_WIRE_ENGINE=postgresql) PostgreSQL."""
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server)
    else:
        url = f"sqlite:///{tmp_path / 'doorkeep.db'}"
    settings = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    settings = dataclasses.replace(settings, user_profile_admin_read_only_attributes=("deniedSomeAdmin",))
    e, db = await make_env(url, settings, prepared=server is not None)
    try:
        yield e
    finally:
        await e.drain()
        await e.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await _import(env)


async def _create_user(env: Env, realm_id: str, rep: dict[str, Any]) -> str:
    user_id = await create(env, "/users", rep)
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", rep)
    return user_id


async def _update_user(env: Env, realm_id: str, user_id: str, rep: dict[str, Any]) -> None:
    await ok(env, "PUT", f"/users/{user_id}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", rep)


async def test_count_by_attribute(env: Env, realm_id: str) -> None:
    """AbstractUserTest.createUsers, then ``users/count?q=`` over the attributes."""
    for i in range(1, 10):
        attributes = {"test": [f"test{i}"], f"test{i}": [f"test{i}"], "attr": ["common", "common2"]}
        rep = {"username": f"username{i}", "email": f"user{i}@localhost", "firstName": f"First{i}"}
        await _create_user(env, realm_id, {**rep, "lastName": f"Last{i}", "attributes": attributes})

    async def count(q: str) -> Any:
        return await get(env, "/users/count", q=q)

    assert await count("test1:test2") == 0
    assert await count("test:test1") == 1
    assert await count("test:test2 attr:common") == 1
    assert await count("attr:common") == 9
    assert await count(f"attr:common {EXACT}:false") == 9


async def test_attributes(env: Env, realm_id: str) -> None:
    user1 = {"username": "user1", "attributes": {"attr1": ["value1user1"], "attr2": ["value2user1"]}}
    user1_id = await _create_user(env, realm_id, user1)
    user2 = {"username": "user2", "attributes": {"attr1": ["value1user2"], "attr2": ["value2user2", "value2user2_2"]}}
    user2_id = await _create_user(env, realm_id, user2)

    rep = await get(env, f"/users/{user1_id}")
    assert rep["attributes"] == {"attr1": ["value1user1"], "attr2": ["value2user1"]}
    rep2 = await get(env, f"/users/{user2_id}")
    assert rep2["attributes"]["attr1"] == ["value1user2"]
    assert sorted(rep2["attributes"]["attr2"]) == ["value2user2", "value2user2_2"]

    rep["attributes"] |= {"attr1": ["value3user1"], "attr3": ["value4user1"]}
    await _update_user(env, realm_id, user1_id, rep)
    rep = await get(env, f"/users/{user1_id}")
    assert rep["attributes"] == {"attr1": ["value3user1"], "attr2": ["value2user1"], "attr3": ["value4user1"]}

    del rep["attributes"]["attr1"]
    await _update_user(env, realm_id, user1_id, rep)
    rep = await get(env, f"/users/{user1_id}")
    assert rep["attributes"] == {"attr2": ["value2user1"], "attr3": ["value4user1"]}

    without = {k: v for k, v in rep.items() if k != "attributes"}  # null attributes remove nothing
    await _update_user(env, realm_id, user1_id, without)
    rep = await get(env, f"/users/{user1_id}")
    assert len(rep["attributes"]) == 2

    await _update_user(env, realm_id, user1_id, {**rep, "attributes": {}})  # empty attributes remove them all
    rep = await get(env, f"/users/{user1_id}")
    assert "attributes" not in rep

    await ok(env, "PUT", f"/users/{user1_id}", {**rep, "attributes": {"foo": ["foo"], "bar": ["bar"]}})
    rep = await get(env, f"/users/{user1_id}")
    assert len(rep["attributes"]) == 2
    del rep["attributes"]["foo"]
    await ok(env, "PUT", f"/users/{user1_id}", rep)
    assert (await get(env, f"/users/{user1_id}"))["attributes"] == {"bar": ["bar"]}


async def test_import_user_with_null_attribute(env: Env, realm_id: str) -> None:
    """testrealm-user-null-attr.json: an attribute whose only value is null is not imported."""
    user = {"username": "user-null-attr", "enabled": True}
    user["attributes"] = {"key1": ["value1"], "key2": ["value2"], "key3": [None]}
    realm = {"realm": "test-user-null-attr", "enabled": True, "users": [user]}
    response = await env.http.post("/admin/realms", json=realm, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    listed = await env.http.get("/admin/realms/test-user-null-attr/users", headers=await env.admin_headers())
    [imported] = listed.json()
    assert len(imported["attributes"]) == 2


async def test_keep_root_attribute_when_other_attributes_are_set(env: Env, realm_id: str) -> None:
    username, email = "username-0f3e", "my@mail-0f3e.com"
    user_id = await _create_user(env, realm_id, {"username": username, "email": email})
    created = await get(env, f"/users/{user_id}")
    assert (created["email"], created["username"], created.get("attributes")) == (email, username, None)

    update = {"id": user_id, "email": email, "attributes": {"phoneNumber": ["123"]}}
    await _update_user(env, realm_id, user_id, update)
    updated = await get(env, f"/users/{user_id}")
    assert (updated["username"], updated["email"]) == (username, email)
    assert updated["attributes"]["phoneNumber"] == ["123"]


async def test_update_user_with_read_only_attributes(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, {"username": "user1", "attributes": {"usercertificate": ["foo1"]}})
    user = await get(env, f"/users/{user_id}")
    attributes = {**user["attributes"], "usercertificate": ["foo"], "saml.persistent.name.id.for.foo": ["bar"]}

    async def refused(extra: dict[str, list[str]]) -> None:
        response = await call(env, "PUT", f"/users/{user_id}", {**user, "attributes": {**attributes, **extra}})
        assert response.status_code == 400, response.text
        assert response.json()["errorMessage"] == "updateReadOnlyAttributesRejectedMessage"
        assert await poll_events(env) == []

    await refused({"LDAP_ID": ["baz"]})
    await refused({"LDap_Id": ["baz"]})  # the same, in another case
    await refused({"deniedSomeAdmin": ["baz"]})  # the server's admin-read-only-attributes
    # usercertificate and the saml attribute are the admin's to change
    await _update_user(env, realm_id, user_id, {**user, "attributes": attributes})
    found = (await get(env, f"/users/{user_id}"))["attributes"]
    assert (found["usercertificate"], found["saml.persistent.name.id.for.foo"]) == (["foo"], ["bar"])
    assert "LDAP_ID" not in found
