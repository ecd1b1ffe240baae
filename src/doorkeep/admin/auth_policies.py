"""A realm's authentication policies as Keycloak 26.x's AuthenticationManagementResource reads and validates them
(``policies/password-policy``, ``otp-policy``, ``ciba-policy``, ``webauthn-policy`` and
``webauthn-passwordless-policy``): each policy's JSON, and each write checked as Keycloak checks it (a 400
``AdminError`` with its message) and turned into the realm's new values. Free of HTTP and SQL; the handlers are in
``web/admin/auth_policies``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.errors import AdminError
from doorkeep.jackson import string_field
from doorkeep.model import Realm
from doorkeep.numbers import INT_MAX, INT_MIN, parse_int
from doorkeep.oauth.ciba import config as ciba
from doorkeep.users import password_policy, webauthn_policy

# PasswordPolicyProviderFactory.getConfigType of each policy Doorkeep knows: "int", "String", or none (on/off).
INT, STRING = "int", "String"
CONFIG_TYPES = {
    **dict.fromkeys(
        (
            "length",
            "maxLength",
            "digits",
            "lowerCase",
            "upperCase",
            "specialChars",
            "passwordHistory",
            "passwordAge",
            "forceExpiredPasswordChange",
            "hashIterations",
            "maxAuthAge",
            "recoveryCodesWarningThreshold",
        ),
        INT,
    ),
    **dict.fromkeys(("hashAlgorithm", "regexPattern", "passwordBlacklist"), STRING),
    **dict.fromkeys(("notUsername", "notContainsUsername", "notEmail"), ""),
}
OTP_TYPES, OTP_ALGORITHMS = ("totp", "hotp"), ("HmacSHA1", "HmacSHA256", "HmacSHA512")


def bad_request(message: str) -> AdminError:
    """JAX-RS ``BadRequestException(message)`` as KeycloakErrorHandler answers it."""
    return AdminError(400, message, key="error")


# --- password policy ---------------------------------------------------------------------------
def password_policy_json(realm: Realm) -> Any:
    """The password policy as its entries: id and config value, an int where the policy counts."""
    policy = password_policy.stored(realm.password_policy)
    out: list[dict[str, Any]] = []
    for key, config in policy.raw:
        value: Any = policy.parsed[key] if CONFIG_TYPES.get(key) == INT else config
        out.append({"id": key} | ({"value": value} if value is not None else {}))
    return out


def _known_policy(key: Any, unsupported: frozenset[str]) -> bool:
    return isinstance(key, str) and key in CONFIG_TYPES and key not in unsupported


def _java_text(value: Any) -> str:
    """How Java's String.valueOf writes a JSON value (null for a missing id)."""
    return "null" if value is None else string_field(value) or ""


def _invalid(key: str, value: Any) -> bool:
    kind = CONFIG_TYPES[key]
    if kind == INT:
        number = parse_int(string_field(value) or "", INT_MIN, INT_MAX) if value is not None else None
        return number is None or isinstance(value, bool)
    if kind == STRING:
        return not isinstance(value, str)
    return False


def password_policy_text(rep: Any, disabled: frozenset[str] = frozenset()) -> str:
    """validatePasswordPolicyRepresentation, then PasswordPolicy.Builder's string. ``disabled``: the server's
    disabled features, whose policy types are unknown (no factory is registered for them)."""
    if not isinstance(rep, list) or not all(isinstance(item, dict) for item in rep):
        raise bad_request("Cannot parse the JSON")
    unsupported = password_policy.unavailable(disabled)
    unknown = [_java_text(item.get("id")) for item in rep if not _known_policy(item.get("id"), unsupported)]
    if unknown:
        raise bad_request(f"Unknown password policy type(s): {', '.join(unknown)}")
    invalid = [
        f'{item["id"]} got "{_java_text(item.get("value"))}" but expects a value of type {CONFIG_TYPES[item["id"]]}'
        for item in rep
        if _invalid(item["id"], item.get("value"))
    ]
    if invalid:
        raise bad_request(f"Invalid values: {', '.join(invalid)}")
    entries = {str(item["id"]): string_field(item.get("value")) for item in rep}
    text = " and ".join(key if value is None else f"{key}({value})" for key, value in entries.items())
    try:
        password_policy.parse(text, disabled)
    except password_policy.PolicyConfigError as problem:
        raise bad_request(str(problem)) from None
    return text


# --- OTP policy --------------------------------------------------------------------------------
def otp_json(realm: Realm) -> Any:
    realm = realm
    return {
        "type": realm.otp_policy_type,
        "algorithm": realm.otp_policy_algorithm,
        "digits": realm.otp_policy_digits,
        "lookAheadWindow": realm.otp_policy_look_ahead_window,
        "period": realm.otp_policy_period,
        "initialCounter": realm.otp_policy_initial_counter,
        "codeReusable": realm.otp_policy_code_reusable,
    }


def _int_field(rep: dict[str, Any], key: str) -> int | None:
    value = rep.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not INT_MIN <= value <= INT_MAX:
        raise bad_request("Cannot parse the JSON")
    return value


def otp_changes(rep: Any) -> dict[str, Any]:
    """validateOtpPolicyRepresentation, in Keycloak's order; the fields a valid one sets."""
    if not isinstance(rep, dict):
        raise bad_request("Cannot parse the JSON")
    kind, algorithm = rep.get("type"), rep.get("algorithm")
    digits, period, counter = (_int_field(rep, k) for k in ("digits", "period", "initialCounter"))
    window = _int_field(rep, "lookAheadWindow")
    if kind is None:
        raise bad_request("type is required")
    if kind not in OTP_TYPES:
        raise bad_request(f"type must be {', '.join(OTP_TYPES)}")
    if algorithm is None:
        raise bad_request("algorithm is required")
    if algorithm not in OTP_ALGORITHMS:
        raise bad_request(f"algorithm must be {', '.join(OTP_ALGORITHMS)}")
    if digits not in (6, 8):
        raise bad_request("digits must be 6 or 8")
    if kind == "totp" and period is None:
        raise bad_request("period field is required in totp mode")
    if kind == "hotp" and counter is None:
        raise bad_request("initalCounter field is required in htop mode")
    # OTPPolicy's setters take the Integer as sent; a null int keeps the model's 0, a null Boolean false.
    return {
        "otp_policy_type": kind,
        "otp_policy_algorithm": algorithm,
        "otp_policy_digits": digits,
        "otp_policy_look_ahead_window": window or 0,
        "otp_policy_period": period or 0,
        "otp_policy_initial_counter": counter or 0,
        "otp_policy_code_reusable": rep.get("codeReusable") is True,
    }


# --- CIBA policy -------------------------------------------------------------------------------
def ciba_json(realm: Realm) -> Any:
    """The CIBA policy, kept in the realm's attributes as the realm representation shows it."""
    policy = ciba.policy(realm)
    return {
        "backchannelTokenDeliveryMode": policy.delivery_mode,
        "expiresIn": policy.expires_in,
        "interval": policy.interval,
        "authRequestedUserHint": policy.user_hint,
    }


def ciba_attributes(rep: Any) -> dict[str, str]:
    """validateCibaPolicyRepresentation, in Keycloak's order (a missing number fails as its unboxing does)."""
    if not isinstance(rep, dict):
        raise bad_request("Cannot parse the JSON")
    mode = rep.get("backchannelTokenDeliveryMode")
    expires_in, interval = _int_field(rep, "expiresIn"), _int_field(rep, "interval")
    hint = rep.get("authRequestedUserHint")
    if mode not in (ciba.POLL, ciba.PING):
        raise bad_request(f"backchannelTokenDeliveryMode only supports {ciba.POLL}, {ciba.PING}")
    if expires_in is None or interval is None:
        raise bad_request("Cannot parse the JSON")
    if expires_in < 10:
        raise bad_request("expiresIn must be greater than or equal to 10")
    if expires_in > 600:
        raise bad_request("expiresIn must be less than or equal to 600")
    if interval < 0:
        raise bad_request("interval must be greater than or equal to 0")
    if interval > 600:
        raise bad_request("interval must be less than or equal to 600")
    if hint is None:
        raise bad_request("authRequestedUserHint is required")
    if hint != ciba.LOGIN_HINT:
        raise bad_request('authRequestedUserHint currently only supports "login_hint".')
    return {
        ciba.DELIVERY_MODE: str(mode),
        ciba.EXPIRES_IN: str(expires_in),
        ciba.INTERVAL: str(interval),
        ciba.USER_HINT: hint,
    }


# --- WebAuthn policies -------------------------------------------------------------------------
# WebAuthnPolicyRepresentation's fields, each a RealmRepresentation suffix of the policy's prefix. Keycloak 26.7's
# residentKey (RealmRepresentation's webAuthnPolicy[Passwordless]ResidentKey) is not one of them: this endpoint
# neither shows it nor changes it, and an update here keeps the stored one.
WEBAUTHN_FIELDS = {
    suffix[0].lower() + suffix[1:]: suffix for suffix in webauthn_policy.SUFFIXES if suffix != "ResidentKey"
}
PASSWORDLESS_FIELDS = {"passkeysEnabled": webauthn_policy.PASSKEYS_ENABLED, "mediation": webauthn_policy.MEDIATION}
ATTESTATION = (webauthn_policy.NOT_SPECIFIED, "none", "indirect", "direct")
RESIDENT_KEY = (webauthn_policy.NOT_SPECIFIED, "Yes", "No")
ATTACHMENT = (webauthn_policy.NOT_SPECIFIED, "platform", "cross-platform")
VERIFICATION = (webauthn_policy.NOT_SPECIFIED, "required", "preferred", "discouraged")
MEDIATIONS = ("conditional", "none", "optional", "required", "silent")


def webauthn_json(realm: Realm, passwordless: bool) -> dict[str, Any]:
    rep = webauthn_policy.representation(realm)
    prefix = webauthn_policy.PASSWORDLESS if passwordless else webauthn_policy.TWO_FACTOR
    out = {name: rep[prefix + suffix] for name, suffix in WEBAUTHN_FIELDS.items()}
    if passwordless:
        out |= {name: rep[key] for name, key in PASSWORDLESS_FIELDS.items()}
    return out


def _one_of(value: Any, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in allowed


def webauthn_checked(rep: Any, passwordless: bool) -> dict[str, Any]:
    """validateWebAuthnPolicyRepresentation, in Keycloak's order; a signature algorithm WebAuthn does not know is
    refused too (WebAuthnPolicyTest's "unsupported")."""
    if not isinstance(rep, dict):
        raise bad_request("Cannot parse the JSON")
    name, algorithms = rep.get("rpEntityName"), rep.get("signatureAlgorithms")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("RP Entity Name is required")
    if not isinstance(algorithms, list) or not algorithms:
        raise bad_request("At least one signature algorithm is required")
    if not all(a in webauthn_policy.COSE_ALGORITHMS for a in algorithms if isinstance(a, str)):
        raise bad_request("Unsupported signature algorithm")
    if not _one_of(rep.get("attestationConveyancePreference"), ATTESTATION):
        raise bad_request("Unsupported attestation conveyance preference")
    if not _one_of(rep.get("requireResidentKey"), RESIDENT_KEY):
        raise bad_request("Unsupported require resident key option")
    if not _one_of(rep.get("authenticatorAttachment"), ATTACHMENT):
        raise bad_request("Unsupported authenticator attachment")
    if not _one_of(rep.get("userVerificationRequirement"), VERIFICATION):
        raise bad_request("Unsupported user verification requirement")
    if passwordless and rep.get("passkeysEnabled") is True and not _one_of(rep.get("mediation"), MEDIATIONS):
        raise bad_request("Unsupported mediation requirement")
    return rep


def with_webauthn(realm: Realm, rep: dict[str, Any], passwordless: bool) -> Realm:
    """The realm with this one policy replaced by ``rep`` (the other kept), its defaults filled in."""
    prefix = webauthn_policy.PASSWORDLESS if passwordless else webauthn_policy.TWO_FACTOR
    merged = webauthn_policy.representation(realm)
    merged |= {prefix + suffix: rep.get(name) for name, suffix in WEBAUTHN_FIELDS.items()}
    if passwordless:
        merged |= {key: rep.get(name) for name, key in PASSWORDLESS_FIELDS.items()}
    try:
        return dataclasses.replace(realm, webauthn_policies=webauthn_policy.from_representation(merged))
    except webauthn_policy.PolicyFieldError:
        raise bad_request("Cannot parse the JSON") from None
