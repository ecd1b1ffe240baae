"""The first broker login's pages in German (messages_de.properties), as a realm with German among its locales
shows them to a browser that asks for it (ui_locales=de); before, these keys fell back to English."""

from __future__ import annotations

import html

import pytest

from broker_support import broker_login, browser, served, start_login
from browser_flow import form_action, form_fields
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_login_buttons_confirm_link_and_reauthentication_pages_speak_german(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http, ui_locales="de")
            assert '<html lang="de"' in page.text and "Oder anmelden mit" in page.text
            confirm = html.unescape((await broker_login(http, ui_locales="de")).text)
            assert "Das Benutzerkonto existiert bereits." in confirm
            assert "Ein Benutzer mit email alice@example.org existiert bereits. Wie möchten Sie fortfahren?" in confirm
            assert "Benutzerkonto überprüfen" in confirm and "Zu einem bestehenden Benutzerkonto hinzufügen" in confirm
            assert "Account already exists" not in confirm
            reauth = await http.post(form_action(confirm), data={**form_fields(confirm), "submitAction": "linkAccount"})
            assert reauth.status_code == 200, reauth.text
            assert "Anmelden um das Benutzerkonto mit kc zu verknüpfen" in html.unescape(reauth.text)
