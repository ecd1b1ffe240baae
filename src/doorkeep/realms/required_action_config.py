"""A required action's configuration as Keycloak 26's Admin REST API serves it (``required-actions/{alias}/config``
and ``config-description``, AuthenticationManagementResource; RequiredActionConfigModel).

The values live in the registered action's own ``config`` (JpaRealmProvider keeps RequiredActionConfigModel in the
RequiredActionProviderEntity), where ``PUT required-actions/{alias}`` writes them too, unchecked. The ``config``
sub-resource checks them first (the factory's ``validateConfig``) and writes only the properties the factory
declares, over the ones kept. Doorkeep serves it for CONFIGURE_RECOVERY_AUTHN_CODES (RecoveryAuthnCodesAction:
``warning_threshold``, then RequiredActionFactory's ``max_auth_age``); the other actions' stays a 501.
"""

from __future__ import annotations

from typing import Any

from doorkeep.numbers import parse_int
from doorkeep.users import recovery_codes

MAX_AUTH_AGE = "max_auth_age"  # Constants.MAX_AUTH_AGE_KEY
INVALID, TOO_SMALL = "error-invalid-value", "error-number-out-of-range-too-small"


def _property(name: str, label: str, help_text: str, kind: str, default: object) -> dict[str, Any]:
    """ProviderConfigProperty as ConfigPropertyRepresentation."""
    return {
        "name": name,
        "label": label,
        "helpText": help_text,
        "type": kind,
        "defaultValue": default,
        "secret": False,
        "required": False,
        "readOnly": False,
    }


_MAX_AUTH_AGE = _property(  # RequiredActionFactory.MAX_AUTH_AGE_CONFIG_PROPERTIES
    MAX_AUTH_AGE,
    "Maximum Age of Authentication",
    "Configures the duration in seconds this action can be used after the last authentication before the user is "
    "required to re-authenticate. This parameter is used just in the context of AIA when the kc_action parameter is "
    "available in the request, which is for instance when user himself updates his password in the account console. "
    "When the 'Maximum Authentication Age' password policy is used in the realm, it's value has precedence over the "
    "value configured here.",
    "String",
    300,
)
_WARNING_THRESHOLD = _property(  # RecoveryAuthnCodesAction.CONFIG_PROPERTIES
    recovery_codes.THRESHOLD_KEY,
    "Warning Threshold",
    "When user has smaller amount of remaining recovery codes on his account than the value configured here, account "
    "console will show warning to the user, which will recommend him to setup new set of recovery codes.",
    "Integer",
    recovery_codes.WARNING_THRESHOLD,
)
# provider id → getConfigMetadata, in its order
PROPERTIES: dict[str, list[dict[str, Any]]] = {recovery_codes.CONFIGURE: [_WARNING_THRESHOLD, _MAX_AUTH_AGE]}


def configurable(provider_id: str) -> bool:
    """RequiredActionHelper.lookupConfigurableRequiredActionFactory found a factory for the path's alias."""
    return provider_id in PROPERTIES


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
    for prop in PROPERTIES.get(provider_id, []):
        name = prop["name"]
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
