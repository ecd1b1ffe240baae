"""Keycloak's new-framework TermsAndConditionsTest (tests/base/.../tests/actions/TermsAndConditionsTest.java) over
HTTP: the methods test_required_actions_and_kc_action.py does not cover (termsAccepted and termsDeclined are its
test_terms_accepted_stores_the_time_and_declined_sends_access_denied).

* termsDisabled (KEYCLOAK-3192): a user carrying TERMS_AND_CONDITIONS while the realm has the action disabled signs
  in without the page.
* termsDeclinedAccount: declining the terms while signing in to the Account Console records
  CUSTOM_REQUIRED_ACTION_ERROR rejected_by_user for ``account-console`` with the console's redirect URI, stores no
  acceptance time, and the console answers with its own page and a way to sign in again, which leads back to the
  login. Keycloak's React console titles that page "Account Management" and says "Access denied" with a
  "Try again" button; Doorkeep's console has its own sign-in failure page ("Sign-in failed", "Sign in again"), which
  says "Access denied" too, never the redirect's raw ``termsAndConditionsDeclined`` key.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import code_from, form_action, form_fields, start, submit
from console_support import HTML
from doorkeep.realms import required_actions as registered
from support import seed_client, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TERMS = "TERMS_AND_CONDITIONS"


async def terms_enabled(env: Env, enabled: bool) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        actions = [dataclasses.replace(a, enabled=enabled) if a.alias == TERMS else a for a in registered.of(test)]
        await tx.realms.update(registered.with_actions(test, actions))


async def events(env: Env, kind: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[kind])


async def attributes(env: Env) -> dict[str, list[str]]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return dict(user.attributes)


@pytest.fixture
async def terms(realm: Env) -> Env:
    """``addTermsAndConditionRequiredAction``: the action on user1 and enabled in the realm; events stored."""
    await update_realm(realm.db, "test", events_enabled=True)
    await seed_client(realm.db, "test", "terms-app", redirect_uris=("http://127.0.0.1:9999/*",))
    await update_user(realm.db, "test", "user1", required_actions=(TERMS,))
    await terms_enabled(realm, True)
    return realm


async def test_terms_disabled(terms: Env) -> None:
    """TermsAndConditionsTest#termsDisabled (KEYCLOAK-3192)."""
    await terms_enabled(terms, False)
    page = await start(terms.http, "test", "terms-app")
    assert "code" in code_from(await submit(terms.http, page, username="user1", password="password"))
    assert len(await events(terms, "LOGIN")) == 1
    assert "terms_and_conditions" not in await attributes(terms)


async def test_terms_declined_account(terms: Env) -> None:
    """TermsAndConditionsTest#termsDeclinedAccount."""
    opened = await terms.http.get("/realms/test/account/", headers=HTML)
    assert opened.status_code == 302, opened.text[:300]
    redirect_uri = parse_qs(urlsplit(opened.headers["location"]).query)["redirect_uri"][0]
    login = await terms.http.get(opened.headers["location"])
    assert 'id="kc-form-login"' in login.text, login.text[:300]
    page = await submit(terms.http, login, username="user1", password="password")
    assert 'id="kc-terms-form"' in page.text, page.text[:300]
    declined = await terms.http.post(form_action(page.text), data={**form_fields(page.text), "cancel": "Decline"})
    assert declined.status_code == 302
    back = urlsplit(declined.headers["location"])
    assert parse_qs(back.query)["error"] == ["access_denied"]
    [event] = await events(terms, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (event.client_id, event.error, event.session_id) == ("account-console", "rejected_by_user", None)
    assert event.details["custom_required_action"] == TERMS and "consent" not in event.details
    assert event.details["redirect_uri"] == redirect_uri
    assert "terms_and_conditions" not in await attributes(terms)
    failed = await terms.http.get(back.path + "?" + back.query, headers=HTML)
    assert failed.status_code < 500 and "An unexpected error occurred" not in failed.text
    # the redirect carries Messages.TERMS_AND_CONDITIONS_DECLINED as it is; the console shows words, not the key
    assert parse_qs(back.query)["error_description"] == ["termsAndConditionsDeclined"]
    assert "termsAndConditionsDeclined" not in failed.text and "Access denied" in failed.text, failed.text
    again = await terms.http.get("/realms/test/account/", headers=HTML)  # "Try again"
    assert again.status_code == 302
    assert 'id="kc-form-login"' in (await terms.http.get(again.headers["location"])).text
