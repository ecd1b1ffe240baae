"""The ``secure-client-uris-pattern`` client-policy executor (Keycloak 26's SecureClientUrisPatternExecutor): on
REGISTER and UPDATE each URI of the chosen fields must match (whole) one of the ``allowed-patterns`` regular
expressions. ``client-uri-fields`` picks the fields (unknown names are ignored; none configured: all of them; only
unknown ones: none); a pattern that does not compile is ignored, as Keycloak ignores it (with the ``regex``
engine's regular expressions in the place of Java's, under a time budget: ``pattern_budget``)."""

from __future__ import annotations

from typing import Any

import regex

from doorkeep.clientpolicies.config_values import string_list, strings
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.pattern_budget import PatternBudget, compiled

PROVIDER_ID = "secure-client-uris-pattern"
ALLOWED_PATTERNS, CLIENT_URI_FIELDS = "allowed-patterns", "client-uri-fields"
INVALID_CLIENT_METADATA = "invalid_client_metadata"
# SecureClientUrisPatternExecutorFactory.ALL_CLIENT_URI_FIELDS: the representation's own fields, then each
# attribute field with its attribute and whether it holds several values joined by ``##``
_FIELDS = ("rootUrl", "adminUrl", "baseUrl")
_LISTS = ("redirectUris", "webOrigins")
_ATTRIBUTES = {
    "jwksUri": ("jwks.url", False),
    "requestUris": ("request.uris", True),
    "backchannelLogoutUrl": ("backchannel.logout.url", False),
    "postLogoutRedirectUris": ("post.logout.redirect.uris", True),
    "cibaClientNotificationEndpoint": ("ciba.backchannel.client.notification.endpoint", False),
    "logoUri": ("logoUri", False),
    "policyUri": ("policyUri", False),
    "tosUri": ("tosUri", False),
    "sectorIdentifierUri": ("sectorIdentifierUri", False),
}
ALL_FIELDS = (*_FIELDS, *_LISTS, *_ATTRIBUTES)


def _values(rep: dict[str, Any], field: str) -> list[str]:
    """getValuesForField."""
    if field in _FIELDS:
        value = rep.get(field)
        return [value] if isinstance(value, str) and value else []
    if field in _LISTS:
        values = rep.get(field)
        return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
    attributes = rep.get("attributes")
    key, several = _ATTRIBUTES[field]
    value = attributes.get(key) if isinstance(attributes, dict) else None
    if not isinstance(value, str) or not value:
        return []
    return value.split("##") if several else [value]


def _patterns(config: dict[str, Any]) -> list[regex.Pattern[str]]:
    # "Ignoring invalid regex pattern in configuration"
    return [p for p in (compiled(text) for text in strings(config, ALLOWED_PATTERNS)) if p is not None]


def _fields(config: dict[str, Any]) -> list[str]:
    chosen = strings(config, CLIENT_URI_FIELDS)
    return list(ALL_FIELDS) if not chosen else [f for f in chosen if f in ALL_FIELDS]


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    if context.event not in (Event.REGISTER, Event.UPDATE):
        return
    assert context.proposed is not None, "REGISTER and UPDATE carry the proposed representation"
    patterns, budget = _patterns(config), PatternBudget()
    for field in _fields(config):
        uris = _values(context.proposed, field)
        if not uris:
            continue
        if not patterns:
            message = f"Invalid {field}: No valid allowed patterns configured"
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, message)
        for uri in uris:
            if uri and not any(budget.fullmatch(p, uri) for p in patterns):
                raise ClientPolicyViolation(INVALID_CLIENT_METADATA, f"Invalid {field}")


def valid_config(config: dict[str, Any]) -> None:
    """ValueError when Jackson could not bind the configuration's two lists of strings."""
    string_list(config.get(ALLOWED_PATTERNS))
    string_list(config.get(CLIENT_URI_FIELDS))
