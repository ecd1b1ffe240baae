"""Self-registration as Keycloak 26 does it (RegisterTest): the login page's Register link, the registration
form's validations and messages, the REGISTER events, and the new user logged in and sent back with a code."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, form_action, form_fields, start, submit_forged
from doorkeep.model import Group
from support import auth_session_id, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"
GOOD = "Str0ng-pass!"
FORM = {"firstName": "firstName", "lastName": "lastName", "email": "new@Email.test", "username": "New.User"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, registration_allowed=True, events_enabled=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1", email="user1@example.com")
    return env


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def stored_user(env: Env, username: str) -> Any:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.users.get_by_username(test.id, username)


def field_error(page: httpx.Response, field: str) -> str | None:
    found = re.search(rf'<span id="input-error-{field}"[^>]*>([^<]*)</span>', page.text)
    return html.unescape(found.group(1)) if found else None


def value_of(page: httpx.Response, field: str) -> str | None:
    found = re.search(rf'<input type="[a-z]+" id="{field}" name="{field}" value="([^"]*)"', page.text)
    return html.unescape(found.group(1)) if found else None


def register_link(page: httpx.Response) -> str | None:
    found = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', page.text)
    return html.unescape(found.group(1)) if found else None


async def open_form(env: Env) -> httpx.Response:
    """The login page, then its Register link (loginPage.clickRegister)."""
    login = await start(env.http, "test", "app")
    link = register_link(login)
    assert link is not None, login.text
    page = await env.http.get(link)
    assert page.status_code == 200 and 'id="kc-register-form"' in page.text, page.text
    return page


async def register(env: Env, page: httpx.Response, password: str | None = GOOD, **fields: str) -> httpx.Response:
    data = {**form_fields(page.text), **FORM, "password": password or "", "password-confirm": password or ""}
    data.update(fields)
    return await env.http.post(form_action(page.text), data=data)


async def test_the_login_page_links_to_registration_only_while_it_is_allowed(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    link = register_link(page) or ""
    assert link.startswith("http://localhost/realms/test/login-actions/registration?client_id=app&tab_id=")
    assert "New user?" in page.text
    await update_realm(realm.db, "test", registration_allowed=False)
    assert register_link(await start(realm.http, "test", "app")) is None


async def test_a_registered_user_is_created_logged_in_and_sent_back_with_a_code(realm: Env) -> None:
    async with realm.db.transaction() as tx:  # a default group, as the admin's default-groups endpoint sets
        test = await tx.realms.get_by_name("test")
        assert test is not None
        group = Group(str(uuid.uuid4()), test.id, "members", path="/members")
        await tx.groups.create(group)
        await tx.groups.add_default(test.id, group.id)
    response = await register(realm, await open_form(realm))
    params = code_from(response)
    assert params["state"] == "st4te" and "code" in params and "kc_action_status" not in params
    assert (await exchange(realm.http, "test", "app", params["code"])).status_code == 200
    user = await stored_user(realm, "new.user")
    assert (user.email, user.first_name, user.last_name, user.enabled) == (
        "new@email.test",
        "firstName",
        "lastName",
        True,
    )
    assert user.email_verified is False and user.required_actions == ()
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        default = await tx.roles.get_realm_role(test.id, "default-roles-test")
        assert default is not None and default.id in await tx.users.role_ids(user.id)
        assert [g.name for g in await tx.groups.of_user(user.id)] == ["members"]
    [event] = await events(realm, "REGISTER")
    assert (event.user_id, event.client_id, event.error) == (user.id, "app", None)
    assert event.details["register_method"] == "form"
    assert (event.details["username"], event.details["email"]) == ("New.User", "new@Email.test")
    assert (event.details["first_name"], event.details["redirect_uri"]) == ("firstName", REDIRECT)
    [login] = await events(realm, "LOGIN")
    assert (login.user_id, login.details["username"]) == (user.id, "new.user")
    assert "KEYCLOAK_IDENTITY" in response.headers.get("set-cookie", "")


async def test_an_existing_username_is_refused_and_the_form_keeps_what_was_typed(realm: Env) -> None:
    page = await register(realm, await open_form(realm), username="USER1", email="other@example.com")
    assert page.status_code == 200
    assert field_error(page, "username") == "Username already exists."
    assert (value_of(page, "username"), value_of(page, "email")) == ("USER1", "other@example.com")
    assert (value_of(page, "firstName"), value_of(page, "password")) == ("firstName", "")
    [event] = await events(realm, "REGISTER_ERROR")
    assert (event.error, event.user_id, event.details["username"]) == ("username_in_use", None, "user1")


async def test_register_error_and_register_carry_the_logins_code_id(realm: Env) -> None:
    """SessionCodeChecks puts the root authentication session's id (the AUTH_SESSION_ID cookie) on every
    login-actions event as ``code_id``: REGISTER_ERROR and the REGISTER of the same form both name it, and the new
    user's session takes it (AuthenticationProcessor.attachSession)."""
    page = await register(realm, await open_form(realm), username="user1")
    login_id = auth_session_id(realm.http.cookies.get("AUTH_SESSION_ID", path="/realms/test/"))
    assert login_id
    [refused] = await events(realm, "REGISTER_ERROR")
    assert refused.details["code_id"] == login_id, refused.details
    assert "code" in code_from(await register(realm, page))
    [registered] = await events(realm, "REGISTER")
    assert registered.details["code_id"] == login_id, registered.details
    [logged_in] = await events(realm, "LOGIN")
    assert logged_in.session_id == logged_in.details["code_id"] == login_id, logged_in


async def test_an_existing_email_is_refused_unless_duplicates_are_allowed(realm: Env) -> None:
    page = await register(realm, await open_form(realm), email="USER1@example.com")
    assert field_error(page, "email") == "Email already exists."
    [event] = await events(realm, "REGISTER_ERROR")
    assert (event.error, event.details["email"]) == ("email_in_use", "user1@example.com")
    await update_realm(realm.db, "test", duplicate_emails_allowed=True)
    response = await register(realm, await open_form(realm), email="user1@example.com")
    assert "code" in code_from(response)
    assert (await stored_user(realm, "new.user")).email == "user1@example.com"


async def test_every_missing_field_is_named_at_once(realm: Env) -> None:
    blank = {name: "" for name in FORM}
    page = await register(realm, await open_form(realm), password=None, **blank)
    assert field_error(page, "username") == "Please specify username."
    assert field_error(page, "email") == "Please specify email."
    assert field_error(page, "firstname") == "Please specify this field."
    assert field_error(page, "lastname") == "Please specify this field."
    assert field_error(page, "password") == "Please specify password."
    [event] = await events(realm, "REGISTER_ERROR")
    assert event.error == "invalid_registration"


async def test_an_unconfirmed_password_and_an_invalid_email_are_refused(realm: Env) -> None:
    form = await open_form(realm)
    data = {**form_fields(form.text), **FORM, "password": GOOD, "password-confirm": "invalid"}
    page = await realm.http.post(form_action(form.text), data=data)
    assert field_error(page, "password-confirm") == "Password confirmation doesn't match."
    assert value_of(page, "password") == "" and value_of(page, "username") == "New.User"
    page = await register(realm, page, email="registerUserInvalidEmailemail")
    assert field_error(page, "email") == "Invalid email address."
    assert value_of(page, "email") == "registerUserInvalidEmailemail"
    assert [e.error for e in await events(realm, "REGISTER_ERROR")] == ["invalid_registration"] * 2
    assert await stored_user(realm, "new.user") is None


async def test_the_password_policy_applies(realm: Env) -> None:
    await update_realm(realm.db, "test", password_policy="length(8) and notUsername")
    page = await register(realm, await open_form(realm), password="abc")
    assert field_error(page, "password") == "Invalid password: minimum length 8."
    page = await register(realm, page, password="new.user")
    assert field_error(page, "password") == "Invalid password: must not be equal to the username."
    assert "code" in code_from(await register(realm, page))


async def test_with_email_as_username_the_email_names_the_user(realm: Env) -> None:
    await update_realm(realm.db, "test", registration_email_as_username=True)
    page = await open_form(realm)
    assert 'id="username"' not in page.text
    page = await register(realm, page, email="user1@example.com")
    assert field_error(page, "email") == "Email already exists."
    assert (await events(realm, "REGISTER_ERROR"))[0].error == "email_in_use"
    assert "code" in code_from(await register(realm, page, email="Success@Email.test"))
    user = await stored_user(realm, "success@email.test")
    assert user is not None and user.email == "success@email.test"
    [event] = await events(realm, "REGISTER")
    assert event.details["username"] == "Success@Email.test"


async def test_registration_is_refused_with_keycloaks_error_page_when_not_allowed(realm: Env) -> None:
    login = await start(realm.http, "test", "app")
    await update_realm(realm.db, "test", registration_allowed=False)
    page = await realm.http.get("/realms/test/login-actions/registration", params={"client_id": "app"})
    assert page.status_code == 400 and "Registration not allowed" in page.text
    query = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = await realm.http.get(f"{OIDC}/registrations", params=query)
    assert page.status_code == 400 and "Registration not allowed" in page.text
    page = await start(realm.http, "test", "app", prompt="create")
    assert page.status_code == 400 and "Registration not allowed" in page.text
    # a form already open cannot be posted either
    data = {**form_fields(login.text), **FORM, "password": GOOD, "password-confirm": GOOD}
    page = await realm.http.post("/realms/test/login-actions/registration", data=data)
    assert page.status_code == 400 and await stored_user(realm, "new.user") is None


async def test_the_registrations_endpoint_and_prompt_create_open_the_form_prefilled_by_login_hint(realm: Env) -> None:
    query = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = await realm.http.get(f"{OIDC}/registrations", params={**query, "login_hint": "username_test"})
    assert page.status_code == 200 and value_of(page, "username") == "username_test"
    assert page.headers["cache-control"] == "no-store, must-revalidate, max-age=0"
    page = await start(realm.http, "test", "app", prompt="create")
    assert page.status_code == 200 and 'id="kc-register-form"' in page.text
    assert "code" in code_from(await register(realm, page))


async def test_the_form_code_is_checked_as_on_the_login_page(realm: Env) -> None:
    page = await open_form(realm)
    response = await submit_forged(realm.http, page, "forged", **FORM, password=GOOD, **{"password-confirm": GOOD})
    # SessionCodeChecks: a wrong code on the page the tab shows (the form names its execution) sends the browser
    # back to that page ("Action expired"), registering nobody
    assert response.status_code == 302 and "/login-actions/registration?" in response.headers["location"]
    assert await stored_user(realm, "new.user") is None
    # the login form's code does not register either: the registration step is not pending
    login = await start(realm.http, "test", "app")
    data = {**form_fields(login.text), **FORM, "password": GOOD, "password-confirm": GOOD}
    response = await realm.http.post("/realms/test/login-actions/registration", data=data)
    assert response.status_code == 400 and await stored_user(realm, "new.user") is None


async def test_back_to_login_returns_to_the_login_form(realm: Env) -> None:
    page = await open_form(realm)
    back = re.search(r'<div id="kc-form-options"><a href="([^"]+)"', page.text)
    assert back is not None
    login = await realm.http.get(html.unescape(back.group(1)))
    assert login.status_code == 200 and 'id="kc-form-login"' in login.text


async def test_the_form_speaks_german(realm: Env) -> None:
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    page = await start(realm.http, "test", "app", ui_locales="de")
    link = register_link(page)
    assert link is not None and "Neuer Benutzer?" in page.text
    form = await realm.http.get(link)
    assert '<h1 id="kc-page-title">Registrierung</h1>' in form.text
    page = await register(realm, form, username="user1")
    assert field_error(page, "username") == "Benutzername existiert bereits."
    assert "code" in code_from(await register(realm, page))
    assert (await stored_user(realm, "new.user")).attributes == {"locale": ["de"]}


async def test_discovery_lists_prompt_create_while_registration_is_allowed(realm: Env) -> None:
    document = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert document["prompt_values_supported"] == ["none", "login", "consent", "create"]
    await update_realm(realm.db, "test", registration_allowed=False)
    document = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert document["prompt_values_supported"] == ["none", "login", "consent"]


async def test_a_request_refused_at_the_registrations_endpoint_is_a_register_error(realm: Env) -> None:
    """AuthorizationEndpoint.register sets the event's type to REGISTER before the request is checked, so a refused
    request there is REGISTER_ERROR (an unknown client: ``client_not_found``), at the authorization endpoint
    LOGIN_ERROR; ``prompt=create`` at the authorization endpoint stays LOGIN (the checks run before it is read)."""
    query = {"client_id": "nope", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    refused = await realm.http.get(f"{OIDC}/registrations", params=query)
    assert refused.status_code == 400
    [event] = await events(realm, "REGISTER_ERROR")
    assert (event.error, event.client_id) == ("client_not_found", "nope"), event
    await realm.http.get(f"{OIDC}/auth", params={**query, "prompt": "create"})
    [login] = await events(realm, "LOGIN_ERROR")
    assert login.error == "client_not_found", login
    assert len(await events(realm, "REGISTER_ERROR")) == 1
