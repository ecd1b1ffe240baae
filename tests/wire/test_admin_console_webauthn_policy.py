"""Authentication → Policies → Webauthn Policy and Webauthn Passwordless Policy of the Admin Console, over HTTP
against the real app (both engines): each tab saves its realm's ``webAuthnPolicy*`` (or ``…Passwordless*``) fields
as ``PUT /admin/realms/{realm}`` saves them, the WebAuthn register page then uses them, the other policy is kept;
view-realm reads, manage-realm saves, a forged or out-of-range value is the form's error, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from doorkeep.users.webauthn_policy import SUFFIXES
from support import update_user
from webauthn_flow import password_page, seed
from webauthn_port import page_options
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
TWO_FACTOR = "/admin/test/console/test/authentication/policies/webauthn"
PASSWORDLESS = "/admin/test/console/test/authentication/policies/webauthn-passwordless"
REALM = "/admin/realms/test"
FORM: dict[str, str | list[str]] = {
    "RpEntityName": "Example Bank",
    "SignatureAlgorithms": ["ES256", "Ed25519"],
    "RpId": "localhost",
    "AttestationConveyancePreference": "none",
    "AuthenticatorAttachment": "cross-platform",
    "RequireResidentKey": "No",
    "ResidentKey": "preferred",
    "UserVerificationRequirement": "preferred",
    "CreateTimeout": "30",
    "AvoidSameAuthenticatorRegister": "on",
    "AcceptableAaguids": "cb69481e-8ff7-4039-93ec-0a2729a154a8\n\n",
    "ExtraOrigins": "android:apk-key-hash:abc\nhttps://app.example",
}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest_realm(env: Env) -> dict[str, Any]:
    response = await env.http.get(REALM, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def policy(rep: dict[str, Any], prefix: str = "webAuthnPolicy") -> dict[str, Any]:
    return {suffix: rep[prefix + suffix] for suffix in SUFFIXES}


async def post(http: httpx.AsyncClient, path: str, **changed: str | list[str]) -> httpx.Response:
    page = await http.get(path, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **FORM, **changed}, headers=ORIGIN)


async def test_the_saved_policy_is_what_the_rest_api_returns_and_the_register_page_uses(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(TWO_FACTOR, headers=HTML)
    assert page.status_code == 200 and 'value="keycloak"' in page.text
    assert 'id="f-alg-ES256" name="SignatureAlgorithms" value="ES256" checked' in page.text
    assert f'href="{TWO_FACTOR}" aria-current="page"' in page.text and f'href="{PASSWORDLESS}"' in page.text
    saved = await post(admin, TWO_FACTOR)
    assert saved.status_code == 303
    assert "Updated webauthn policies successfully" in (await admin.get(TWO_FACTOR, headers=HTML)).text
    rep = await rest_realm(realm)
    assert policy(rep) == {
        "RpEntityName": "Example Bank",
        "SignatureAlgorithms": ["ES256", "Ed25519"],
        "RpId": "localhost",
        "AttestationConveyancePreference": "none",
        "AuthenticatorAttachment": "cross-platform",
        "RequireResidentKey": "No",
        "ResidentKey": "preferred",
        "UserVerificationRequirement": "preferred",
        "CreateTimeout": 30,
        "AvoidSameAuthenticatorRegister": True,
        "AcceptableAaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"],
        "ExtraOrigins": ["android:apk-key-hash:abc", "https://app.example"],
    }
    assert policy(rep, "webAuthnPolicyPasswordless")["RpEntityName"] == "keycloak"
    await update_user(realm.db, "test", "user1", required_actions=("webauthn-register",))
    options = page_options((await password_page(realm)).text)
    assert options["rpEntityName"] == "Example Bank" and options["algorithms"] == [-7, -8]
    assert options["timeout"] == 30000 and options["attestation"] == "none"
    assert options["authenticatorSelection"]["authenticatorAttachment"] == "cross-platform"
    # Discoverable credential (Keycloak 26.7's residentKey) decides over the deprecated Require discoverable credential
    assert (
        options["authenticatorSelection"]["residentKey"],
        options["authenticatorSelection"]["requireResidentKey"],
    ) == (
        "preferred",
        False,
    )


async def test_the_passwordless_tab_saves_its_own_policy_and_keeps_the_other(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    assert (await post(admin, TWO_FACTOR, RpEntityName="Second factor")).status_code == 303
    saved = await post(admin, PASSWORDLESS, RpEntityName="Passkeys", RequireResidentKey="Yes", CreateTimeout="0")
    assert saved.status_code == 303
    rep = await rest_realm(realm)
    assert policy(rep)["RpEntityName"] == "Second factor"
    passwordless = policy(rep, "webAuthnPolicyPasswordless")
    assert (passwordless["RpEntityName"], passwordless["RequireResidentKey"]) == ("Passkeys", "Yes")
    assert passwordless["CreateTimeout"] == 0
    shown = await admin.get(PASSWORDLESS, headers=HTML)
    assert 'value="Passkeys"' in shown.text and '<option value="Yes" selected>' in shown.text


async def test_the_passwordless_tab_alone_shows_and_saves_the_passkeys_mediation(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(PASSWORDLESS, headers=HTML)
    assert '<option value="conditional" selected>Conditional</option>' in page.text
    assert 'name="Mediation"' not in (await admin.get(TWO_FACTOR, headers=HTML)).text
    assert (await post(admin, PASSWORDLESS, Mediation="optional")).status_code == 303
    assert (await rest_realm(realm))["webAuthnPolicyPasswordlessMediation"] == "optional"
    assert '<option value="optional" selected>' in (await admin.get(PASSWORDLESS, headers=HTML)).text
    assert (await post(admin, PASSWORDLESS, RpEntityName="Passkeys")).status_code == 303  # a form without it
    assert (await post(admin, TWO_FACTOR, RpEntityName="Second factor")).status_code == 303
    assert (await rest_realm(realm))["webAuthnPolicyPasswordlessMediation"] == "optional"
    refused = await post(admin, PASSWORDLESS, Mediation="<i>silent</i>")
    assert refused.status_code == 400 and 'id="e-Mediation"' in refused.text and "<i>silent</i>" not in refused.text
    assert (await rest_realm(realm))["webAuthnPolicyPasswordlessMediation"] == "optional"


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"SignatureAlgorithms": ["ES256", "<b>MD5</b>"]}, "SignatureAlgorithms", "Unknown value for"),
        ({"CreateTimeout": "-5"}, "CreateTimeout", "Timeout needs to be in a range from 0 seconds to 8 hours"),
        ({"CreateTimeout": "31537"}, "CreateTimeout", "Timeout needs to be in a range from 0 seconds to 8 hours"),
        ({"CreateTimeout": "ten"}, "CreateTimeout", "Timeout needs to be in a range from 0 seconds to 8 hours"),
        ({"RpEntityName": "  "}, "RpEntityName", "Relying party entity name: Required field"),
        ({"UserVerificationRequirement": "always"}, "UserVerificationRequirement", "Unknown value for"),
    ],
)
async def test_a_bad_value_is_the_forms_error_and_nothing_is_saved(
    realm: Env, admin: httpx.AsyncClient, changed: dict[str, str | list[str]], field: str, message: str
) -> None:
    before = policy(await rest_realm(realm))
    refused = await post(admin, TWO_FACTOR, **changed)
    assert refused.status_code == 400 and f'id="e-{field}"' in refused.text and message in refused.text
    assert "<b>MD5</b>" not in refused.text
    assert policy(await rest_realm(realm)) == before


async def test_markup_in_the_entity_name_is_stored_as_text_and_shown_escaped(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    name = '<script>alert("x")</script>'
    assert (await post(admin, TWO_FACTOR, RpEntityName=name)).status_code == 303
    assert policy(await rest_realm(realm))["RpEntityName"] == name
    shown = await admin.get(TWO_FACTOR, headers=HTML)
    assert name not in shown.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown.text


async def test_a_value_the_rest_api_stored_outside_the_options_is_offered_and_kept(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    stored = {
        "webAuthnPolicyRpEntityName": "keycloak",
        "webAuthnPolicySignatureAlgorithms": ["ES256", "PS256"],
        "webAuthnPolicyAuthenticatorAttachment": "hybrid",
    }
    assert (await realm.http.put(REALM, json=stored, headers=await realm.admin_headers())).status_code == 204
    page = await admin.get(TWO_FACTOR, headers=HTML)
    assert 'value="PS256" checked' in page.text and '<option value="hybrid" selected>' in page.text
    kept = await post(admin, TWO_FACTOR, SignatureAlgorithms=["ES256", "PS256"], AuthenticatorAttachment="hybrid")
    assert kept.status_code == 303
    rep = policy(await rest_realm(realm))
    assert (rep["SignatureAlgorithms"], rep["AuthenticatorAttachment"]) == (["ES256", "PS256"], "hybrid")


async def test_a_post_without_the_csrf_token_is_refused(realm: Env, admin: httpx.AsyncClient) -> None:
    refused = await admin.post(TWO_FACTOR, data=FORM, headers=ORIGIN)
    assert refused.status_code == 403
    assert policy(await rest_realm(realm))["RpEntityName"] == "keycloak"


async def test_a_view_realm_administrator_reads_the_policy_and_a_forged_save_is_refused(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        for path in (TWO_FACTOR, PASSWORDLESS):
            page = await http.get(path, headers=HTML)
            assert page.status_code == 200 and "<fieldset disabled>" in page.text and ">Save</button>" not in page.text
            refused = await http.post(path, data={"csrf_token": csrf(page), **FORM}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-realm" in refused.text
    assert policy(await rest_realm(realm))["RpEntityName"] == "keycloak"
