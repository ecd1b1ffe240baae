"""WebAuthn two-factor credentials as Keycloak 26 registers, stores and checks them.

The ceremonies' cryptography (clientDataJSON, the attestation object and its statement, the assertion's
signature) is checked by py_webauthn (the ``webauthn`` package) where Keycloak uses webauthn4j; around it, what
Keycloak adds: WebAuthnRegister.createWebAuthnRegistrationManager accepts the ``none`` attestation only while the
policy's attestation conveyance preference is unset or ``none``, and forbids self attestation once the policy
names acceptable AAGUIDs (PolicyVerifier then wants the AAGUID among them); the credential is stored as
WebAuthnCredentialModel (type ``webauthn``): ``credentialData`` is WebAuthnCredentialData (``aaguid``,
``credentialId`` and ``credentialPublicKey`` in standard Base64, the ``counter``, the attestation statement's
format, the ``transports``; no ``attestationStatement``, which WebAuthnCredentialProvider leaves null and
JsonSerialization then omits), ``secretData`` is empty. WebAuthnCredentialProvider.isValid
finds the credential by its id among the user's, checks the assertion, and moves the signature counter on.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import decode_credential_public_key, decoded_public_key_to_cryptography, parse_cbor
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    RegistrationCredential,
)

from doorkeep.model import Credential
from doorkeep.users.webauthn_policy import NOT_SPECIFIED, REQUIRED, Policy

TYPE = "webauthn"  # WebAuthnCredentialModel.TYPE_TWOFACTOR
REGISTER = "webauthn-register"  # WebAuthnRegisterFactory.PROVIDER_ID
# WebAuthnCredentialModel.TYPE_PASSWORDLESS: a passkey (WebAuthnPasswordlessRegister, WebAuthnPasswordlessAuthenticator)
PASSWORDLESS_TYPE = "webauthn-passwordless"
REGISTER_PASSWORDLESS = "webauthn-register-passwordless"  # WebAuthnPasswordlessRegisterFactory.PROVIDER_ID
NONE_FORMAT = "none"
# WebAuthnConstants.SUPPORTED_AUTHENTICATOR_ATTACHMENTS: what PublicKeyCredential.authenticatorAttachment may say
ATTACHMENTS = ("platform", "cross-platform")


class Refused(Exception):
    """A ceremony's response that does not verify; the message is the verifier's (the event's detail)."""


def challenge() -> str:
    """DefaultChallenge: 16 random bytes, Base64url without padding."""
    return b64url(secrets.token_bytes(16))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    """Base64url, padded or not (java.util.Base64's URL decoder); ``Refused`` when it is not."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Refused("Illegal base64 character") from None


def user_handle(user_id: str) -> str:
    """WebAuthnRegister: the user id's UTF-8 bytes, Base64url (the ``user.id`` of the new credential)."""
    return b64url(user_id.encode())


def credential_id(cred: Credential) -> bytes:
    """The stored credential's id (standard Base64 in WebAuthnCredentialData, padded or not); an id that is not
    Base64 (the admin API stores what it is given) is empty, which no authenticator's answer matches."""
    text = str(cred.credential_data.get("credentialId", ""))
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return b""


def public_key_problem(cose_key: bytes) -> str | None:
    """Why an assertion could never verify against this stored ``credentialPublicKey`` (not a COSE key, a key
    type or algorithm the verifier does not know, a point off its curve); None when it can."""
    try:
        decoded_public_key_to_cryptography(decode_credential_public_key(cose_key))
    except Exception as problem:  # whatever the COSE parser trips over: the key is unusable
        return f"credentialPublicKey is not a usable COSE key ({type(problem).__name__})"
    return None


def rp_id(policy: Policy, host: str) -> str:
    """The policy's Relying Party id, else the host of the server's base URI."""
    return policy.rp_id or host


@dataclass(frozen=True)
class Registered:
    """What a verified registration stores."""

    credential_id: bytes
    public_key: bytes
    counter: int
    aaguid: str
    fmt: str
    transports: tuple[str, ...]


# py_webauthn's words for the checks the Keycloak tests name, as webauthn4j (RegistrationDataVerifier,
# ChallengeVerifier) words them: the registration's error page and event detail carry webauthn4j's message.
_WEBAUTHN4J = {
    "Client data challenge was not expected challenge": "The actual challenge does not match the expected challenge",
    "User verification is required": "Verifier is configured to check user verified, but UV flag in authenticatorData "
    "is not set.",
    "User presence was required": "Verifier is configured to check user present, but UP flag in authenticatorData is "
    "not set.",
    "Unsupported credential public key alg": "alg not listed in options.pubKeyCredParams is used.",
}


def _message(problem: Exception) -> str:
    """The refusal's detail: webauthn4j's message where the check is one of ``_WEBAUTHN4J``, else py_webauthn's."""
    text = str(problem) or type(problem).__name__
    return next((ours for theirs, ours in _WEBAUTHN4J.items() if text.startswith(theirs)), text)


def verify_registration(
    policy: Policy,
    *,
    expected_challenge: str,
    rp: str,
    origins: list[str],
    client_data_json: str,
    attestation_object: str,
    transports: str | None,
    attachment: str | None = None,
) -> Registered:
    """WebAuthnRegister.processAction's checks of navigator.credentials.create()'s answer, in webauthn4j's order
    (the client data, the RP id hash, the flags, the key's algorithm against the policy's, then the attestation
    statement), then PolicyVerifier.verifyCompliance (acceptable AAGUIDs, the reported ``attachment``)."""
    attestation = from_b64url(attestation_object)
    client_data = from_b64url(client_data_json)
    try:
        raw = parse_cbor(attestation)
        if not isinstance(raw, dict):
            raise Refused("attestationObject must be a map")
        fmt, statement = str(raw.get("fmt", "")), raw.get("attStmt", {})
        # buildExpectedCredentialParameters: the policy's algorithms Keycloak knows (the defaults' when it names
        # none); names it does not know leave the list empty, and every key's algorithm is then refused
        algorithms = [COSEAlgorithmIdentifier(a) for a in policy.cose_algorithms if _known_alg(a)]
        verified = verify_registration_response(
            credential=RegistrationCredential(
                id="", raw_id=b"", response=AuthenticatorAttestationResponse(client_data, attestation)
            ),
            expected_challenge=from_b64url(expected_challenge),
            expected_rp_id=rp,
            expected_origin=origins,
            require_user_verification=policy.user_verification_requirement == REQUIRED,
            supported_pub_key_algs=algorithms,
        )
        _check_format(policy, fmt, statement)
    except Refused:
        raise
    except Exception as problem:  # WebAuthnRegister.processAction catches every Exception too
        raise Refused(_message(problem)) from None
    aaguid = str(uuid.UUID(verified.aaguid)) if verified.aaguid else str(uuid.UUID(int=0))
    _check_aaguid(policy, fmt, aaguid)
    _check_attachment(policy, attachment)
    return Registered(
        verified.credential_id,
        verified.credential_public_key,
        verified.sign_count,
        aaguid,
        fmt,
        tuple(t for t in (transports or "").split(",") if t),
    )


def _known_alg(value: int) -> bool:
    try:
        COSEAlgorithmIdentifier(value)
    except ValueError:
        return False
    return True


def _check_format(policy: Policy, fmt: str, statement: Any) -> None:
    """The attestation statement verifiers Keycloak registers: ``none`` only while the policy asks for no
    attestation; self attestation (a packed statement without a certificate) only without acceptable AAGUIDs."""
    if fmt == NONE_FORMAT and policy.attestation_conveyance_preference not in (NOT_SPECIFIED, NONE_FORMAT):
        raise Refused(
            f"AttestationVerifier is not configured to handle the supplied AttestationStatement format '{fmt}'."
        )
    self_attested = fmt == "packed" and isinstance(statement, dict) and "x5c" not in statement
    if self_attested and policy.acceptable_aaguids:
        raise Refused("self attestation is not allowed.")


def _check_aaguid(policy: Policy, fmt: str, aaguid: str) -> None:
    """WebAuthnRegister.PolicyVerifier.verifyAcceptableAaguids."""
    if not policy.acceptable_aaguids:
        return
    if fmt == NONE_FORMAT:
        raise Refused("Acceptable AAGUIDs require an attestation format other than 'none'.")
    if aaguid not in policy.acceptable_aaguids:
        raise Refused("Not acceptable authenticator model (based on the AAGUID).")


def _check_attachment(policy: Policy, attachment: str | None) -> None:
    """WebAuthnRegister.PolicyVerifier.verifyAuthenticatorAttachment: the attachment the browser reports (the
    form's ``authenticatorAttachment``, which no signature covers) must be the one the policy names, if any."""
    wanted = policy.authenticator_attachment
    if not wanted or wanted == NOT_SPECIFIED:
        return
    if not (attachment or "").strip():
        raise Refused("Authenticator attachment is required by the policy but was not provided by the client.")
    if attachment not in ATTACHMENTS:
        raise Refused(f"Unexpected authenticator attachment value. Possible values are: {', '.join(ATTACHMENTS)}")
    if attachment != wanted:
        raise Refused(f"Policy requires '{wanted}' authenticator attachment but got '{attachment}'")


def new_credential(
    user_id: str, registered: Registered, label: str | None, now_ms: int, type: str = TYPE
) -> Credential:
    """WebAuthnCredentialModel.create, as WebAuthnCredentialProvider (``type`` ``webauthn``) or
    WebAuthnPasswordlessCredentialProvider (``webauthn-passwordless``) stores it."""
    data = {
        "aaguid": registered.aaguid,
        "credentialId": base64.b64encode(registered.credential_id).decode(),
        "counter": registered.counter,
        "credentialPublicKey": base64.b64encode(registered.public_key).decode(),
        "attestationStatementFormat": registered.fmt,
        "transports": list(registered.transports),
    }
    return Credential(str(uuid.uuid4()), user_id, type, {}, data, now_ms, label)


@dataclass(frozen=True)
class Asserted:
    """A verified assertion: the credential it used and its new signature counter."""

    credential: Credential
    counter: int


def verify_assertion(
    policy: Policy,
    creds: list[Credential],
    *,
    expected_challenge: str,
    rp: str,
    origins: list[str],
    credential: str,
    client_data_json: str,
    authenticator_data: str,
    signature: str,
) -> Asserted | None:
    """WebAuthnCredentialProvider.isValid: None when no credential of the user has this id; ``Refused`` when
    the assertion does not verify (a signature, the challenge, the origin, the RP id, a flag, the counter)."""
    raw_id = from_b64url(credential)
    found = next((c for c in creds if credential_id(c) == raw_id), None)
    if found is None:
        return None
    data = found.credential_data
    try:
        verified = verify_authentication_response(
            credential=AuthenticationCredential(
                id=b64url(raw_id),
                raw_id=raw_id,
                response=AuthenticatorAssertionResponse(
                    from_b64url(client_data_json), from_b64url(authenticator_data), from_b64url(signature)
                ),
            ),
            expected_challenge=from_b64url(expected_challenge),
            expected_rp_id=rp,
            expected_origin=origins,
            credential_public_key=base64.b64decode(str(data.get("credentialPublicKey", ""))),
            credential_current_sign_count=int(data.get("counter", 0)),
            require_user_verification=policy.user_verification_requirement == REQUIRED,
        )
    except Exception as problem:  # whatever a hostile answer trips over fails the check
        raise Refused(str(problem) or type(problem).__name__) from None
    return Asserted(found, verified.new_sign_count)
