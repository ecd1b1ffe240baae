"""The user's security keys listed on the WebAuthn login page (webauthn-authenticate.ftl with
WebAuthnAuthenticatorsBean): each key's label, the names of its transports (TransportsBean) and "Created" with its
creation in the page's language (DateTimeFormatterUtil: Java's medium date and short time, in UTC); "Available
Passkeys" above the list when it holds more than one. Ports WebAuthnTransportsTest and the login-page methods of
WebAuthnSigningInTest (displayAvailableAuthenticators, availableAuthenticatorsAfterRemove,
checkAuthenticatorTimeLocale, userAuthenticatorTimeLocale), with a software key (webauthn_port) for Chrome's
virtual authenticator."""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx
import pytest

from browser_flow import code_from, submit
from support import update_realm, update_user
from webauthn_flow import admin, password_page, seed, user_id, webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def register(env: Env, label: str, transports: str = "usb") -> SoftKey:
    """user1 registers a key at the webauthn-register required action (given by the admin) after the password
    (the realm's own flow, or one whose WebAuthn step the user has no key for yet)."""
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    page = await password_page(env)
    key = SoftKey()
    created = key.create(page_options(page.text)["challenge"], label=label, transports=transports)
    code_from(await submit(env.http, page, **created))
    env.http.cookies.clear()
    return key


def items(page: httpx.Response) -> list[dict[str, str]]:
    """WebAuthnAuthenticatorsList.getItems: each listed key's label, transport and created texts."""
    assert page.status_code == 200 and 'id="authenticateWebAuthnButton"' in page.text, page.text[:300]
    found = []
    for index in range(len(re.findall(r'id="kc-webauthn-authenticator-item-\d+"', page.text))):

        def text(part: str, i: int = index) -> str:
            match = re.search(
                rf'id="kc-webauthn-authenticator-{part}-{i}"[^>]*>(.*?)</(?:div|span)>(?!<span>)', page.text
            )
            assert match, (part, i)
            return html.unescape(re.sub(r"<[^>]+>", "", match[1]))

        found.append({f: text(f) for f in ("label", "transport", "createdlabel", "created")})
    return found


async def created_date(env: Env, label: str) -> dt.datetime:
    stored = (await admin(env, "GET", f"{ADMIN}/users/{await user_id(env)}/credentials", status=200)).json()
    [ms] = [c["createdDate"] for c in stored if c.get("userLabel") == label]
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("transports", "shown"),
    [("usb", "USB"), ("nfc", "NFC"), ("ble", "Bluetooth"), ("internal", "Internal")],
)
async def test_the_listed_key_names_its_transport(env: Env, transports: str, shown: str) -> None:
    """WebAuthnTransportsTest (usbTransport, nfcTransport, bluetoothTransport, internalTransport): the one key
    listed after the password names the transport it registered with."""
    await seed(env)
    await webauthn_flow(env)
    await register(env, "my key", transports)
    [item] = items(await password_page(env))
    assert (item["label"], item["transport"]) == ("my key", shown)


@pytest.mark.parametrize(
    ("transports", "shown"),
    [("", "Unknown"), ("hybrid", "Unknown"), ("nfc,usb", "USB, NFC"), ("usb,internal,ble", "Internal, Bluetooth, USB")],
)
async def test_unknown_and_several_transports(env: Env, transports: str, shown: str) -> None:
    """TransportsBean.convertFromSet: no transport, or one AuthenticatorTransport does not name, is "Unknown";
    several are each named once, in the order of Java's HashSet of their message keys."""
    await seed(env)
    await webauthn_flow(env)
    await register(env, "my key", transports)
    [item] = items(await password_page(env))
    assert item["transport"] == shown


async def test_available_authenticators_then_one_removed(env: Env) -> None:
    """WebAuthnSigningInTest.displayAvailableAuthenticators and availableAuthenticatorsAfterRemove: two keys are
    listed in their order under "Available Passkeys"; one removed by the admin, the page shown again lists the
    other alone, without the heading, and that key signs in."""
    await seed(env)
    await register(env, "authenticator#1")
    second = await register(env, "authenticator#2")
    await webauthn_flow(env)
    page = await password_page(env)
    assert [i["label"] for i in items(page)] == ["authenticator#1", "authenticator#2"]
    assert "<p>Available Passkeys</p>" in page.text
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    [first] = [c["id"] for c in stored if c.get("userLabel") == "authenticator#1"]
    await admin(env, "DELETE", f"{ADMIN}/users/{uid}/credentials/{first}", status=204)
    env.http.cookies.clear()
    page = await password_page(env)
    assert [i["label"] for i in items(page)] == ["authenticator#2"]
    assert "Available Passkeys" not in page.text
    assert "code" in code_from(await submit(env.http, page, **second.get(page_options(page.text)["challenge"])))


async def test_created_in_the_pages_language(env: Env) -> None:
    """WebAuthnSigningInTest.checkAuthenticatorTimeLocale and userAuthenticatorTimeLocale: "Created" and the
    key's creation as Java's medium date and short time in English; in German "Erstellt" and another text of the
    same minute (Keycloak's test uses Chinese and Czech, which Doorkeep does not ship); a language without a
    catalog gets the English text."""
    await seed(env)
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await webauthn_flow(env)
    await register(env, "authenticator#1")
    moment = await created_date(env, "authenticator#1")
    [english] = items(await password_page(env))
    assert english["createdlabel"] == "Created"
    hour = moment.hour % 12 or 12
    marker = "AM" if moment.hour < 12 else "PM"
    assert english["created"] == f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M}\u202f{marker}"
    env.http.cookies.clear()
    [german] = items(await password_page(env, ui_locales="de"))
    assert german["createdlabel"] == "Erstellt"
    assert german["created"] == f"{moment:%d.%m.%Y, %H:%M}" != english["created"]
    env.http.cookies.clear()
    [other] = items(await password_page(env, ui_locales="xx"))
    assert other["created"] == english["created"]


async def test_a_key_without_a_label_and_markup_in_a_label(env: Env) -> None:
    """WebAuthnAuthenticatorsBean: an empty label is "label missing"; PolicyJsInjectionTest.injectUserLabel: a
    label of quotes, a backtick and script is kept as given and listed as text, never markup."""
    await seed(env)
    await register(env, "")
    label = "label'`;window.prompt(\"another\");'<img src=x onerror=alert(1)>"
    await register(env, label)
    await webauthn_flow(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{await user_id(env)}/credentials", status=200)).json()
    assert [c.get("userLabel") for c in stored if c["type"] == "webauthn"][1] == label
    page = await password_page(env)
    assert [i["label"] for i in items(page)] == ["label missing", label]
    assert "<img src=x" not in page.text
