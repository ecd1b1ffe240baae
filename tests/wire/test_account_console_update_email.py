"""Account Console → Personal info → "Update email": offered while the realm enables UPDATE_EMAIL (the e-mail is
then read-only on the page, as AccountRestServiceTest.testEmailWhenUpdateEmailEnabled has it), and a sign-in with
``kc_action=UPDATE_EMAIL`` (PersonalInfo.tsx's ``login({action})``, what AppInitiatedActionUpdateEmailTest's
``update-email-btn`` clicks), whose page writes the address and comes back with ``kc_action_status=success``."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import form_action, form_fields
from console_support import ORIGIN, act, sign_in
from doorkeep.realms import required_actions as registered
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
BUTTON = 'id="update-email-btn"'


async def enable_update_email(env: Env, enabled: bool) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [
            dataclasses.replace(a, enabled=enabled) if a.alias == "UPDATE_EMAIL" else a for a in registered.of(test)
        ]
        await tx.realms.update(registered.with_actions(test, actions))


async def test_the_button_is_offered_only_while_the_action_is_enabled(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert page.status_code == 200 and BUTTON not in page.text
    assert (
        '<input type="email" id="email" name="email"' in page.text
        and " readonly" not in page.text.split('id="email"')[1].split(">")[0]
    )
    await enable_update_email(realm, True)
    page = await realm.http.get(f"{ACCOUNT}/")
    assert BUTTON in page.text
    assert " readonly" in page.text.split('id="email"')[1].split(">")[0]  # the action is the way to change it


async def test_update_email_signs_in_with_the_action_and_writes_the_address(realm: Env) -> None:
    await enable_update_email(realm, True)
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    forged = await realm.http.post(f"{ACCOUNT}/update-email", data={"csrf_token": "x"}, headers=ORIGIN)
    assert forged.status_code == 403
    started = await act(realm.http, page, f"{ACCOUNT}/update-email")
    query = {k: v[0] for k, v in parse_qs(urlsplit(started.headers["location"]).query).items()}
    assert (query["client_id"], query["kc_action"]) == ("account-console", "UPDATE_EMAIL")
    form = await realm.http.get(started.headers["location"])  # signed in moments ago: no password asked
    assert 'id="kc-update-email-form"' in form.text and 'id="kc-cancel"' in form.text
    done = await realm.http.post(form_action(form.text), data={**form_fields(form.text), "email": "new@example.org"})
    back = {k: v[0] for k, v in parse_qs(urlsplit(done.headers["location"]).query).items()}
    assert (back["kc_action"], back["kc_action_status"]) == ("UPDATE_EMAIL", "success")
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None and user.email == "new@example.org"
