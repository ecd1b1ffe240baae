"""The update-profile, terms, delete-account and registration forms post to their tab's login-actions URL as
Keycloak's ``url.loginAction`` / ``url.registrationAction`` build it: ``session_code``, ``execution``,
``client_id``, ``tab_id`` and ``client_data``. So the tab is found by its id (not by the form's code), and a form
of the page the tab still shows, posted again with its spent code, is answered as SessionCodeChecks answers it:
a redirect to the tab's page (the ``execution`` is the page's: Keycloak's "Action expired" case), not
"Page has expired"."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, start, submit
from doorkeep.realms import required_actions as registered
from login_client import raw
from support import seed_client, seed_realm, seed_user, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TAB_KEYS = {"session_code", "execution", "client_id", "tab_id", "client_data"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, registration_allowed=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1", email="user1@localhost", email_verified=True)
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        on = {"TERMS_AND_CONDITIONS", "delete_account"}
        actions = [dataclasses.replace(a, enabled=True) if a.alias in on else a for a in registered.of(test)]
        await tx.realms.update(registered.with_actions(test, actions))
        account = await tx.clients.get_by_client_id(test.id, "account")
        user = await tx.users.get_by_username(test.id, "user1")
        assert account is not None and user is not None
        role = await tx.roles.get_client_role(account.id, "delete-account")
        assert role is not None
        await tx.users.grant_roles(user.id, [role.id])
    return env


def query(page: httpx.Response) -> dict[str, str]:
    assert page.status_code == 200, (page.status_code, page.text[:1500])
    return {k: v[0] for k, v in parse_qs(urlsplit(form_action(page.text)).query).items()}


async def logged_in_page(realm: Env, **params: str) -> httpx.Response:
    page = await start(realm.http, "test", "app", **params)
    return await submit(realm.http, page, username="user1", password="password")


async def registration_page(realm: Env) -> httpx.Response:
    page = await start(realm.http, "test", "app")
    return await realm.http.get(
        form_action(page.text).replace("/login-actions/authenticate", "/login-actions/registration")
    )


async def assert_back_on_the_tab(realm: Env, spent: httpx.Response, first: dict[str, str], form_id: str) -> None:
    """The spent form's answer: a redirect to its tab's current page (same tab, same execution), which shows
    the form again."""
    assert spent.status_code == 302, (spent.status_code, spent.text[:1500])
    location = {k: v[0] for k, v in parse_qs(urlsplit(spent.headers["location"]).query).items()}
    assert (location["tab_id"], location["execution"]) == (first["tab_id"], first["execution"]), location
    again = await realm.http.get(spent.headers["location"])
    assert again.status_code == 200 and f'id="{form_id}"' in again.text, again.text[:1500]


@pytest.mark.parametrize(
    ("required", "kc_action", "execution"),
    [
        ("UPDATE_PROFILE", None, "UPDATE_PROFILE"),
        ("TERMS_AND_CONDITIONS", None, "TERMS_AND_CONDITIONS"),
        (None, "delete_account", "delete_account"),
    ],
)
async def test_a_required_action_form_posts_to_its_tabs_url(
    realm: Env, required: str | None, kc_action: str | None, execution: str
) -> None:
    if required is not None:
        await update_user(realm.db, "test", "user1", required_actions=(required,))
    page = await logged_in_page(realm, **({"kc_action": kc_action} if kc_action else {}))
    params = query(page)
    assert "/login-actions/required-action?" in form_action(page.text)
    assert set(params) >= TAB_KEYS, params
    assert (params["execution"], params["client_id"]) == (execution, "app"), params


async def test_the_registration_form_posts_to_its_tabs_url(realm: Env) -> None:
    page = await registration_page(realm)
    params = query(page)
    assert "/login-actions/registration?" in form_action(page.text)
    assert set(params) >= TAB_KEYS and params["client_id"] == "app", params
    back = page.text.rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")  # "« Back to Login"
    assert "/login-actions/authenticate?" in back and f"tab_id={params['tab_id']}" in back, back


async def test_a_spent_profile_form_shows_its_tab_again_with_action_expired(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PROFILE",))
    page = await logged_in_page(realm)
    refused = await submit(realm.http, page, firstName="", lastName="", email="")  # the page again, a new code
    assert refused.status_code == 200 and 'id="kc-update-profile-form"' in refused.text, refused.text[:1500]
    with raw(realm.http):  # the redirect itself, not the page it leads to
        spent = await submit(realm.http, page, firstName="A", lastName="B", email="a@b.c")
    await assert_back_on_the_tab(realm, spent, query(page), "kc-update-profile-form")


async def test_a_spent_registration_form_shows_its_tab_again_with_action_expired(realm: Env) -> None:
    page = await registration_page(realm)
    refused = await submit(realm.http, page, username="", email="", password="", **{"password-confirm": ""})
    assert refused.status_code == 200 and 'id="kc-register-form"' in refused.text, refused.text[:1500]
    spent = await submit(
        realm.http, page, username="new1", email="new1@x.org", password="pw", **{"password-confirm": "pw"}
    )
    await assert_back_on_the_tab(realm, spent, query(page), "kc-register-form")
