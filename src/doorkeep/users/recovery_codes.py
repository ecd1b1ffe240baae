"""Recovery authentication codes as Keycloak 26 makes, stores and checks them (RecoveryAuthnCodesUtils,
RecoveryAuthnCodesCredentialModel, RecoveryAuthnCodesCredentialProvider).

Twelve codes of twelve characters drawn from ``UPPERNUM`` (no O nor 0), shown once, stored only as the Base64 of
their SHA-512 (``secretData``: ``codes``, each with its ``number`` and ``encodedHashedValue``); ``credentialData``
says how many are left. A user holds one such credential; a new set replaces it. The codes are asked in order:
only the next one (the lowest number left) is accepted, and using it removes it. The page shows them grouped by
four (``XXXX-XXXX-XXXX``); the dashes are dropped from what the user types.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.model import Credential, Realm
from doorkeep.numbers import parse_int
from doorkeep.realms import required_actions as registered
from doorkeep.users import password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

TYPE = "recovery-authn-codes"  # RecoveryAuthnCodesCredentialModel.TYPE
CONFIGURE = "CONFIGURE_RECOVERY_AUTHN_CODES"  # UserModel.RequiredAction.CONFIGURE_RECOVERY_AUTHN_CODES
AUTHENTICATOR = "auth-recovery-authn-code-form"  # RecoveryAuthnCodesFormAuthenticatorFactory.PROVIDER_ID
FEATURE = "recovery-codes"  # Profile.Feature.RECOVERY_CODES: DEFAULT in Keycloak 26's current release
QUANTITY, LENGTH = 12, 12  # QUANTITY_OF_CODES_TO_GENERATE, CODE_LENGTH
UPPERNUM = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"
ALGORITHM = "SHA-512"  # NOM_ALGORITHM_TO_HASH (RS512 before 26.2, the same digest)
DEFAULT_LABEL = "Recovery codes"  # recovery-codes-label-default, the setup page's hidden userLabel
WARNING_THRESHOLD = 4  # RecoveryAuthnCodesAction.RECOVERY_CODES_WARNING_THRESHOLD_DEFAULT
THRESHOLD_KEY = "warning_threshold"  # RecoveryAuthnCodesAction.WARNING_THRESHOLD
POLICY_KEY = "recoveryCodesWarningThreshold"  # PasswordPolicy.RECOVERY_CODES_WARNING_THRESHOLD_ID (deprecated)
NUMBER_USED, NUMBER_REMAINING = "recovery-codes-number-used", "recovery-codes-number-remaining"
GENERATE_NEW = "recovery-codes-generate-new-codes"
# what a user may type: twelve characters and the three dashes of the printed form, a little slack for spaces
MAX_INPUT = 64


def generate() -> list[str]:
    """RecoveryAuthnCodesUtils.generateRawCodes: twelve fresh codes."""
    return ["".join(secrets.choice(UPPERNUM) for _ in range(LENGTH)) for _ in range(QUANTITY)]


def grouped(code: str) -> str:
    """The code as the setup page prints it, in groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _hashed(raw: str) -> str:
    return base64.b64encode(hashlib.sha512(raw.encode()).digest()).decode()


def new_credential(user_id: str, codes: list[str], now_ms: int, label: str | None = DEFAULT_LABEL) -> Credential:
    """RecoveryAuthnCodesCredentialModel.createFromValues: the codes hashed and numbered from 1; ``credentialData``
    as Keycloak's JSON has it (``hashIterations`` null, so left out)."""
    stored = [{"number": i + 1, "encodedHashedValue": _hashed(code)} for i, code in enumerate(codes)]
    data = {"algorithm": ALGORITHM, "totalCodes": len(codes), "remainingCodes": len(codes)}
    return Credential(str(uuid.uuid4()), user_id, TYPE, {"codes": stored}, data, now_ms, label)


def _codes(cred: Credential) -> list[dict[str, Any]]:
    found = cred.secret_data.get("codes") if isinstance(cred.secret_data, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def next_number(cred: Credential) -> int | None:
    """The number of the code the login page asks for (getNextRecoveryAuthnCode); None when all are used."""
    codes = _codes(cred)
    number = codes[0].get("number") if codes else None
    return number if isinstance(number, int) else None


def remaining(cred: Credential) -> int:
    return len(_codes(cred))


def total(cred: Credential) -> int:
    found = cred.credential_data.get("totalCodes") if isinstance(cred.credential_data, dict) else None
    return found if isinstance(found, int) else QUANTITY


def matches_next(cred: Credential, typed: str) -> bool:
    """RecoveryAuthnCodesUtils.verifyRecoveryCodeInput against the next code, in constant time; the typed value's
    dashes dropped first (RecoveryAuthnCodesFormAuthenticator)."""
    codes = _codes(cred)
    if not codes or len(typed) > MAX_INPUT:
        return False
    expected = codes[0].get("encodedHashedValue")
    if not isinstance(expected, str):
        return False
    return hmac.compare_digest(_hashed(typed.replace("-", "")).encode(), expected.encode())


def spent(cred: Credential) -> tuple[dict[str, Any], dict[str, Any]]:
    """removeRecoveryAuthnCode: the secret and the data with the next code gone."""
    left = _codes(cred)[1:]
    data = {**(cred.credential_data if isinstance(cred.credential_data, dict) else {}), "remainingCodes": len(left)}
    return {"codes": left}, data


async def stored(tx: Tx, user_id: str) -> Credential | None:
    """The user's recovery codes credential (the first of the type, as getStoredCredentialsByTypeStream)."""
    return next((c for c in await tx.users.credentials(user_id) if c.type == TYPE), None)


async def store(tx: Tx, user_id: str, codes: list[str], now_ms: int, label: str | None) -> Credential:
    """RecoveryAuthnCodesCredentialProvider.createCredential: a new set replaces the user's old one."""
    old = await stored(tx, user_id)
    if old is not None:
        await tx.users.delete_credential(user_id, old.id)
    cred = new_credential(user_id, codes, now_ms, label)
    await tx.users.add_credential(cred)
    return cred


@dataclass(frozen=True)
class Used:
    """A code accepted: whether the set is now empty (its credential then removed)."""

    exhausted: bool


async def use(tx: Tx, user_id: str, typed: str) -> Used | None:
    """RecoveryAuthnCodesCredentialProvider.isValid and the authenticator's clean-up: the next code, checked under
    a lock of the credential's row (two requests cannot both spend it), removed when right; the last one used
    removes the credential. None: the code is not the next one (or the user has none)."""
    found = await stored(tx, user_id)
    cred = await tx.users.lock_credential(found.id) if found is not None else None
    if cred is None or not matches_next(cred, typed):
        return None
    secret, data = spent(cred)
    if not secret["codes"]:
        await tx.users.delete_credential(user_id, cred.id)
        return Used(True)
    await tx.users.update_credential_secret(cred.id, secret, data)
    return Used(False)


def warning_threshold(realm: Realm) -> int:
    """RecoveryAuthnCodesCredentialProvider.getWarningThreshold: the ``warning_threshold`` config of the realm's
    action run by RecoveryAuthnCodesAction (the first by provider id, RequiredActionHelper), else the realm's
    deprecated ``recoveryCodesWarningThreshold`` password policy, else 4. Keycloak's Integer.parseInt fails on a
    value the Admin REST API's plain PUT let through; Doorkeep then takes the default."""
    found = next((a for a in registered.of(realm) if a.provider_id == CONFIGURE), None)
    if found is not None and THRESHOLD_KEY in found.config:
        return _or_default(parse_int(found.config[THRESHOLD_KEY]))
    return _or_default(parse_int(password_policy.stored(realm.password_policy).parsed.get(POLICY_KEY)))


def _or_default(value: int | None) -> int:
    return WARNING_THRESHOLD if value is None else value


def metadata(realm: Realm, cred: Credential) -> dict[str, Any]:
    """RecoveryAuthnCodesCredentialProvider.getCredentialMetadata: how many are used, and a warning to make new
    ones once fewer than the threshold are left."""
    left, all_ = remaining(cred), total(cred)
    out: dict[str, Any] = {}
    if left < warning_threshold(realm):
        out["warningMessageTitle"] = {"key": NUMBER_REMAINING, "parameters": [str(left)]}
        out["warningMessageDescription"] = {"key": GENERATE_NEW, "parameters": []}
    out["infoMessage"] = {"key": NUMBER_USED, "parameters": [f"{all_ - left}/{all_}"]}
    return out
