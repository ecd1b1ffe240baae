"""Authentication → Policies → Webauthn Policy and Webauthn Passwordless Policy, as Keycloak 26's console shows
them (WebauthnPolicy.tsx): one form per policy, its fields named as the RealmRepresentation names them
(``webAuthnPolicy*`` or ``webAuthnPolicyPasswordless*``).

The form is read into the partial representation Keycloak's console PUTs and handed to ``updated`` (the reader of
``PUT /admin/realms/{realm}``, users/webauthn_policy.py behind it), which keeps the other policy as stored.
Keycloak's console checks what its widgets allow before it sends: the relying party entity name is required, the
timeout lies from 0 to 31536 seconds, a choice is one of its options. A value the REST API stored outside those
options is offered too, so that saving the tab never drops it unseen; anything else is a forged form, refused in
words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from doorkeep.model import Realm
from doorkeep.users import webauthn_policy
from doorkeep.users.webauthn_policy import NOT_SPECIFIED, PASSKEYS_ENABLED, PASSWORDLESS, TWO_FACTOR
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox
from doorkeep.web.admin_console.views_realm_login import updated

Options = tuple[tuple[str, str], ...]
# WebauthnPolicy.tsx: SIGNATURE_ALGORITHMS, ATTESTATION_PREFERENCE, AUTHENTICATOR_ATTACHMENT, RESIDENT_KEY_OPTIONS,
# USER_VERIFY, with the labels of the console's messages (attestationPreference.*, authenticatorAttachment.* ...).
ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "Ed25519", "RS1")
SELECTS: dict[str, tuple[str, str, Options]] = {
    "AttestationConveyancePreference": (
        "Attestation conveyance preference",
        "How the authenticator's attestation statement is conveyed to the server.",
        ((NOT_SPECIFIED, "Not specified"), ("none", "None"), ("indirect", "Indirect"), ("direct", "Direct")),
    ),
    "AuthenticatorAttachment": (
        "Authenticator attachment",
        "The kind of authenticator accepted: built into the device (platform) or removable (cross-platform).",
        ((NOT_SPECIFIED, "Not specified"), ("platform", "Platform"), ("cross-platform", "Cross platform")),
    ),
    "RequireResidentKey": (
        "Require discoverable credential",
        "Whether the authenticator must store the credential itself (a discoverable credential, or passkey).",
        ((NOT_SPECIFIED, "Not specified"), ("Yes", "Yes"), ("No", "No")),
    ),
    # Keycloak 26.7 (keycloak#42513): residentKey, which decides over the deprecated select above when specified
    "ResidentKey": (
        "Discoverable credential",
        "Whether the authenticator should store the credential itself (a discoverable credential, or passkey): "
        "required, preferred or discouraged. When specified, it decides over Require discoverable credential.",
        (
            (NOT_SPECIFIED, "Not specified"),
            ("required", "Required"),
            ("preferred", "Preferred"),
            ("discouraged", "Discouraged"),
        ),
    ),
    "UserVerificationRequirement": (
        "User verification requirement",
        "Whether the authenticator must verify the user (a PIN, a fingerprint) at registration and sign-in.",
        (
            (NOT_SPECIFIED, "Not specified"),
            ("required", "Required"),
            ("preferred", "Preferred"),
            ("discouraged", "Discouraged"),
        ),
    ),
}
# The passwordless tab's own select: the mediation the login form's passkey request starts with (WebAuthnPolicy
# ``mediation``, users/webauthn_policy.py), the CredentialMediationRequirement values a login page may ask with.
MEDIATION: dict[str, tuple[str, str, Options]] = {
    "Mediation": (
        "Passkeys mediation",
        "How the login form asks for a passkey: in the username field's autofill (conditional), or at once in the "
        "browser's dialog, then the autofill (optional, required).",
        (
            (webauthn_policy.CONDITIONAL, "Conditional"),
            ("optional", "Optional"),
            ("required", "Required"),
        ),
    ),
}
LISTS = {
    "AcceptableAaguids": (
        "Acceptable AAGUIDs",
        "Only authenticators of these models (AAGUIDs) may register; one a line.",
    ),
    "ExtraOrigins": ("Extra Origins", "Origins besides the server's own that may use the credentials; one a line."),
}
MAX_TIMEOUT = 31536  # WebauthnPolicy.tsx: the timeout's rules, min 0 and max 31536 (seconds)
TIMEOUT_HINT = "Timeout needs to be in a range from 0 seconds to 8 hours"  # webAuthnPolicyCreateTimeoutHint
REQUIRED = "Required field"  # Keycloak's console: required


@dataclass(frozen=True)
class Tab:
    """One of the two policy tabs: its title, path under the realm and representation prefix."""

    title: str
    path: str
    prefix: str


TABS = (
    Tab("Webauthn Policy", "/authentication/policies/webauthn", TWO_FACTOR),
    Tab("Webauthn Passwordless Policy", "/authentication/policies/webauthn-passwordless", PASSWORDLESS),
)


def selects(tab: Tab) -> dict[str, tuple[str, str, Options]]:
    """The tab's selects: the policies' shared ones, and the passwordless policy's mediation."""
    return {**SELECTS, **MEDIATION} if tab.prefix == PASSWORDLESS else SELECTS


def choices(realm: Realm, tab: Tab) -> dict[str, Options]:
    """Each select's options (signature algorithms included), plus any value the realm stores outside them."""
    stored = webauthn_policy.representation(realm)
    out: dict[str, Options] = {}
    for suffix, (_, _, options) in selects(tab).items():
        value = stored[tab.prefix + suffix]
        out[suffix] = options if value in {v for v, _ in options} else (*options, (value, value))
    extra = [a for a in stored[tab.prefix + "SignatureAlgorithms"] if a not in ALGORITHMS]
    out["SignatureAlgorithms"] = tuple((a, a) for a in (*ALGORITHMS, *extra))
    return out


def policy_form(realm: Realm, tab: Tab) -> FormState:
    """The stored policy as the form shows it (lists one item a line)."""
    stored = webauthn_policy.representation(realm)
    values: dict[str, object] = {}
    for suffix in webauthn_policy.SUFFIXES:
        value = stored[tab.prefix + suffix]
        values[suffix] = "\n".join(value) if suffix in LISTS else value
    values["CreateTimeout"] = str(stored[tab.prefix + "CreateTimeout"])
    for suffix in MEDIATION if tab.prefix == PASSWORDLESS else ():
        values[suffix] = stored[tab.prefix + suffix]
    if tab.prefix == PASSWORDLESS:
        values["PasskeysEnabled"] = stored[PASSKEYS_ENABLED]
    return FormState(values)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_policy(realm: Realm, tab: Tab, form: Mapping[str, str], algorithms: Sequence[str]) -> Realm:
    """The realm with this tab's policy as typed; a refusal is the form's error (``FormErrors``)."""
    offered, chosen = choices(realm, tab), selects(tab)
    typed = FormState({suffix: form.get(suffix, "").strip() for suffix in ("RpEntityName", "RpId", *chosen)})
    stored = webauthn_policy.representation(realm)
    later = ("ResidentKey", *(MEDIATION if tab.prefix == PASSWORDLESS else ()))
    for suffix in later:  # a form from before the select: as stored
        typed.values[suffix] = typed.values[suffix] or stored[tab.prefix + suffix]
    typed.values["SignatureAlgorithms"] = list(dict.fromkeys(algorithms))
    typed.values["CreateTimeout"] = form.get("CreateTimeout", "").strip()
    typed.values["AvoidSameAuthenticatorRegister"] = checkbox(form, "AvoidSameAuthenticatorRegister")
    if tab.prefix == PASSWORDLESS:  # its "Enable Passkeys" switch (Keycloak's, under the default Feature.Passkeys)
        typed.values["PasskeysEnabled"] = checkbox(form, "PasskeysEnabled")
    for suffix in LISTS:
        typed.values[suffix] = form.get(suffix, "")
    if not typed.values["RpEntityName"]:
        typed.errors["RpEntityName"] = f"Relying party entity name: {REQUIRED}"
    for suffix in (*chosen, "SignatureAlgorithms"):
        picked = typed.values[suffix]
        for value in picked if isinstance(picked, list) else [picked]:
            if value not in {v for v, _ in offered[suffix]}:
                typed.errors[suffix] = f"Unknown value for {tab.prefix}{suffix}: {value}"
    timeout = str(typed.values["CreateTimeout"]) or "0"
    if not timeout.isascii() or not timeout.isdigit() or int(timeout) > MAX_TIMEOUT:
        typed.errors["CreateTimeout"] = TIMEOUT_HINT
    if typed.errors:
        raise FormErrors(typed)
    rep: dict[str, Any] = {tab.prefix + s: typed.values[s] for s in ("RpEntityName", "RpId", *chosen)}
    rep[tab.prefix + "SignatureAlgorithms"] = typed.values["SignatureAlgorithms"]
    rep[tab.prefix + "CreateTimeout"] = int(timeout)
    rep[tab.prefix + "AvoidSameAuthenticatorRegister"] = typed.values["AvoidSameAuthenticatorRegister"]
    for suffix in LISTS:
        rep[tab.prefix + suffix] = _lines(str(typed.values[suffix]))
    if tab.prefix == PASSWORDLESS:
        rep[PASSKEYS_ENABLED] = typed.values["PasskeysEnabled"]
    return updated(realm, rep, typed)
