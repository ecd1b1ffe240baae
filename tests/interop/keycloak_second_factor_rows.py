"""Users of Keycloak's realm ``shop`` (tests/interop/keycloak_rows.py) with a second factor, as Keycloak 26 stores
them in ``CREDENTIAL``: OTPCredentialModel (``secretData`` {"value"}, OTPCredentialData), WebAuthnCredentialModel
(WebAuthnCredentialData: standard Base64 ``credentialId`` and COSE ``credentialPublicKey``, the signature counter),
a ``webauthn-passwordless`` passkey, RecoveryAuthnCodesCredentialModel (the codes' Base64 SHA-512 digests), each
with its ``USER_LABEL``, ``CREATED_DATE`` and ``PRIORITY`` after the password's.

bob: a TOTP app, and a fob whose 10 digits no OTP code has (reported, not carried). carol: a security key (the
test's own software key, counter 5) and a passkey. dave: twelve recovery codes (Keycloak 26.1's ``RS512`` data).
erin: a HOTP token at counter 7 (``period`` 0, as OTPCredentialModel.createHOTP stores it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass, field

import asyncpg

from interop import keycloak_rows as rows
from webauthn_port import SoftKey

TOTP_SECRET = "VtK4oqLXD6Ci2QIHP1Ad"  # HmacOTP.generateSecret's 20 characters: their UTF-8 bytes are the key
HOTP_SECRET = "cQp1tUaPhHrjPWXW2Zfg"
HOTP_COUNTER = 7
CREATED = 1_650_000_000_000
KEY_COUNTER = 5


@dataclass
class SecondFactors:
    users: dict[str, str] = field(default_factory=dict)  # username -> id
    credential_ids: dict[str, str] = field(default_factory=dict)  # label -> id
    key: SoftKey = field(default_factory=lambda: SoftKey(counter=KEY_COUNTER))
    passkey: SoftKey = field(default_factory=SoftKey)
    codes: list[str] = field(default_factory=list)


def _otp(sub_type: str, digits: int, counter: int, period: int) -> str:
    return json.dumps(
        {"subType": sub_type, "digits": digits, "counter": counter, "period": period, "algorithm": "HmacSHA1"}
    )


def _webauthn(key: SoftKey) -> str:
    return json.dumps(
        {
            "aaguid": str(uuid.UUID(bytes=key.aaguid)),
            "credentialId": base64.b64encode(key.credential_id).decode(),
            "counter": key.counter,
            "attestationStatement": "oA==",  # the CBOR of an empty map: the ``none`` format's statement
            "credentialPublicKey": base64.b64encode(key.cose_key()).decode(),
            "attestationStatementFormat": "none",
            "transports": ["usb"],
        }
    )


def _recovery(codes: list[str]) -> tuple[str, str]:
    hashed = [
        {"number": i + 1, "encodedHashedValue": base64.b64encode(hashlib.sha512(c.encode()).digest()).decode()}
        for i, c in enumerate(codes)
    ]
    data = {"hashIterations": None, "algorithm": "RS512", "totalCodes": len(codes), "remainingCodes": len(codes)}
    return json.dumps({"codes": hashed}), json.dumps(data)


async def add(url: str, realm_id: str, now: int) -> SecondFactors:
    """The four users and their credentials, in the Keycloak database at ``url`` (``rows.fill`` ran first)."""
    made = SecondFactors(codes=[f"CODE{n:02d}ABCDEF"[:12] for n in range(12)])
    secret, codes_data = _recovery(made.codes)
    per_user: dict[str, list[tuple[str, str, str, str]]] = {  # (type, label, secretData, credentialData)
        "bob": [
            ("otp", "phone", json.dumps({"value": TOTP_SECRET}), _otp("totp", 6, 0, 30)),
            ("otp", "old fob", json.dumps({"value": TOTP_SECRET}), _otp("totp", 10, 0, 30)),
        ],
        "carol": [
            ("webauthn", "yubikey", "{}", _webauthn(made.key)),
            ("webauthn-passwordless", "laptop passkey", "{}", _webauthn(made.passkey)),
        ],
        "dave": [("recovery-authn-codes", "Recovery codes", secret, codes_data)],
        "erin": [("otp", "token", json.dumps({"value": HOTP_SECRET}), _otp("hotp", 6, HOTP_COUNTER, 0))],
    }
    conn = await asyncpg.connect(url)
    try:
        for username, credentials in per_user.items():
            user = made.users[username] = str(uuid.uuid4())
            await conn.execute(
                "INSERT INTO user_entity (id, email, email_constraint, email_verified, enabled, realm_id, username, "
                "created_timestamp) VALUES ($1, $2, $2, TRUE, TRUE, $3, $4, $5)",
                user,
                f"{username}@shop.example",
                realm_id,
                username,
                (now - 30 * rows.DAY) * 1000,
            )
            password_secret, password_data = rows._pbkdf2(rows.PASSWORD)
            await conn.execute(
                "INSERT INTO credential (id, type, user_id, created_date, secret_data, credential_data, priority) "
                "VALUES ($1, 'password', $2, $3, $4, $5, 10)",
                str(uuid.uuid4()),
                user,
                CREATED,
                password_secret,
                password_data,
            )
            for place, (kind, label, secret_data, data) in enumerate(credentials):
                made.credential_ids[label] = str(uuid.uuid4())
                await conn.execute(
                    "INSERT INTO credential (id, type, user_id, created_date, user_label, secret_data, "
                    "credential_data, priority) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    made.credential_ids[label],
                    kind,
                    user,
                    CREATED + place,
                    label,
                    secret_data,
                    data,
                    20 + 10 * place,
                )
    finally:
        await conn.close()
    return made
