"""The password policy types serverinfo lists (``passwordPolicies``), as ServerInfoAdminResource.setPasswordPolicies
writes each PasswordPolicyProviderFactory: its id, getDisplayName, getConfigType, getDefaultConfigValue and
isMultiplSupported (PasswordPolicyTypeRepresentation; a null config type or default left out, as Keycloak's
NON_NULL JSON does). The values are those of Keycloak 26's factories in server-spi-private's org.keycloak.policy.

Every policy users/password_policy.py parses is listed. ``recoveryCodesWarningThreshold`` (deprecated, still read
as the recovery codes' warning threshold) is listed while the recovery-codes feature is on, as its factory is an
EnvironmentDependentProviderFactory supported only then. Keycloak lists its factories in the provider registry's
hash order; Doorkeep by display name, the order the Admin Console's "Add policy" menu shows them in.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from doorkeep import features
from doorkeep.users import passwords

INT, STRING = "int", "String"  # PasswordPolicyProvider.INT_CONFIG_TYPE, STRING_CONFIG_TYPE
KC_ACTION_MAX_AGE = 300  # Constants.KC_ACTION_MAX_AGE: MaxAuthAgePasswordPolicyProviderFactory.DEFAULT_MAX_AUTH_AGE
RECOVERY_CODES_WARNING_THRESHOLD = "recoveryCodesWarningThreshold"


class PolicyType(NamedTuple):
    id: str
    display_name: str
    config_type: str | None
    default_value: str | None
    multiple_supported: bool = False


TYPES = (
    PolicyType("length", "Minimum Length", INT, "8"),  # LengthPasswordPolicyProviderFactory
    PolicyType("maxLength", "Maximum Length", INT, "64"),  # MaximumLengthPasswordPolicyProviderFactory
    PolicyType("digits", "Digits", INT, "1"),
    PolicyType("lowerCase", "Lowercase Characters", INT, "1"),
    PolicyType("upperCase", "Uppercase Characters", INT, "1"),
    PolicyType("specialChars", "Special Characters", INT, "1"),
    PolicyType("notUsername", "Not Username", None, None),
    PolicyType("notContainsUsername", "Not Contains Username", None, None),
    PolicyType("notEmail", "Not Email", None, None),
    PolicyType("regexPattern", "Regular Expression", STRING, "", multiple_supported=True),
    PolicyType("passwordHistory", "Not Recently Used", INT, "3"),  # HistoryPasswordPolicyProviderFactory
    PolicyType("passwordAge", "Not Recently Used (In Days)", INT, "30"),  # AgePasswordPolicyProviderFactory
    # ForceExpiredPasswordPolicyProviderFactory names its config a String though it parses an integer
    PolicyType("forceExpiredPasswordChange", "Expire Password", STRING, "365"),
    # HashAlgorithmPasswordPolicyProviderFactory: the default PasswordHashProvider's id
    PolicyType("hashAlgorithm", "Hashing Algorithm", STRING, passwords.DEFAULT_ALGORITHM),
    PolicyType("hashIterations", "Hashing Iterations", INT, "-1"),  # -1: the hashing provider's own default
    PolicyType("maxAuthAge", "Maximum Authentication Age", INT, str(KC_ACTION_MAX_AGE)),
    PolicyType("passwordBlacklist", "Password Blacklist", STRING, ""),  # DenylistPasswordPolicyProviderFactory
    PolicyType(RECOVERY_CODES_WARNING_THRESHOLD, "Recovery Codes Warning Threshold", INT, "4"),
)


def representations(disabled: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """serverinfo's ``passwordPolicies`` with the features in ``disabled`` turned off."""
    shown = [t for t in TYPES if t.id != RECOVERY_CODES_WARNING_THRESHOLD or features.RECOVERY_CODES not in disabled]
    out: list[dict[str, Any]] = []
    for t in sorted(shown, key=lambda t: t.display_name):
        rep: dict[str, Any] = {"id": t.id, "displayName": t.display_name}
        if t.config_type is not None:
            rep["configType"] = t.config_type
        if t.default_value is not None:
            rep["defaultValue"] = t.default_value
        out.append(rep | {"multipleSupported": t.multiple_supported})
    return out
