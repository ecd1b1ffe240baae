"""Which admin calls Keycloak records, as which operation on which resource type, and what of the
request body it keeps.

Paths are relative to ``/admin/realms/{realm}/`` and decoded, as Keycloak's
``AdminEventBuilder.resourcePath`` stores them. The representation is what the resource method hands
``AdminEventBuilder.representation``, stripped as its ``StripSecretsUtils.stripSecrets`` strips that
class and no other: a user loses its ``credentials``; a client's ``secret`` and ``client.secret.rotated``
attribute, a realm's SMTP ``password`` and ``authTokenClientSecret`` and an identity provider's
``clientSecret`` are masked unless they are vault references (``${vault.x}``); a credential's ``value``
is always masked. Everything else, attribute names that merely look secret included, is kept.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from doorkeep.clientreg import policy_components
from doorkeep.keys import components

SECRET_VALUE = "**********"  # Keycloak's ComponentRepresentation.SECRET_VALUE
# Keys whose values are secrets wherever they appear in a representation.
SECRET_KEYS = frozenset(
    {
        "secret",
        "password",
        "clientSecret",
        "value",
        "secretData",
        "hashedSaltedValue",
        "registrationAccessToken",
        "privateKey",
        "keystorePassword",
        "truststorePassword",
    }
)
# POST calls that act on a resource rather than create one (OperationType.ACTION).
ACTIONS = frozenset(
    {
        "logout",
        "logout-all",
        "push-revocation",
        "client-secret",
        "send-verify-email",
        "execute-actions-email",
        "reset-password",
        "reset-password-email",
        "registration-access-token",
        "test-nodes-available",
        "clear-realm-cache",
        "clear-user-cache",
        "clear-keys-cache",
        "revoke",  # offline-sessions/revoke, the bulk revocation (a Doorkeep extension)
        "generate",  # ClientAttributeCertificateResource.generate and generateAndGetKeystore
        "generate-and-download",
        "upload",  # ClientAttributeCertificateResource.uploadJks and uploadJksCertificate
        "upload-certificate",
    }
)
# Calls that change nothing Keycloak records: clearing the event stores, reading through POST.
NOT_RECORDED = frozenset(
    {
        ("DELETE", "events"),
        ("DELETE", "admin-events"),
        ("POST", "partial-export"),
        ("POST", "client-description-converter"),  # convertClientDescription stores nothing, fires no event
    }
)
MAPPINGS = {
    "role-mappings": ("REALM_ROLE_MAPPING", "CLIENT_ROLE_MAPPING"),
    "scope-mappings": ("REALM_SCOPE_MAPPING", "CLIENT_SCOPE_MAPPING"),
    "composites": ("REALM_ROLE", "CLIENT_ROLE"),
}
CLIENT_SCOPE_LINKS = ("default-client-scopes", "optional-client-scopes")
TOP = {
    "users": "USER",
    "clients": "CLIENT",
    "client-scopes": "CLIENT_SCOPE",
    "client-templates": "CLIENT_SCOPE",  # RealmAdminResource.getClientTemplates: the ClientScopesResource
    "default-default-client-scopes": "CLIENT_SCOPE",  # RealmAdminResource.addDefaultClientScope
    "default-optional-client-scopes": "CLIENT_SCOPE",
    "roles": "REALM_ROLE",
    "roles-by-id": "REALM_ROLE",
    "groups": "GROUP",
    "default-groups": "GROUP",
    "sessions": "USER_SESSION",
    "offline-sessions": "USER_SESSION",
    "components": "COMPONENT",
    "identity-provider": "IDENTITY_PROVIDER",
    "authentication": "AUTH_FLOW",
    "attack-detection": "USER_LOGIN_FAILURE",
    "localization": "REALM_LOCALIZATION",
    "organizations": "ORGANIZATION",
    "client-policies": "REALM",
    "clients-initial-access": "CLIENT_INITIAL_ACCESS_MODEL",  # ClientInitialAccessResource
    "users-management-permissions": "REALM",
}


# PUTs that link two existing resources, each a CREATE in Keycloak (UserResource.joinGroup,
# RealmAdminResource.addDefaultGroup and addDefaultClientScope, ClientResource.addDefaultClientScope).
LINKS = (
    ("users", "*", "groups", "*"),
    ("default-groups", "*"),
    ("clients", "*", "default-client-scopes", "*"),
    ("clients", "*", "optional-client-scopes", "*"),
    ("default-default-client-scopes", "*"),
    ("default-optional-client-scopes", "*"),
)
# AuthenticationManagementResource's required-action calls, REQUIRED_ACTION events (their config ones
# REQUIRED_ACTION_CONFIG); its raise- and lower-priority POSTs record an UPDATE.
REQUIRED_ACTION_PATHS = frozenset({"required-actions", "register-required-action"})
PRIORITY_MOVES = frozenset({"raise-priority", "lower-priority"})
# Writes Keycloak records no admin event for: UserResource.impersonate records the user event IMPERSONATE only;
# moveCredentialToFirst and moveCredentialAfter record none, nor do the client-policies and localization resources.
UNRECORDED = (
    ("POST", ("users", "*", "impersonation")),
    ("POST", ("users", "*", "credentials", "*", "moveToFirst")),
    ("POST", ("users", "*", "credentials", "*", "moveAfter", "*")),
    ("PUT", ("client-policies", "*")),  # ClientProfilesResource and ClientPoliciesResource record none
    ("PUT", ("localization", "*", "*")),  # RealmLocalizationResource records none
    ("POST", ("localization", "*")),
    ("DELETE", ("localization", "*")),
    ("DELETE", ("localization", "*", "*")),
)
# DELETEs that are an ACTION on the user (UserResource.revokeConsent, removeCredential).
USER_ACTION_DELETES = (("users", "*", "consents", "*"), ("users", "*", "credentials", "*"))


def _matches(segments: list[str], pattern: tuple[str, ...]) -> bool:
    return len(segments) == len(pattern) and all(p in ("*", s) for s, p in zip(segments, pattern, strict=True))


def operation_type(method: str, segments: list[str]) -> str | None:
    """CREATE, UPDATE, DELETE or ACTION for a successful write; None for calls Keycloak does not record."""
    last = segments[-1] if segments else ""
    if not segments and method == "DELETE":
        return None  # the realm itself is gone, and its events with it
    if (method, last) in NOT_RECORDED and len(segments) == 1:
        return None
    if any(method == m and _matches(segments, p) for m, p in UNRECORDED):
        return None
    if last in ACTIONS or (method == "DELETE" and any(_matches(segments, p) for p in USER_ACTION_DELETES)):
        return "ACTION"
    if method == "POST" and last in PRIORITY_MOVES:
        return "UPDATE"
    if method == "PUT" and any(_matches(segments, p) for p in LINKS):
        return "CREATE"
    return {"POST": "CREATE", "PUT": "UPDATE", "DELETE": "DELETE"}.get(method)


def resource_type(segments: list[str]) -> str:
    """Keycloak's ResourceType for a realm-relative path."""
    if not segments or segments[0] in (
        "events",
        "logout-all",
        "push-revocation",
        "clear-realm-cache",  # RealmAdminResource's events are REALM ones
        "clear-user-cache",
        "clear-keys-cache",
    ):
        return "REALM"
    for index, segment in enumerate(segments):
        if segment in MAPPINGS and index > 0:
            realm_kind, client_kind = MAPPINGS[segment]
            if segment == "composites" and segments[0] == "clients":
                return "CLIENT_ROLE"
            return client_kind if "clients" in segments[index + 1 :] else realm_kind
    if "protocol-mappers" in segments:
        return "PROTOCOL_MAPPER"
    if segments[0] == "identity-provider" and "mappers" in segments:
        return "IDENTITY_PROVIDER_MAPPER"  # IdentityProviderResource's mapper calls
    if segments[:2] == ["users", "profile"]:
        return "USER_PROFILE"  # UserProfileResource's adminEvent.resource(ResourceType.USER_PROFILE)
    if segments[0] == "users" and len(segments) > 2 and segments[2] == "groups":
        return "GROUP_MEMBERSHIP"
    if segments[0] == "clients" and len(segments) > 2 and segments[2] == "roles":
        return "CLIENT_ROLE"
    if segments[0] == "clients" and len(segments) > 2 and segments[2] in CLIENT_SCOPE_LINKS:
        return "CLIENT_SCOPE_CLIENT_MAPPING"
    if segments[0] == "authentication" and len(segments) > 1 and segments[1] in REQUIRED_ACTION_PATHS:
        return "REQUIRED_ACTION_CONFIG" if segments[-1] == "config" else "REQUIRED_ACTION"
    return TOP.get(segments[0], "CUSTOM")


def strip_secrets(value: Any) -> Any:
    """A copy of a representation with every secret-looking value masked: the partial export's masking,
    broader than what admin events strip (``strip_for_event``)."""
    if isinstance(value, dict):
        return {
            key: SECRET_VALUE
            if key in SECRET_KEYS and item is not None and not isinstance(item, (dict, list))
            else _strip_attributes(item)
            if key in ("attributes", "config")
            else strip_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [strip_secrets(item) for item in value]
    return value


def _strip_attributes(attributes: Any) -> Any:
    """Attribute maps (client attributes, component config) mask the keys that name a secret."""
    if not isinstance(attributes, dict):
        return strip_secrets(attributes)
    return {
        key: _masked_attribute(item) if _secret_name(key) and item is not None else strip_secrets(item)
        for key, item in attributes.items()
    }


def _masked_attribute(item: Any) -> Any:
    """A component's config values are lists: masked one by one, the list kept (stripComponentConfigMap)."""
    return _masked(item) if isinstance(item, list) else SECRET_VALUE


def _secret_name(key: str) -> bool:
    lowered = key.lower()
    return lowered.endswith("secret") or "password" in lowered or lowered in ("client.secret.rotated", "privatekey")


# ACTIONs Keycloak records without a representation, whatever the request carried
# (UserResource.resetPassword, executeActionsEmail).
NO_REPRESENTATION = frozenset({"reset-password", "execute-actions-email"})
VAULT_VALUE = re.compile(r"\$\{vault\.(.+?)}")  # StripSecretsUtils.VAULT_VALUE, matched whole


def _mask(value: Any) -> Any:
    """StripSecretsUtils.maskNonVaultValue: null stays null, a vault reference stays as it is."""
    if value is None or (isinstance(value, str) and VAULT_VALUE.fullmatch(value)):
        return value
    return SECRET_VALUE


def _mask_key(config: Any, key: str) -> None:
    """StripSecretsUtils.stripFromMap: mask ``key`` of a string map if it is there."""
    if isinstance(config, dict) and key in config:
        config[key] = _mask(config[key])


def _strip_user(rep: dict[str, Any]) -> dict[str, Any]:
    rep.pop("credentials", None)  # setCredentials(null); Keycloak's JSON leaves nulls out
    return rep


def strip_client(rep: dict[str, Any]) -> dict[str, Any]:
    """StripSecretsUtils.stripClient: the secret and the rotated secret masked (vault references kept); also what
    ClientResource.getClient and the client list show a caller who may view the client but not manage it."""
    if rep.get("secret") is not None:
        rep["secret"] = _mask(rep["secret"])
    _mask_key(rep.get("attributes"), "client.secret.rotated")  # ClientSecretConstants.CLIENT_ROTATED_SECRET
    return rep


def _strip_broker(rep: dict[str, Any]) -> dict[str, Any]:
    _mask_key(rep.get("config"), "clientSecret")
    return rep


def _strip_component(rep: dict[str, Any]) -> dict[str, Any]:
    """Keycloak masks a component's secret properties and drops undeclared ones, by its provider's
    metadata (StripSecretsUtils.stripComponent); for a provider Doorkeep does not know, it masks every config
    value rather than guess."""
    config = rep.get("config")
    declared = key_properties(rep.get("providerType"), rep.get("providerId"))
    policy = rep.get("providerType") == policy_components.POLICY_TYPE and rep.get("providerId")
    if isinstance(config, dict) and isinstance(policy, str) and policy in policy_components.PROVIDERS:
        # A registration policy's properties: none is secret (ClientRegistrationPolicyFactory's metadata).
        names = policy_components.declared(policy)
        rep["config"] = {key: values for key, values in config.items() if key in names}
    elif isinstance(config, dict) and declared is None:
        rep["config"] = {key: [SECRET_VALUE] for key in config}
    elif isinstance(config, dict) and declared is not None:
        rep["config"] = {
            key: _masked(values) if declared[key].secret else values
            for key, values in config.items()
            if key in declared
        }
    children = rep.get("subComponents")
    for listed in children.values() if isinstance(children, dict) else ():
        _each(listed, _strip_component)
    return rep


def _masked(values: Any) -> Any:
    """A secret property's values: none is one mask, else maskNonVaultValue over each."""
    if not isinstance(values, list) or not values:
        return [SECRET_VALUE]
    return [_mask(v) for v in values]


def key_properties(provider_type: Any, provider_id: Any) -> dict[str, components.Prop] | None:
    """A key provider's declared config properties by name; None for any other component."""
    if provider_type != components.KEY_PROVIDER or not isinstance(provider_id, str):
        return None
    if provider_id not in components.PROPERTIES:
        return None
    return {p.name: p for p in components.PROPERTIES[provider_id]}


def _each(items: Any, strip: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            strip(item)


def _strip_realm(rep: dict[str, Any]) -> dict[str, Any]:
    _mask_key(rep.get("smtpServer"), "password")
    _mask_key(rep.get("smtpServer"), "authTokenClientSecret")
    _each(rep.get("clients"), strip_client)
    _each(rep.get("identityProviders"), _strip_broker)
    components = rep.get("components")
    for listed in components.values() if isinstance(components, dict) else ():
        _each(listed, _strip_component)
    _each(rep.get("users"), _strip_user)
    _each(rep.get("federatedUsers"), _strip_user)
    return rep


def _strip_credential(rep: dict[str, Any]) -> dict[str, Any]:
    rep["value"] = SECRET_VALUE  # stripCredentials masks unconditionally
    return rep


_STRIP: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "realm": _strip_realm,
    "user": _strip_user,
    "client": strip_client,
    "broker": _strip_broker,
    "credential": _strip_credential,
    "component": _strip_component,
}


def _kind(method: str, segments: list[str]) -> str | None:
    """The representation class a call hands the event builder, for StripSecretsUtils' choice of stripping."""
    if not segments:
        return "realm"
    if method == "POST" and segments[-1] == "client-secret":
        return "credential"
    if len(segments) == 2 and segments[0] in ("users", "clients"):
        return "user" if segments[0] == "users" else "client"
    if len(segments) == 3 and segments[:2] == ["identity-provider", "instances"]:
        return "broker"
    if segments[0] == "components" and len(segments) <= 2 and method in ("POST", "PUT"):
        return "component"
    return None


def realm_representation(body: Any) -> Any:
    """A RealmRepresentation as a new realm's CREATE event keeps it: stripped as StripSecretsUtils strips a realm."""
    return _strip_realm(copy.deepcopy(body)) if isinstance(body, dict) else body


def representation(method: str, segments: list[str], body: Any) -> str | None:
    """The stored representation of a call: what its Keycloak resource method records, stripped of
    secrets as StripSecretsUtils strips that representation's class, as compact JSON; None without one."""
    last = segments[-1] if segments else ""
    if last in NO_REPRESENTATION:
        return None
    if method == "POST" and last == "client-secret":
        body = {"type": "secret", "value": SECRET_VALUE}  # regenerateSecret's CredentialRepresentation, stripped
    if body is None:
        return None
    kind = _kind(method, segments)
    if kind is not None and isinstance(body, dict):
        body = _STRIP[kind](copy.deepcopy(body))
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)
