"""The conditions Doorkeep evaluates, each as Keycloak's provider votes: True (YES), False (NO) or None
(ABSTAIN, an event the condition does not look at). Configuration keys are Keycloak's."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies import updater_conditions
from doorkeep.clientpolicies.config_values import serialized_map, strings
from doorkeep.clientpolicies.context import ADMIN_CRUD_EVENTS, ADMIN_EVENTS, ClientFacts, Event, PolicyContext

# ClientAccessTypeCondition: every event but REGISTER judges the stored client (and, on UPDATE, the proposed one);
# it abstains before the client is known (PRE_AUTHORIZATION_REQUEST)
_ACCESS_TYPE_EVENTS = frozenset(Event) - {Event.REGISTER, Event.PRE_AUTHORIZATION_REQUEST}
# ClientRolesCondition (UPDATE: the roles the client has when it is changed)
_ROLE_EVENTS = frozenset(
    {
        Event.TOKEN_REVOKE,  # the authenticated caller's roles, as at introspection and logout
        Event.TOKEN_INTROSPECT,
        Event.USERINFO_REQUEST,  # no client is known yet: no
        Event.LOGOUT_REQUEST,
        Event.UPDATE,
        Event.AUTHORIZATION_REQUEST,
        Event.TOKEN_REQUEST,
        Event.TOKEN_REFRESH,
        Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
        Event.BACKCHANNEL_AUTHENTICATION_REQUEST,
        Event.BACKCHANNEL_TOKEN_REQUEST,
        *ADMIN_EVENTS,
    }
)
# ClientScopesCondition: the scope of the request (authorization, token exchange) or of the client session (token)
_SCOPE_EVENTS = frozenset(
    {
        Event.AUTHORIZATION_REQUEST,
        Event.TOKEN_EXCHANGE_REQUEST,
        Event.TOKEN_REQUEST,
        Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
        Event.BACKCHANNEL_AUTHENTICATION_REQUEST,
        Event.BACKCHANNEL_TOKEN_REQUEST,
    }
)


# ClientAttributesCondition (Keycloak 26): the events that carry a stored client (REGISTERED and UPDATED: the
# client as written; PRE_AUTHORIZATION_REQUEST: the client its client_id names); REGISTER and the resource owner
# password grant are not among them
_ATTRIBUTE_EVENTS = frozenset(
    {
        Event.PRE_AUTHORIZATION_REQUEST,
        Event.REGISTERED,
        Event.UPDATE,
        Event.UPDATED,
        Event.AUTHORIZATION_REQUEST,
        Event.PUSHED_AUTHORIZATION_REQUEST,
        Event.TOKEN_REQUEST,
        Event.TOKEN_REFRESH,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
        *ADMIN_EVENTS,
    }
)
# GrantTypeCondition: the grant each token event stands for (a code exchange, TOKEN_REQUEST, is not judged)
_EVENT_GRANTS = {
    Event.TOKEN_REFRESH: "refresh_token",
    Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST: "password",
    Event.SERVICE_ACCOUNT_TOKEN_REQUEST: "client_credentials",
    Event.TOKEN_EXCHANGE_REQUEST: "urn:ietf:params:oauth:grant-type:token-exchange",
    Event.JWT_AUTHORIZATION_GRANT: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    Event.DEVICE_TOKEN_REQUEST: "urn:ietf:params:oauth:grant-type:device_code",
}


def _access_type(public: bool, bearer_only: bool) -> str:
    return "public" if public else "bearer-only" if bearer_only else "confidential"


def _proposed_access_type(rep: dict[str, Any] | None) -> str | None:
    if rep is None:
        return None
    return _access_type(rep.get("publicClient") is True, rep.get("bearerOnly") is True)


def _client_access_type(client: ClientFacts | None) -> str | None:
    return None if client is None else _access_type(client.public, client.bearer_only)


def _no_target(context: PolicyContext) -> bool:
    """An admin event without a target client (a realm role's mapping): the client conditions abstain, negated or
    not (Keycloak 26.8's AdminRoleMappingClientPolicyTest.realmRoleMappingIgnoresNegativeClientCondition)."""
    return context.event in ADMIN_EVENTS and context.client is None


def client_access_type(config: dict[str, Any], context: PolicyContext) -> bool | None:
    expected = strings(config, "type")
    if _no_target(context):
        return None
    if context.event is Event.REGISTER:
        return _proposed_access_type(context.proposed) in expected
    if context.event not in _ACCESS_TYPE_EVENTS:
        return None
    if _client_access_type(context.client) in expected:
        return True
    # an update that turns the client into the expected type is judged too
    return context.event is Event.UPDATE and _proposed_access_type(context.proposed) in expected


def client_roles(config: dict[str, Any], context: PolicyContext) -> bool | None:
    if context.event not in _ROLE_EVENTS or _no_target(context):
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
    if context.event not in (Event.REGISTER, Event.UPDATE, Event.REGISTERED, Event.UPDATED, *ADMIN_CRUD_EVENTS):
        return None
    return context.updater is not None and context.updater in strings(config, "update-client-source")


def attribute_pairs(config: dict[str, Any]) -> dict[str, list[str]] | None:
    """The ``attributes`` to match (MapperTypeSerializer: a JSON string of ``[{"key", "value"}]``), each key with its
    values; None when absent. ValueError when it cannot be read: a JSON array in the place of the string (Jackson
    cannot bind it to the String field), or a string that is not such a list (Keycloak stores it and fails on it
    at every request; Doorkeep refuses it when the policy is written)."""
    return serialized_map(config.get("attributes"), "attributes")


def client_attributes(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """Every configured attribute has its (single) value on the client; a key configured twice matches none."""
    if context.event not in _ATTRIBUTE_EVENTS or _no_target(context):
        return None
    client = context.client
    try:
        wanted = attribute_pairs(config)
    except ValueError:
        return False
    if client is None or wanted is None:
        return False
    return all(len(values) == 1 and client.attributes.get(key) == values[0] for key, values in wanted.items())


def _grant_types(config: dict[str, Any]) -> list[str]:
    return strings(config, "grantTypes") or strings(config, "grant_types")  # @JsonAlias("grant_types")


def _authorization_grant(response_type: str | None) -> str | None:
    """OIDCResponseType: any ``code`` (alone or hybrid) is authorization_code, ``token`` / ``id_token`` without it
    implicit; ``none``, nothing or an unknown value, neither."""
    parts = set((response_type or "").split(" ")) - {""}
    if not parts or not parts <= {"code", "token", "id_token"}:
        return None
    return "authorization_code" if "code" in parts else "implicit"


def grant_type(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """GrantTypeCondition: the grant of the request is one of ``grantTypes``."""
    if context.event is Event.AUTHORIZATION_REQUEST:
        grant = _authorization_grant(context.params.get("response_type"))
        return grant is not None and grant in _grant_types(config)
    grant = _EVENT_GRANTS.get(context.event)
    return None if grant is None else grant in _grant_types(config)


DEFAULT_PROTOCOL = "openid-connect"  # Constants.DEFAULT_PROTOCOL

# ClientProtocolCondition: the events it judges by the client's protocol (the proposed one at REGISTER, the
# written one at REGISTERED and UPDATED); the password grant and pushed authorization requests are not among them
_PROTOCOL_EVENTS = frozenset(
    {
        Event.AUTHORIZATION_REQUEST,
        Event.TOKEN_REQUEST,
        Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
        Event.TOKEN_REFRESH,
        Event.UPDATE,
        Event.REGISTERED,
        Event.UPDATED,
        *ADMIN_EVENTS,
    }
)


def client_type(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """ClientProtocolCondition (``client-type``): the client's protocol is ``protocol``. A new client without one is
    OpenID Connect's, as RepresentationToModel stores it; an update judges the stored protocol and the one it
    would set (keycloak#51202, pull request #51736, Keycloak 26.6.7: omitting the protocol, or creating a SAML
    client and switching it, no longer slips past a condition meant for OpenID Connect clients)."""
    wanted = config.get("protocol")
    proposed = (context.proposed or {}).get("protocol")
    if context.event is Event.REGISTER:
        return (DEFAULT_PROTOCOL if proposed is None else proposed) == wanted
    if context.event not in _PROTOCOL_EVENTS or _no_target(context):
        return None
    stored = context.client is not None and context.client.protocol == wanted
    return stored or (context.event is Event.UPDATE and proposed is not None and proposed == wanted)


def acr_condition(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """AcrCondition: an authorization request whose ACR values (acr_values, the claims parameter's, else the
    client's defaults) include ``acr-property``."""
    if context.event is not Event.AUTHORIZATION_REQUEST:
        return None
    return config.get("acr-property") in context.requested_acr


def any_client(config: dict[str, Any], context: PolicyContext) -> bool | None:
    return True


def identity_provider_alias(config: dict[str, Any], context: PolicyContext) -> bool | None:
    """IdentityProviderCondition (``identity-provider-alias``): at the JWT authorization grant, the provider the
    assertion's issuer names is one of ``identity_provider_aliases``; every other event abstains."""
    if context.event is not Event.JWT_AUTHORIZATION_GRANT:
        return None
    return context.identity_provider in (strings(config, "identity_provider_aliases") or [])


CONDITIONS = {
    "any-client": any_client,
    "client-access-type": client_access_type,
    "client-roles": client_roles,
    "client-scopes": client_scopes,
    "client-updater-context": client_updater_context,
    "client-attributes": client_attributes,
    "grant-type": grant_type,
    "client-type": client_type,
    "acr-condition": acr_condition,
    "identity-provider-alias": identity_provider_alias,
    "client-updater-source-host": updater_conditions.source_host,
    "client-updater-source-groups": updater_conditions.source_groups,
    "client-updater-source-roles": updater_conditions.source_roles,
}


def vote(provider: str, config: dict[str, Any], context: PolicyContext) -> bool | None:
    """The condition's vote; a provider Doorkeep does not know (never stored: validation refuses it) abstains."""
    condition = CONDITIONS.get(provider)
    return None if condition is None else condition(config, context)
