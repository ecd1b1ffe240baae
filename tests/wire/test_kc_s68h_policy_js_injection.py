"""Script in the realm's WebAuthn policies (PolicyJsInjectionTest and PwdLessPolicyJsInjectionTest, testsuite
webauthn/registration): an admin may store any text in a policy field, and the registration page must carry it as
data, never as code. Keycloak's templates splice the values into a script and its test watches the browser for
a prompt or a redirect; Doorkeep's pages hand their script the options as JSON in a ``<script
type="application/json">`` element (console/webauthn_pages.py), so the checks here are on the page itself: the
value stored as given, the options holding it exactly, no ``<`` or ``>`` of it raw inside the JSON element (which
a ``</script>`` would close), and no script block of code holding it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, submit
from flow_builder import ADMIN, admin
from passkeys_support import user_id
from support import seed_login_realm
from webauthn_flow import password_page, webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
# PolicyJsInjectionTest's two payloads: a prompt with an injected image, and a redirect
PROMPT_SCRIPT = "required\"; window.prompt('Injection'); \"<img id=\"image-inject\" src='none'/> "
REDIRECT_SCRIPT = 'required"; window.location.href = "http://www.keycloak.org";"'
KINDS = {  # the policy's field prefix, the required action, the credential type
    "two-factor": ("webAuthnPolicy", "webauthn-register", "webauthn"),
    "passwordless": ("webAuthnPolicyPasswordless", "webauthn-register-passwordless", "webauthn-passwordless"),
}


async def register_page(env: Env, kind: str, **policy: str) -> httpx.Response:
    """The realm's ``kind`` policy given ``policy`` (its entity named, as a PUT that changes the policy must), then
    user1's password and the registration page of that policy's required action."""
    prefix, action, _ = KINDS[kind]
    await seed_login_realm(env.db, env.clock, events=True)
    fields = {f"{prefix}RpEntityName": "localhost", **{prefix + name: value for name, value in policy.items()}}
    await admin(env, "PUT", ADMIN, fields, 204)
    rep = (await admin(env, "GET", ADMIN, status=200)).json()
    assert {k: rep[k] for k in fields} == fields  # stored as given: WebAuthnRealmData reads it back
    await admin(env, "PUT", f"{ADMIN}/users/{await user_id(env)}", {"requiredActions": [action]}, 204)
    page = await env.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={"client_id": "app", "redirect_uri": "http://127.0.0.1:9999/", "response_type": "code"},
    )
    shown = await submit(env.http, page, username="user1", password="password")
    assert 'id="registerWebAuthn"' in shown.text, shown.text[:300]
    return shown


def held_as_data(page: httpx.Response, payload: str) -> dict[str, Any]:
    """The page's options, after checking that ``payload`` is in no script of code and that the JSON element
    holds none of its angle brackets raw; no element of the payload's markup reached the page."""
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    [data] = [body for attrs, body in scripts if 'id="webauthn-options"' in attrs]
    assert "<" not in data and ">" not in data
    for attrs, body in scripts:
        if "application/json" not in attrs:
            assert "Injection" not in body and "keycloak.org" not in body
    assert 'id="image-inject"' not in page.text and "<img" not in page.text
    return page_options(page.text)


@pytest.mark.parametrize("kind", KINDS)
async def test_relying_party_entity_name(env: Env, kind: str) -> None:
    """relyingPartyEntityName: the redirect script as the entity name is the options' ``rpEntityName``, and the
    registration succeeds."""
    page = await register_page(env, kind, RpEntityName=REDIRECT_SCRIPT)
    options = held_as_data(page, REDIRECT_SCRIPT)
    assert options["rpEntityName"] == REDIRECT_SCRIPT
    done = await submit(env.http, page, **SoftKey().create(options["challenge"]))
    assert "code" in code_from(done)


@pytest.mark.parametrize("kind", KINDS)
async def test_relying_party_id(env: Env, kind: str) -> None:
    """relyingPartyId: the prompt script as the RP id is the options' ``rpId``; the browser refuses it
    (SecurityError, posted as the form's ``error``), and the error page shows that message as text."""
    page = await register_page(env, kind, RpId=PROMPT_SCRIPT)
    options = held_as_data(page, PROMPT_SCRIPT)
    assert options["rpId"] == PROMPT_SCRIPT
    refused = await submit(env.http, page, error="SecurityError: The operation is insecure.")
    assert refused.status_code == 200 and "SecurityError: The operation is insecure." in refused.text
    assert "location" not in refused.headers


@pytest.mark.parametrize("kind", KINDS)
async def test_require_resident_key(env: Env, kind: str) -> None:
    """requireResidentKey: a value that is not "Yes" asks for no resident key, and the registration succeeds (the
    passwordless policy's residentKey, "required" by default, pinned to "not specified" so that this field decides)."""
    page = await register_page(env, kind, RequireResidentKey=PROMPT_SCRIPT, ResidentKey="not specified")
    options = held_as_data(page, PROMPT_SCRIPT)
    assert options["authenticatorSelection"]["requireResidentKey"] is False
    done = await submit(env.http, page, **SoftKey().create(options["challenge"]))
    assert "code" in code_from(done)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("field", "option"),
    [
        ("AttestationConveyancePreference", ("attestation",)),
        ("AuthenticatorAttachment", ("authenticatorSelection", "authenticatorAttachment")),
        ("UserVerificationRequirement", ("authenticatorSelection", "userVerification")),
    ],
)
async def test_enumerations_hold_the_script_as_data(env: Env, kind: str, field: str, option: tuple[str, ...]) -> None:
    """attestationConveyancePreference, authenticatorAttachment, userVerificationRequirement (@Ignore in Keycloak,
    where the browser refuses the value as no member of its enumeration): the value reaches the options exactly,
    as data."""
    page = await register_page(env, kind, **{field: REDIRECT_SCRIPT})
    value: Any = held_as_data(page, REDIRECT_SCRIPT)
    for name in option:
        value = value[name]
    assert value == REDIRECT_SCRIPT


@pytest.mark.parametrize("kind", KINDS)
async def test_inject_user_label(env: Env, kind: str) -> None:
    """injectUserLabel: a label of quotes, a backtick and script is stored as given (the two-factor key listed as
    text on the login page: test_kc_s68h_webauthn_authenticators.py)."""
    _, _, credential_type = KINDS[kind]
    label = "label'`;window.prompt(\"another\");'"
    page = await register_page(env, kind)
    done = await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"], label=label))
    assert "code" in code_from(done)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{await user_id(env)}/credentials", status=200)).json()
    assert [c["userLabel"] for c in stored if c["type"] == credential_type] == [label]


async def test_login_forms_passkeys_hold_the_policy_as_data(env: Env) -> None:
    """The passwordless policy on the login form's passkeys (passkeys.ftl's conditionalUIData): the injected RP id
    and user verification are the options' data; the form's own markup is untouched."""
    await seed_login_realm(env.db, env.clock, events=True)
    policy = {
        "webAuthnPolicyPasswordlessRpEntityName": "localhost",
        "webAuthnPolicyPasswordlessRpId": PROMPT_SCRIPT,
        "webAuthnPolicyPasswordlessUserVerificationRequirement": REDIRECT_SCRIPT,
        "webAuthnPolicyPasswordlessPasskeysEnabled": True,
    }
    await admin(env, "PUT", ADMIN, policy, 204)
    page = await env.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={"client_id": "app", "redirect_uri": "http://127.0.0.1:9999/", "response_type": "code"},
    )
    options = held_as_data(page, PROMPT_SCRIPT)
    assert (options["rpId"], options["userVerification"]) == (PROMPT_SCRIPT, REDIRECT_SCRIPT)
    assert 'id="kc-form-login"' in page.text and 'autocomplete="username webauthn"' in page.text


async def test_the_login_steps_page_holds_the_policy_as_data(env: Env) -> None:
    """The two-factor step's page (webauthn-authenticate.ftl's input): the injected RP id and user verification
    are the options' data."""
    page = await register_page(env, "two-factor")
    code_from(await submit(env.http, page, **SoftKey().create(page_options(page.text)["challenge"])))
    env.http.cookies.clear()
    await webauthn_flow(env)
    policy = {
        "webAuthnPolicyRpEntityName": "localhost",
        "webAuthnPolicyRpId": PROMPT_SCRIPT,
        "webAuthnPolicyUserVerificationRequirement": REDIRECT_SCRIPT,
    }
    await admin(env, "PUT", ADMIN, policy, 204)
    options = held_as_data(await password_page(env), PROMPT_SCRIPT)
    assert (options["rpId"], options["userVerification"]) == (PROMPT_SCRIPT, REDIRECT_SCRIPT)
