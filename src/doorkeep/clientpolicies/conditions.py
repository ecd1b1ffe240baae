"""The conditions Doorkeep evaluates, each as Keycloak's provider votes: True (YES), False (NO) or None
(ABSTAIN, an event the condition does not look at). Configuration keys are Keycloak's."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import strings
from doorkeep.clientpolicies.context import ClientFacts, Event, PolicyContext

# ClientAccessTypeCondition: every event but REGISTER judges the stored client (and, on UPDATE, the proposed one)
_ACCESS_TYPE_EVENTS = frozenset(Event) - {Event.REGISTER}
# ClientRolesCondition (UPDATE: the roles the client has when it is changed)
_ROLE_EVENTS = frozenset(
    {
        Event.UPDATE,
        Event.AUTHORIZATION_REQUEST,
        Event.TOKEN_REQUEST,
        Event.TOKEN_REFRESH,
        Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
    }
)
# ClientScopesCondition: the scope of the request (authorization) or of the client session (token)
_SCOPE_EVENTS = frozenset(
    {
        Event.AUTHORIZATION_REQUEST,
        Event.TOKEN_REQUEST,
        Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
    }
)


def _access_type(public: bool, bearer_only: bool) -> str:
    return "public" if public else "bearer-only" if bearer_only else "confidential"


def _proposed_access_type(rep: dict[str, Any] | None) -> str | None:
    if rep is None:
        return None
    return _access_type(rep.get("publicClient") is True, rep.get("bearerOnly") is True)


def _client_access_type(client: ClientFacts | None) -> str | None:
    return None if client is None else _access_type(client.public, client.bearer_only)


def client_access_type(config: dict[str, Any], context: PolicyContext) -> bool | None:
    expected = strings(config, "type")
    if context.event is Event.REGISTER:
        return _proposed_access_type(context.proposed) in expected
    if context.event not in _ACCESS_TYPE_EVENTS:
        return None
    if _client_access_type(context.client) in expected:
        return True
    # an update that turns the client into the expected type is judged too
    return context.event is Event.UPDATE and _proposed_access_type(context.proposed) in expected


def client_roles(config: dict[str, Any], context: PolicyContext) -> bool | None:
    if context.event not in _ROLE_EVENTS:
        return None
    return context.client is not None and bool(set(strings(config, "roles")) & context.client.role_names)


def client_scopes(config: dict[str, Any], context: PolicyContext) -> bool | None:
    if context.event not in _SCOPE_EVENTS:
        return None
    client = context.client
    if client is None or config.get("scopes") is None:
        return False
    expected = set(strings(config, "scopes"))
    explicit = set((context.scope or "").split(" "))
    kind = config.get("type")
    if kind == "Default":
        return bool(expected & client.default_scopes)
    if kind == "Optional":
        return bool(explicit & expected & client.optional_scopes)
    if kind == "Any":
        return bool(expected & client.default_scopes) or bool(explicit & expected & client.optional_scopes)
    return False


def client_updater_context(config: dict[str, Any], context: PolicyContext) -> bool | None:
    if context.event not in (Event.REGISTER, Event.UPDATE):
        return None
    return context.updater is not None and context.updater in strings(config, "update-client-source")


def any_client(config: dict[str, Any], context: PolicyContext) -> bool | None:
    return True


CONDITIONS = {
    "any-client": any_client,
    "client-access-type": client_access_type,
    "client-roles": client_roles,
    "client-scopes": client_scopes,
    "client-updater-context": client_updater_context,
}


def vote(provider: str, config: dict[str, Any], context: PolicyContext) -> bool | None:
    """The condition's vote; a provider Doorkeep does not know (never stored: validation refuses it) abstains."""
    condition = CONDITIONS.get(provider)
    return None if condition is None else condition(config, context)
