"""Keycloak 26.7's WebAuthn "Discoverable credential" (keycloak#42513, PR #49687): the realm fields
``webAuthnPolicyResidentKey`` and ``webAuthnPolicyPasswordlessResidentKey`` (WebAuthnPolicy.residentKey; required,
preferred, discouraged, or "not specified"), which deprecate ``…RequireResidentKey`` (Yes / No).

What decides each answer:

* RealmRepresentation carries both fields beside the deprecated ones, their defaults when absent
  (DefaultExportImportManager.getWebAuthnPolicyTwoFactor / getWebAuthnPolicyPasswordless fill them from
  WebAuthnPolicyTwoFactorDefaults / WebAuthnPolicyPasswordlessDefaults: a Keycloak 26.7.1 realm shows
  ``"webAuthnPolicyResidentKey":"not specified"`` and ``"webAuthnPolicyPasswordlessResidentKey":"required"``, both
  deprecated fields "not specified"). A realm update rebuilds a policy from the update only when it names the
  policy's relying party entity, as for every other field.
* webauthnRegister.js (26.7.4) builds ``authenticatorSelection``: a specified ``residentKey`` is sent as is, with
  ``requireResidentKey`` true only for "required"; otherwise the deprecated ``requireResidentKey`` decides ("Yes":
  ``residentKey`` "required" and ``requireResidentKey`` true, "No": "discouraged" and false); neither specified:
  neither member is sent.
* WebAuthnPolicyRepresentation (``authentication/policies/webauthn-policy``) has no ``residentKey``: that endpoint
  neither shows nor changes it.
* The Admin Console's policy tabs gain a "Discoverable credential" select with the four values.

Each test runs for the two-factor policy (``webauthn-register``) and the passwordless one
(``webauthn-register-passwordless``) where the policy matters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from browser_flow import code_from, submit
from console_support import HTML, ORIGIN, csrf, sign_in
from support import update_user
from webauthn_flow import ADMIN, admin, password_page, seed, user_id, webauthn_flow
from webauthn_port import UP, UV, SoftKey, page_options
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
NOT_SPECIFIED = "not specified"
TWO_FACTOR, PASSWORDLESS = "webAuthnPolicy", "webAuthnPolicyPasswordless"
DEFAULT = {TWO_FACTOR: NOT_SPECIFIED, PASSWORDLESS: "required"}  # each policy's residentKey when none is given
CONSOLE = "/admin/test/console/test/authentication/policies"


@dataclass(frozen=True)
class Kind:
    action: str
    prefix: str
    type: str
    tab: str
    endpoint: str


KINDS = [
    pytest.param(
        Kind("webauthn-register", TWO_FACTOR, "webauthn", "webauthn", "webauthn-policy"),
        id="two-factor",
    ),
    pytest.param(
        Kind(
            "webauthn-register-passwordless",
            PASSWORDLESS,
            "webauthn-passwordless",
            "webauthn-passwordless",
            "webauthn-passwordless-policy",
        ),
        id="passwordless",
    ),
]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def realm_rep(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = (await admin(env, "GET", ADMIN, status=200)).json()
    return found


async def put_policy(env: Env, kind: Kind, **fields: Any) -> None:
    """A realm update naming the policy's relying party entity (so the policy is rebuilt from it); user verification
    "not specified" unless given (the passwordless policy's default is "required")."""
    given = {"RpEntityName": "keycloak", "UserVerificationRequirement": NOT_SPECIFIED, **fields}
    body = {f"{kind.prefix}{name}": value for name, value in given.items()}
    await admin(env, "PUT", ADMIN, body, 204)


async def register_page(env: Env, kind: Kind) -> httpx.Response:
    """user1 owes the kind's registration: the page after the password."""
    if kind.prefix == TWO_FACTOR:
        await webauthn_flow(env)
    await update_user(env.db, "test", "user1", required_actions=(kind.action,))
    page = await password_page(env)
    assert 'id="registerWebAuthn"' in page.text and f"execution={kind.action}" in page.text, page.text[:500]
    return page


# --- the realm representation ---------------------------------------------------------------------------------


async def test_a_realm_shows_each_policys_default_beside_the_deprecated_fields_not_specified(realm: Env) -> None:
    rep = await realm_rep(realm)
    for prefix in (TWO_FACTOR, PASSWORDLESS):
        assert (rep[f"{prefix}ResidentKey"], rep[f"{prefix}RequireResidentKey"]) == (DEFAULT[prefix], NOT_SPECIFIED)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", ["required", "preferred", "discouraged", NOT_SPECIFIED])
async def test_the_admin_api_round_trips_each_value(realm: Env, kind: Kind, value: str) -> None:
    """A PUT stores the value as given (the deprecated field independent of it), the other policy untouched; a
    partial update keeps it; an update naming the entity without it puts the policy's default back."""
    env = realm
    await put_policy(env, kind, ResidentKey=value, RequireResidentKey="No")
    rep = await realm_rep(env)
    assert (rep[f"{kind.prefix}ResidentKey"], rep[f"{kind.prefix}RequireResidentKey"]) == (value, "No")
    other = PASSWORDLESS if kind.prefix == TWO_FACTOR else TWO_FACTOR
    assert rep[f"{other}ResidentKey"] == DEFAULT[other]
    await admin(env, "PUT", ADMIN, {"displayName": "Kept"}, 204)
    assert (await realm_rep(env))[f"{kind.prefix}ResidentKey"] == value
    await put_policy(env, kind, UserVerificationRequirement="required")
    assert (await realm_rep(env))[f"{kind.prefix}ResidentKey"] == DEFAULT[kind.prefix]


async def test_an_empty_or_null_value_is_the_policys_default(realm: Env) -> None:
    env = realm
    body = {
        "webAuthnPolicyRpEntityName": "keycloak",
        "webAuthnPolicyResidentKey": "",
        "webAuthnPolicyPasswordlessRpEntityName": "keycloak",
        "webAuthnPolicyPasswordlessResidentKey": None,
    }
    await admin(env, "PUT", ADMIN, body, 204)
    rep = await realm_rep(env)
    assert (rep["webAuthnPolicyResidentKey"], rep["webAuthnPolicyPasswordlessResidentKey"]) == (
        NOT_SPECIFIED,
        "required",
    )


async def test_a_wrongly_typed_value_is_refused(realm: Env) -> None:
    env = realm
    await put_policy(env, Kind("", TWO_FACTOR, "", "", ""), ResidentKey="preferred")
    refused = await admin(env, "PUT", ADMIN, {"webAuthnPolicyRpEntityName": "x", "webAuthnPolicyResidentKey": 3})
    assert refused.status_code == 400, refused.text
    assert (await realm_rep(env))["webAuthnPolicyResidentKey"] == "preferred"


async def test_a_realm_import_keeps_both_fields_and_the_partial_export_shows_them(realm: Env) -> None:
    env = realm
    body = {
        "realm": "imported",
        "enabled": True,
        "webAuthnPolicyResidentKey": "discouraged",
        "webAuthnPolicyPasswordlessResidentKey": "required",
        "webAuthnPolicyPasswordlessRequireResidentKey": "No",
    }
    await admin(env, "POST", "/admin/realms", body, 201)
    rep = (await admin(env, "GET", "/admin/realms/imported", status=200)).json()
    wanted = {k: v for k, v in body.items() if k.startswith("webAuthn")} | {
        "webAuthnPolicyRequireResidentKey": NOT_SPECIFIED
    }
    assert {k: rep[k] for k in wanted} == wanted
    exported = (await admin(env, "POST", "/admin/realms/imported/partial-export", status=200)).json()
    assert {k: exported[k] for k in wanted} == wanted


# --- the registration page's options (webauthnRegister.js) ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("resident_key", "require_resident_key", "selection"),
    [
        (NOT_SPECIFIED, NOT_SPECIFIED, {}),
        ("required", NOT_SPECIFIED, {"residentKey": "required", "requireResidentKey": True}),
        ("preferred", NOT_SPECIFIED, {"residentKey": "preferred", "requireResidentKey": False}),
        ("discouraged", NOT_SPECIFIED, {"residentKey": "discouraged", "requireResidentKey": False}),
        (NOT_SPECIFIED, "Yes", {"residentKey": "required", "requireResidentKey": True}),
        (NOT_SPECIFIED, "No", {"residentKey": "discouraged", "requireResidentKey": False}),
        ("discouraged", "Yes", {"residentKey": "discouraged", "requireResidentKey": False}),
        ("preferred", "Yes", {"residentKey": "preferred", "requireResidentKey": False}),
        ("required", "No", {"residentKey": "required", "requireResidentKey": True}),
    ],
    ids=[
        "neither",
        "required",
        "preferred",
        "discouraged",
        "deprecated-yes",
        "deprecated-no",
        "discouraged-over-yes",
        "preferred-over-yes",
        "required-over-no",
    ],
)
async def test_the_register_page_sends_the_resident_key_the_policy_decides(
    realm: Env, kind: Kind, resident_key: str, require_resident_key: str, selection: dict[str, Any]
) -> None:
    env = realm
    await put_policy(env, kind, ResidentKey=resident_key, RequireResidentKey=require_resident_key)
    options = page_options((await register_page(env, kind)).text)
    assert options["authenticatorSelection"] == selection


@pytest.mark.parametrize("kind", KINDS)
async def test_the_selection_keeps_keycloaks_member_order(realm: Env, kind: Kind) -> None:
    """authenticatorAttachment, then residentKey and requireResidentKey, then userVerification."""
    env = realm
    await put_policy(
        env,
        kind,
        AuthenticatorAttachment="platform",
        ResidentKey="preferred",
        UserVerificationRequirement="required",
    )
    options = page_options((await register_page(env, kind)).text)
    assert list(options["authenticatorSelection"].items()) == [
        ("authenticatorAttachment", "platform"),
        ("residentKey", "preferred"),
        ("requireResidentKey", False),
        ("userVerification", "required"),
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_key_registers_under_a_required_discoverable_credential(realm: Env, kind: Kind) -> None:
    """The registration completes (the server asks, the authenticator decides): the key is stored with the
    user's id as the handle the page asked it to keep."""
    env = realm
    await put_policy(env, kind, ResidentKey="required", UserVerificationRequirement="required")
    page = await register_page(env, kind)
    options = page_options(page.text)
    assert options["authenticatorSelection"]["residentKey"] == "required"
    key = SoftKey()
    answered = await submit(env.http, page, **key.create(options["challenge"], flags=UP | UV))
    assert "code" in code_from(answered)
    uid = await user_id(env)
    creds = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    assert [c["type"] for c in creds if c["type"] == kind.type] == [kind.type]


# --- the dedicated policy endpoint (WebAuthnPolicyRepresentation) ----------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_the_policy_endpoint_neither_shows_nor_changes_it(realm: Env, kind: Kind) -> None:
    env = realm
    await put_policy(env, kind, ResidentKey="preferred")
    path = f"{ADMIN}/authentication/policies/{kind.endpoint}"
    shown = (await admin(env, "GET", path, status=200)).json()
    assert "residentKey" not in shown and shown["requireResidentKey"] == NOT_SPECIFIED
    await admin(env, "PUT", path, {**shown, "rpEntityName": "Renamed", "requireResidentKey": "Yes"}, 204)
    rep = await realm_rep(env)
    assert (rep[f"{kind.prefix}RpEntityName"], rep[f"{kind.prefix}RequireResidentKey"]) == ("Renamed", "Yes")
    assert rep[f"{kind.prefix}ResidentKey"] == "preferred"
    options = page_options((await register_page(env, kind)).text)
    assert options["authenticatorSelection"] == {"residentKey": "preferred", "requireResidentKey": False}


# --- the Admin Console's policy tabs -----------------------------------------------------------------------------


@pytest.fixture
async def console(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


def _form(page: httpx.Response, **changed: str) -> dict[str, str]:
    return {
        "csrf_token": csrf(page),
        "RpEntityName": "keycloak",
        "SignatureAlgorithms": "ES256",
        "AttestationConveyancePreference": NOT_SPECIFIED,
        "AuthenticatorAttachment": NOT_SPECIFIED,
        "RequireResidentKey": NOT_SPECIFIED,
        "UserVerificationRequirement": NOT_SPECIFIED,
        "CreateTimeout": "0",
        **changed,
    }


@pytest.mark.parametrize("kind", KINDS)
async def test_the_console_tab_shows_and_saves_the_discoverable_credential(
    realm: Env, console: httpx.AsyncClient, kind: Kind
) -> None:
    env = realm
    path = f"{CONSOLE}/{kind.tab}"
    page = await console.get(path, headers=HTML)
    assert page.status_code == 200 and "Discoverable credential" in page.text
    labels = {
        NOT_SPECIFIED: "Not specified",
        "required": "Required",
        "preferred": "Preferred",
        "discouraged": "Discouraged",
    }
    select = page.text.split('name="ResidentKey"')[1]
    for value, label in labels.items():
        chosen = " selected" if value == DEFAULT[kind.prefix] else ""
        assert f'<option value="{value}"{chosen}>{label}</option>' in select
    saved = await console.post(
        path, data=_form(page, ResidentKey="discouraged", RequireResidentKey="Yes"), headers=ORIGIN
    )
    assert saved.status_code == 303, saved.text[:500]
    rep = await realm_rep(env)
    assert (rep[f"{kind.prefix}ResidentKey"], rep[f"{kind.prefix}RequireResidentKey"]) == ("discouraged", "Yes")
    shown = (await console.get(path, headers=HTML)).text.split('name="ResidentKey"')[1]
    assert '<option value="discouraged" selected>Discouraged</option>' in shown
    options = page_options((await register_page(env, kind)).text)
    assert options["authenticatorSelection"] == {"residentKey": "discouraged", "requireResidentKey": False}


@pytest.mark.parametrize("kind", KINDS)
async def test_a_form_without_the_select_keeps_it_and_a_forged_value_is_the_forms_error(
    realm: Env, console: httpx.AsyncClient, kind: Kind
) -> None:
    env = realm
    await put_policy(env, kind, ResidentKey="required")
    path = f"{CONSOLE}/{kind.tab}"
    page = await console.get(path, headers=HTML)
    assert (await console.post(path, data=_form(page, RpEntityName="Renamed"), headers=ORIGIN)).status_code == 303
    rep = await realm_rep(env)
    assert (rep[f"{kind.prefix}RpEntityName"], rep[f"{kind.prefix}ResidentKey"]) == ("Renamed", "required")
    page = await console.get(path, headers=HTML)
    refused = await console.post(path, data=_form(page, ResidentKey="<b>always</b>"), headers=ORIGIN)
    assert refused.status_code == 400 and 'id="e-ResidentKey"' in refused.text
    assert "<b>always</b>" not in refused.text
    assert (await realm_rep(env))[f"{kind.prefix}ResidentKey"] == "required"
