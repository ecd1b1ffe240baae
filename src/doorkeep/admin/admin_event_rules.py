"""Which admin calls Keycloak records, as which operation on which resource type, and what of the
request body it keeps.

Paths are relative to ``/admin/realms/{realm}/`` and decoded, as Keycloak's
``AdminEventBuilder.resourcePath`` stores them. The representation is the request body with every
secret replaced by Keycloak's ``**********`` (its ``StripSecretsUtils``): client secrets, credential
values, passwords, and the secret fields of identity providers, SMTP settings and components.
"""

from __future__ import annotations

import json
from typing import Any

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
        "impersonation",
        "revoke",  # offline-sessions/revoke, the bulk revocation (a Doorkeep extension)
    }
)
# Calls that change nothing Keycloak records: clearing the event stores, reading through POST.
NOT_RECORDED = frozenset({("DELETE", "events"), ("DELETE", "admin-events"), ("POST", "partial-export")})
MAPPINGS = {
    "role-mappings": ("REALM_ROLE_MAPPING", "CLIENT_ROLE_MAPPING"),
    "scope-mappings": ("REALM_SCOPE_MAPPING", "CLIENT_SCOPE_MAPPING"),
    "composites": ("REALM_ROLE", "CLIENT_ROLE"),
}
TOP = {
    "users": "USER",
    "clients": "CLIENT",
    "client-scopes": "CLIENT_SCOPE",
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
    "users-management-permissions": "REALM",
}


def operation_type(method: str, segments: list[str]) -> str | None:
    """CREATE, UPDATE, DELETE or ACTION for a successful write; None for calls Keycloak does not record."""
    last = segments[-1] if segments else ""
    if not segments and method == "DELETE":
        return None  # the realm itself is gone, and its events with it
    if (method, last) in NOT_RECORDED and len(segments) == 1:
        return None
    if last in ACTIONS or (method == "DELETE" and len(segments) >= 4 and segments[2] == "consents"):
        return "ACTION"  # revoking a consent is an ACTION in Keycloak's UserResource
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
        "default-default-client-scopes",
        "default-optional-client-scopes",
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
    if segments[0] == "users" and len(segments) > 2 and segments[2] == "groups":
        return "GROUP_MEMBERSHIP"
    if segments[0] == "clients" and len(segments) > 2 and segments[2] == "roles":
        return "CLIENT_ROLE"
    return TOP.get(segments[0], "CUSTOM")


def strip_secrets(value: Any) -> Any:
    """A copy of a representation with every secret value masked."""
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
        key: SECRET_VALUE if _secret_name(key) and item is not None else strip_secrets(item)
        for key, item in attributes.items()
    }


def _secret_name(key: str) -> bool:
    lowered = key.lower()
    return lowered.endswith("secret") or "password" in lowered or lowered in ("client.secret.rotated", "privatekey")


def representation(body: Any) -> str | None:
    """The stored representation: the stripped request body as compact JSON, or None without a body."""
    if body is None:
        return None
    return json.dumps(strip_secrets(body), separators=(",", ":"), ensure_ascii=False)
