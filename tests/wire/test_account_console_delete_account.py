"""Account Console → Personal info → "Delete account": shown only as Keycloak's AccountConsole allows it
(``deleteAccountAllowed``: delete_account enabled in the realm and the user's delete-account role of the
``account`` client), and a sign-in with ``kc_action=delete_account`` (PersonalInfo.tsx), which asks for the
password again and ends on "User deleted successfully"."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import form_action, form_fields
from console_support import HTML, ORIGIN, act, sign_in
from doorkeep.realms import required_actions as registered
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
SECTION = 'id="delete-account-heading"'


async def allow(env: Env, *, enabled: bool, role: bool, config: dict[str, str] | None = None) -> None:
    """delete_account enabled or not (with ``config`` stored on it when given), and user1's delete-account role."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [
            dataclasses.replace(a, enabled=enabled, config=config if config is not None else a.config)
            if a.alias == "delete_account"
            else a
            for a in registered.of(test)
        ]
        await tx.realms.update(registered.with_actions(test, actions))
        user = await tx.users.get_by_username(test.id, "user1")
        account = await tx.clients.get_by_client_id(test.id, "account")
        assert user is not None and account is not None
        found = await tx.roles.get_client_role(account.id, "delete-account")
        assert found is not None
        if role:
            await tx.users.grant_roles(user.id, [found.id])


@pytest.mark.parametrize(("enabled", "role"), [(False, False), (False, True), (True, False)])
async def test_the_section_is_hidden_unless_the_realm_and_the_role_allow_it(
    realm: Env, enabled: bool, role: bool
) -> None:
    await allow(realm, enabled=enabled, role=role)
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert page.status_code == 200 and SECTION not in page.text


async def _started(env: Env) -> str:
    """The console's "Delete account" button: the authorization request it redirects to."""
    page = await sign_in(env.http, f"{ACCOUNT}/")
    assert SECTION in page.text and 'id="delete-account-btn"' in page.text
    forged = await env.http.post(f"{ACCOUNT}/delete-account", data={"csrf_token": "x"}, headers=ORIGIN)
    assert forged.status_code == 403
    started = await act(env.http, page, f"{ACCOUNT}/delete-account")
    query = {k: v[0] for k, v in parse_qs(urlsplit(started.headers["location"]).query).items()}
    assert (query["client_id"], query["kc_action"]) == ("account-console", "delete_account")
    return str(started.headers["location"])


async def test_delete_account_signs_in_with_the_action_and_deletes_the_user(realm: Env) -> None:
    await allow(realm, enabled=True, role=True)
    location = await _started(realm)
    realm.clock.advance(1)  # DeleteAccount's max auth age is 0
    login = await realm.http.get(location)
    assert 'id="kc-attempted-username">user1<' in login.text
    confirm = await realm.http.post(form_action(login.text), data={**form_fields(login.text), "password": "password"})
    assert "Delete account confirmation" in confirm.text
    done = await realm.http.post(form_action(confirm.text), data=form_fields(confirm.text))
    assert done.status_code == 200 and "User deleted successfully" in done.text
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None and await tx.users.get_by_username(test.id, "user1") is None
    assert (await realm.http.get(f"{ACCOUNT}/", headers=HTML)).status_code == 302  # the console is signed out


@pytest.mark.parametrize("stored", [{}, {"max_auth_age": "3600"}])
async def test_delete_account_asks_again_a_second_after_sign_in_whatever_max_auth_age_is_stored(
    realm: Env, stored: dict[str, str]
) -> None:
    """DeleteAccount.getMaxAuthAge is 0 and it has no config (getConfigMetadata is empty): a ``max_auth_age`` an
    older realm file left on it changes nothing (OIDCLoginProtocol.isReAuthRequiredForKcAction)."""
    await allow(realm, enabled=True, role=True, config=stored)
    location = await _started(realm)
    realm.clock.advance(1)
    login = await realm.http.get(location)
    assert login.status_code == 200 and 'id="kc-attempted-username">user1<' in login.text, login.text


async def test_delete_account_in_the_second_of_the_sign_in_goes_straight_to_the_confirmation(realm: Env) -> None:
    """authTime + 0 < now is false within the second the credentials were given: no password asked."""
    await allow(realm, enabled=True, role=True)
    confirm = await realm.http.get(await _started(realm))
    assert confirm.status_code == 200 and "Delete account confirmation" in confirm.text, confirm.text
