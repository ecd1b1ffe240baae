"""A required action's configuration as Keycloak 26's Admin REST API serves it (``required-actions/{alias}/config``
and ``config-description``, AuthenticationManagementResource; RequiredActionConfigModel).

Every deployed RequiredActionFactory is configurable: RequiredActionFactory.getConfigMetadata declares
``max_auth_age`` (MAX_AUTH_AGE_CONFIG_PROPERTIES) by default, and a few factories add their own properties
(UpdateTotp's ``add-recovery-codes``, UpdateEmail's ``verifyEmail`` and e-mail cooldown, VerifyEmail's cooldown,
RecoveryAuthnCodesAction's ``warning_threshold``). The values live in the registered action's own ``config``
(JpaRealmProvider keeps RequiredActionConfigModel in the RequiredActionProviderEntity), where ``PUT
required-actions/{alias}`` writes them too, unchecked. The ``config`` sub-resource checks them first (the
factory's ``validateConfig``: ``max_auth_age`` for all, ``warning_threshold`` for the recovery codes) and writes
only the properties the factory declares, over the ones kept.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.model import JSON
from doorkeep.numbers import parse_int
from doorkeep.realms import required_actions as registered
from doorkeep.realms.auth_providers import BOOLEAN, STRING, Prop
from doorkeep.users import recovery_codes
from doorkeep.users.profile import ProfileError

MAX_AUTH_AGE = "max_auth_age"  # Constants.MAX_AUTH_AGE_KEY
INVALID, TOO_SMALL = "error-invalid-value", "error-number-out-of-range-too-small"


_MAX_AUTH_AGE = Prop(  # RequiredActionFactory.MAX_AUTH_AGE_CONFIG_PROPERTIES
    MAX_AUTH_AGE,
    "Maximum Age of Authentication",
    "Configures the duration in seconds this action can be used after the last authentication before the user is "
    "required to re-authenticate. This parameter is used just in the context of AIA when the kc_action parameter is "
    "available in the request, which is for instance when user himself updates his password in the account console.",
    STRING,
    300,
)
_WARNING_THRESHOLD = Prop(  # RecoveryAuthnCodesAction.CONFIG_PROPERTIES
    recovery_codes.THRESHOLD_KEY,
    "Warning Threshold",
    "When user has smaller amount of remaining recovery codes on his account than the value configured here, account "
    "console will show warning to the user, which will recommend him to setup new set of recovery codes.",
    "Integer",
    recovery_codes.WARNING_THRESHOLD,
)
_ADD_RECOVERY_CODES = Prop(  # UpdateTotp.ADD_RECOVERY_CODES_CONFIG_PROPERTIES
    "add-recovery-codes",
    "Add Recovery Codes",
    "If this option is enabled, the user will be required to configure recovery codes following the OTP "
    "configuration.\nIf the user already has recovery codes configured, Keycloak will not ask for setting them up."
    "\nAs a prerequisite, enable the recovery codes required action and enable recovery codes in your "
    "authentication flow.",
    BOOLEAN,
    False,
)
_FORCE_VERIFY_EMAIL = Prop(  # UpdateEmail.getConfigMetadata
    "verifyEmail",
    "Force Email Verification",
    "If enabled, the user will be forced to verify the email regardless if email verification is enabled at the "
    "realm level or not. Otherwise, verification will be based on the realm level setting.",
    BOOLEAN,
    False,
)
_COOLDOWN = Prop(  # EmailCooldownManager.createCooldownConfigProperty
    "emailResendCooldownSeconds",
    "Cooldown Between Email Resend (seconds)",
    "Minimum delay in seconds before another email verification email can be sent.",
    STRING,
    "30",
)
# provider id → getConfigMetadata, in its order; a factory not listed has the default (max_auth_age alone).
_OWN: dict[str, tuple[Prop, ...]] = {
    recovery_codes.CONFIGURE: (_WARNING_THRESHOLD, _MAX_AUTH_AGE),
    "CONFIGURE_TOTP": (_MAX_AUTH_AGE, _ADD_RECOVERY_CODES),
    "UPDATE_EMAIL": (_MAX_AUTH_AGE, _FORCE_VERIFY_EMAIL, _COOLDOWN),
    "VERIFY_EMAIL": (_MAX_AUTH_AGE, _COOLDOWN),
    "delete_account": (),  # DeleteAccount.getConfigMetadata: none, its max auth age is always 0
}
PROPERTIES: dict[str, tuple[Prop, ...]] = {pid: _OWN.get(pid, (_MAX_AUTH_AGE,)) for pid in registered.PROVIDERS}


def configurable(provider_id: str) -> bool:
    """RequiredActionHelper.lookupConfigurableRequiredActionFactory found a factory for the path's alias (every
    deployed one with a property: RequiredActionFactory.isConfigurable holds while getConfigMetadata is not
    empty, so DeleteAccount's is not)."""
    return bool(PROPERTIES.get(provider_id))


def _error(provider_id: str, field: str, message: str, *params: object) -> dict[str, Any]:
    """ValidationError as the ErrorRepresentation ``ErrorResponse.errors`` answers."""
    del provider_id  # Keycloak's ValidationError names the factory, its representation does not
    return {"field": field, "errorMessage": message, "params": list(params)}


def validation_error(provider_id: str, config: dict[str, str]) -> dict[str, Any] | None:
    """The factory's ``validateConfig`` (the first failure, as its ValidationException): RequiredActionFactory's
    ``max_auth_age`` when given (an int, 0 or more), then RecoveryAuthnCodesAction's ``warning_threshold``, which
    must be given (``Integer.parseInt`` of a missing value fails too)."""
    if config.get(MAX_AUTH_AGE) is not None:
        age = parse_int(config[MAX_AUTH_AGE])
        if age is None:
            return _error(provider_id, MAX_AUTH_AGE, INVALID)
        if age < 0:
            return _error(provider_id, MAX_AUTH_AGE, TOO_SMALL, 0)
    if provider_id == recovery_codes.CONFIGURE:
        threshold = parse_int(config.get(recovery_codes.THRESHOLD_KEY))
        if threshold is None:
            return _error(provider_id, recovery_codes.THRESHOLD_KEY, INVALID)
        if threshold < 0:
            return _error(provider_id, recovery_codes.THRESHOLD_KEY, TOO_SMALL, 0)
    return None


def merged(provider_id: str, kept: dict[str, str], sent: dict[str, str]) -> dict[str, str]:
    """JpaRealmAdapter.updateRequiredActionConfig: the kept config with each declared property set from ``sent``
    (one ``sent`` leaves out is dropped); properties it does not declare are ignored."""
    out = dict(kept)
    for prop in PROPERTIES.get(provider_id, ()):
        name = prop.name
        if sent.get(name) is None:
            out.pop(name, None)
        else:
            out[name] = sent[name]
    return out


def sent_config(rep: Any) -> dict[str, str]:
    """RequiredActionConfigRepresentation's ``config``, empty strings removed (removeEmptyString)."""
    found = rep.get("config") if isinstance(rep, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in found.items() if v is not None and v != ""}


def description(provider_id: str) -> list[JSON]:
    """``config-description``: the factory's properties as ConfigPropertyRepresentation."""
    return [prop.representation() for prop in PROPERTIES[provider_id]]


def configured(provider_id: str, kept: registered.RequiredAction, sent: dict[str, str]) -> registered.RequiredAction:
    """``PUT config``: the factory's validateConfig (a refusal raises the field's ProfileError), then the kept
    action with the declared properties set from ``sent``."""
    error = validation_error(provider_id, sent)
    if error is not None:
        raise ProfileError([error], shrink=True)
    return dataclasses.replace(kept, config=merged(provider_id, kept.config, sent))
