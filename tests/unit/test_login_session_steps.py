"""oauth/login_session.pending_step: the step each page's authentication session waits for, by outcome type (what
SessionCodeChecks then accepts from the page's form)."""

from __future__ import annotations

import pytest

from doorkeep.oauth import login_outcomes as lo
from doorkeep.oauth.login_session import AUTHENTICATE, pending_step


def bare(cls: type, **fields: object) -> lo.Outcome:
    """An outcome of ``cls`` holding only ``fields`` (pending_step reads nothing else)."""
    outcome: lo.Outcome = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(outcome, name, value)
    return outcome


@pytest.mark.parametrize(
    ("cls", "step"),
    [
        (lo.NeedOtp, "otp"),
        (lo.NeedTotpSetup, "CONFIGURE_TOTP"),
        (lo.NeedRecoveryCode, "auth-recovery-authn-code-form"),
        (lo.NeedSelection, "select-authenticator"),
        (lo.NeedRecoverySetup, "CONFIGURE_RECOVERY_AUTHN_CODES"),
        (lo.NeedPasswordUpdate, "UPDATE_PASSWORD"),
        (lo.NeedProfileUpdate, "UPDATE_PROFILE"),
        (lo.NeedTerms, "TERMS_AND_CONDITIONS"),
        (lo.NeedEmailVerification, "VERIFY_EMAIL"),
        (lo.NeedEmailUpdate, "UPDATE_EMAIL"),
        (lo.EmailUpdateSent, "UPDATE_EMAIL"),
        (lo.NeedDeleteCredential, "delete_credential"),
        (lo.NeedDeleteAccount, "delete_account"),
        (lo.NeedIdpLink, "idp_link"),
        (lo.NeedRegistration, "register"),
        (lo.NeedConsent, "consent"),
        (lo.NeedLogin, AUTHENTICATE),
        (lo.Refused, AUTHENTICATE),
    ],
)
def test_each_page_waits_for_its_own_step(cls: type, step: str) -> None:
    assert pending_step(bare(cls)) == step


@pytest.mark.parametrize(
    ("cls", "key", "passkey"),
    [
        (lo.NeedWebAuthn, "webauthn-authenticator", "webauthn-passwordless"),
        (lo.NeedWebAuthnRegister, "webauthn-register", "webauthn-register-passwordless"),
    ],
)
def test_the_webauthn_pages_wait_for_the_security_key_or_the_passkey_step(cls: type, key: str, passkey: str) -> None:
    assert pending_step(bare(cls, passwordless=False)) == key
    assert pending_step(bare(cls, passwordless=True)) == passkey
