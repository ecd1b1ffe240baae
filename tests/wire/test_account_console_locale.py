"""The Account Console in the user's language, as Keycloak 26's AccountConsole picks it (``resolveLocale(user)``:
the user's ``locale`` attribute, the KEYCLOAK_LOCALE cookie, Accept-Language, the realm's default, English), with
the account UI's German texts; and Personal info's "Select a locale" field while internationalization is on."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from console_support import HTML, ORIGIN, act, csrf, sign_in
from recovery_flow import RECOVERY, seed, two_factor_flow
from support import seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
SIGNING_IN = f"{ACCOUNT}/account-security/signing-in"
DEVICES = f"{ACCOUNT}/account-security/device-activity"


@pytest.fixture
async def realm(env: Env) -> Env:
    """The login test realm with internationalization on, English and German supported; user1 and user2."""
    await seed(env)
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await seed_user(env.db, env.clock, "test", "user2")
    return env


def html_lang(page: httpx.Response) -> str:
    found = re.search(r'<html lang="([^"]+)"', page.text)
    assert found, page.text[:200]
    return found.group(1)


async def attributes(env: Env, username: str) -> dict[str, object]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return dict(user.attributes)


async def test_every_page_speaks_german_for_a_user_whose_locale_is_de(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", attributes={"locale": ["de"]})
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert page.status_code == 200 and html_lang(page) == "de"
    for text in ("Persönliche Angaben", "Anwendungen", "Geräteaktivität", ">Abmelden</button>", "Speichern"):
        assert text in page.text, text
    assert ">Benutzername</label>" in page.text and ">Vorname</label>" in page.text
    assert '<label for="locale">Wählen Sie eine Sprache</label>' in page.text
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page.text
    assert "Personal info" not in page.text and "Sign out" not in page.text
    apps = await realm.http.get(f"{ACCOUNT}/applications", headers=HTML)
    assert html_lang(apps) == "de" and "<h1>Anwendungen</h1>" in apps.text
    devices = await realm.http.get(DEVICES, headers=HTML)
    assert "<h1>Geräteaktivität</h1>" in devices.text and "Angemeldete Geräte" in devices.text
    assert "Aktuelle Sitzung" in devices.text and "IP-Adresse" in devices.text
    await two_factor_flow(realm, "webauthn-authenticator", RECOVERY)  # lists the Passkey and recovery codes
    signing_in = await realm.http.get(SIGNING_IN, headers=HTML)
    assert "<h1>Anmeldung</h1>" in signing_in.text
    for text in (
        "Konfigurieren Sie die Anmeldemöglichkeiten.",
        "Standardauthentifizierung",
        "Zwei-Faktor-Authentifizierung",
        ">Passwort</h3>",
        "Melden Sie sich mit Ihrem Passwort an.",
        ">Mein Passwort</td>",
        ">Passkey</h3>",
        "Verwenden Sie Ihren Passkey zur Anmeldung.",
        ">Wiederherstellungscodes</h3>",
        "Wiederherstellungscodes einrichten",
        "Wiederherstellungscodes ist nicht eingerichtet.",
        "Authenticator-Anwendung einrichten",
    ):
        assert text in signing_in.text, text
    confirm = await realm.http.get(f"{DEVICES}/sign-out-others", headers=HTML)
    assert "Überall sonst abmelden" in confirm.text and ">Abbrechen</a>" in confirm.text


async def test_english_stays_the_default_and_the_field_lists_the_supported_locales(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert html_lang(page) == "en" and "<h1>Personal info</h1>" in page.text
    assert '<label for="locale">Select a locale</label>' in page.text
    assert '<option value="en" lang="en">English</option>' in page.text
    assert '<option value="de" lang="de">Deutsch</option>' in page.text
    assert '<option value="" selected>' in page.text  # no preference yet


async def test_internationalization_off_means_english_and_no_locale_field(realm: Env) -> None:
    await update_realm(realm.db, "test", internationalization_enabled=False)
    await update_user(realm.db, "test", "user1", attributes={"locale": ["de"]})
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert html_lang(page) == "en" and "<h1>Personal info</h1>" in page.text
    assert 'name="locale"' not in page.text
    cookie = await realm.http.get(f"{ACCOUNT}/", headers={**HTML, "Accept-Language": "de", "Cookie": ""})
    assert "Persönliche Angaben" not in cookie.text


async def test_unsupported_locales_fall_back_as_keycloak_does(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", attributes={"locale": ["fr"]})  # not supported: skipped
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert html_lang(page) == "en"
    german = await realm.http.get(f"{ACCOUNT}/", headers={**HTML, "Accept-Language": "fr;q=1, de-CH;q=0.5"})
    assert html_lang(german) == "de" and "Persönliche Angaben" in german.text
    realm.http.cookies.set("KEYCLOAK_LOCALE", "de", path="/realms/test/")
    by_cookie = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert html_lang(by_cookie) == "de"
    realm.http.cookies.delete("KEYCLOAK_LOCALE")
    await update_realm(realm.db, "test", default_locale="de")
    default = await realm.http.get(f"{ACCOUNT}/", headers={**HTML, "Accept-Language": "ja"})
    assert html_lang(default) == "de"
    await update_user(realm.db, "test", "user1", attributes={"locale": ["en"]})  # the user's pick wins
    mine = await realm.http.get(f"{ACCOUNT}/", headers={**HTML, "Accept-Language": "de"})
    assert html_lang(mine) == "en"


async def test_saving_the_locale_sets_the_attribute_and_the_console_follows(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", attributes={"department": ["sales"]})
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    fields = {"username": "user1", "email": "user1@localhost", "firstName": "First", "lastName": "Last"}
    saved = await act(realm.http, page, f"{ACCOUNT}/", **fields, locale="de")
    assert saved.status_code == 303, saved.text[:300]
    found = await attributes(realm, "user1")
    assert found["locale"] == ["de"] and found["department"] == ["sales"]
    assert await attributes(realm, "user2") == {}  # nobody else's attribute moves
    german = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert html_lang(german) == "de" and "Ihr Benutzerkonto wurde aktualisiert." in german.text
    cleared = await act(realm.http, german, f"{ACCOUNT}/", **fields, locale="")
    assert cleared.status_code == 303
    assert "locale" not in await attributes(realm, "user1")
    english = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert html_lang(english) == "en" and "Your account has been updated." in english.text


@pytest.mark.parametrize("value", ["fr", '"><script>alert(1)</script>', "de\r\nX: y", "EN"])
async def test_an_unsupported_or_hostile_locale_is_refused_and_nothing_changes(realm: Env, value: str) -> None:
    await update_user(realm.db, "test", "user1", attributes={"locale": ["en"]})
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    fields = {"username": "user1", "email": "user1@localhost", "firstName": "Changed", "lastName": "Last"}
    refused = await act(realm.http, page, f"{ACCOUNT}/", **fields, locale=value)
    assert refused.status_code == 400
    assert "This language is not offered here." in refused.text and 'aria-describedby="locale-error"' in refused.text
    assert "<script>alert" not in refused.text
    assert (await attributes(realm, "user1"))["locale"] == ["en"]
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None and user.first_name != "Changed"  # the whole form is refused


async def test_the_form_needs_the_csrf_token_and_this_origin(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    fields = {"username": "user1", "email": "user1@localhost", "firstName": "First", "lastName": "Last"}
    forged = await realm.http.post(f"{ACCOUNT}/", data={"csrf_token": "x", **fields, "locale": "de"}, headers=ORIGIN)
    assert forged.status_code == 403 and "Reload the page and try again." in forged.text
    elsewhere = await realm.http.post(
        f"{ACCOUNT}/",
        data={"csrf_token": csrf(page), **fields, "locale": "de"},
        headers={"Origin": "http://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert "locale" not in await attributes(realm, "user1")
    await update_user(realm.db, "test", "user1", attributes={"locale": ["de"]})
    german = await realm.http.post(f"{ACCOUNT}/", data={"csrf_token": "x", **fields, "locale": "en"}, headers=ORIGIN)
    assert german.status_code == 403 and "Laden Sie die Seite neu" in german.text
    assert (await attributes(realm, "user1"))["locale"] == ["de"]


async def test_the_consoles_sign_in_passes_the_language_on_to_its_login(realm: Env) -> None:
    start = await realm.http.get(f"{ACCOUNT}/?kc_locale=de&ui_locales=de%20en", headers=HTML)
    assert start.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    assert (query["kc_locale"], query["ui_locales"]) == ("de", "de en")
    login = await realm.http.get(start.headers["location"])
    assert '<html lang="de"' in login.text or 'lang="de"' in login.text


async def test_profile_errors_are_shown_in_german(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", attributes={"locale": ["de"]})
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    fields = {"username": "user1", "email": "not-an-address", "firstName": "First", "lastName": ""}
    refused = await act(realm.http, page, f"{ACCOUNT}/", **fields, locale="de")
    assert refused.status_code == 400 and html_lang(refused) == "de"
    assert '<p class="field-error" id="email-error">Ungültige E-Mail.</p>' in refused.text
    assert "Bitte geben Sie &#39;Nachname&#39; an." in refused.text


async def test_an_application_initiated_action_comes_back_with_a_german_message(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", attributes={"locale": ["de"]})
    page = await sign_in(realm.http, SIGNING_IN)
    started = await act(realm.http, page, f"{SIGNING_IN}/action", action="UPDATE_PASSWORD")
    form = await realm.http.get(started.headers["location"])
    new = {"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"}
    done = await realm.http.post(form_action(form.text), data={**form_fields(form.text), **new})
    callback = await realm.http.get(done.headers["location"])
    assert callback.status_code == 302
    shown = await realm.http.get(SIGNING_IN, headers=HTML)
    assert 'role="status">Ihr Passwort wurde aktualisiert.</div>' in shown.text
    unknown = await act(realm.http, shown, f"{SIGNING_IN}/action", action="nothing")
    assert unknown.status_code == 303
    refused = await realm.http.get(SIGNING_IN, headers=HTML)
    assert "Diese Aktion gibt es nicht." in refused.text
