"""The user profile's view permissions on every read of a user, as Keycloak 26 applies them.

DefaultUserProfile.toRepresentation sets a representation's root fields (username, email, firstName, lastName) and
``attributes`` from DefaultAttributes.getReadable only: an attribute whose configured permissions let the context's
role neither view nor edit it is left out. The Account REST API is the ACCOUNT context (role ``user``,
AccountRestService: ``emailVerified`` comes with a readable e-mail only); the admin API's user reads are USER_API
(role ``admin``, UserResource.getUser, UsersResource.toRepresentation for the listing, its search and the brief
representation: ``emailVerified`` stays, ModelToRepresentation sets it). The role of USER_API is ``admin`` for any
administrator who may view the user: one holding only view-users sees what one holding manage-users sees.
decorateUserProfileForCache gives username and e-mail their permissions on top of their own conditions, none (or
both lists empty) leaving them readable; the names exist only as the configuration declares them.

The realm and the user's token are AccountRestServiceWithUserProfileTest's (``account_rest_service_port``)."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import register_port
import update_profile_port as page_port
from account_rest_service_port import account_realm, call, token
from admin_support import forbidden, make_admin
from console_support import act, sign_in
from keycloak_port import get, put
from login_test_realm import auth_response, login, open_login_form
from support import seed_realm
from verify_profile_port import input_enabled, input_present, shown_inputs
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ME = "test-user@localhost"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
USER_ONLY = {"view": ["user"], "edit": ["user"]}
ROOTS = ("username", "email", "firstName", "lastName")
NAMES = ("email", "firstName", "lastName")
OTHER = "other-a54"


async def configure(env: Env, default: dict[str, list[str]] | None = None, **permissions: Any) -> None:
    """The user-profile configuration: the root attributes and a custom ``nickname``, each with ``default``
    permissions (ALL) unless named in ``permissions`` (``None``: no ``permissions`` at all)."""
    attributes = []
    for name in (*ROOTS, "nickname"):
        attribute: dict[str, Any] = {"name": name}
        chosen = permissions.get(name, default or ALL)
        if chosen is not None:
            attribute["permissions"] = chosen
        attributes.append(attribute)
    await put(env, "/users/profile", {"attributes": attributes}, status=200)


@pytest.fixture
async def access(env: Env) -> str:
    """The realm anew, the user's ``nickname`` set while every role may edit it, and the user's access token."""
    env.http.cookies.clear()
    await account_realm(env)
    await configure(env)
    user = (await get(env, "/users", username=ME, exact="true"))[0]
    await put(env, f"/users/{user['id']}", {**user, "attributes": {"nickname": ["tommy"]}})
    return await token(env)


async def me(env: Env, access: str, **params: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access, **params)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def metadata_names(rep: dict[str, Any]) -> set[str]:
    return {a["name"] for a in rep["userProfileMetadata"]["attributes"]}


async def user_id(env: Env) -> str:
    return str((await get(env, "/users", username=ME, exact="true"))[0]["id"])


# --- the Account REST API (ACCOUNT, role user) ----------------------------------------------------------------
async def test_account_get_shows_every_attribute_the_user_may_view(env: Env, access: str) -> None:
    rep = await me(env, access)
    assert {k: rep.get(k) for k in ROOTS} == {
        "username": ME,
        "email": ME,
        "firstName": "Tom",
        "lastName": "Brady",
    }
    assert rep["emailVerified"] is True
    assert rep["attributes"] == {"nickname": ["tommy"]}


@pytest.mark.parametrize("params", [{}, {"userProfileMetadata": "true"}, {"userProfileMetadata": "false"}])
async def test_account_get_leaves_out_what_only_administrators_see(
    env: Env, access: str, params: dict[str, str]
) -> None:
    await configure(env, ADMIN_ONLY, username=ALL)
    rep = await me(env, access, **params)
    assert rep["username"] == ME
    for name in (*NAMES, "emailVerified", "attributes"):
        assert name not in rep, (name, rep)
    if params.get("userProfileMetadata") != "false":
        assert metadata_names(rep) == {"username"}


async def test_account_get_leaves_out_names_the_configuration_does_not_declare(env: Env, access: str) -> None:
    """firstName and lastName exist only as declared (createUserDefinedProfileDecorator removes the defaults)."""
    await put(env, "/users/profile", {"attributes": [{"name": "username"}, {"name": "email"}]}, status=200)
    rep = await me(env, access, userProfileMetadata="true")
    assert (rep["username"], rep["email"]) == (ME, ME)
    assert "firstName" not in rep and "lastName" not in rep
    assert metadata_names(rep) == {"username", "email"}


@pytest.mark.parametrize(
    ("permissions", "shown"),
    [(None, True), ({"view": [], "edit": []}, True), (ADMIN_ONLY, False), ({"view": ["user"], "edit": []}, True)],
    ids=["none", "empty", "admin-only", "user-view"],
)
async def test_account_get_follows_the_email_permissions(
    env: Env, access: str, permissions: dict[str, list[str]] | None, shown: bool
) -> None:
    """The e-mail is built in: no permissions, or both lists empty, keep it readable."""
    await configure(env, email=permissions)
    rep = await me(env, access, userProfileMetadata="true")
    assert (rep.get("email"), rep.get("emailVerified")) == ((ME, True) if shown else (None, None))
    assert ("email" in metadata_names(rep)) is shown


@pytest.mark.parametrize(
    ("permissions", "shown"),
    [(None, False), ({"view": [], "edit": []}, False), ({"view": ["user"], "edit": []}, True), (ALL, True)],
    ids=["none", "empty", "user-view", "all"],
)
async def test_account_get_follows_the_names_permissions(
    env: Env, access: str, permissions: dict[str, list[str]] | None, shown: bool
) -> None:
    """The names are not built in: no permissions, or empty lists, let no one view them."""
    await configure(env, firstName=permissions, lastName=permissions)
    rep = await me(env, access, userProfileMetadata="true")
    assert (rep.get("firstName"), rep.get("lastName")) == (("Tom", "Brady") if shown else (None, None))
    assert ("firstName" in metadata_names(rep)) is shown


async def test_a_user_cannot_write_and_then_read_an_attribute_he_may_not_view(env: Env, access: str) -> None:
    """Hostile: the hidden names and nickname posted anyway are refused and stay hidden and unchanged."""
    await configure(env, ADMIN_ONLY, username=ALL, email=ALL)
    body = {"username": ME, "email": ME, "firstName": "Mallory", "lastName": "Evil", "attributes": {"nickname": ["x"]}}
    refused = await call(env, "POST", "", access, body)
    assert refused.status_code == 400, refused.text
    rep = await me(env, access)
    assert "firstName" not in rep and "lastName" not in rep and "attributes" not in rep
    stored = await get(env, f"/users/{await user_id(env)}")
    assert (stored["firstName"], stored["lastName"], stored["attributes"]) == ("Tom", "Brady", {"nickname": ["tommy"]})


async def test_console_form_shows_no_field_the_user_may_not_view(env: Env, access: str) -> None:
    """The account console's personal info: no input for a hidden name, and the form saved without them."""
    await configure(env, ADMIN_ONLY, username=ALL, email=ALL)
    page = await sign_in(env.http, "/realms/test/account/", ME, "password")
    assert page.status_code == 200, page.text[:500]
    assert input_present(page, "email") and not input_present(page, "firstName")
    assert 'value="Tom"' not in page.text and 'value="Brady"' not in page.text
    saved = await act(env.http, page, "/realms/test/account/", username=ME, email=ME, firstName="Mallory")
    assert saved.status_code in (200, 302, 303), saved.text[:500]
    stored = await get(env, f"/users/{await user_id(env)}")
    assert (stored["firstName"], stored["lastName"]) == ("Tom", "Brady")
    env.http.cookies.clear()


# --- the admin API (USER_API, role admin) ---------------------------------------------------------------------
def assert_hidden(rep: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        assert name not in rep, (name, rep)
    assert "nickname" not in (rep.get("attributes") or {}), rep
    assert rep["id"] and "emailVerified" in rep  # ModelToRepresentation sets it whatever the e-mail's permissions


async def test_admin_get_user_leaves_out_what_only_the_user_sees(env: Env, access: str) -> None:
    uid = await user_id(env)
    await configure(env, USER_ONLY)
    rep = await get(env, f"/users/{uid}", userProfileMetadata="true")
    assert_hidden(rep, ROOTS)
    assert metadata_names(rep) == set()


async def test_admin_listings_leave_out_what_only_the_user_sees(env: Env, access: str) -> None:
    await configure(env, USER_ONLY, username=ALL)
    queries: list[dict[str, str]] = [
        {},
        {"briefRepresentation": "true"},
        {"search": "test-user"},
        {"username": ME, "exact": "true"},
        {"email": ME},  # the store's search still finds the user by a hidden e-mail, as Keycloak's does
    ]
    for params in queries:
        found = [u for u in await get(env, "/users", **params) if u.get("username") == ME]
        assert len(found) == 1, (params, found)
        assert_hidden(found[0], NAMES)


async def test_admin_with_only_view_users_sees_what_administrators_may_view(env: Env, access: str) -> None:
    """Hostile: a view-users administrator reads as the role ``admin``, no more (and no less) than manage-users."""
    uid = await user_id(env)
    await configure(env, USER_ONLY, username=ALL, email=ADMIN_ONLY)
    _, viewer = await make_admin(env, "test", "viewer@example.com", "view-users")
    for url in (f"/admin/realms/test/users/{uid}?userProfileMetadata=true", "/admin/realms/test/users?search=test"):
        response = await env.http.get(url, headers=viewer)
        assert response.status_code == 200, response.text
        body = response.json()
        rep = body if isinstance(body, dict) else next(u for u in body if u.get("username") == ME)
        assert (rep["username"], rep["email"]) == (ME, ME)
        assert_hidden(rep, ("firstName", "lastName"))
        if "userProfileMetadata" in rep:
            assert metadata_names(rep) == {"username", "email"}


async def test_another_realms_admin_reads_no_user_of_this_realm(env: Env, access: str) -> None:
    """Hostile: manage-users of another realm gives nothing here, whatever the permissions."""
    uid = await user_id(env)
    await configure(env, ALL)
    async with env.db.transaction() as tx:
        exists = await tx.realms.get_by_name(OTHER)
    if exists is None:
        await seed_realm(env.db, env.clock, OTHER)
    _, stranger = await make_admin(env, OTHER, f"stranger{uid[:8]}@example.com", "manage-users", "view-users")
    for url in (f"/admin/realms/test/users/{uid}", "/admin/realms/test/users", "/admin/realms/test/users/count"):
        forbidden(await env.http.get(url, headers=stranger))


# --- registration (REGISTRATION, role user) -------------------------------------------------------------------
async def test_register_page_keeps_a_username_only_administrators_edit(env: Env) -> None:
    """DefaultAttributes.isReadableOrWritableDuringRegistration: while the username is required (the e-mail is not
    the username) the register page shows it editable and registers it, whatever its permissions say."""
    env.http.cookies.clear()
    await group_port.fresh_realm(env, register_port.realm_rep())
    await configure(env, username=ADMIN_ONLY)
    page = await register_port.open_register(env)
    assert input_present(page, "username") and input_enabled(page, "username")
    done = await register_port.register(
        env, page, "Nel", "Newbie", "nel@example.com", "newbie", "p4ssw0rd!", "p4ssw0rd!"
    )
    register_port.auth_response(done)
    assert [u["email"] for u in await get(env, "/users", username="newbie", exact="true")] == ["nel@example.com"]
    env.http.cookies.clear()


# --- the UPDATE_PROFILE page (role user) ----------------------------------------------------------------------
async def test_update_profile_page_shows_no_name_the_user_may_not_view(env: Env) -> None:
    """login-update-profile.ftl lists the readable attributes: a first name only administrators see is not on the
    page, a last name the user sees but may not edit is disabled; the page sent as the browser sends it keeps both."""
    env.http.cookies.clear()
    tom = page_port.user(ME, "Tom", "Brady", emailVerified=True, requiredActions=["UPDATE_PROFILE"])
    await page_port.import_realm(env, [tom])
    await configure(env, firstName=ADMIN_ONLY, lastName={"view": ["admin", "user"], "edit": ["admin"]})
    page = await login(env, await open_login_form(env), ME)
    assert page_port.is_update_profile_page(page), page.text[:1500]
    assert not input_present(page, "firstName") and 'value="Tom"' not in page.text
    assert input_present(page, "lastName") and not input_enabled(page, "lastName")
    assert "code" in auth_response(await page_port.update(env, page, **{**shown_inputs(page), "email": ME}))
    stored = await page_port.find_user(env, ME)
    assert (stored["firstName"], stored["lastName"]) == ("Tom", "Brady")
    env.http.cookies.clear()
