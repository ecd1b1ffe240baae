"""The realm's WebAuthn policies at registration, as Keycloak's registration tests check them (testsuite
webauthn/registration: AttestationConveyanceRegisterTest, AuthAttachmentRegisterTest, PubKeySignRegisterTest,
ResidentKeyRegisterTest, UserVerificationRegisterTest, WebAuthnOtherSettingsTest, and their passwordless twins
PwdLessAttestationRegTest, PwdLessAuthAttachmentRegTest, PwdLessPubKeySignRegTest, PwdLessResidentKeyRegTest,
PwdLessUserVerRegTest, PwdLessOtherSettingsTest), with what the newest WebAuthnRegister decides on the server
(tests/webauthn/WebAuthnPolicyComplianceTest; CVE-2026-8830 and issue 50719).

Keycloak drives Chrome's virtual authenticators; here a software key (webauthn_port) answers the options the page
renders, and each test asserts what the server decides: the policy in the realm representation, the options on
the page, the answer it accepts (the stored credential) or refuses (webauthn-error.ftl and its events). What only
Chrome decides (an authenticator that cannot do what the options ask refuses before anything is posted: a platform
request to a BLE key, a resident key from a key without one, user verification an authenticator fails) reaches
the server as the ``error`` field, the register verification error. Every test runs for the two-factor action
(``webauthn-register``, ``webAuthnPolicy*``) and the passwordless one (``webauthn-register-passwordless``,
``webAuthnPolicyPasswordless*``), as each PwdLess class reruns its parent with ``isPasswordless``.
"""

from __future__ import annotations

import base64
import html
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import cbor2
import httpx
import pytest

from browser_flow import code_from, form_action, form_fields, submit
from support import update_user
from webauthn_flow import admin, events, password_page, seed, user_id, webauthn_flow
from webauthn_port import UP, UV, SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
ZERO_AAGUID = "00000000-0000-0000-0000-000000000000"
CHROME_AAGUID = "01020304-0506-0708-0102-030405060708"  # the AAGUID of Chrome's virtual authenticator
REFUSED = "Failed to register your Passkey."


@dataclass(frozen=True)
class Kind:
    action: str
    prefix: str
    type: str
    env: Env | None = None

    @property
    def wire(self) -> Env:
        assert self.env is not None
        return self.env


KINDS = [
    Kind("webauthn-register", "webAuthnPolicy", "webauthn"),
    Kind("webauthn-register-passwordless", "webAuthnPolicyPasswordless", "webauthn-passwordless"),
]


@pytest.fixture(params=KINDS, ids=["two-factor", "passwordless"])
async def kind(env: Env, request: pytest.FixtureRequest) -> Kind:
    await seed(env)
    found: Kind = request.param
    return Kind(found.action, found.prefix, found.type, env)


async def put_policy(env: Env, kind: Kind, **fields: Any) -> dict[str, Any]:
    """A realm update naming the policy's relying party entity (so the policy is rebuilt from it, the fields left
    out at their defaults), then the policy as the realm representation shows it. The passwordless policy's own
    defaults (a discoverable credential and user verification required, WebAuthnPolicyPasswordlessDefaults) are
    pinned to "not specified" unless given, so that both policies start alike and each test's field decides."""
    unset = {"ResidentKey": "not specified", "UserVerificationRequirement": "not specified"}
    body = {f"{kind.prefix}{name}": value for name, value in {"RpEntityName": "keycloak", **unset, **fields}.items()}
    await admin(env, "PUT", ADMIN, body, 204)
    return await policy_rep(env, kind)


async def policy_rep(env: Env, kind: Kind) -> dict[str, Any]:
    """The policy's fields of the realm representation, without their prefix."""
    rep = (await admin(env, "GET", ADMIN, status=200)).json()
    fields = {key[len(kind.prefix) :]: value for key, value in rep.items() if key.startswith(kind.prefix)}
    return {key: value for key, value in fields.items() if key[:1].isupper() and not key.startswith("Passwordless")}


async def register_page(env: Env, kind: Kind) -> httpx.Response:
    """user1 owes the kind's registration: the page after the password."""
    await update_user(env.db, "test", "user1", required_actions=(kind.action,))
    page = await password_page(env)
    assert 'id="registerWebAuthn"' in page.text and f"execution={kind.action}" in page.text, page.text[:500]
    return page


def error_text(page: httpx.Response) -> str:
    found = re.search(r'<div id="input-error" class="error">(.*?)</div>', page.text, re.S)
    assert found, page.text[:800]
    return html.unescape(found.group(1))


async def stored(env: Env, kind: Kind) -> list[dict[str, Any]]:
    """The credentialData of the user's credentials of the kind's type (Admin REST)."""
    uid = await user_id(env)
    creds = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    return [json.loads(c["credentialData"]) for c in creds if c["type"] == kind.type]


def cose(data: dict[str, Any]) -> dict[int, Any]:
    key: dict[int, Any] = cbor2.loads(base64.b64decode(data["credentialPublicKey"]))
    return key


async def assert_refused(env: Env, kind: Kind, page: httpx.Response, detail: str) -> None:
    """webauthn-error.ftl with the registration error and its detail, both error events with it, no key stored."""
    assert page.status_code == 200 and 'id="kc-try-again"' in page.text, page.text[:500]
    assert error_text(page).startswith(REFUSED) and detail in error_text(page), error_text(page)
    found = await events(env, "UPDATE_CREDENTIAL_ERROR", "CUSTOM_REQUIRED_ACTION_ERROR")
    assert sorted(e.type for e in found) == ["CUSTOM_REQUIRED_ACTION_ERROR", "UPDATE_CREDENTIAL_ERROR"]
    for event in found:
        assert (event.error, event.details["custom_required_action"]) == ("invalid_registration", kind.action)
        assert event.details["web_authn_registration_error"] == "webauthn-error-registration"
        assert detail in event.details["web_authn_registration_error_detail"]
    assert await stored(env, kind) == []


async def register(env: Env, page: httpx.Response, key: SoftKey, **create: Any) -> httpx.Response:
    """The key's answer to the page's options, posted."""
    return await submit(env.http, page, **key.create(page_options(page.text)["challenge"], **create))


# AttestationConveyanceRegisterTest, PwdLessAttestationRegTest


async def test_attestation_default_value(kind: Kind) -> None:
    """attestationDefaultValue: "not specified" by default, and a ``none`` attestation is stored as such."""
    env = kind.wire
    assert (await policy_rep(env, kind))["AttestationConveyancePreference"] == "not specified"
    page = await register_page(env, kind)
    assert page_options(page.text)["attestation"] == "not specified"
    assert "code" in code_from(await register(env, page, SoftKey()))
    assert [d["attestationStatementFormat"] for d in await stored(env, kind)] == ["none"]


@pytest.mark.parametrize(
    ("preference", "fmt"),
    [("none", "none"), ("indirect", "packed"), ("direct", "packed")],
    ids=["attestationConveyancePreferenceNone", "attestationConveyancePreferenceIndirect", "Direct"],
)
async def test_attestation_conveyance_preference(kind: Kind, preference: str, fmt: str) -> None:
    """attestationConveyancePreferenceNone / Indirect / Direct: the preference in the representation and on the
    page; the authenticator's statement (``none``, or ``packed`` with a self-signed certificate as Chrome's virtual
    authenticator gives it) is stored with its format."""
    env = kind.wire
    assert (await put_policy(env, kind, AttestationConveyancePreference=preference))[
        "AttestationConveyancePreference"
    ] == preference
    page = await register_page(env, kind)
    assert page_options(page.text)["attestation"] == preference
    assert "code" in code_from(await register(env, page, SoftKey(), fmt=fmt, certified=fmt == "packed"))
    assert [d["attestationStatementFormat"] for d in await stored(env, kind)] == [fmt]


async def test_attestation_conveyance_preference_none_to_direct(kind: Kind) -> None:
    """attestationConveyancePreferenceNoneToDirect (and WebAuthnPolicyComplianceTest.tamperedAttestationConveyance):
    the page was shown under the default, the policy asks for ``direct`` before the answer arrives: a ``none``
    attestation finds no verifier, in webauthn4j's words."""
    env = kind.wire
    page = await register_page(env, kind)
    await put_policy(env, kind, AttestationConveyancePreference="direct")
    refused = await register(env, page, SoftKey())
    detail = "AttestationVerifier is not configured to handle the supplied AttestationStatement format 'none'."
    await assert_refused(env, kind, refused, detail)


# AuthAttachmentRegisterTest, PwdLessAuthAttachmentRegTest


@pytest.mark.parametrize(
    "attachment",
    ["cross-platform", "platform"],
    ids=["authenticatorAttachmentCrossPlatform", "authenticatorAttachmentPlatformInternal"],
)
async def test_authenticator_attachment_accepted(kind: Kind, attachment: str) -> None:
    """authenticatorAttachmentCrossPlatform (a USB key) / authenticatorAttachmentPlatformInternal (an internal one):
    the policy's attachment in the representation and the options; the key reporting it is registered."""
    env = kind.wire
    assert (await put_policy(env, kind, AuthenticatorAttachment=attachment))["AuthenticatorAttachment"] == attachment
    page = await register_page(env, kind)
    assert page_options(page.text)["authenticatorSelection"] == {"authenticatorAttachment": attachment}
    assert "code" in code_from(await register(env, page, SoftKey(), attachment=attachment))
    assert len(await stored(env, kind)) == 1


@pytest.mark.parametrize(
    ("reported", "detail"),
    [
        ("cross-platform", "Policy requires 'platform' authenticator attachment but got 'cross-platform'"),
        (None, "Authenticator attachment is required by the policy but was not provided by the client."),
        ("", "Authenticator attachment is required by the policy but was not provided by the client."),
        ("not-a-real-value", "Unexpected authenticator attachment value"),
    ],
    ids=["authenticatorAttachmentPlatform", "omitted", "empty", "invalidAuthenticatorAttachmentValue"],
)
async def test_authenticator_attachment_refused(kind: Kind, reported: str | None, detail: str) -> None:
    """authenticatorAttachmentPlatform: a platform policy (user verification discouraged) and a BLE key, which
    Chrome refuses to use; a client that posts the BLE key's answer anyway is refused by the server
    (WebAuthnRegister.PolicyVerifier.verifyAuthenticatorAttachment: WebAuthnPolicyComplianceTest's
    tamperedAuthenticatorAttachment and invalidAuthenticatorAttachmentValue, issue 50719's omitted field)."""
    env = kind.wire
    rep = await put_policy(env, kind, AuthenticatorAttachment="platform", UserVerificationRequirement="discouraged")
    assert (rep["AuthenticatorAttachment"], rep["UserVerificationRequirement"]) == ("platform", "discouraged")
    page = await register_page(env, kind)
    selection = {"authenticatorAttachment": "platform", "userVerification": "discouraged"}
    assert page_options(page.text)["authenticatorSelection"] == selection
    await assert_refused(env, kind, await register(env, page, SoftKey(), attachment=reported), detail)


async def test_the_page_posts_the_attachment_the_browser_reports(kind: Kind) -> None:
    """webauthn-register.ftl's ``authenticatorAttachment`` field, which webauthnRegister.js fills from the
    PublicKeyCredential's ``authenticatorAttachment``."""
    page = await register_page(kind.wire, kind)
    assert '<input type="hidden" id="authenticatorAttachment" name="authenticatorAttachment">' in page.text
    assert 'getElementById("authenticatorAttachment").value = result.authenticatorAttachment' in page.text


# PubKeySignRegisterTest, PwdLessPubKeySignRegTest


@pytest.mark.parametrize(
    ("algorithms", "offered", "accepted"),
    [
        (["RS512", "ES512"], [-259, -36], False),
        (["ES256", "ES512"], [-7, -36], True),
        (["ES256"], [-7], True),
        (["RS384", "ES512"], [-258, -36], False),
        ([], [-7, -257], True),
        (["RSSSS2048"], [], False),
    ],
    ids=[
        "publicKeySignaturesWrong",
        "publicKeySignaturesAlternatives",
        "publicKeySignaturesCorrect",
        "publicKeySignaturesRSA",
        "publicKeySignaturesEmpty",
        "publicKeySignaturesNonExisting",
    ],
)
async def test_public_key_signature_algorithms(
    kind: Kind, algorithms: list[str], offered: list[int], accepted: bool
) -> None:
    """The policy's algorithms as COSE identifiers on the page (an empty list is the defaults ES256 and RS256, a
    name Keycloak does not know is left out); an ES256 key (what Chrome's authenticator makes, and what it falls
    back to when the page offers nothing) is registered only when the policy allows ES256: otherwise webauthn4j's
    "alg not listed in options.pubKeyCredParams is used." (the browser refuses first in Chrome, the server in any
    case: WebAuthnPolicyComplianceTest.tamperedSignatureAlgorithm). The stored key is ES256's EC2 key."""
    env = kind.wire
    rep = await put_policy(env, kind, SignatureAlgorithms=algorithms)
    if algorithms:
        assert rep["SignatureAlgorithms"] == algorithms
    page = await register_page(env, kind)
    assert page_options(page.text)["algorithms"] == offered
    answered = await register(env, page, SoftKey())
    if not accepted:
        await assert_refused(env, kind, answered, "alg not listed in options.pubKeyCredParams is used.")
        return
    assert "code" in code_from(answered)
    (data,) = await stored(env, kind)
    assert (cose(data)[3], cose(data)[1]) == (-7, 2)  # alg ES256, kty EC2


# ResidentKeyRegisterTest, PwdLessResidentKeyRegTest


@pytest.mark.parametrize(
    ("requirement", "resident", "verification"),
    [("No", False, "not specified"), ("No", True, "required"), ("Yes", True, "required")],
    ids=["residentKeyNotRequiredNoRK", "residentKeyNotRequiredPresent", "residentKeyRequiredCorrect"],
)
async def test_resident_key(kind: Kind, requirement: str, resident: bool, verification: str) -> None:
    """The policy's resident key requirement in the representation and on the page as webauthnRegister.js passes
    it (``residentKey`` and the deprecated ``requireResidentKey``), user verification with it, the user handle
    the key keeps (the user's id); the key registered signs in afterwards (authenticateDefaultUser)."""
    env = kind.wire
    fields = {
        "RpEntityName": "localhost",
        "RequireResidentKey": requirement,
        "UserVerificationRequirement": verification,
    }
    rep = await put_policy(env, kind, **fields)
    assert {name: rep[name] for name in fields} == fields
    if kind.type == "webauthn":
        await webauthn_flow(env)
    page = await register_page(env, kind)
    options = page_options(page.text)
    required = requirement == "Yes"
    selection: dict[str, Any] = {
        "residentKey": "required" if required else "discouraged",
        "requireResidentKey": required,
    }
    if verification != "not specified":
        selection["userVerification"] = verification
    assert (options["rpEntityName"], options["authenticatorSelection"]) == ("localhost", selection)
    uid = await user_id(env)
    assert options["userId"] == b64url(uid.encode())
    key = SoftKey()
    assert "code" in code_from(await register(env, page, key, flags=UP | UV))
    assert len(await stored(env, kind)) == 1
    if kind.type != "webauthn":
        return
    env.http.cookies.clear()
    login = await password_page(env)
    signed = await submit(env.http, login, **key.get(page_options(login.text)["challenge"], user_handle=uid))
    assert "code" in code_from(signed)


async def test_resident_key_required_wrong(kind: Kind) -> None:
    """residentKeyRequiredWrong: an authenticator without resident keys cannot answer a request that requires one;
    the browser's error is posted, and the page is the register verification error (no key stored)."""
    env = kind.wire
    await put_policy(env, kind, RequireResidentKey="Yes")
    page = await register_page(env, kind)
    error = "NotAllowedError: The operation either timed out or was not allowed."
    refused = await submit(env.http, page, error=error)
    assert error_text(refused) == f"Passkey registration result is invalid. {error}"
    found = await events(env, "UPDATE_CREDENTIAL_ERROR")
    assert [(e.error, e.details["web_authn_registration_error"]) for e in found] == [
        ("invalid_user_credentials", "webauthn-error-register-verification")
    ]
    assert await stored(env, kind) == []


# UserVerificationRegisterTest, PwdLessUserVerRegTest


@pytest.mark.parametrize(
    ("requirement", "flags", "accepted"),
    [
        ("discouraged", UP | UV, True),
        ("discouraged", UP, True),
        ("preferred", UP, True),
        ("preferred", UP | UV, True),
        ("required", UP, False),
        ("required", UP | UV, True),
    ],
    ids=[
        "discouragedAny",
        "discouragedNoVerification",
        "preferredNoVerification",
        "preferredVerificationCorrect",
        "requiredWrongNoVerification",
        "required",
    ],
)
async def test_user_verification(kind: Kind, requirement: str, flags: int, accepted: bool) -> None:
    """The requirement on the page; the server checks the UV flag only when it is ``required`` (webauthn4j's
    message otherwise: WebAuthnPolicyComplianceTest.tamperedUserVerification). ``discouraged`` and
    ``preferredVerificationWrong`` (an authenticator that fails its own verification) end in Chrome, which posts
    its error as residentKeyRequiredWrong's does."""
    env = kind.wire
    assert (await put_policy(env, kind, UserVerificationRequirement=requirement))[
        "UserVerificationRequirement"
    ] == requirement
    page = await register_page(env, kind)
    assert page_options(page.text)["authenticatorSelection"] == {"userVerification": requirement}
    answered = await register(env, page, SoftKey(), flags=flags)
    if accepted:
        assert "code" in code_from(answered)
        return
    detail = "Verifier is configured to check user verified, but UV flag in authenticatorData is not set."
    await assert_refused(env, kind, answered, detail)


# WebAuthnOtherSettingsTest, PwdLessOtherSettingsTest


async def test_default_values(kind: Kind) -> None:
    """defaultValues: the two events (CUSTOM_REQUIRED_ACTION, UPDATE_CREDENTIAL) with the action, the label and
    the AAGUID; the stored WebAuthnCredentialData: the credential id, the all-zero AAGUID, no attestation
    statement (null in Keycloak, left out of its JSON), the authenticator's counter, the ``none`` format, and the
    ES256 EC2 public key."""
    env = kind.wire
    page = await register_page(env, kind)
    key = SoftKey(counter=1)
    assert "code" in code_from(await register(env, page, key, label="webauthn"))
    uid = await user_id(env)
    found = await events(env, "CUSTOM_REQUIRED_ACTION", "UPDATE_CREDENTIAL")
    assert sorted(e.type for e in found) == ["CUSTOM_REQUIRED_ACTION", "UPDATE_CREDENTIAL"]
    for event in found:
        assert (event.user_id, event.details["custom_required_action"]) == (uid, kind.action)
        assert event.details["public_key_credential_label"] == "webauthn"
        assert event.details["public_key_credential_aaguid"] == ZERO_AAGUID
    (data,) = await stored(env, kind)
    assert base64.b64decode(data["credentialId"]) == key.credential_id
    assert (data["aaguid"], data["counter"], data["attestationStatementFormat"]) == (ZERO_AAGUID, 1, "none")
    assert "attestationStatement" not in data
    assert (cose(data)[3], cose(data)[1]) == (-7, 2)


async def test_timeout(kind: Kind) -> None:
    """timeout: the policy's create timeout (seconds) in the representation and on the page (milliseconds); the
    browser's timeout is the register verification error, and "Try again" shows the page again, which then
    registers."""
    env = kind.wire
    assert (await put_policy(env, kind, CreateTimeout=3))["CreateTimeout"] == 3
    page = await register_page(env, kind)
    assert page_options(page.text)["timeout"] == 3000
    error = "NotAllowedError: The operation either timed out or was not allowed."
    refused = await submit(env.http, page, error=error)
    assert "The operation either timed out or was not allowed" in error_text(refused)
    again = await submit(env.http, refused, isSetRetry="retry")
    assert 'id="registerWebAuthn"' in again.text
    assert page_options(again.text)["challenge"] != page_options(page.text)["challenge"]
    assert "code" in code_from(await register(env, again, SoftKey()))


async def test_acceptable_aaguids_should_be_empty_or_null_by_default(kind: Kind) -> None:
    """acceptableAaguidsShouldBeEmptyOrNullByDefault."""
    assert (await policy_rep(kind.wire, kind))["AcceptableAaguids"] == []


@pytest.mark.parametrize(
    ("acceptable", "accepted"), [(ZERO_AAGUID, False), (CHROME_AAGUID, True)], ids=["excludeCredentials", "Success"]
)
async def test_acceptable_aaguids(kind: Kind, acceptable: str, accepted: bool) -> None:
    """excludeCredentials / excludeCredentialsSuccess: a ``direct`` policy that accepts one AAGUID; Chrome's
    authenticator (its AAGUID, a certified ``packed`` statement) is refused unless it is the one. Keycloak's test
    looks for the older "not acceptable aaguid = <AAGUID>"; WebAuthnRegister.PolicyVerifier now says "Not
    acceptable authenticator model (based on the AAGUID)." and keeps the AAGUID for its debug log."""
    env = kind.wire
    rep = await put_policy(env, kind, AcceptableAaguids=[acceptable], AttestationConveyancePreference="direct")
    assert rep["AcceptableAaguids"] == [acceptable]
    page = await register_page(env, kind)
    answered = await register(env, page, SoftKey(aaguid=uuid.UUID(CHROME_AAGUID).bytes), fmt="packed", certified=True)
    if accepted:
        assert "code" in code_from(answered)
        assert [d["aaguid"] for d in await stored(env, kind)] == [CHROME_AAGUID]
        return
    await assert_refused(env, kind, answered, "Not acceptable authenticator model (based on the AAGUID).")


async def test_exclude_credentials_using_none(kind: Kind) -> None:
    """excludeCredentialsUsingNone (WebAuthnPolicyComplianceTest.acceptableAaguidWithNoneAttestation): acceptable
    AAGUIDs and a ``none`` attestation, whose AAGUID nothing vouches for."""
    env = kind.wire
    assert (await put_policy(env, kind, AcceptableAaguids=[ZERO_AAGUID]))["AcceptableAaguids"] == [ZERO_AAGUID]
    page = await register_page(env, kind)
    refused = await register(env, page, SoftKey())
    await assert_refused(env, kind, refused, "Acceptable AAGUIDs require an attestation format other than 'none'.")


async def test_a_registration_replayed_in_another_users_session_is_refused(kind: Kind) -> None:
    """WebAuthnPolicyComplianceTest.replayedCredentialRegistration: the answer one page got, posted to another
    registration's page, does not carry that page's challenge."""
    env = kind.wire
    first = await register_page(env, kind)
    answer = SoftKey().create(page_options(first.text)["challenge"])
    env.http.cookies.clear()
    second = await register_page(env, kind)
    replay = await env.http.post(form_action(second.text), data={**form_fields(second.text), **answer})
    await assert_refused(env, kind, replay, "The actual challenge does not match the expected challenge")
