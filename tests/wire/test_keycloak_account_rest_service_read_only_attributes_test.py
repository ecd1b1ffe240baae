"""Keycloak's AccountRestServiceReadOnlyAttributesTest (tests/base/.../tests/account/
AccountRestServiceReadOnlyAttributesTest.java @032dfc16), ported one method to one test over HTTP, then
Doorkeep's own checks of the same rules where the Java test does not reach.

The server is started as Keycloak's test suite starts it (keycloak-server.json's ``userProfile``):
``--spi-user-profile-declarative-user-profile-read-only-attributes=deniedFoo,deniedBar*,deniedSome/thing,
deniedsome*thing`` and ``...-admin-read-only-attributes=deniedSomeAdmin``; one app for the module, and
AbstractRestServiceTest's realm imported anew for each test (``account_rest_service_port``) with the
@Before ``configureUserProfile`` applied through ``PUT users/profile``. Every attribute it declares is editable
by the user and the admin; the built-in and configured read-only patterns (``users.read_only``) still win.
Doorkeep's checks after the port cover what the Java class does not: unmanaged attributes under each policy,
a value appended to a read-only attribute, the admin API's own patterns, and the login's update-profile and
registration pages (the UPDATE_PROFILE and REGISTRATION contexts, same patterns as the Account API).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from account_rest_service_port import account_realm, call, token
from browser_flow import form_action, form_fields
from doorkeep.settings import Settings
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, user_id
from login_test_realm import auth_response, login, open_login_form
from register_port import field_error, is_register_page, open_register, realm_rep
from update_profile_port import TEST_USER, form, import_realm, input_error, is_update_profile_page, update, user
from wire_env import Env, make_env, prepared_postgres

pytestmark = pytest.mark.anyio
anyio_backend, env = group_port.anyio_backend, group_port.env

READ_ONLY = ("deniedFoo", "deniedBar*", "deniedSome/thing", "deniedsome*thing")
ADMIN_READ_ONLY = ("deniedSomeAdmin",)
REJECTED = "updateReadOnlyAttributesRejectedMessage"
DECLARED = (
    *("someOtherAttr", "usercertificate", "uSErCertificate", "KERBEROS_PRINCIPAL", "noKerberos_Principal"),
    *("KERBEROS_PRINCIPALno", "enabled", "CREATED_TIMESTAMP", "saml.something", "deniedfoo", "deniedFOo"),
    *("deniedFoot", "deniedbar", "deniedBAr", "deniedBArr", "deniedbarrier", "nodeniedbar", "nodeniedBARrier"),
    *("saml.persistent.name.id.for.foo", "saml.persistent.name.id.for._foo_", "saml.persistent.name.idafor.foo"),
    *("deniedsomeithing", "deniedSomeAdmin"),
)
USER = "test-user@localhost"


@pytest.fixture(scope="module")
async def shared_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    """The app with keycloak-server.json's read-only attributes, on SQLite or (DOORKEEP_WIRE_ENGINE=postgresql)
    PostgreSQL, once for the module."""
    postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    if postgres:
        url = await prepared_postgres(request.getfixturevalue("postgres_server"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('read_only') / 'doorkeep.db'}"
    base = Settings(db_url=url, bootstrap_admin_username="admin", bootstrap_admin_password="admin")
    settings = dataclasses.replace(
        base, user_profile_read_only_attributes=READ_ONLY, user_profile_admin_read_only_attributes=ADMIN_READ_ONLY
    )
    env, db = await make_env(url, settings, prepared=postgres)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


def _attribute(name: str, **extra: Any) -> dict[str, Any]:
    """``createUpAttribute``: no view roles, edited by the user and the admin."""
    return {"name": name, "permissions": {"view": [], "edit": ["user", "admin"]}, **extra}


async def _configure(env: Env, *attributes: dict[str, Any], policy: str | None = None) -> None:
    config = await get(env, "/users/profile")
    names = {a["name"] for a in attributes}
    config["attributes"] = [a for a in config["attributes"] if a["name"] not in names] + list(attributes)
    if policy is not None:
        config["unmanagedAttributePolicy"] = policy
    response = await env.http.put(f"{ADMIN}/users/profile", json=config, headers=await admin_headers(env))
    assert response.status_code == 200, response.text


@pytest.fixture
async def access(env: Env) -> str:
    """The realm with the @Before user profile, and ``tokenUtil.getToken()``."""
    await account_realm(env)
    await _configure(env, *(_attribute(name) for name in DECLARED))
    return await token(env)


async def _get(env: Env, access: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access)
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


async def _update_and_get(env: Env, user: dict[str, Any], access: str) -> dict[str, Any]:
    response = await call(env, "POST", "", access, user)
    assert response.status_code == 204, response.text
    return await _get(env, access)


async def _update_error(env: Env, user: dict[str, Any], access: str) -> None:
    response = await call(env, "POST", "", access, user)
    assert response.status_code == 400, response.text
    assert response.json()["errorMessage"] == REJECTED, response.text


def _with(user: dict[str, Any], name: str, *values: str) -> dict[str, Any]:
    """``user.singleAttribute(name, value)`` (no value: the attribute removed)."""
    attributes = {k: v for k, v in (user.get("attributes") or {}).items() if k != name}
    return {**user, "attributes": {**attributes, **({name: list(values)} if values else {})}}


async def _admin_user(env: Env) -> tuple[str, dict[str, Any]]:
    path = f"/users/{await user_id(env, USER)}"
    rep: dict[str, Any] = await get(env, path)
    return path, rep


async def _admin_update(env: Env, path: str, rep: dict[str, Any]) -> int:
    response = await env.http.put(ADMIN + path, json=rep, headers=await admin_headers(env))
    return response.status_code


async def _expect_failure(env: Env, access: str, name: str, denied_for_admin: bool = False) -> None:
    """``testAccountUpdateAttributeExpectFailure``."""
    user = await _get(env, access)
    assert name not in (user.get("attributes") or {})
    await _update_error(env, _with(user, name, "foo"), access)

    path, admin_rep = await _admin_user(env)
    admin_rep = _with(admin_rep, name, "foo")
    status = await _admin_update(env, path, admin_rep)
    assert status == (400 if denied_for_admin else 204), (name, status)
    if denied_for_admin:
        return

    user = await _get(env, access)
    assert user["attributes"][name] == ["foo"]
    user = await _update_and_get(env, _with(user, "someOtherAttr", "foo"), access)  # the same value: no change
    await _update_error(env, _with(user, name, "foo-updated"), access)
    await _update_error(env, _with(user, name), access)  # removing it is a change too
    assert name in (await _get(env, access))["attributes"]

    admin_rep = _with(_with(admin_rep, name), "someOtherAttr")
    assert await _admin_update(env, path, admin_rep) == 204


async def _expect_success(env: Env, access: str, name: str) -> None:
    """``testAccountUpdateAttributeExpectSuccess``."""
    user = await _get(env, access)
    assert name not in (user.get("attributes") or {})
    await _update_and_get(env, _with(user, name, "foo"), access)
    user = await _get(env, access)
    assert user["attributes"][name] == ["foo"]
    user = await _update_and_get(env, _with(user, "someOtherAttr", "foo"), access)
    user = await _update_and_get(env, _with(user, name, "foo-updated"), access)
    assert user["attributes"][name] == ["foo-updated"]
    user = await _update_and_get(env, _with(user, name), access)
    assert name not in (user.get("attributes") or {})
    await _update_and_get(env, _with(user, "someOtherAttr"), access)


async def test_update_profile_cannot_update_read_only_attributes(env: Env, access: str) -> None:
    # denied by default (the built-in patterns), whatever the case
    await _expect_failure(env, access, "usercertificate")
    await _expect_failure(env, access, "uSErCertificate")
    await _expect_failure(env, access, "KERBEROS_PRINCIPAL", True)
    await _expect_success(env, access, "noKerberos_Principal")
    await _expect_success(env, access, "KERBEROS_PRINCIPALno")
    await _expect_failure(env, access, "enabled")
    await _expect_failure(env, access, "CREATED_TIMESTAMP", True)
    await _expect_success(env, access, "saml.something")
    # denied by the server's configuration; "deniedFoot" is allowed as "deniedFoo" has no wildcard
    await _expect_failure(env, access, "deniedfoo")
    await _expect_failure(env, access, "deniedFOo")
    await _expect_success(env, access, "deniedFoot")
    # a wildcard at the end
    await _expect_failure(env, access, "deniedbar")
    await _expect_failure(env, access, "deniedBAr")
    await _expect_failure(env, access, "deniedBArr")
    await _expect_failure(env, access, "deniedbarrier")
    await _expect_success(env, access, "nodeniedbar")
    await _expect_success(env, access, "nodeniedBARrier")
    await _expect_failure(env, access, "saml.persistent.name.id.for.foo")
    await _expect_failure(env, access, "saml.persistent.name.id.for._foo_")
    await _expect_success(env, access, "saml.persistent.name.idafor.foo")
    # a "*" inside a name is literal
    await _expect_success(env, access, "deniedsomeithing")
    # denied for the admin only
    await _expect_success(env, access, "deniedSomeAdmin")


async def test_update_profile_cannot_update_read_only_attributes_unmanaged_enabled(env: Env, access: str) -> None:
    await _configure(env, policy="ENABLED")
    user = await _get(env, access)
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "deniedFoo", "foo")) == 204
    assert (await get(env, path))["attributes"]["deniedFoo"] == ["foo"]
    assert user.get("attributes") is None
    await _update_and_get(env, user, access)  # no attributes sent: the read-only one is kept, not removed
    assert (await get(env, path))["attributes"]["deniedFoo"] == ["foo"]


# --- Doorkeep's own checks of the same rules ------------------------------------------------------------
async def test_unmanaged_read_only_attribute_is_refused_once_changed_and_kept_once_left_out(
    env: Env, access: str
) -> None:
    """ENABLED: a read-only attribute the user sends is refused, blank ones aside; sent unchanged it stays."""
    await _configure(env, policy="ENABLED")
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "deniedFoo", "foo")) == 204
    user = await _get(env, access)
    assert user["attributes"]["deniedFoo"] == ["foo"]
    await _update_error(env, _with(user, "deniedFoo", "bar"), access)
    await _update_error(env, _with(user, "DENIEDFOO", "new"), access)  # another case, a new attribute: refused too
    await _update_error(env, _with(user, "LDAP_ID", "x"), access)
    user = await _update_and_get(env, _with(_with(user, "LDAP_ID", " "), "free", "yes"), access)
    assert user["attributes"] == {"deniedFoo": ["foo"], "free": ["yes"]}


async def test_appending_a_value_to_a_read_only_attribute_is_refused(env: Env, access: str) -> None:
    """Keycloak compares first values only; Doorkeep refuses a change to any value of a read-only attribute."""
    await _configure(env, _attribute("userCertificate", multivalued=True))
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "userCertificate", "mine")) == 204
    user = await _get(env, access)
    await _update_error(env, _with(user, "userCertificate", "mine", "added"), access)
    await _update_error(env, _with(user, "userCertificate", "added", "mine"), access)
    user = await _update_and_get(env, _with(user, "userCertificate", "mine"), access)
    assert user["attributes"]["userCertificate"] == ["mine"]
    assert (await get(env, path))["attributes"]["userCertificate"] == ["mine"]


async def test_read_only_attribute_the_user_has_is_refused_even_when_unmanaged_attributes_are_not_taken(
    env: Env, access: str
) -> None:
    """ADMIN_EDIT: the Account API ignores unmanaged attributes, except a read-only one the user has
    (DefaultAttributes.isReadOnlyInternalAttribute), which is validated; one the user lacks is dropped."""
    await _configure(env, policy="ADMIN_EDIT")
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "deniedBarX", "v")) == 204
    user = await _get(env, access)
    await _update_error(env, _with(user, "deniedBarX", "changed"), access)
    await _update_and_get(env, _with(user, "deniedFoo", "dropped"), access)
    assert (await get(env, path))["attributes"] == {"deniedBarX": ["v"]}


async def test_admin_cannot_set_the_admin_read_only_attributes_in_any_case(env: Env, access: str) -> None:
    """ADMIN_EDIT (the admin API takes unmanaged attributes): the admin API's own patterns are refused on creation
    and on update, declared or not, whatever the case; the user's read-only attributes are the admin's to set."""
    await _configure(env, policy="ADMIN_EDIT")
    headers = await admin_headers(env)
    for name in ("LDAP_ID", "LDap_Id", "ldap_entry_dn", "createTimestamp", "deniedSomeAdmin"):
        rep = {"username": "new-user", "attributes": {name: ["x"]}}
        response = await env.http.post(f"{ADMIN}/users", json=rep, headers=headers)
        assert response.status_code == 400, (name, response.text)
        assert response.json() == {"field": name, "errorMessage": REJECTED, "params": [name]}
        path, admin_rep = await _admin_user(env)
        assert await _admin_update(env, path, _with(admin_rep, name, "x")) == 400
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "deniedFoo", "set-by-admin")) == 204
    assert (await get(env, path))["attributes"]["deniedFoo"] == ["set-by-admin"]


async def test_admin_read_only_attribute_is_dropped_where_the_admin_api_takes_no_unmanaged_attributes(
    env: Env, access: str
) -> None:
    """No unmanaged policy: an undeclared read-only attribute the user lacks is dropped unseen (204), as Keycloak
    drops it; a declared one is refused."""
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "LDAP_ID", "x")) == 204
    assert "LDAP_ID" not in ((await get(env, path)).get("attributes") or {})
    assert await _admin_update(env, path, _with(admin_rep, "CREATED_TIMESTAMP", "1")) == 400


# --- the login's pages: the same rules in the UPDATE_PROFILE and REGISTRATION contexts ------------------------
async def _declare_for_login(env: Env) -> None:
    """``deniedFoo`` declared, shown to the user; ADMIN_VIEW, so that the admin API shows undeclared attributes
    (the user's pages take none)."""
    shown = _attribute("deniedFoo", permissions={"view": ["user"], "edit": ["user", "admin"]})
    await _configure(env, shown, policy="ADMIN_VIEW")


async def test_update_profile_page_refuses_a_read_only_attribute_and_keeps_one_left_out(env: Env) -> None:
    """UpdateProfile: a read-only declared field changed is refused on the page; an undeclared read-only
    attribute the user has, posted changed, too; the page sent unchanged stores neither change."""
    pending = {"emailVerified": True, "requiredActions": ["UPDATE_PROFILE"]}
    await import_realm(env, [user(TEST_USER, "Tom", "Brady", attributes={"LDAP_ID": ["ldap-1"]}, **pending)])
    await _declare_for_login(env)
    path, admin_rep = await _admin_user(env)
    assert await _admin_update(env, path, _with(admin_rep, "deniedFoo", "mine")) == 204
    page = await login(env, await open_login_form(env), TEST_USER)
    assert is_update_profile_page(page), page.text[:1500]
    fields = form(TEST_USER, "Tom", "Brady", TEST_USER)

    refused = await update(env, page, **fields, deniedFoo="changed")
    assert is_update_profile_page(refused)
    assert input_error(refused, "deniedFoo") == "Update of read-only attribute rejected"
    refused = await update(env, refused, **fields, deniedFoo="mine", LDAP_ID="ldap-2")
    assert is_update_profile_page(refused)
    auth_response(await update(env, refused, **fields, deniedFoo="mine"))
    assert (await get(env, path))["attributes"] == {"deniedFoo": ["mine"], "LDAP_ID": ["ldap-1"]}


async def test_registration_refuses_a_read_only_attribute(env: Env) -> None:
    """RegistrationUserCreation: a new user may not be given a read-only attribute; left blank, it registers."""
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    await _declare_for_login(env)
    page = await open_register(env)
    assert 'name="deniedFoo"' in page.text
    fields = {"firstName": "R", "lastName": "O", "email": "ro@localhost", "username": "ro-user", "password": "password"}
    data = {**form_fields(page.text), **fields, "password-confirm": "password", "deniedFoo": "x"}
    refused = await env.http.post(form_action(page.text), data=data)
    assert is_register_page(refused)
    assert field_error(refused, "deniedfoo") == "Update of read-only attribute rejected"
    data = {**form_fields(refused.text), **fields, "password-confirm": "password", "deniedFoo": ""}
    registered = await env.http.post(form_action(refused.text), data=data)
    assert registered.status_code == 302, registered.text[:1500]
    assert (await get(env, f"/users/{await user_id(env, 'ro-user')}")).get("attributes") is None
