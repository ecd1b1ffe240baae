"""Authentication → Policies → OTP policy, as Keycloak's console shows it (OtpPolicy.tsx).

The policy lives in the realm (``otpPolicy*`` of the RealmRepresentation); the form sends what Keycloak's
console sends, read by ``parse.updated_realm`` (the reader of ``PUT /admin/realms/{realm}``, its error
texts) and saved by ``views_realm.save``. view-realm reads, manage-realm saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doorkeep.model import Realm
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox
from doorkeep.web.admin_console.views_realm_login import updated

# The choices Keycloak's console offers (OtpPolicy.tsx: POLICY_TYPES, otpAlgorithms, number of digits).
CHOICES = {
    "otpPolicyType": (("totp", "Time based"), ("hotp", "Counter based")),
    "otpPolicyAlgorithm": (("HmacSHA1", "SHA1"), ("HmacSHA256", "SHA256"), ("HmacSHA512", "SHA512")),
    "otpPolicyDigits": (("6", "6"), ("8", "8")),
}
NUMBERS = (
    (
        "otpPolicyLookAheadWindow",
        "Look around",
        "How many intervals before and after the current one a code is accepted in.",
    ),
    ("otpPolicyPeriod", "OTP Token period (seconds)", "How long a time-based code is valid (totp)."),
    ("otpPolicyInitialCounter", "Initial counter", "The counter of a new counter-based device (hotp)."),
)
REUSABLE = "otpPolicyCodeReusable"


def otp_form(realm: Realm) -> FormState:
    return FormState(
        {
            "otpPolicyType": realm.otp_policy_type,
            "otpPolicyAlgorithm": realm.otp_policy_algorithm,
            "otpPolicyDigits": str(realm.otp_policy_digits),
            "otpPolicyLookAheadWindow": str(realm.otp_policy_look_ahead_window),
            "otpPolicyPeriod": str(realm.otp_policy_period),
            "otpPolicyInitialCounter": str(realm.otp_policy_initial_counter),
            REUSABLE: realm.otp_policy_code_reusable,
        }
    )


def read_otp(realm: Realm, form: Mapping[str, str]) -> Realm:
    """The realm with the OTP policy typed; a choice not offered is refused in words (a forged form), a
    number as ``PUT /admin/realms/{realm}`` refuses it."""
    typed = FormState({name: form.get(name, "").strip() for name in [*CHOICES, *(n for n, _, _ in NUMBERS)]})
    typed.values[REUSABLE] = checkbox(form, REUSABLE)
    rep: dict[str, Any] = {REUSABLE: typed.values[REUSABLE]}
    for name, options in CHOICES.items():
        value = str(typed.values[name])
        if value not in {v for v, _ in options}:
            typed.errors[name] = f"Unknown value for {name}: {value}"
        rep[name] = value
    if typed.errors:
        raise FormErrors(typed)
    for name, _, _ in NUMBERS:
        rep[name] = typed.values[name] or None  # blank keeps the stored value, as a PUT without the field
    return updated(realm, rep, typed)
