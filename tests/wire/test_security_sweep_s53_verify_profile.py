"""Security sweep s53: VERIFY_PROFILE's update-profile form (session 52: VerifyUserProfile at every browser login,
its form UpdateProfile's) attacked as the security review attacks older code.

- Mass assignment: the form posted with fields the page does not show or shows read-only (``username`` where
  editing usernames is off, an admin-only and an admin-editable attribute, attributes the profile does not declare,
  the server's read-only attributes, ``emailVerified``/``enabled`` and other representation members) changes none
  of them (DeclarativeUserProfile's UPDATE_PROFILE context: the user may write what ``edit`` gives them, no more);
  another user's e-mail is refused with "Email already exists." and nothing stored.
- Markup typed into the names or the e-mail comes back escaped on the page with the errors (the person-name
  validator refuses it, as Keycloak's default profile does).
- Step skipping and replay: the form posted by a browser whose login has no user yet, by another browser without
  the login's cookie, with a spent session code after the action is done, or as ``execution=VERIFY_PROFILE`` where
  the profile is complete, writes nothing (SessionCodeChecks.verifyRequiredAction).

One app for the module (``group_port.shared_env``), the realm imported anew for each test."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

import group_port
from browser_flow import form_action, form_fields, start
from group_port import fresh_realm
from keycloak_port import admin_headers, get, put, user_id
from login_test_realm import auth_response, login, open_login_form
from update_profile_port import input_error, is_update_profile_page
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PASSWORD = "Pa55-sweep-s53"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}


def _user(username: str, email: str, first: str | None = None, last: str | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {"username": username, "email": email, "enabled": True, "emailVerified": False}
    rep |= {k: v for k, v in (("firstName", first), ("lastName", last)) if v is not None}
    rep["attributes"] = {"adminOnly": ["kept"], "adminEdit": ["kept"]}
    return rep | {"credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]}


def realm_rep() -> dict[str, Any]:
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "editUsernameAllowed": False,
        "users": [
            _user("victim", "victim@example.com"),  # no names: VERIFY_PROFILE stops the login
            _user("complete", "complete@example.com", "Complete", "User"),
            _user("other", "other@example.com", "Other", "User"),
        ],
        "clients": [{"clientId": "test-app", "secret": "password", "redirectUris": ["http://127.0.0.1:9999/*"]}],
    }


async def _profile(kc: Env) -> None:
    """The default profile plus an admin-only and an admin-editable attribute."""
    config: dict[str, Any] = await get(kc, "/users/profile")
    names = {a["name"] for a in config["attributes"]}
    config["attributes"] += [
        {"name": n, "permissions": p} for n, p in (("adminOnly", ADMIN_ONLY), ("adminEdit", ADMIN_EDITABLE))
    ]
    assert {"username", "email", "firstName", "lastName"} <= names
    await put(kc, "/users/profile", config, status=200)


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(), verify_profile=True)
    await _profile(env)
    yield env
    env.http.cookies.clear()


async def _page(kc: Env, http: httpx.AsyncClient | None = None, username: str = "victim") -> httpx.Response:
    if http is None:
        page = await login(kc, await open_login_form(kc), username, PASSWORD)
    else:
        first = await start(http, "test", "test-app")
        page = await http.post(form_action(first.text), data={"username": username, "password": PASSWORD})
    assert is_update_profile_page(page), page.text[:1500]
    return page


async def _rep(kc: Env, username: str = "victim") -> dict[str, Any]:
    found: dict[str, Any] = await get(kc, f"/users/{await user_id(kc, username)}")
    return found


async def _post(http: httpx.AsyncClient, page: httpx.Response, **fields: str) -> httpx.Response:
    return await http.post(form_action(page.text), data={**form_fields(page.text), **fields})


NAMES = {"firstName": "Eve", "lastName": "Tester", "email": "victim@example.com"}


@pytest.mark.parametrize(
    "smuggled",
    [
        {"username": "admin"},
        {"username": "other"},
        {"adminOnly": "overwritten"},
        {"adminEdit": "overwritten"},
        {"undeclared": "x"},
        {"emailVerified": "true", "email_verified": "true"},
        {"enabled": "false"},
        {"LDAP_ID": "x", "KERBEROS_PRINCIPAL": "x", "CREATED_TIMESTAMP": "1", "createTimestamp": "1"},
        {"federationLink": "x", "createdTimestamp": "1", "serviceAccountClientId": "test-app"},
        {"user.attributes.adminOnly": "overwritten", "attributes.adminOnly": "overwritten"},
        {"requiredActions": "", "terms_and_conditions": "1"},
    ],
    ids=lambda s: ",".join(s),
)
async def test_fields_the_page_does_not_let_the_user_edit_are_not_written(kc: Env, smuggled: dict[str, str]) -> None:
    before = await _rep(kc)
    done = await _post(kc.http, await _page(kc), **NAMES, **smuggled)
    assert "code" in auth_response(done), done.text[:1500]
    after = await _rep(kc)
    assert (after["firstName"], after["lastName"]) == ("Eve", "Tester")
    assert after["username"] == "victim" and after["enabled"] is True and after["emailVerified"] is False
    assert after.get("federationLink") is None and after.get("serviceAccountClientId") is None
    assert after["createdTimestamp"] == before["createdTimestamp"]
    assert after["attributes"] == before["attributes"], after["attributes"]
    assert (await get(kc, "/users", username="admin", exact="true")) == []


@pytest.mark.parametrize("email", ["other@example.com", "OTHER@example.com"])
async def test_another_users_email_is_refused(kc: Env, email: str) -> None:
    page = await _page(kc)
    again = await _post(kc.http, page, **{**NAMES, "email": email})
    assert is_update_profile_page(again) and input_error(again, "email") == "Email already exists.", again.text[:1500]
    rep = await _rep(kc)
    assert rep["email"] == "victim@example.com" and rep.get("firstName") is None


@pytest.mark.parametrize("field", ["firstName", "lastName", "email"])
async def test_markup_typed_comes_back_escaped(kc: Env, field: str) -> None:
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    again = await _post(kc.http, await _page(kc), **{**NAMES, field: hostile})
    assert is_update_profile_page(again), again.text[:1500]
    assert "<script>alert(1)" not in again.text and "<img src=x" not in again.text
    assert html.escape(hostile, quote=True) in again.text or "&#34;&gt;&lt;script&gt;" in again.text, again.text
    assert input_error(again, field)  # the person-name / e-mail validators refuse it
    rep = await _rep(kc)
    assert rep.get("firstName") is None and rep["email"] == "victim@example.com"


async def test_a_login_without_a_user_cannot_post_the_form(kc: Env) -> None:
    """A browser at the login page (no user yet) posting the required-action form as VERIFY_PROFILE."""
    page = await open_login_form(kc)
    action = form_action(page.text).replace("/login-actions/authenticate", "/login-actions/required-action")
    target = _with(action, execution="VERIFY_PROFILE")
    answer = await kc.http.post(target, data={**form_fields(page.text), **NAMES, "username": "victim"})
    assert answer.status_code < 500 and "code=" not in answer.headers.get("location", ""), answer.text[:800]
    assert (await _rep(kc)).get("firstName") is None


async def test_another_browser_cannot_post_the_victims_form(kc: Env) -> None:
    """The victim's form (its action with the tab and session code) posted from a browser without the victim's
    AUTH_SESSION_ID: CSRF and a leaked URL alike write nothing; the victim's page still works."""
    page = await _page(kc)
    async with client_at(kc, "10.53.0.9") as attacker:
        answer = await _post(attacker, page, **{**NAMES, "firstName": "Attacker"})
        assert answer.status_code < 500 and "code=" not in answer.headers.get("location", ""), answer.text[:800]
    assert (await _rep(kc)).get("firstName") is None
    assert "code" in auth_response(await _post(kc.http, page, **NAMES))
    assert (await _rep(kc))["firstName"] == "Eve"


async def test_the_form_replayed_after_the_action_changes_nothing(kc: Env) -> None:
    page = await _page(kc)
    assert "code" in auth_response(await _post(kc.http, page, **NAMES))
    replayed = await _post(kc.http, page, **{**NAMES, "firstName": "Replayed"})
    assert replayed.status_code < 500 and "code=" not in replayed.headers.get("location", ""), replayed.text[:800]
    assert (await _rep(kc))["firstName"] == "Eve"


async def test_verify_profile_posted_where_the_login_waits_on_another_action(kc: Env) -> None:
    """A complete profile with UPDATE_PASSWORD pending: the VERIFY_PROFILE form posted to the password page's tab
    changes no name (only the current required action is processed)."""
    uid = await user_id(kc, "complete")
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "requiredActions": ["UPDATE_PASSWORD"]})
    page = await login(kc, await open_login_form(kc), "complete", PASSWORD)
    assert 'name="password-new"' in page.text, page.text[:1500]
    target = _with(form_action(page.text), execution="VERIFY_PROFILE")
    answer = await kc.http.post(target, data={**form_fields(page.text), "firstName": "Hijacked", "lastName": "X"})
    assert answer.status_code < 500 and "code=" not in answer.headers.get("location", ""), answer.text[:800]
    after = await get(kc, f"/users/{uid}")
    assert (after["firstName"], after["lastName"]) == ("Complete", "User")


def _with(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params] + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize(
    "smuggled",
    [
        {"LDAP_ID": "x"},
        {"LDAP_ENTRY_DN": "cn=admin"},
        {"KERBEROS_PRINCIPAL": "admin@REALM"},
        {"CREATED_TIMESTAMP": "1", "createTimestamp": "1", "modifyTimestamp": "1"},
        {"userCertificate": "x"},
        {"saml.persistent.name.id.for.app": "admin"},
        {"ENABLED": "false", "EMAIL_VERIFIED": "true", "disabledReason": "x"},
        {"ldap_id": "x", "Ldap_Entry_Dn": "x"},
        {"adminOnly": "overwritten", "adminEdit": "overwritten"},
    ],
    ids=lambda s: ",".join(s),
)
async def test_unmanaged_attributes_enabled_still_keep_the_read_only_ones(kc: Env, smuggled: dict[str, str]) -> None:
    """With unmanagedAttributePolicy ENABLED the user may write attributes the profile does not declare, but never
    the server's read-only ones (DeclarativeUserProfileProvider's default read-only attributes) nor a declared
    attribute the user may not edit."""
    config: dict[str, Any] = await get(kc, "/users/profile")
    await put(kc, "/users/profile", {**config, "unmanagedAttributePolicy": "ENABLED"}, status=200)
    before = await _rep(kc)
    page = await _page(kc)
    done = await _post(kc.http, page, **NAMES, **smuggled)
    assert done.status_code in (200, 302), done.text[:800]
    if done.status_code == 200:  # refused (read-only attribute changed): the form again, nothing written
        assert is_update_profile_page(done) and (await _rep(kc)).get("firstName") is None, done.text[:1500]
        done = await _post(kc.http, done, **NAMES)
    assert "code" in auth_response(done)
    after = await _rep(kc)
    assert after["enabled"] is True and after["emailVerified"] is False and after["firstName"] == "Eve"
    assert after["attributes"] == before["attributes"], after["attributes"]


@pytest.mark.parametrize("policy", [None, "ADMIN_VIEW", "ADMIN_EDIT"])
async def test_the_page_shows_no_value_the_user_may_not_view(kc: Env, policy: str | None) -> None:
    """An admin-only attribute's value, and an unmanaged one the policy keeps from the user (none, ADMIN_VIEW,
    ADMIN_EDIT), appear nowhere on the update-profile page, first shown or shown again with an error
    (DeclarativeUserProfile's UPDATE_PROFILE context: the user's view permission)."""
    config: dict[str, Any] = await get(kc, "/users/profile")
    if policy is not None:
        await put(kc, "/users/profile", {**config, "unmanagedAttributePolicy": policy}, status=200)
    uid = await user_id(kc, "victim")
    rep = await get(kc, f"/users/{uid}")
    attributes = {"adminOnly": ["TOPSECRET-admin-only"], "adminEdit": ["visible-admin-edit"]}
    attributes["internalNote"] = ["TOPSECRET-unmanaged", "TOPSECRET-second"]
    await put(kc, f"/users/{uid}", {**rep, "attributes": attributes})
    stored = (await get(kc, f"/users/{uid}"))["attributes"]
    assert stored["adminOnly"] == ["TOPSECRET-admin-only"], stored
    page = await _page(kc)
    assert "TOPSECRET" not in page.text, page.text
    again = await _post(kc.http, page, **{**NAMES, "email": "not-an-email"})
    assert is_update_profile_page(again) and input_error(again, "email"), again.text[:1500]
    assert "TOPSECRET" not in again.text, again.text


@pytest.mark.parametrize("username", ["other", "OTHER", " other "])
async def test_another_users_username_is_refused_where_usernames_are_editable(kc: Env, username: str) -> None:
    """editUsernameAllowed on: the form shows the username, and another user's (in any case, padded) is refused
    with "Username already exists." (DuplicateUsernameValidator); nothing stored."""
    realm = await get(kc, "")
    await put(kc, "", {**realm, "editUsernameAllowed": True})
    page = await _page(kc)
    assert 'name="username"' in page.text, page.text[:1500]
    again = await _post(kc.http, page, **{**NAMES, "username": username})
    assert is_update_profile_page(again), again.text[:1500]
    assert input_error(again, "username") == "Username already exists.", again.text[:2500]
    rep = await _rep(kc)
    assert rep["username"] == "victim" and rep.get("firstName") is None


SCRIPT = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


async def test_profile_texts_with_markup_run_no_script_on_the_page(kc: Env) -> None:
    """The texts a realm administrator writes into the user profile and shows on the update-profile page (display
    names, a group's header and description, helper texts, a placeholder, option labels, a localized text a
    ``${key}`` names) are escaped (helper texts keep a few plain inline tags, as kcSanitize keeps them): no script
    from a realm's configuration runs on the server's origin, which the master realm's console shares."""
    texts = await kc.http.post(
        "/admin/realms/test/localization/en",
        json={"evilLabel": SCRIPT, "evilHelper": f"<b>bold</b>{SCRIPT}"},
        headers=await admin_headers(kc),
    )
    assert texts.status_code == 204, texts.text
    realm = await get(kc, "")
    await put(kc, "", {**realm, "internationalizationEnabled": True, "supportedLocales": ["en"], "defaultLocale": "en"})
    config: dict[str, Any] = await get(kc, "/users/profile")
    annotations = {
        "inputHelperTextBefore": f"<i>before</i>{SCRIPT}",
        "inputHelperTextAfter": "${evilHelper}",
        "inputTypePlaceholder": SCRIPT,
        "inputType": "select",
        "inputOptionLabels": {"a": SCRIPT, "b": "${evilLabel}"},
    }
    config["groups"] = [
        *(config.get("groups") or []),
        {"name": "evil", "displayHeader": SCRIPT, "displayDescription": SCRIPT},
    ]
    config["attributes"] += [
        {
            "name": "hostile",
            "displayName": SCRIPT,
            "group": "evil",
            "required": {},
            "permissions": ALL,
            "annotations": annotations,
            "validations": {"options": {"options": ["a", "b"]}},
        },
        {"name": "localized", "displayName": "${evilLabel}", "required": {}, "permissions": ALL},
    ]
    await put(kc, "/users/profile", config, status=200)
    page = await _page(kc)
    again = await _post(kc.http, page, **NAMES, hostile="c")  # not an option: the page again with an error
    for shown in (page, again):
        assert is_update_profile_page(shown), shown.text[:1500]
        assert (
            "<script" not in shown.text
            and "<img" not in shown.text
            and "onerror=alert" not in shown.text.replace("onerror=alert(2)&gt;", "")
        ), shown.text
        assert "&lt;script&gt;" in shown.text
