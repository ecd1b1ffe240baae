"""``allowed-protocol-mappers`` (Keycloak 26.8's AllowedProtocolMappersExecutor, issue #50131, pull request #50205):
the protocol mapper types a client may be given, on the admin API's client create and update (the representation's
``protocolMappers``) and its protocol mapper create and update on a client (ProtocolMapperPolicyValidator).

A mapper of another type passes only when it is one the client already has, unchanged: its ``id`` names a stored
mapper of the client whose config is the same. No types configured: nothing is checked."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import strings
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext

PROVIDER_ID = "allowed-protocol-mappers"  # AllowedProtocolMappersExecutorFactory.PROVIDER_ID
TYPES = "allowed-protocol-mapper-types"  # AllowedProtocolMappersExecutorFactory.ALLOWED_PROTOCOL_MAPPER_TYPES
INVALID_REGISTRATION = "invalid_registration"  # Errors.INVALID_REGISTRATION
NOT_ALLOWED = "ProtocolMapper type not allowed"  # ProtocolMapperPolicyValidator.PROTOCOL_MAPPER_TYPE_NOT_ALLOWED
_EVENTS = frozenset({Event.REGISTER, Event.UPDATE, Event.REGISTER_PROTOCOL_MAPPER, Event.UPDATE_PROTOCOL_MAPPER})


def _proposed(context: PolicyContext) -> list[Any]:
    if context.event in (Event.REGISTER, Event.UPDATE):
        listed = (context.proposed or {}).get("protocolMappers")
        return listed if isinstance(listed, list) else []
    return list(context.proposed_mappers or ())


def _check(mapper: Any, allowed: list[str], context: PolicyContext) -> None:
    """validateProtocolMapper: an allowed type, or a stored mapper of the client sent back unchanged."""
    if not isinstance(mapper, dict) or mapper.get("protocolMapper") in allowed:
        return
    mapper_id = mapper.get("id")
    if context.client is None or not isinstance(mapper_id, str):
        raise ClientPolicyViolation(INVALID_REGISTRATION, NOT_ALLOWED)
    stored = context.stored_mappers.get(mapper_id)
    if stored is None:
        raise ClientPolicyViolation(INVALID_REGISTRATION, f"No existing mapper model found for id '{mapper_id}'")
    if mapper.get("config") != dict(stored):
        raise ClientPolicyViolation(INVALID_REGISTRATION, NOT_ALLOWED)


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    allowed = strings(config, TYPES)
    if not allowed or context.event not in _EVENTS:
        return
    for mapper in _proposed(context):
        _check(mapper, allowed, context)
