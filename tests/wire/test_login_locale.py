"""The login pages' language as Keycloak 26 picks it (DefaultLocaleSelectorProvider) and keeps it
(LocaleUtil.processLocaleParam, UpdateUserLocaleAction, the KEYCLOAK_LOCALE cookie): Keycloak's
i18n/LoginPageTest and keycloak-js testLoginWithKCLocale, over HTTP."""

from __future__ import annotations

import re

import pytest

from browser_flow import code_from, form_action, start, submit
from support import seed_client, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
GERMAN_TITLE = "<title>Anmeldung bei test</title>"
ENGLISH_TITLE = "<title>Sign in to test</title>"


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test`` with internationalization on, English and German supported (AbstractI18NTest)."""
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, page[:200]
    return found.group(1)


def dropdown(page: str) -> dict[str, str]:
    """The locale dropdown's links by label."""
    return {
        label: url.replace("&amp;", "&")
        for url, label in re.findall(r'role="menuitem"[^>]*href="([^"]+)">([^<]+)<', page)
    }


async def user_locale(env: Env) -> list[str] | None:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        value = user.attributes.get("locale")
        return list(value) if value is not None else None


async def test_accept_language_picks_the_page_language(realm: Env) -> None:
    """LoginPageTest.acceptLanguageHeader: "Anmeldung bei test" for ``de``, "Sign in to test" for ``en``."""
    page = await realm.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={
            "client_id": "app",
            "redirect_uri": "http://127.0.0.1:9999/cb",
            "response_type": "code",
            "scope": "openid",
        },
        headers={"Accept-Language": "de"},
    )
    assert page.status_code == 200
    assert GERMAN_TITLE in page.text and html_lang(page.text) == "de"
    assert "Benutzername oder E-Mail" in page.text and ">Anmelden</button>" in page.text
    realm.http.cookies.clear()
    page = await realm.http.get(str(page.url), headers={"Accept-Language": "en"})
    assert ENGLISH_TITLE in page.text and html_lang(page.text) == "en"


async def test_accept_language_follows_quality_and_falls_back_from_region_to_language(realm: Env) -> None:
    page = await realm.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={
            "client_id": "app",
            "redirect_uri": "http://127.0.0.1:9999/cb",
            "response_type": "code",
            "scope": "openid",
        },
        headers={"Accept-Language": "fr;q=1, en;q=0.5, de-CH;q=0.8"},
    )
    assert html_lang(page.text) == "de"  # fr unsupported; de-CH finds de and outweighs en


@pytest.mark.parametrize(
    ("ui_locales", "lang"),
    [("de", "de"), ("en de", "en"), ("fr de", "de"), ("de-CH", "de"), ("fr", "en"), ("de_CH", "en")],
)
async def test_ui_locales_names_the_language_first_supported_wins(realm: Env, ui_locales: str, lang: str) -> None:
    """LoginPageTest.uiLocalesParameter; an unsupported or ill-formed locale counts for nothing."""
    page = await start(realm.http, "test", "app", ui_locales=ui_locales)
    assert html_lang(page.text) == lang


async def test_internationalization_off_is_english_whatever_is_asked(realm: Env) -> None:
    """LoginPageTest.htmlLangAttributeWithInternationalizationDisabled; kc_locale sets no cookie then."""
    await update_realm(realm.db, "test", internationalization_enabled=False)
    page = await start(realm.http, "test", "app", ui_locales="de", kc_locale="de")
    assert html_lang(page.text) == "en" and ENGLISH_TITLE in page.text
    assert "KEYCLOAK_LOCALE" not in page.headers.get("set-cookie", "")
    assert 'id="kc-locale"' not in page.text


async def test_realm_default_locale_when_nothing_matches(realm: Env) -> None:
    await update_realm(realm.db, "test", default_locale="de")
    page = await start(realm.http, "test", "app")
    assert html_lang(page.text) == "de"


async def test_precedence_kc_locale_then_user_then_ui_locales_then_cookie_then_accept_language(realm: Env) -> None:
    await update_realm(realm.db, "test", supported_locales=("en", "de", "fr", "es"))
    url = "/realms/test/protocol/openid-connect/auth"
    base = {"client_id": "app", "redirect_uri": "http://127.0.0.1:9999/cb", "response_type": "code", "scope": "openid"}
    realm.http.cookies.set("KEYCLOAK_LOCALE", "es", path="/realms/test/")
    headers = {"Accept-Language": "fr"}
    # the cookie (es) beats Accept-Language (fr); ui_locales (de) beats the cookie; kc_locale (fr) beats all
    assert html_lang((await realm.http.get(url, params=base, headers=headers)).text) == "es"
    assert html_lang((await realm.http.get(url, params={**base, "ui_locales": "de"}, headers=headers)).text) == "de"
    page = await realm.http.get(url, params={**base, "ui_locales": "de", "kc_locale": "fr"}, headers=headers)
    assert html_lang(page.text) == "fr"
    assert "KEYCLOAK_LOCALE=fr;" in page.headers["set-cookie"]  # processLocaleParam
    realm.http.cookies.clear()
    await update_user(realm.db, "test", "user1", attributes={"locale": ["es"]})
    # the user's attribute beats ui_locales once the user is known: the re-authentication page of an SSO session
    first = await start(realm.http, "test", "app", kc_locale="en")
    code_from(await submit(realm.http, first, username="user1", password="password"))
    page = await realm.http.get(url, params={**base, "prompt": "login", "ui_locales": "de"}, headers=headers)
    assert 'id="kc-attempted-username"' in page.text
    assert html_lang(page.text) == "en"  # user1's locale is now en (picked above), not de


async def test_language_dropdown_keeps_the_flow_and_switches_the_page(realm: Env) -> None:
    """LoginPageTest.languageDropdown: English first, then Deutsch by the dropdown's link, on the same login."""
    page = await start(realm.http, "test", "app")
    assert 'id="kc-current-locale-link" aria-label="languages">English<' in page.text
    links = dropdown(page.text)
    assert set(links) == {"English", "Deutsch"}
    assert links["Deutsch"] == "http://localhost/realms/test/login-actions/authenticate?kc_locale=de"
    german = await realm.http.get(links["Deutsch"])
    assert german.status_code == 200 and german.headers["cache-control"] == "no-store, must-revalidate, max-age=0"
    assert "Benutzername oder E-Mail" in german.text and 'aria-label="languages">Deutsch<' in german.text
    assert "KEYCLOAK_LOCALE=de;" in german.headers["set-cookie"]
    # the first page's form is dead (its code was renewed); the German page's form logs in
    stale = await submit(realm.http, page, username="user1", password="password")
    assert stale.status_code == 302 and "code=" not in stale.headers["location"]  # "Action expired", no login
    english = await realm.http.get(dropdown(german.text)["English"])
    assert "Username or email" in english.text
    done = await submit(realm.http, english, username="user1", password="password")
    assert "code" in code_from(done)


async def test_a_wrong_password_is_answered_in_the_page_language(realm: Env) -> None:
    page = await start(realm.http, "test", "app", ui_locales="de")
    again = await submit(realm.http, page, username="user1", password="nope")
    assert again.status_code == 200 and "Ungültiger Benutzername oder Passwort." in again.text


async def test_picking_a_language_stores_it_on_the_user_for_later_logins(realm: Env) -> None:
    """LoginPageTest.languageUserUpdates: the pick becomes the cookie and, at login, the user's ``locale``
    (with an UPDATE_PROFILE event); the next login page is German from the attribute alone."""
    await update_realm(realm.db, "test", events_enabled=True)
    page = await start(realm.http, "test", "app")
    german = await realm.http.get(dropdown(page.text)["Deutsch"])
    assert realm.http.cookies.get("KEYCLOAK_LOCALE") == "de"
    done = await submit(realm.http, german, username="user1", password="password")
    assert "code" in code_from(done)
    assert "KEYCLOAK_LOCALE=de;" in done.headers["set-cookie"]
    assert await user_locale(realm) == ["de"]
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id, types=("UPDATE_PROFILE",))
    assert len(found) == 1 and found[0].details == {"updated_locale": "de"} and found[0].client_id == "app"
    realm.http.cookies.clear()  # a new browser: only the user's attribute knows German
    page = await start(realm.http, "test", "app", prompt="login")
    assert html_lang(page.text) == "en"  # nobody known yet
    done = await submit(realm.http, page, username="user1", password="password")
    assert "KEYCLOAK_LOCALE=de;" in done.headers["set-cookie"]  # the stored locale goes back in the cookie


async def test_a_login_without_a_pick_by_a_user_without_locale_expires_the_cookie(realm: Env) -> None:
    """LoginPageTest.languageUserUpdates' end: the cookie alone does not change the user, and is expired."""
    realm.http.cookies.set("KEYCLOAK_LOCALE", "de", path="/realms/test/")
    page = await start(realm.http, "test", "app")
    assert html_lang(page.text) == "de"
    done = await submit(realm.http, page, username="user1", password="password")
    assert "code" in code_from(done)
    assert await user_locale(realm) is None
    cookie = [c for c in done.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_LOCALE=")]
    assert cookie and "Max-Age=0" in cookie[0]


async def test_kc_locale_on_an_sso_login_sets_cookie_and_user(realm: Env) -> None:
    """keycloak-js testLoginWithKCLocale: logged in, ``login({kcLocale: 'de'})`` then ``'en'`` leave the
    KEYCLOAK_LOCALE cookie at ``de`` then ``en`` without showing a page."""
    first = await start(realm.http, "test", "app")
    code_from(await submit(realm.http, first, username="user1", password="password"))
    for tag in ("de", "en"):
        again = await start(realm.http, "test", "app", kc_locale=tag)
        assert "code" in code_from(again)
        assert realm.http.cookies.get("KEYCLOAK_LOCALE") == tag
        assert await user_locale(realm) == [tag]


async def test_password_update_and_consent_pages_switch_language(realm: Env) -> None:
    """LoginPageTest.languageChangeRequiredActions and languageChangeConsentScreen."""
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    await seed_client(
        realm.db, "test", "third-party", redirect_uris=("http://127.0.0.1:9999/*",), consent_required=True
    )
    page = await start(realm.http, "test", "third-party")
    update = await submit(realm.http, page, username="user1", password="password")
    assert "Update password" in update.text
    german = await realm.http.get(dropdown(update.text)["Deutsch"])
    assert "Passwort aktualisieren" in german.text and form_action(german.text).split("?")[0].endswith(
        "/required-action"
    )
    consent = await submit(realm.http, german, **{"password-new": "n3w-Pass!", "password-confirm": "n3w-Pass!"})
    assert "Wollen Sie diese Zugriffsrechte gewähren?" in consent.text and ">Ja</button>" in consent.text
    english = await realm.http.get(dropdown(consent.text)["English"])
    assert "Do you grant these access privileges?" in english.text
    done = await submit(realm.http, english, accept="yes")
    assert "code" in code_from(done)
    assert await user_locale(realm) == ["en"]


async def test_error_page_speaks_the_asked_language(realm: Env) -> None:
    """LoginPageTest.languageUserUpdatesOnErrorPage: the error page in German, its dropdown back to English;
    the error in the redirect stays English (it is an OAuth error_description)."""
    url = "/realms/test/protocol/openid-connect/auth"
    params = {"client_id": "app", "redirect_uri": "http://invalid", "response_type": "code", "kc_locale": "de"}
    page = await realm.http.get(url, params=params)
    assert page.status_code == 400 and html_lang(page.text) == "de"
    assert "Ungültiger Parameter: redirect_uri" in page.text
    english = await realm.http.get(dropdown(page.text)["English"])
    assert "Invalid parameter: redirect_uri" in english.text
    denied = await start(
        realm.http,
        "test",
        "app",
        ui_locales="de",
        kc_locale="de",
        code_challenge="x" * 43,
        code_challenge_method="bogus",
    )
    assert denied.status_code == 302
    assert "error_description=Invalid+parameter%3A+code_challenge_method" in denied.headers["location"]


async def test_switching_without_a_login_under_way_is_the_cookie_not_found_page(realm: Env) -> None:
    """No login and no KC_RESTART to restart one from (SessionCodeChecks.restartAuthenticationSessionFromCookie):
    the error page in the language asked for (its message English: Doorkeep's German catalogue has no
    cookieNotFoundMessage)."""
    response = await realm.http.get("/realms/test/login-actions/authenticate", params={"kc_locale": "de"})
    assert response.status_code == 400
    assert '<html lang="de">' in response.text
    assert "Cookie not found. Please make sure cookies are enabled in your browser." in response.text


@pytest.mark.parametrize(
    "hostile",
    ['"><script>alert(1)</script>', "de\r\nX-Injected: 1", "de;Path=/;Domain=evil.example", "x" * 5000, "%00de"],
)
async def test_a_hostile_kc_locale_is_an_unsupported_one(realm: Env, hostile: str) -> None:
    """A ``kc_locale`` no realm supports shows the page in the fallback language; nothing of it reaches the
    page unescaped, a header of its own, or a cookie attribute."""
    page = await start(realm.http, "test", "app", kc_locale=hostile)
    assert page.status_code == 200 and ENGLISH_TITLE in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "x-injected" not in page.headers
    for cookie in page.headers.get_list("set-cookie"):
        assert "evil.example" not in cookie.split(";", 1)[0] or cookie.startswith('KEYCLOAK_LOCALE="')
        assert "\r" not in cookie and "\n" not in cookie
    code = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert "code" in code
    assert await user_locale(realm) in (None, ["en"])  # never the hostile text


async def test_verify_email_page_in_german(realm: Env) -> None:
    """The VERIFY_EMAIL page (login-verify-email.ftl) in German: its title, its warning and its instructions are
    messages_de.properties' (they were English on a German page)."""
    await update_user(realm.db, "test", "user1", email="user1@localhost", required_actions=("VERIFY_EMAIL",))
    page = await start(realm.http, "test", "app")
    verify = await submit(realm.http, page, username="user1", password="password")
    assert "Email verification" in verify.text
    german = (await realm.http.get(dropdown(verify.text)["Deutsch"])).text
    assert html_lang(german) == "de"
    assert '<h1 id="kc-page-title">E-Mail verifizieren</h1>' in german
    assert "Sie müssen Ihre E-Mail-Adresse verifizieren, um das Benutzerkonto zu aktivieren." in german
    assert "Sie haben keinen Verifizierungs-Code in Ihrer E-Mail erhalten?" in german
    assert ">Hier klicken</a> um eine neue E-Mail versenden zu lassen." in german
    assert "You need to verify" not in german and "Click here" not in german
