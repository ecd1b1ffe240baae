"""``ui_locales`` and the provider's ``uiLocales`` switch, ported from Keycloak's broker tests (tests/base/.../
broker/oidc/ of keycloak@main's new framework) over real HTTP, the provider another realm of the same server:

* KcOidcBrokerUiLocalesEnabledTest / KcOidcBrokerUiLocalesDisabledTest: with ``uiLocales`` the login's language
  (English here) goes to the provider as ``ui_locales``; without it, it does not; the login goes through.
* KcOidcBrokerUiLocalesWithIdpHintTest: ``ui_locales`` with ``kc_idp_hint`` goes straight to the provider in that
  language, whose login page and the consumer's review-profile page then speak it. The Java test uses Hungarian,
  which Doorkeep's themes do not carry; German (Doorkeep's other language) stands in for it.
"""

from __future__ import annotations

import html

import pytest

from broker_support import ALIAS, Broker, browser, button, provider_login, query, served, start_login, user_named
from browser_flow import REDIRECT, form_action, form_fields
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _first_login(broker: Broker) -> str:
    """The login page's provider button to the provider; the consumer's ``ui_locales`` there, the user through."""
    async with browser(broker) as http:
        page = await start_login(http)
        sent = await http.get(button(page))
        assert sent.status_code == 302, sent.text
        found = query(sent.headers["location"]).get("ui_locales", "")
        done = await http.get(await provider_login(http, sent))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    assert await user_named(broker.env, "alice") is not None
    return found


async def test_ui_locales_enabled_sends_the_login_language(env: Env) -> None:
    """KcOidcBrokerUiLocalesEnabledTest: ``ui_locales=en`` is in the provider's URL."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(uiLocales="true")["config"])
        assert await _first_login(broker) == "en"


async def test_ui_locales_disabled_sends_none(env: Env) -> None:
    """KcOidcBrokerUiLocalesDisabledTest: ``uiLocales`` false, no ``ui_locales`` goes to the provider."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(uiLocales="false")["config"])
        assert await _first_login(broker) == ""


async def test_ui_locales_with_idp_hint_speak_the_language_on_both_sides(env: Env) -> None:
    """KcOidcBrokerUiLocalesWithIdpHintTest (German for Hungarian): both realms internationalized (en, de);
    ``ui_locales=de`` with ``kc_idp_hint`` sends the browser to the provider with ``ui_locales=de``, whose login page
    is German; the provider's user has no last name, so the consumer's review-profile page shows, in German too."""
    async with served(env) as broker:
        for realm in ("provider", "test"):
            await update_realm(
                env.db, realm, internationalization_enabled=True, supported_locales=("en", "de"), default_locale="en"
            )
        await seed_user(
            env.db, env.clock, "provider", "bob", email="bob@example.org", first_name="First", last_name=None
        )
        await broker.add_provider(config=broker.provider_rep(uiLocales="true")["config"])
        async with browser(broker) as http:
            hinted = await start_login(http, ui_locales="de", kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text
            sent = await http.get(hinted.headers["location"])
            assert sent.status_code == 302 and query(sent.headers["location"])["ui_locales"] == "de"
            form = await http.get(sent.headers["location"])
            assert "Bei Ihrem Konto anmelden" in html.unescape(form.text)
            fields = {**form_fields(form.text), "username": "bob", "password": "password"}
            back = await http.post(form_action(form.text), data=fields)
            assert back.status_code == 302, back.text
            review = await http.get(back.headers["location"])
            assert "Benutzerkonto Informationen aktualisieren" in html.unescape(review.text), review.text
