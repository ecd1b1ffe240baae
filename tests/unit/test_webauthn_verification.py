"""users/webauthn.py's checks of a registration and an assertion, with keys made in the test (webauthn_port): the
``none`` and packed self attestations, the policy's attestation and AAGUID rules (WebAuthnRegister's verifiers and
PolicyVerifier), and WebAuthnCredentialProvider.isValid (the key found by its id, the signature, the counter)."""

from __future__ import annotations

import base64
import contextlib
import uuid

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doorkeep.model import Credential
from doorkeep.users import webauthn
from doorkeep.users.webauthn_policy import Policy, from_representation
from webauthn_port import ORIGIN, RP_ID, UP, SoftKey, b64url

CHALLENGE = b64url(b"0123456789abcdef")


def register(policy: Policy, key: SoftKey, **create: object) -> webauthn.Registered:
    answer = key.create(CHALLENGE, **create)  # type: ignore[arg-type]
    return webauthn.verify_registration(
        policy,
        expected_challenge=CHALLENGE,
        rp=RP_ID,
        origins=[ORIGIN],
        client_data_json=answer["clientDataJSON"],
        attestation_object=answer["attestationObject"],
        transports=answer["transports"],
    )


def test_a_none_attestation_registers_and_is_stored_as_webauthn_credential_data() -> None:
    key = SoftKey()
    registered = register(Policy(), key)
    cred = webauthn.new_credential("u1", registered, "my key", 5)
    assert (cred.type, cred.user_label, cred.secret_data) == ("webauthn", "my key", {})
    data = cred.credential_data
    assert base64.b64decode(data["credentialId"]) == key.credential_id
    assert base64.b64decode(data["credentialPublicKey"]) == key.cose_key()
    assert data["aaguid"] == "00000000-0000-0000-0000-000000000000"
    assert (data["counter"], data["attestationStatementFormat"], data["transports"]) == (0, "none", ["usb"])
    assert "attestationStatement" not in data  # null in WebAuthnCredentialData, omitted by JsonSerialization


def test_a_packed_self_attestation_registers() -> None:
    registered = register(Policy(), SoftKey(), fmt="packed")
    assert registered.fmt == "packed"


def test_another_challenge_origin_or_rp_id_is_refused() -> None:
    key = SoftKey()
    with pytest.raises(webauthn.Refused):
        register(Policy(), key, origin="http://evil.example")
    with pytest.raises(webauthn.Refused):
        register(Policy(), key, rp_id="evil.example")
    answer = key.create(b64url(b"another challenge"))
    with pytest.raises(webauthn.Refused):
        webauthn.verify_registration(
            Policy(),
            expected_challenge=CHALLENGE,
            rp=RP_ID,
            origins=[ORIGIN],
            client_data_json=answer["clientDataJSON"],
            attestation_object=answer["attestationObject"],
            transports=None,
        )


def test_user_verification_required_by_the_policy_is_checked() -> None:
    with pytest.raises(webauthn.Refused):
        register(Policy(user_verification_requirement="required"), SoftKey(), flags=UP)
    register(Policy(user_verification_requirement="preferred"), SoftKey(), flags=UP)


def test_none_attestation_only_while_the_policy_asks_for_none() -> None:
    with pytest.raises(webauthn.Refused, match="'none'"):
        register(Policy(attestation_conveyance_preference="direct"), SoftKey())
    register(Policy(attestation_conveyance_preference="none"), SoftKey())
    register(Policy(attestation_conveyance_preference="direct"), SoftKey(), fmt="packed")


def test_acceptable_aaguids_refuse_none_self_attestation_and_other_models() -> None:
    aaguid = uuid.uuid4()
    policy = Policy(acceptable_aaguids=(str(aaguid),))
    with pytest.raises(webauthn.Refused, match="other than 'none'"):
        register(policy, SoftKey(aaguid=aaguid.bytes))
    with pytest.raises(webauthn.Refused, match="self attestation"):
        register(policy, SoftKey(aaguid=aaguid.bytes), fmt="packed")


def test_a_signature_algorithm_outside_the_policy_is_refused() -> None:
    with pytest.raises(webauthn.Refused):
        register(Policy(signature_algorithms=("RS256",)), SoftKey())


def test_an_assertion_is_checked_against_the_users_key_and_moves_the_counter() -> None:
    key = SoftKey()
    cred = webauthn.new_credential("u1", register(Policy(), key), None, 1)
    other = webauthn.new_credential("u1", register(Policy(), SoftKey()), None, 1)

    def assert_with(answer: dict[str, str], creds: list[Credential]) -> webauthn.Asserted | None:
        return webauthn.verify_assertion(
            Policy(),
            creds,
            expected_challenge=CHALLENGE,
            rp=RP_ID,
            origins=[ORIGIN],
            credential=answer["credentialId"],
            client_data_json=answer["clientDataJSON"],
            authenticator_data=answer["authenticatorData"],
            signature=answer["signature"],
        )

    asserted = assert_with(key.get(CHALLENGE), [other, cred])
    assert asserted is not None and (asserted.credential.id, asserted.counter) == (cred.id, 1)
    assert assert_with(key.get(CHALLENGE), [other]) is None  # not one of the user's keys
    forged = key.get(CHALLENGE)
    forged["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    with pytest.raises(webauthn.Refused):
        assert_with(forged, [cred])
    with pytest.raises(webauthn.Refused):
        assert_with(key.get(CHALLENGE, origin="http://evil.example"), [cred])
    with pytest.raises(webauthn.Refused):
        assert_with({**key.get(CHALLENGE), "clientDataJSON": "***"}, [cred])


def test_the_policy_takes_keycloaks_defaults_for_what_a_representation_leaves_out() -> None:
    stored = from_representation({"webAuthnPolicyRpEntityName": "", "webAuthnPolicyCreateTimeout": "30"})
    assert stored["webAuthnPolicyRpEntityName"] == "keycloak"
    assert stored["webAuthnPolicySignatureAlgorithms"] == ["ES256", "RS256"]
    assert stored["webAuthnPolicyCreateTimeout"] == 30
    assert stored["webAuthnPolicyUserVerificationRequirement"] == "not specified"
    # WebAuthnPolicyPasswordlessDefaults: a discoverable credential and user verification required
    assert stored["webAuthnPolicyPasswordlessUserVerificationRequirement"] == "required"
    assert stored["webAuthnPolicyPasswordlessResidentKey"] == "required"
    assert stored["webAuthnPolicyPasswordlessRequireResidentKey"] == "not specified"
    assert stored["webAuthnPolicyAvoidSameAuthenticatorRegister"] is False


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.binary(max_size=200), st.binary(max_size=120))
def test_whatever_is_posted_is_refused_never_raised(text: str, blob: bytes, data: bytes) -> None:
    """A hostile form: each field any text or Base64url of any bytes (CBOR or not) is ``Refused``, nothing else."""
    key = SoftKey()
    cred = webauthn.new_credential("u1", register(Policy(), key), None, 1)
    answers = [text, b64url(blob), b64url(data), b64url(cbor2.dumps({"fmt": text, "attStmt": blob, "authData": data}))]
    for client_data in answers:
        for attestation in answers:
            with contextlib.suppress(webauthn.Refused):
                webauthn.verify_registration(
                    Policy(),
                    expected_challenge=CHALLENGE,
                    rp=RP_ID,
                    origins=[ORIGIN],
                    client_data_json=client_data,
                    attestation_object=attestation,
                    transports=text,
                )
            with contextlib.suppress(webauthn.Refused):
                webauthn.verify_assertion(
                    Policy(),
                    [cred],
                    expected_challenge=CHALLENGE,
                    rp=RP_ID,
                    origins=[ORIGIN],
                    credential=b64url(key.credential_id),
                    client_data_json=client_data,
                    authenticator_data=attestation,
                    signature=text,
                )
