"""One-time passwords (RFC 4226 HOTP, RFC 6238 TOTP) as Keycloak 26 stores and checks them.

Keycloak's OTPPolicy (the realm's ``otpPolicy*`` settings), HmacOTP and TimeBasedOTP (the codes, with the
look-around window), OTPCredentialModel (a credential of type ``otp`` whose ``credentialData`` carries the
policy it was made under, and whose ``secretData`` holds the secret) and OTPCredentialProvider.isValid.

The secret is what Keycloak's HmacOTP.generateSecret draws: 20 characters whose UTF-8 bytes are the HMAC
key; the authenticator app gets their Base32. A TOTP code is spent once unless the realm allows reuse:
Keycloak's single-use store, here the database table client assertion ids are spent in, so every worker
agrees. A HOTP code moves the credential's counter past it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from doorkeep.model import Credential, Realm, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

TYPE = "otp"
TOTP, HOTP = "totp", "hotp"
CONFIGURE_TOTP = "CONFIGURE_TOTP"
# The Mac algorithms Java's JCE answers to (case-insensitively, as Mac.getInstance does); any other name
# makes HmacOTP throw.
_MACS = {
    "hmacmd5": "md5",
    "hmacsha1": "sha1",
    "hmacsha224": "sha224",
    "hmacsha256": "sha256",
    "hmacsha384": "sha384",
    "hmacsha512": "sha512",
    "hmacsha512/224": "sha512_224",
    "hmacsha512/256": "sha512_256",
    "hmacsha3-224": "sha3_224",
    "hmacsha3-256": "sha3_256",
    "hmacsha3-384": "sha3_384",
    "hmacsha3-512": "sha3_512",
}
_MAX_DIGITS = 8  # HmacOTP.DIGITS_POWER holds 10^0 … 10^8
# Keycloak walks every step of a look-around window (2^31 HMACs for a window near 2^30): Doorkeep checks at
# most this many steps either side, so a hostile window costs milliseconds, not minutes.
MAX_WINDOW_STEPS = 1000
_INT32, _INT64 = 1 << 32, 1 << 64
_KEY_URI_ALGORITHMS = {"HmacSHA1": "SHA1", "HmacSHA256": "SHA256", "HmacSHA512": "SHA512"}
# HmacOTP.generateSecret's alphabet, as Keycloak spells it (no X, Y or Z).
_SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW1234567890"


@dataclass(frozen=True)
class Policy:
    """The realm's OTPPolicy (Keycloak's DEFAULT_POLICY: totp, HmacSHA1, 6 digits, 30 s, window 1)."""

    type: str = TOTP
    algorithm: str = "HmacSHA1"
    digits: int = 6
    period: int = 30
    look_ahead_window: int = 1
    initial_counter: int = 0
    code_reusable: bool = False


def policy(realm: Realm) -> Policy:
    return Policy(
        realm.otp_policy_type,
        realm.otp_policy_algorithm,
        realm.otp_policy_digits,
        realm.otp_policy_period,
        realm.otp_policy_look_ahead_window,
        realm.otp_policy_initial_counter,
        realm.otp_policy_code_reusable,
    )


def supported_applications(p: Policy) -> list[str]:
    """``otpSupportedApplications``: the OTPApplicationProviders whose ``supports(policy)`` holds (FreeOTP
    always; Google Authenticator any HOTP or a 30-second TOTP; Microsoft only the 6-digit SHA-1 30-second TOTP)."""
    apps = ["totpAppFreeOTPName"]
    if p.type != TOTP or p.period == 30:
        apps.append("totpAppGoogleName")
    if p.type == TOTP and p.period == 30 and p.digits == 6 and p.algorithm == "HmacSHA1":
        apps.append("totpAppMicrosoftAuthenticatorName")
    return apps


# --- the codes -----------------------------------------------------------------------------------
class UnusablePolicy(Exception):
    """Keycloak's HmacOTP or TimeBasedOTP throws on these settings (a period of 0: ArithmeticException;
    digits outside 0-8: ArrayIndexOutOfBoundsException; an algorithm no JCE Mac has: RuntimeException), which
    the admin REST API stores without a check."""


def int32(n: int) -> int:
    """``n`` as a Java ``int`` holds it (two's complement wrap-around)."""
    return (n + (1 << 31)) % _INT32 - (1 << 31)


def _java_div(a: int, b: int) -> int:
    """Java's ``long`` division: truncated toward zero; by zero it throws."""
    if b == 0:
        raise UnusablePolicy("period 0")
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def code(key: bytes, counter: int, digits: int, algorithm: str) -> str:
    """HmacOTP.generateOTP: the dynamic truncation of HMAC(key, counter as 8 bytes), ``digits`` long. A negative
    counter is its two's complement, as Long.toHexString writes it."""
    name = _MACS.get(algorithm.lower())
    if name is None or name not in hashlib.algorithms_available:
        raise UnusablePolicy("unknown algorithm")
    if not 0 <= digits <= _MAX_DIGITS:
        raise UnusablePolicy("digits out of range")
    digest = hmac.new(key, (counter % _INT64).to_bytes(8, "big"), name).digest()
    offset = digest[-1] & 0x0F
    binary = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def validate_hotp(token: str, key: bytes, counter: int, digits: int, algorithm: str, window: int) -> int:
    """HmacOTP.validateHOTP: the counter after the matching one among ``counter`` … ``counter + window``, or -1.
    Java ints: the bound ``counter + window`` wraps (past 2^31 - 1 the loop runs no step), a negative counter is
    hashed as its 32-bit two's complement (Integer.toHexString), and the counter after 2^31 - 1 is negative."""
    counter = int32(counter)
    last = min(int32(counter + window), counter + MAX_WINDOW_STEPS)
    for candidate in range(counter, last + 1):
        if _same(code(key, candidate % _INT32, digits, algorithm), token):
            return int32(candidate + 1)
    return -1


def validate_totp(token: str, key: bytes, digits: int, algorithm: str, period: int, window: int, now: int) -> bool:
    """TimeBasedOTP.validateTOTP: the current interval and ``window`` intervals either side of it. Java
    arithmetic: the interval is truncated toward zero (a negative period gives negative intervals), and
    ``window * 2`` is an int, so a window past 2^30 (or below 0) checks no interval at all."""
    current = _java_div(now, period)
    if int32(window * 2) < 0:
        return False
    reach = min(window, MAX_WINDOW_STEPS)
    steps = range(current - reach, current + reach + 1)
    return any(_same(code(key, step, digits, algorithm), token) for step in steps)


def valid_for_policy(token: str, secret: str, p: Policy, now: int) -> bool:
    """CredentialValidation.validOTP: a code checked against a secret not yet stored (the setup form)."""
    key = secret.encode()
    if p.type == HOTP:
        return validate_hotp(token, key, p.initial_counter, p.digits, p.algorithm, p.look_ahead_window) > -1
    return validate_totp(token, key, p.digits, p.algorithm, p.period, p.look_ahead_window, now)


# --- the secret as the setup page shows it ------------------------------------------------------------
def generate_secret() -> str:
    return "".join(secrets.choice(_SECRET_CHARS) for _ in range(20))


def _base32(secret: str) -> str:
    return base64.b32encode(secret.encode()).decode().rstrip("=")


def encoded(secret: str) -> str:
    """TotpUtils.encode: the secret's Base32 in groups of four, as the page shows it to type in."""
    text = _base32(secret)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def algorithm_key(p: Policy) -> str:
    """OTPPolicy.getAlgorithmKey: SHA1, SHA256 or SHA512 for Keycloak's three algorithms, any other as stored."""
    return _KEY_URI_ALGORITHMS.get(p.algorithm, p.algorithm)


def _java_url_encode(text: str) -> str:
    """java.net.URLEncoder.encode: ``+`` for a space, ``*`` kept and ``~`` escaped."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def account_name(realm: Realm, user: User) -> str:
    """The key URI's account name (TotpQrCodeContentTest): the user's e-mail where the realm names users by their
    e-mail (``registrationEmailAsUsername``) and the user has one, else the username."""
    if realm.registration_email_as_username and user.email:
        return user.email
    return user.username


def key_uri(p: Policy, issuer: str, account: str, secret: str) -> str:
    """OTPPolicy.getKeyURI: the ``otpauth://`` URI the QR code carries (Google's Key-Uri-Format)."""
    issuer_name = _java_url_encode(issuer.replace(":", " ")).replace("+", "%20")
    parameters = (
        f"secret={_base32(secret)}&digits={p.digits}&algorithm={_KEY_URI_ALGORITHMS.get(p.algorithm, 'null')}"
        f"&issuer={issuer_name}"
    )
    if p.type == HOTP:
        parameters += f"&counter={p.initial_counter}"
    elif p.type == TOTP:
        parameters += f"&period={p.period}"
    return f"otpauth://{p.type}/{issuer_name}:{_java_url_encode(account)}?{parameters}"


# --- the stored credential ---------------------------------------------------------------------------
def new_credential(user_id: str, p: Policy, secret: str, label: str | None, now_ms: int) -> Credential:
    """OTPCredentialModel.createFromPolicy: the policy's settings copied into ``credentialData``, in
    OTPCredentialData's field order."""
    data = {
        "subType": p.type,
        "digits": p.digits,
        "counter": p.initial_counter,
        "period": p.period,
        "algorithm": p.algorithm,
    }
    return Credential(str(uuid.uuid4()), user_id, TYPE, {"value": secret}, data, now_ms, label)


async def stored(tx: Tx, user_id: str) -> list[Credential]:
    """The user's OTP credentials by priority, the default (the first) first."""
    return [c for c in await tx.users.credentials(user_id) if c.type == TYPE]


async def configured_for(tx: Tx, user_ids: list[str]) -> set[str]:
    """The users among ``user_ids`` that hold an OTP credential: Keycloak's
    ``credentialManager().isConfiguredFor(OTPCredentialModel.TYPE)``, the ``totp`` of a UserRepresentation."""
    return await tx.users.holding_credential(user_ids, TYPE) if user_ids else set()


def duplicate_label(existing: list[Credential], label: str | None) -> bool:
    """The credential store's validateDuplicateCredential: the same label (trimmed, any case) on one type."""
    if label is None or not label.strip():
        return False
    wanted = label.strip().lower()
    return any((c.user_label or "").strip().lower() == wanted for c in existing)


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _java_base32(text: str) -> bytes:
    """org.keycloak.models.utils.Base32.decode: either case, any other character skipped, the bits of an
    unfinished last byte dropped."""
    bits = count = 0
    out = bytearray()
    for char in text.upper():
        digit = _BASE32.find(char)
        if digit < 0:
            continue
        bits, count = (bits << 5 | digit) & 0xFFFF, count + 5
        if count >= 8:
            count -= 8
            out.append(bits >> count & 0xFF)
    return bytes(out)


def decoded_secret(cred: Credential) -> bytes:
    """OTPCredentialModel.getDecodedSecret: the stored value's UTF-8 bytes, or its Base32 when the credential's
    ``secretEncoding`` says BASE32 (any case); another encoding makes Keycloak throw."""
    value, encoding = str(cred.secret_data.get("value", "")), cred.credential_data.get("secretEncoding")
    if encoding is None:
        return value.encode()
    if isinstance(encoding, str) and encoding.upper() == "BASE32":
        return _java_base32(value)
    raise UnusablePolicy("unsupported secret encoding")


HOTP_SPENT_KEPT = 86_400  # how long a spent HOTP counter is remembered (seconds)
SPENT_FOR_GOOD = 100 * 365 * 86_400  # "immortal" in the single-use store


async def is_valid(tx: Tx, realm: Realm, cred: Credential, token: str, now: int) -> bool:
    """OTPCredentialProvider.isValid against one stored credential: a HOTP match moves its counter; a TOTP
    match is refused if the same code of the same credential was spent within its validity, unless the
    realm's policy allows reuse."""
    data, p = cred.credential_data, policy(realm)
    key = decoded_secret(cred)
    digits, algorithm = int(data.get("digits", 6)), str(data.get("algorithm", "HmacSHA1"))
    if data.get("subType") == HOTP:
        counter = validate_hotp(token, key, int(data.get("counter", 0)), digits, algorithm, p.look_ahead_window)
        if counter < 0:
            return False
        # The counter was read without a lock: two workers may both match the same code before either
        # writes. The single-use store lets only one of them spend it (the row outlives any stale read).
        if not await tx.client_assertions.put_if_absent(f"hotp:{cred.id}.{counter}", now + HOTP_SPENT_KEPT, now):
            return False
        await tx.users.update_credential_data(cred.id, {**data, "counter": counter})
        return True
    if data.get("subType") != TOTP:
        return False
    period = int(data.get("period", 30))
    if not validate_totp(token, key, digits, algorithm, period, p.look_ahead_window, now):
        return False
    if p.code_reusable:
        return True
    lifespan = period * (2 * p.look_ahead_window + 1)
    if lifespan <= 0:  # a negative lifespan keeps an Infinispan entry for good: the code is never reused
        lifespan = SPENT_FOR_GOOD
    return await tx.client_assertions.put_if_absent(f"otp:{cred.id}.{token}", now + lifespan, now)
