"""The WebAuthn login, register and error pages in German (Keycloak's messages_de.properties), chosen with
``ui_locales=de`` or ``kc_locale=de`` in a realm that supports German, over HTTP against the real app."""

from __future__ import annotations

import json

import pytest

from browser_flow import submit
from support import update_realm, update_user
from webauthn_flow import password_page, seed, webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    return env


async def test_the_register_page_and_its_error_page_speak_german(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("webauthn-register",))
    page = await password_page(realm, ui_locales="de")
    assert '<h1 id="kc-page-title">Passkey registrieren</h1>' in page.text
    assert 'id="registerWebAuthn" value="Registrieren"' in page.text
    assert json.dumps("Bitte geben Sie die Bezeichnung Ihres registrierten Passkeys ein") in page.text
    assert json.dumps("Passkey (Standard Bezeichnung)") in page.text
    assert page_options(page.text)["unsupported"].startswith("WebAuthn wird von diesem Browser nicht unterstützt.")
    refused = await submit(realm.http, page, error="NotAllowedError")
    assert '<h1 id="kc-page-title">Passkey Fehler</h1>' in refused.text
    assert "Das Ergebnis der Passkey-Registrierung ist ungültig. NotAllowedError" in refused.text
    assert ">Erneut versuchen</button>" in refused.text
    again = await submit(realm.http, refused, isSetRetry="retry")
    assert '<h1 id="kc-page-title">Passkey registrieren</h1>' in again.text
    challenge = page_options(again.text)["challenge"]
    origin = await submit(realm.http, again, **SoftKey().create(challenge, origin="http://evil.example"))
    assert "Fehler beim Registrieren Ihres Passkeys." in origin.text


async def test_the_english_register_page_keeps_its_english_prompt(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("webauthn-register",))
    page = await password_page(realm)
    assert '<h1 id="kc-page-title">Passkey Registration</h1>' in page.text
    assert '"Please input your registered passkey\\u0027s label"' in page.text


async def test_the_login_page_and_its_error_speak_german_with_kc_locale(realm: Env) -> None:
    """The one key listed with "Erstellt" and its USB transport; "Verfügbare Passkeys" heads a list
    of more than one only (webauthn-authenticate.ftl)."""
    await webauthn_flow(realm)
    key = SoftKey()
    page = await password_page(realm)
    await submit(realm.http, page, **key.create(page_options(page.text)["challenge"], label="yubikey"))
    realm.http.cookies.clear()
    login = await password_page(realm, kc_locale="de")
    assert '<h1 id="kc-page-title">Anmeldung mit Passkey</h1>' in login.text
    assert 'value="Anmelden mit Passkey"' in login.text and "<i>Erstellt</i>" in login.text
    assert "<span>USB</span>" in login.text and "Verfügbare Passkeys" not in login.text
    refused = await submit(realm.http, login, error="NotAllowedError")
    assert '<h1 id="kc-page-title">Passkey Fehler</h1>' in refused.text
    assert "Fehler beim Authentifizieren mit dem Passkey." in refused.text
    assert ">Erneut versuchen</button>" in refused.text
