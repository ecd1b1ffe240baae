"""The OpenAPI 3.1 document of the Admin REST and Account REST APIs, generated from the route table.

Every route the app serves under ``/admin`` and ``/realms/{realm}/account`` becomes an operation:
its path and methods come from the routes themselves (so the document cannot list an endpoint the
server lacks, nor miss one), its path parameters from the path template, and its request and
response schemas from ``RULES`` below, keyed by the path's shape and naming the representations of
``doorkeep.admin.openapi_schemas`` (derived from the same field tables the handlers use). A route no
rule covers is still documented, with an open schema; a unit test keeps that list empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from doorkeep import __version__
from doorkeep.admin.openapi_schemas import BOOLEAN, INTEGER, OBJECT, STRING, array_of, component_schemas, ref

PREFIXES = ("/admin/realms", "/admin/serverinfo", "/realms/{realm}/account")
ANY: dict[str, Any] = {}
JSON, MULTIPART, OCTETS, TEXT = "application/json", "multipart/form-data", "application/octet-stream", "text/plain"
BINARY = {"type": "string", "format": "binary"}


@dataclass(frozen=True)
class Rule:
    """How operations whose ``METHOD path`` matches ``pattern`` answer and what body they take."""

    pattern: str  # a regular expression over "METHOD /path/{param}"
    response: dict[str, Any] | None  # the success body's schema; None: no body
    request: dict[str, Any] | None = None
    status: str = "2XX"
    request_media: str = JSON
    response_media: str = JSON


def _rule(
    pattern: str,
    response: dict[str, Any] | None,
    request: dict[str, Any] | None = None,
    status: str = "2XX",
    *,
    request_media: str = JSON,
    response_media: str = JSON,
) -> Rule:
    return Rule(pattern, response, request, status, request_media, response_media)


ROLES, USERS, SESSIONS = (
    array_of("RoleRepresentation"),
    array_of("UserRepresentation"),
    array_of("UserSessionRepresentation"),
)
MAPPINGS = {"type": "object", "properties": {"realmMappings": ROLES, "clientMappings": OBJECT}}
RULES: tuple[Rule, ...] = (
    # reads, most specific first
    _rule(r"GET /admin/serverinfo$", ref("ServerInfoRepresentation")),
    _rule(r"GET /admin/realms/?$", array_of("RealmRepresentation")),
    _rule(r"GET /admin/realms/\{realm\}$", ref("RealmRepresentation")),
    # admin-ui-ext's ClientRole, RealmNameRepresentation, EventListener and BruteUser lists and UIRealmInfo (ahead
    # of the groups/{id} and users rules their paths end like)
    _rule(
        r"GET .*/ui-ext/((effective|available)-roles/.*|realms/names|available-event-listeners)$",
        {"type": "array", "items": OBJECT},
    ),
    _rule(r"GET .*/ui-ext/brute-force-user$", USERS),  # UserRepresentations with bruteForceStatus
    _rule(r"GET /admin/realms/\{realm\}/credential-registrators$", {"type": "array", "items": STRING}),
    _rule(r"GET .*/ui-ext/info$", OBJECT),
    # admin-ui-ext AuthenticationManagementResource: Authentication, UsedByReference, required action lists
    _rule(r"GET .*/ui-ext/authentication-management/.*$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/(offline-session-count|session-count|groups/count)$", ref("Count")),
    _rule(r"GET .*/protocol-mappers/models/\{mid\}$", OBJECT),
    _rule(r"GET .*/protocol-mappers/(models|protocol/\{protocol\})$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/groups/\{id\}/members$", USERS),
    _rule(r"GET .*/(groups/\{id\}|group-by-path/\{path(:path)?\})$", OBJECT),
    _rule(r"GET .*/(groups|groups/\{id\}/children|default-groups)$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/(users|clients)/count$", INTEGER),
    # OrganizationsResource, OrganizationMemberResource: counts are bare numbers
    _rule(r"GET .*/organizations/(count|\{id\}/members/count)$", INTEGER),
    _rule(r"GET .*/organizations/\{id\}(/members/\{user\})?$", OBJECT),
    _rule(
        r"GET .*/organizations(/\{id\}/members|(/\{id\})?/members/\{user\}/organizations)?$",
        {"type": "array", "items": OBJECT},
    ),
    # OrganizationGroupsResource, OrganizationGroupResource (Keycloak 26.6): GroupRepresentations, MemberRepresentations
    _rule(r"GET .*/organizations/\{id\}/groups/\{group\}$", OBJECT),
    _rule(r"GET .*/organizations/\{id\}/groups/\{group\}/(children|members)$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/organizations/\{id\}/members/\{user\}/groups$", {"type": "array", "items": OBJECT}),
    # OrganizationRolesResource, OrganizationRoleResource (after 26.8.0): RoleRepresentations, UserRepresentations
    _rule(r"GET .*/organizations/\{id\}/roles/count$", INTEGER),
    _rule(r"GET .*/organizations/\{id\}/roles/\{role\}$", ref("RoleRepresentation")),
    _rule(r"GET .*/organizations/\{id\}/roles/\{role\}/users(/available)?$", USERS),
    _rule(r"GET .*/organizations/\{id\}/roles(/\{role\}/composites(/[a-z]+|/clients/\{client\})?)?$", ROLES),
    # organization groups' role mappings (s71-b): a MappingsRepresentation, RoleRepresentations
    _rule(r"GET .*/organizations/\{id\}/groups/\{group\}/role-mappings$", OBJECT),
    _rule(r"GET .*/organizations/\{id\}/groups/\{group\}/role-mappings/.+$", ROLES),
    _rule(r"GET .*/groups/\{id\}/role-mappings/organizations/available$", ROLES),
    # OrganizationIdentityProvidersResource: IdentityProviderRepresentations
    _rule(r"GET .*/organizations(/\{id\})?/domains/\{name\}$", OBJECT),  # OrganizationDomainRepresentation
    _rule(r"GET .*/organizations(/\{id\})?/domains$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/organizations/\{id\}/identity-providers/\{alias\}$", OBJECT),
    _rule(r"GET .*/organizations/\{id\}/identity-providers$", {"type": "array", "items": OBJECT}),
    # OrganizationInvitationResource (26.4): OrganizationInvitationRepresentations
    _rule(r"GET .*/organizations/\{id\}/invitations/\{inv\}$", OBJECT),
    _rule(r"GET .*/organizations/\{id\}/invitations$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/(role-mappings|scope-mappings)$", MAPPINGS),
    # RoleMappingAwareResource's views: MappingsRepresentations, not lists
    _rule(r"GET .*/(role-mappings|scope-mappings|composites)/(composite|inherited|available)$", MAPPINGS),
    _rule(r"GET .*/(composites|role-mappings|scope-mappings)(/.*)?$", ROLES),
    _rule(r"GET .*/(roles|roles-by-id)/\{role_(name|id)\}/users$", USERS),
    _rule(r"GET .*/(roles|roles-by-id)/\{role_(name|id)\}$", ref("RoleRepresentation")),
    _rule(r"GET .*/roles$", ROLES),
    _rule(r"GET .*/client-secret(/rotated)?$", ref("CredentialRepresentation")),
    _rule(r"GET .*/test-nodes-available$", OBJECT),  # GlobalRequestResult, as push-revocation answers
    _rule(r"GET .*/service-account-user$", ref("UserRepresentation")),
    _rule(r"GET .*/(default|optional)-client-scopes$", array_of("ClientScopeRepresentation")),
    _rule(r"GET .*/(default-default|default-optional)-client-scopes$", array_of("ClientScopeRepresentation")),
    _rule(r"GET .*/ui-ext/sessions(/client)?$", {"type": "array", "items": OBJECT}),  # admin-ui-ext's shape
    _rule(r"GET .*/(offline-sessions|user-sessions|sessions)(/\{client\})?$", SESSIONS),
    _rule(r"GET .*/client-session-stats$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/users/\{id\}/consents$", array_of("UserConsentRepresentation")),
    _rule(r"GET .*/users/\{id\}/credentials$", array_of("CredentialRepresentation")),
    _rule(r"GET .*/users/\{id\}/federated-identity$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/users/\{id\}/configured-user-storage-credential-types$", {"type": "array", "items": STRING}),
    _rule(r"GET /admin/realms/\{realm\}/events/config$", ref("RealmEventsConfigRepresentation")),
    _rule(r"GET /admin/realms/\{realm\}/events$", array_of("EventRepresentation")),
    _rule(r"GET /admin/realms/\{realm\}/admin-events$", array_of("AdminEventRepresentation")),
    _rule(r"GET /admin/realms/\{realm\}/keys$", ref("KeysMetadataRepresentation")),
    _rule(r"GET /admin/realms/\{realm\}/components/\{id\}$", OBJECT),  # ComponentRepresentation
    _rule(r"GET /admin/realms/\{realm\}/components$", {"type": "array", "items": OBJECT}),
    _rule(r"GET /admin/realms/\{realm\}/components/\{id\}/sub-component-types$", {"type": "array", "items": OBJECT}),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/instances$", {"type": "array", "items": OBJECT}),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/(instances/\{alias\}|providers/\{provider_id\})$", OBJECT),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/mapper-types$", OBJECT),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/export$", None, status="204"),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/reload-keys$", BOOLEAN),
    _rule(
        r"GET /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/mappers$",
        {"type": "array", "items": OBJECT},
    ),
    _rule(r"GET /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/mappers/\{id\}$", OBJECT),
    _rule(r"GET /admin/realms/\{realm\}/users-management-permissions$", OBJECT),  # ManagementPermissionReference
    _rule(r"GET .*/installation/providers/\{provider\}$", None),  # text/plain: the installation file
    _rule(r"GET .*/certificates/\{attr\}$", ref("CertificateRepresentation")),
    _rule(r"GET .*/evaluate-scopes/protocol-mappers$", {"type": "array", "items": OBJECT}),
    _rule(r"GET .*/evaluate-scopes/scope-mappings/\{container\}/(granted|not-granted)$", ROLES),
    _rule(r"GET .*/evaluate-scopes/generate-example-(access-token|id-token|userinfo)$", OBJECT),
    _rule(r"GET /admin/realms/\{realm\}/authentication/required-actions/\{alias\}$", OBJECT),
    _rule(r"GET /admin/realms/\{realm\}/authentication/(flows|executions|config|executions/.*/config)/\{id\}$", OBJECT),
    _rule(
        r"GET /admin/realms/\{realm\}/authentication/(per-client-config-description|config-description/\{\w+\})$",
        OBJECT,
    ),
    _rule(
        r"GET /admin/realms/\{realm\}/authentication/policies/(otp|ciba|webauthn|webauthn-passwordless)-policy$", OBJECT
    ),
    _rule(r"GET /admin/realms/\{realm\}/authentication/.*$", {"type": "array", "items": OBJECT}),
    _rule(r"GET /admin/realms/\{realm\}/client-registration-policy/providers$", {"type": "array", "items": OBJECT}),
    # RealmLocalizationResource: the locales, a locale's texts, one text (text/plain)
    _rule(r"GET /admin/realms/\{realm\}/localization$", {"type": "array", "items": STRING}),
    _rule(r"GET /admin/realms/\{realm\}/localization/\{locale\}$", {"type": "object", "additionalProperties": STRING}),
    _rule(r"GET /admin/realms/\{realm\}/localization/\{locale\}/\{key\}$", STRING, response_media=TEXT),
    _rule(r"GET .*/attack-detection/.*$", OBJECT),
    _rule(r"GET .*/clients-initial-access$", {"type": "array", "items": OBJECT}),  # ClientInitialAccessPresentation
    _rule(r"GET .*/clients/\{id\}$", ref("ClientRepresentation")),
    _rule(r"GET .*/clients$", array_of("ClientRepresentation")),
    _rule(r"GET .*/client-(scopes|templates)/\{id\}$", ref("ClientScopeRepresentation")),
    _rule(r"GET .*/client-(scopes|templates)$", array_of("ClientScopeRepresentation")),
    _rule(r"GET .*/users/profile$", OBJECT),  # UPConfig
    _rule(r"GET .*/users/profile/metadata$", OBJECT),  # UserProfileMetadata
    # ClientProfilesRepresentation, ClientPoliciesRepresentation
    _rule(r"GET /admin/realms/\{realm\}/client-policies/(profiles|policies)$", OBJECT),
    _rule(r"GET .*/users/\{id\}$", ref("UserRepresentation")),
    _rule(r"GET .*/users$", USERS),
    _rule(r"GET /realms/\{realm\}/account(/applications/\{client_id\}/consent)?$", OBJECT),
    _rule(r"GET /realms/\{realm\}/account/.*$", {"type": "array", "items": OBJECT}),
    # writes
    _rule(r"POST /admin/realms/?$", None, ref("RealmRepresentation"), "201"),
    _rule(r"PUT /admin/realms/\{realm\}$", None, ref("RealmRepresentation")),
    _rule(r"(POST|DELETE) .*/(composites|role-mappings/.*|scope-mappings/.*)$", None, ROLES),
    _rule(r"POST .*/client-secret$", ref("CredentialRepresentation")),
    _rule(r"POST .*/registration-access-token$", ref("ClientRepresentation")),
    _rule(r"POST .*/client-description-converter$", ref("ClientRepresentation"), {"type": "string"}),
    _rule(r"POST .*/certificates/\{attr\}/generate$", ref("CertificateRepresentation")),
    _rule(
        r"POST .*/certificates/\{attr\}/(upload|upload-certificate)$",
        ref("CertificateRepresentation"),
        ref("CertificateUploadForm"),
        request_media=MULTIPART,
    ),
    _rule(  # the keystore file
        r"POST .*/certificates/\{attr\}/(download|generate-and-download)$",
        BINARY,
        ref("KeyStoreConfig"),
        response_media=OCTETS,
    ),
    _rule(r"POST .*/clients-initial-access$", OBJECT, OBJECT, "201"),
    _rule(r"POST /admin/realms/\{realm\}/components$", None, OBJECT, "201"),
    _rule(r"POST /admin/realms/\{realm\}/identity-provider/instances$", None, OBJECT, "201"),
    _rule(
        r"POST /admin/realms/\{realm\}/identity-provider/import-config$",
        {"type": "object", "additionalProperties": STRING},
        OBJECT,
    ),
    _rule(r"PUT /admin/realms/\{realm\}/identity-provider/instances/\{alias\}$", None, OBJECT),
    _rule(r"POST /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/reload-well-known$", OBJECT, OBJECT),
    _rule(r"POST /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/mappers$", None, OBJECT, "201"),
    _rule(r"PUT /admin/realms/\{realm\}/identity-provider/instances/\{alias\}/mappers/\{id\}$", None, OBJECT),
    _rule(r"PUT /admin/realms/\{realm\}/components/\{id\}$", None, OBJECT),
    _rule(r"PUT /admin/realms/\{realm\}/authentication/required-actions/\{alias\}$", None, OBJECT),
    _rule(
        r"PUT /admin/realms/\{realm\}/authentication/policies/password-policy$",
        None,
        {"type": "array", "items": OBJECT},
    ),
    _rule(
        r"PUT /admin/realms/\{realm\}/authentication/policies/(otp|ciba|webauthn|webauthn-passwordless)-policy$",
        None,
        OBJECT,
    ),
    _rule(r"POST /admin/realms/\{realm\}/authentication/register-required-action$", None, OBJECT),
    _rule(r"POST .*/(push-revocation|logout-all)$", OBJECT),
    _rule(r"POST .*/offline-sessions/revoke$", OBJECT, OBJECT),  # Doorkeep's bulk revocation
    _rule(r"POST /admin/realms/\{realm\}/partialImport$", OBJECT, OBJECT),  # PartialImportResults
    _rule(r"POST /admin/realms/\{realm\}/partial-export$", ref("RealmRepresentation")),
    _rule(r"POST .*/organizations$", None, OBJECT, "201"),  # OrganizationRepresentation
    _rule(r"POST .*/organizations/\{id\}/members$", None, STRING, "201"),  # the user's id
    _rule(r"PUT .*/organizations/\{id\}/members/\{user\}/membership-type$", None, {"enum": ["UNMANAGED", "MANAGED"]}),
    _rule(r"POST .*/organizations/\{id\}/identity-providers$", None, STRING),  # the provider's alias or id
    _rule(r"POST .*/organizations/domains$", None, OBJECT, "201"),  # OrganizationDomainRepresentation
    _rule(r"PUT .*/organizations/domains/\{name\}$", None, OBJECT),
    _rule(r"POST .*/organizations/\{id\}/domains$", None, STRING),  # the domain's name
    _rule(r"PUT .*/organizations/\{id\}$", None, OBJECT),
    _rule(r"POST .*/organizations/\{id\}/groups(/\{group\}/children)?$", OBJECT, OBJECT, "201"),
    _rule(r"PUT .*/organizations/\{id\}/groups/\{group\}$", None, OBJECT),
    _rule(r"POST .*/organizations/\{id\}/roles$", None, ref("RoleRepresentation"), "201"),
    _rule(r"PUT .*/organizations/\{id\}/roles/\{role\}$", None, ref("RoleRepresentation")),
    _rule(r"(POST|DELETE) .*/organizations/\{id\}/roles/\{role\}/composites$", None, ROLES),
    _rule(r"(POST|DELETE) .*/organizations/\{id\}/roles/\{role\}/users$", None, USERS),
    _rule(r"(POST|DELETE) .*/organizations/\{id\}/groups/\{group\}/role-mappings/.+$", None, ROLES),
    _rule(r"(POST|DELETE) .*/groups/\{id\}/role-mappings/organizations$", None, ROLES),
    _rule(r"POST .*/clients$", None, ref("ClientRepresentation"), "201"),
    _rule(r"PUT .*/clients/\{id\}$", None, ref("ClientRepresentation")),
    _rule(r"POST .*/client-(scopes|templates)$", None, ref("ClientScopeRepresentation"), "201"),
    _rule(r"PUT .*/client-(scopes|templates)/\{id\}$", None, ref("ClientScopeRepresentation")),
    _rule(r"POST .*/roles$", None, ref("RoleRepresentation"), "201"),
    _rule(r"PUT .*/(roles|roles-by-id)/\{role_(name|id)\}$", None, ref("RoleRepresentation")),
    _rule(r"POST .*/users$", None, ref("UserRepresentation"), "201"),
    _rule(r"PUT .*/users/profile$", OBJECT, OBJECT),  # UPConfig, sent back unchanged
    _rule(r"PUT /admin/realms/\{realm\}/client-policies/(profiles|policies)$", None, OBJECT),
    _rule(r"PUT .*/users/\{id\}$", None, ref("UserRepresentation")),
    _rule(r"PUT .*/reset-password$", None, ref("CredentialRepresentation")),
    _rule(r"PUT .*/events/config$", None, ref("RealmEventsConfigRepresentation")),
    _rule(r"(POST|PUT) /realms/\{realm\}/account.*$", None, OBJECT),
    _rule(r"PUT /admin/realms/\{realm\}/localization/\{locale\}/\{key\}$", None, STRING, request_media=TEXT),
    _rule(
        r"POST /admin/realms/\{realm\}/localization/\{locale\}$",
        None,
        {"type": "object", "additionalProperties": STRING},
    ),
    _rule(r"(PUT|POST|DELETE) .*$", None),  # 204 and the like: no body to describe
)
# Query parameters Keycloak's resources take, by the path's last two segments or else its last one (QUERY).
_PAGING = {"first": INTEGER, "max": INTEGER}
_USER_SEARCH = {
    "search": STRING,
    "username": STRING,
    "email": STRING,
    "firstName": STRING,
    "lastName": STRING,
    "exact": BOOLEAN,
    "enabled": BOOLEAN,
    "emailVerified": BOOLEAN,
    "q": STRING,
}
_MAPPING_PARENTS = ("role-mappings", "scope-mappings", "composites")
# By the path's last two segments, else its last one.
QUERY: dict[str, dict[str, dict[str, Any]]] = {
    "GET users": {**_USER_SEARCH, **_PAGING, "briefRepresentation": BOOLEAN},
    "GET count": _USER_SEARCH,
    "GET brute-force-user": {**_USER_SEARCH, **_PAGING, "briefRepresentation": BOOLEAN},
    "GET members": {**_PAGING, "briefRepresentation": BOOLEAN},
    "GET organizations": {
        **{k: STRING for k in ("search", "q", "identityProvider")},
        **{"exact": BOOLEAN, "briefRepresentation": BOOLEAN, **_PAGING},
    },
    "GET organizations/count": {"search": STRING, "q": STRING, "identityProvider": STRING, "exact": BOOLEAN},
    "GET organizations/domains": {"search": STRING, **_PAGING},
    "GET clients": {"clientId": STRING, "search": BOOLEAN, **_PAGING},
    "GET invitations": {k: STRING for k in ("status", "email", "search", "firstName", "lastName")} | _PAGING,
    "GET components": {"parent": STRING, "type": STRING, "name": STRING},
    "GET instances": {"search": STRING, "briefRepresentation": BOOLEAN, "realmOnly": BOOLEAN, **_PAGING},
    "GET sub-component-types": {"type": STRING},
    "GET composite": {"briefRepresentation": BOOLEAN},
    "GET protocol-mappers": {"scope": STRING},
    "GET granted": {"scope": STRING},
    "GET not-granted": {"scope": STRING},
    "GET generate-example-access-token": {"scope": STRING, "userId": STRING},
    "GET generate-example-id-token": {"scope": STRING, "userId": STRING},
    "GET generate-example-userinfo": {"scope": STRING, "userId": STRING},
    "GET roles": {"search": STRING, "briefRepresentation": BOOLEAN, **_PAGING},
    "GET events": {
        "type": {"type": "array", "items": STRING},
        "client": STRING,
        "user": STRING,
        "dateFrom": STRING,
        "dateTo": STRING,
        "ipAddress": STRING,
        **_PAGING,
    },
    "GET admin-events": {
        "operationTypes": {"type": "array", "items": STRING},
        "resourceTypes": {"type": "array", "items": STRING},
        "resourcePath": STRING,
        "authRealm": STRING,
        "authClient": STRING,
        "authUser": STRING,
        "authIpAddress": STRING,
        "dateFrom": STRING,
        "dateTo": STRING,
        "direction": {"enum": ["asc", "desc"]},
        **_PAGING,
    },
    "GET offline-sessions": _PAGING,
    # the MappingsRepresentation views (keyed by their last two segments): client roles searched and paged
    **{f"GET {parent}/available": {"search": STRING, **_PAGING} for parent in _MAPPING_PARENTS},
    **{f"GET {parent}/{view}": {} for parent in _MAPPING_PARENTS for view in ("composite", "inherited")},
    "GET user-sessions": _PAGING,
    "DELETE {session}": {"isOffline": BOOLEAN},
}
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def rule_for(method: str, path: str) -> Rule | None:
    key = f"{method} {path}"
    return next((rule for rule in RULES if re.match(rule.pattern, key)), None)


def _operation(method: str, path: str) -> dict[str, Any]:
    rule = rule_for(method, path)
    segments = [s for s in path.split("/") if s]
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": STRING} for name in _PARAM.findall(path)
    ]
    query = QUERY.get(f"{method} {'/'.join(segments[-2:])}", QUERY.get(f"{method} {segments[-1]}", {}))
    for name, schema in query.items():
        params.append({"name": name, "in": "query", "required": False, "schema": schema})
    response = rule.response if rule else ANY
    success: dict[str, Any] = {"description": "Success"}
    if response is not None:
        success["content"] = {rule.response_media if rule else JSON: {"schema": response}}
    error = {
        "description": "Keycloak's error body",
        "content": {"application/json": {"schema": ref("ErrorRepresentation")}},
    }
    op: dict[str, Any] = {
        "operationId": f"{method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', path)}",
        "tags": ["Account" if "/account" in path else (segments[3] if len(segments) > 3 else "Realms")],
        "parameters": params,
        "responses": {rule.status if rule else "2XX": success, "default": error},
    }
    if rule is not None and rule.request is not None:
        op["requestBody"] = {"required": False, "content": {rule.request_media: {"schema": rule.request}}}
    return op


def document(routes: list[tuple[str, frozenset[str]]], server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document for these ``(path, methods)`` routes (those outside the two APIs are left out)."""
    paths: dict[str, dict[str, Any]] = {}
    for path, methods in routes:
        if not path.startswith(PREFIXES) or (path.endswith("/") and path != "/"):
            continue
        template = _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)
        entry = paths.setdefault(template, {})
        for method in sorted(methods - {"HEAD", "OPTIONS"}):  # a CORS preflight is not an operation
            entry[method.lower()] = _operation(method, template)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Doorkeep Admin REST and Account REST APIs",
            "version": __version__,
            "description": "Keycloak 26's Admin REST API (/admin) and Account REST API (/realms/{realm}/account), "
            "as Doorkeep serves them. Generated from the server's route table.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": component_schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
