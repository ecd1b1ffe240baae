"""An admin event as Keycloak's AdminEvent holds it: who changed what, when, and (optionally) how."""

from __future__ import annotations

from dataclasses import dataclass

OPERATION_TYPES = ("CREATE", "UPDATE", "DELETE", "ACTION")
# Keycloak's org.keycloak.events.admin.ResourceType, in declaration order.
RESOURCE_TYPES = (
    "REALM",
    "REALM_ROLE",
    "REALM_ROLE_MAPPING",
    "REALM_SCOPE_MAPPING",
    "AUTH_FLOW",
    "AUTH_EXECUTION_FLOW",
    "AUTH_EXECUTION",
    "AUTHENTICATOR_CONFIG",
    "REQUIRED_ACTION",
    "IDENTITY_PROVIDER",
    "IDENTITY_PROVIDER_MAPPER",
    "PROTOCOL_MAPPER",
    "USER",
    "USER_LOGIN_FAILURE",
    "USER_SESSION",
    "USER_FEDERATION_PROVIDER",
    "USER_FEDERATION_MAPPER",
    "GROUP",
    "GROUP_MEMBERSHIP",
    "CLIENT",
    "CLIENT_INITIAL_ACCESS_MODEL",
    "CLIENT_ROLE",
    "CLIENT_ROLE_MAPPING",
    "CLIENT_SCOPE",
    "CLIENT_SCOPE_MAPPING",
    "CLIENT_SCOPE_CLIENT_MAPPING",
    "CLUSTER_NODE",
    "COMPONENT",
    "AUTHORIZATION_RESOURCE_SERVER",
    "AUTHORIZATION_RESOURCE",
    "AUTHORIZATION_SCOPE",
    "AUTHORIZATION_POLICY",
    "CUSTOM",
    "USER_PROFILE",
    "REALM_LOCALIZATION",
    "ORGANIZATION",
    "ORGANIZATION_MEMBERSHIP",
    "ORGANIZATION_GROUP",  # Keycloak 26.6: OrganizationGroupsResource and OrganizationGroupResource
    "ORGANIZATION_GROUP_MEMBERSHIP",
)


@dataclass(frozen=True)
class AdminEvent:
    """One admin change (``time`` in ms). ``auth_*`` are Keycloak's AuthDetails: the admin's realm id,
    the id (UUID) of the client the admin's token was issued to, the admin's user id and address."""

    id: str
    realm_id: str
    time: int
    operation_type: str
    resource_type: str
    resource_path: str | None
    auth_realm_id: str
    auth_client_id: str
    auth_user_id: str
    auth_ip_address: str
    representation: str | None = None
    error: str | None = None
    # AdminEvent.getDetails (Keycloak 26.1+): what AdminEventBuilder.detail added, blank values left out; stored
    # whether or not the realm keeps representations (JpaEventStoreProvider.convertAdminEvent, DETAILS_JSON)
    details: dict[str, str] | None = None


def like_ends_in_escape(pattern: str) -> bool:
    """Whether a LIKE pattern ends in a lone backslash, its escape character on PostgreSQL and H2, which
    PostgreSQL refuses ("LIKE pattern must not end with escape character")."""
    return (len(pattern) - len(pattern.rstrip("\\"))) % 2 == 1


@dataclass(frozen=True)
class AdminEventQuery:
    """The filters of ``GET admin-events`` (Keycloak's AdminEventQuery); dates in ms, inclusive."""

    operation_types: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    # a LIKE pattern whose ``*`` (as ``%``) matches any run of characters and ``_`` any one; ``\\`` escapes
    resource_path: str | None = None
    auth_realm: str | None = None
    auth_client: str | None = None
    auth_user: str | None = None
    auth_ip_address: str | None = None
    date_from: int | None = None
    date_to: int | None = None
    first: int | None = None
    max: int | None = None
    ascending: bool = False
