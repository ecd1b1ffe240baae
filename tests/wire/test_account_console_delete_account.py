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


async def allow(env: Env, *, enabled: bool, role: bool) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [
            dataclasses.replace(a, enabled=enabled) if a.alias == "delete_account" else a for a in registered.of(test)
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


async def test_delete_account_signs_in_with_the_action_and_deletes_the_user(realm: Env) -> None:
    await allow(realm, enabled=True, role=True)
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert SECTION in page.text and 'id="delete-account-btn"' in page.text
    forged = await realm.http.post(f"{ACCOUNT}/delete-account", data={"csrf_token": "x"}, headers=ORIGIN)
    assert forged.status_code == 403
    started = await act(realm.http, page, f"{ACCOUNT}/delete-account")
    query = {k: v[0] for k, v in parse_qs(urlsplit(started.headers["location"]).query).items()}
    assert (query["client_id"], query["kc_action"]) == ("account-console", "delete_account")
    realm.clock.advance(1)  # DeleteAccount's max auth age is 0
    login = await realm.http.get(started.headers["location"])
    assert 'id="kc-attempted-username">user1<' in login.text
    confirm = await realm.http.post(form_action(login.text), data={**form_fields(login.text), "password": "password"})
    assert "Delete account confirmation" in confirm.text
    done = await realm.http.post(form_action(confirm.text), data=form_fields(confirm.text))
    assert done.status_code == 200 and "User deleted successfully" in done.text
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None and await tx.users.get_by_username(test.id, "user1") is None
    assert (await realm.http.get(f"{ACCOUNT}/", headers=HTML)).status_code == 302  # the console is signed out
