"""The realm's WebAuthn policies (Keycloak 26's WebAuthnPolicy): the two-factor one (``webAuthnPolicy*``) and the
passwordless one (``webAuthnPolicyPasswordless*``), as RealmRepresentation carries them.

DefaultExportImportManager.getWebAuthnPolicyTwoFactor / getWebAuthnPolicyPasswordless build a whole policy from
every representation, a realm update included: a field absent, null (or an empty string or list where Keycloak
says so) takes its default, so a PUT that leaves the policy out puts the defaults back, as Keycloak does. The
fields are typed as Jackson reads them (strings, lists of strings, an Integer, a Boolean); a wrong type is the
representation's 400. The stored value is the representation's fields with the defaults filled in
(``Realm.webauthn_policies``; empty: every default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from doorkeep.model import Realm

TWO_FACTOR, PASSWORDLESS = "webAuthnPolicy", "webAuthnPolicyPasswordless"
NOT_SPECIFIED = "not specified"  # Constants.DEFAULT_WEBAUTHN_POLICY_NOT_SPECIFIED
REQUIRED = "required"  # Constants.WEBAUTHN_POLICY_OPTION_REQUIRED
DEFAULT_RP_ENTITY_NAME = "keycloak"  # Constants.DEFAULT_WEBAUTHN_POLICY_RP_ENTITY_NAME
DEFAULT_ALGORITHMS = ("ES256", "RS256")  # Constants.DEFAULT_WEBAUTHN_POLICY_SIGNATURE_ALGORITHMS
# WebAuthnRegister.convertSignatureAlgorithms: the names the policy may give, as COSE identifiers (others ignored).
COSE_ALGORITHMS = {
    "ES256": -7,
    "RS256": -257,
    "ES384": -35,
    "RS384": -258,
    "ES512": -36,
    "RS512": -259,
    "Ed25519": -8,
    "RS1": -65535,
}
_STRINGS = {
    "RpEntityName": DEFAULT_RP_ENTITY_NAME,
    "RpId": "",
    "AttestationConveyancePreference": NOT_SPECIFIED,
    "AuthenticatorAttachment": NOT_SPECIFIED,
    "RequireResidentKey": NOT_SPECIFIED,
    "ResidentKey": NOT_SPECIFIED,
    "UserVerificationRequirement": NOT_SPECIFIED,
}
# WebAuthnPolicyPasswordlessDefaults: the passwordless policy's own defaults over the two-factor ones (Keycloak 26.7:
# a discoverable credential and user verification required; the deprecated requireResidentKey left "not specified")
_PASSWORDLESS_STRINGS = {**_STRINGS, "ResidentKey": REQUIRED, "UserVerificationRequirement": REQUIRED}
_LISTS = ("SignatureAlgorithms", "AcceptableAaguids", "ExtraOrigins")
SUFFIXES = (
    "RpEntityName",
    "SignatureAlgorithms",
    "RpId",
    "AttestationConveyancePreference",
    "AuthenticatorAttachment",
    "RequireResidentKey",
    "ResidentKey",
    "UserVerificationRequirement",
    "CreateTimeout",
    "AvoidSameAuthenticatorRegister",
    "AcceptableAaguids",
    "ExtraOrigins",
)
# WebAuthnPolicy.passkeysEnabled, which only the passwordless policy carries (Keycloak 26.4's realm switch for
# passkeys on the login form: conditional UI and the "Sign in with Passkey" button; a Boolean, false unless set)
PASSKEYS_ENABLED = f"{PASSWORDLESS}PasskeysEnabled"
# WebAuthnPolicy.mediation, also the passwordless policy's alone (Keycloak 26.6): the CredentialMediationRequirement
# the login form's passkey request starts with when the page loads. "conditional" (the default, and what a
# realm without the field gets) waits in the username field's autofill; another value ("optional", "required")
# asks at once with the browser's own dialog, and the autofill's request follows if that one ends without a passkey
# (passkeysConditionalAuth.js). A string as Jackson reads it, stored as given.
MEDIATION = f"{PASSWORDLESS}Mediation"
CONDITIONAL = "conditional"
KEYS = (
    *(f"{prefix}{suffix}" for prefix in (TWO_FACTOR, PASSWORDLESS) for suffix in SUFFIXES),
    PASSKEYS_ENABLED,
    MEDIATION,
)
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class PolicyFieldError(ValueError):
    """A field of the wrong JSON type; the message names it."""


@dataclass(frozen=True)
class Policy:
    """One WebAuthnPolicy."""

    rp_entity_name: str = DEFAULT_RP_ENTITY_NAME
    signature_algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    rp_id: str = ""
    attestation_conveyance_preference: str = NOT_SPECIFIED
    authenticator_attachment: str = NOT_SPECIFIED
    require_resident_key: str = NOT_SPECIFIED
    user_verification_requirement: str = NOT_SPECIFIED
    create_timeout: int = 0
    avoid_same_authenticator_register: bool = False
    acceptable_aaguids: tuple[str, ...] = ()
    extra_origins: tuple[str, ...] = ()
    mediation: str = CONDITIONAL
    # WebAuthnPolicy.residentKey (Keycloak 26.7, keycloak#42513): the "Discoverable credential" requirement
    # (required / preferred / discouraged, or not specified), which replaces the deprecated requireResidentKey
    resident_key: str = NOT_SPECIFIED

    @property
    def resident_key_selection(self) -> dict[str, object]:
        """webauthnRegister.js: ``authenticatorSelection``'s ``residentKey`` and ``requireResidentKey``. The policy's
        residentKey decides when it is specified (``requireResidentKey`` true only for "required"); otherwise the
        deprecated requireResidentKey does ("Yes": required, any other value: discouraged); nothing when neither is
        specified."""
        if self.resident_key and self.resident_key != NOT_SPECIFIED:
            return {"residentKey": self.resident_key, "requireResidentKey": self.resident_key == REQUIRED}
        if self.require_resident_key != NOT_SPECIFIED:
            required = self.require_resident_key == "Yes"
            return {"residentKey": REQUIRED if required else "discouraged", "requireResidentKey": required}
        return {}

    @property
    def cose_algorithms(self) -> list[int]:
        """The policy's algorithms as COSE identifiers (the defaults' when it names none)."""
        names = self.signature_algorithms or DEFAULT_ALGORITHMS
        return [COSE_ALGORITHMS[n] for n in names if n in COSE_ALGORITHMS]


def _field(prefix: str, suffix: str, value: Any) -> Any:
    """One field read as Jackson reads it, None when absent or null."""
    where = f"{prefix}{suffix}"
    if value is None:
        return None
    if suffix in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyFieldError(f"{where}: expected a list of strings")
        return list(value)
    if suffix == "CreateTimeout":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise PolicyFieldError(f"{where}: expected a number")
        try:
            number = int(value)
        except ValueError:
            raise PolicyFieldError(f"{where}: expected a number") from None
        if not _INT_MIN <= number <= _INT_MAX:
            raise PolicyFieldError(f"{where}: number out of range")
        return number
    if suffix in ("AvoidSameAuthenticatorRegister", "PasskeysEnabled"):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise PolicyFieldError(f"{where}: expected true or false")
    if not isinstance(value, str):
        raise PolicyFieldError(f"{where}: expected a string")
    return value


def _one(rep: dict[str, Any], prefix: str) -> dict[str, Any]:
    """getWebAuthnPolicyTwoFactor / getWebAuthnPolicyPasswordless: every field, its default where absent (the
    passwordless policy's from WebAuthnPolicyPasswordlessDefaults)."""
    strings = _PASSWORDLESS_STRINGS if prefix == PASSWORDLESS else _STRINGS
    out: dict[str, Any] = {}
    for suffix in SUFFIXES:
        value = _field(prefix, suffix, rep.get(f"{prefix}{suffix}"))
        if suffix in strings:
            value = value or strings[suffix]
        elif suffix == "SignatureAlgorithms":
            value = value or list(DEFAULT_ALGORITHMS)
        elif suffix == "CreateTimeout":
            value = 0 if value is None else value
        elif suffix == "AvoidSameAuthenticatorRegister":
            value = bool(value)
        else:
            value = value or []
        out[f"{prefix}{suffix}"] = value
    return out


def from_representation(rep: dict[str, Any]) -> dict[str, Any]:
    """Both policies of a RealmRepresentation, as stored (``PolicyFieldError`` for a field of the wrong type)."""
    passkeys = bool(_field(PASSWORDLESS, "PasskeysEnabled", rep.get(PASSKEYS_ENABLED)))
    mediation = _field(PASSWORDLESS, "Mediation", rep.get(MEDIATION)) or CONDITIONAL
    return {**_one(rep, TWO_FACTOR), **_one(rep, PASSWORDLESS), PASSKEYS_ENABLED: passkeys, MEDIATION: mediation}


def updated(realm: Realm, rep: dict[str, Any]) -> dict[str, Any]:
    """The stored policies after a realm update (DefaultExportImportManager.updateRealm): a policy is rebuilt from
    ``rep`` (a field left out taking its default) only when ``rep`` names its relying party entity; otherwise it
    stays as stored, so an update that leaves the policies out keeps them (``PolicyFieldError`` as above)."""
    result = representation(realm)
    given = from_representation(rep)
    for passwordless in (False, True):
        if rep.get(f"{PASSWORDLESS if passwordless else TWO_FACTOR}RpEntityName"):
            result |= {key: value for key, value in given.items() if key.startswith(PASSWORDLESS) == passwordless}
    return result


def representation(realm: Realm) -> dict[str, Any]:
    """The policies' fields as ModelToRepresentation writes them (always all of them)."""
    stored = realm.webauthn_policies or {}
    defaults = from_representation({})
    return {key: stored.get(key, default) for key, default in defaults.items()}


def policy(realm: Realm, prefix: str = TWO_FACTOR) -> Policy:
    """RealmModel.getWebAuthnPolicy (or getWebAuthnPolicyPasswordless with ``PASSWORDLESS``)."""
    rep = representation(realm)

    def get(suffix: str) -> Any:
        return rep[f"{prefix}{suffix}"]

    return Policy(
        get("RpEntityName"),
        tuple(get("SignatureAlgorithms")),
        get("RpId"),
        get("AttestationConveyancePreference"),
        get("AuthenticatorAttachment"),
        get("RequireResidentKey"),
        get("UserVerificationRequirement"),
        int(get("CreateTimeout")),
        bool(get("AvoidSameAuthenticatorRegister")),
        tuple(get("AcceptableAaguids")),
        tuple(get("ExtraOrigins")),
        rep[MEDIATION] if prefix == PASSWORDLESS else CONDITIONAL,
        get("ResidentKey"),
    )


def passkeys_enabled(realm: Realm) -> bool:
    """WebAuthnConditionalUIAuthenticator.isPasskeysEnabled: the passwordless policy's passkeys switch (the
    ``passkeys`` feature is on by default in Keycloak 26.4 and always here)."""
    return bool(representation(realm)[PASSKEYS_ENABLED])
