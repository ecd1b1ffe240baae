"""The Admin REST paths Keycloak 26 serves, to tell "not implemented here" from "no such path".

A path Doorkeep does not route is answered 501 when Keycloak serves it with the request's method (a tool
reached for a Keycloak feature Doorkeep lacks), 405 when Keycloak serves the path with other methods only, and
404 otherwise (Keycloak would not know it either). The table is built from the ``@Path`` and method annotations
of Keycloak's admin resource classes, each sub-resource under every locator that returns it; ``*`` is one
segment (an id, name or alias), ``**`` any number of them (``group-by-path/{path: .*}``, the authorization
services under ``clients/{id}/authz``, the experimental workflows). Paths Doorkeep routes never get here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

GET, PUT, POST, DELETE = "GET", "PUT", "POST", "DELETE"
Methods = frozenset[str]
Table = dict[str, Methods]


def _m(*methods: str) -> Methods:
    return frozenset(methods)


def _under(prefix: str, table: Mapping[str, Methods]) -> Iterator[tuple[str, Methods]]:
    """The paths of a sub-resource reached through the locator at ``prefix``."""
    for path, methods in table.items():
        yield (f"{prefix}/{path}" if path else prefix), methods


# ProtocolMappersResource (clients/{id}/protocol-mappers, client-scopes/{id}/protocol-mappers).
PROTOCOL_MAPPERS: Table = {
    "protocol/*": _m(GET),
    "add-models": _m(POST),
    "models": _m(GET, POST),
    "models/*": _m(GET, PUT, DELETE),
}
# ScopeMappedResource with its ScopeMappedClientResource (clients/{id}/scope-mappings, client-scopes/{id}/…) and
# RoleMapperResource with its ClientRoleMappingsResource (users/{id}/role-mappings, groups/{id}/role-mappings):
# the two serve the same paths and methods.
SCOPE_MAPPINGS: Table = {
    "": _m(GET),
    "realm": _m(GET, POST, DELETE),
    "realm/available": _m(GET),
    "realm/composite": _m(GET),
    "clients/*": _m(GET, POST, DELETE),
    "clients/*/available": _m(GET),
    "clients/*/composite": _m(GET),
}
ROLE_MAPPINGS: Table = SCOPE_MAPPINGS
# RoleContainerResource (roles, clients/{id}/roles).
ROLE_CONTAINER: Table = {
    "": _m(GET, POST),
    "*": _m(GET, PUT, DELETE),
    "*/composites": _m(GET, POST, DELETE),
    "*/composites/realm": _m(GET),
    "*/composites/clients/*": _m(GET),
    "*/management/permissions": _m(GET, PUT),
    "*/users": _m(GET),
    "*/groups": _m(GET),
}
# RoleByIdResource (roles-by-id).
ROLE_BY_ID: Table = {
    "*": _m(GET, PUT, DELETE),
    "*/composites": _m(GET, POST, DELETE),
    "*/composites/realm": _m(GET),
    "*/composites/clients/*": _m(GET),
    "*/management/permissions": _m(GET, PUT),
}
# ClientResource (clients/{id}) with ClientAttributeCertificateResource and ClientScopeEvaluateResource.
CLIENT: Table = {
    "": _m(GET, PUT, DELETE),
    "certificates/*": _m(GET),
    "certificates/*/generate": _m(POST),
    "certificates/*/upload": _m(POST),
    "certificates/*/upload-certificate": _m(POST),
    "certificates/*/download": _m(POST),
    "certificates/*/generate-and-download": _m(POST),
    "client-secret": _m(GET, POST),
    "client-secret/rotated": _m(GET, DELETE),
    "default-client-scopes": _m(GET),
    "default-client-scopes/*": _m(PUT, DELETE),
    "optional-client-scopes": _m(GET),
    "optional-client-scopes/*": _m(PUT, DELETE),
    "evaluate-scopes/protocol-mappers": _m(GET),
    "evaluate-scopes/scope-mappings/*/granted": _m(GET),
    "evaluate-scopes/scope-mappings/*/not-granted": _m(GET),
    "evaluate-scopes/generate-example-access-token": _m(GET),
    "evaluate-scopes/generate-example-id-token": _m(GET),
    "evaluate-scopes/generate-example-userinfo": _m(GET),
    "installation/providers/*": _m(GET),
    "management/permissions": _m(GET, PUT),
    "nodes": _m(POST),
    "nodes/*": _m(DELETE),
    "test-nodes-available": _m(GET),
    "offline-session-count": _m(GET),
    "offline-sessions": _m(GET),
    "session-count": _m(GET),
    "user-sessions": _m(GET),
    "push-revocation": _m(POST),
    "registration-access-token": _m(POST),
    "service-account-user": _m(GET),
    "authz/**": _m(GET, PUT, POST, DELETE),
    **dict(_under("protocol-mappers", PROTOCOL_MAPPERS)),
    **dict(_under("scope-mappings", SCOPE_MAPPINGS)),
    **dict(_under("roles", ROLE_CONTAINER)),
}
# ClientScopeResource (client-scopes/{id}; client-templates/{id} is the deprecated locator to the same).
CLIENT_SCOPE: Table = {
    "": _m(GET, PUT, DELETE),
    **dict(_under("protocol-mappers", PROTOCOL_MAPPERS)),
    **dict(_under("scope-mappings", SCOPE_MAPPINGS)),
}
# UserResource (users/{id}).
USER: Table = {
    "": _m(GET, PUT, DELETE),
    "impersonation": _m(POST),
    "sessions": _m(GET),
    "offline-sessions/*": _m(GET),
    "federated-identity": _m(GET),
    "federated-identity/*": _m(POST, DELETE),
    "consents": _m(GET),
    "consents/*": _m(DELETE),
    "logout": _m(POST),
    "credentials": _m(GET),
    "credentials/*": _m(DELETE),
    "credentials/*/userLabel": _m(PUT),
    "credentials/*/moveToFirst": _m(POST),
    "credentials/*/moveAfter/*": _m(POST),
    "configured-user-storage-credential-types": _m(GET),
    "disable-credential-types": _m(PUT),
    "reset-password": _m(PUT),
    "reset-password-email": _m(PUT),
    "execute-actions-email": _m(PUT),
    "send-verify-email": _m(PUT),
    "groups": _m(GET),
    "groups/count": _m(GET),
    "groups/*": _m(PUT, DELETE),
    "unmanagedAttributes": _m(GET),
    **dict(_under("role-mappings", ROLE_MAPPINGS)),
}
# GroupResource (groups/{id}).
GROUP: Table = {
    "": _m(GET, PUT, DELETE),
    "children": _m(GET, POST),
    "members": _m(GET),
    "management/permissions": _m(GET, PUT),
    **dict(_under("role-mappings", ROLE_MAPPINGS)),
}
# IdentityProviderResource (identity-provider/instances/{alias}).
IDENTITY_PROVIDER: Table = {
    "": _m(GET, PUT, DELETE),
    "export": _m(GET),
    "mapper-types": _m(GET),
    "mappers": _m(GET, POST),
    "mappers/*": _m(GET, PUT, DELETE),
    "management/permissions": _m(GET, PUT),
    "reload-keys": _m(GET),
}
# OrganizationResource (organizations/{id}) with its members, identity providers, groups and invitations.
ORGANIZATION: Table = {
    "": _m(GET, PUT, DELETE),
    "members": _m(GET, POST),
    "members/count": _m(GET),
    "members/invite-user": _m(POST),
    "members/invite-existing-user": _m(POST),
    "members/*": _m(GET, DELETE),
    "members/*/organizations": _m(GET),
    "members/*/groups": _m(GET),
    "identity-providers": _m(GET, POST),
    "identity-providers/*": _m(GET, PUT, DELETE),  # PUT: Keycloak 26.8's link settings
    "domains": _m(GET, POST),  # Keycloak 26.8's OrganizationDomainLinksResource
    "domains/*": _m(GET, DELETE),
    "groups": _m(GET, POST),
    "groups/group-by-path/**": _m(GET),
    "groups/*": _m(GET, PUT, DELETE),
    "groups/*/children": _m(GET, POST),
    "groups/*/members": _m(GET),
    "groups/*/members/*": _m(PUT, DELETE),
    "invitations": _m(GET),
    "invitations/*": _m(GET, DELETE),
    "invitations/*/resend": _m(POST),
}
# AuthenticationManagementResource (authentication).
AUTHENTICATION: Table = {
    "authenticator-providers": _m(GET),
    "client-authenticator-providers": _m(GET),
    "form-action-providers": _m(GET),
    "form-providers": _m(GET),
    "per-client-config-description": _m(GET),
    "unregistered-required-actions": _m(GET),
    "register-required-action": _m(POST),
    "config": _m(POST),
    "config/*": _m(GET, PUT, DELETE),
    "config-description/*": _m(GET),
    "flows": _m(GET, POST),
    "flows/*": _m(GET, PUT, DELETE),
    "flows/*/copy": _m(POST),
    "flows/*/executions": _m(GET, PUT),
    "flows/*/executions/execution": _m(POST),
    "flows/*/executions/flow": _m(POST),
    "executions": _m(POST),
    "executions/*": _m(GET, DELETE),
    "executions/*/config": _m(POST),
    "executions/*/config/*": _m(GET),
    "executions/*/lower-priority": _m(POST),
    "executions/*/raise-priority": _m(POST),
    "required-actions": _m(GET),
    "required-actions/*": _m(GET, PUT, DELETE),
    "required-actions/*/config": _m(GET, PUT, DELETE),
    "required-actions/*/config-description": _m(GET),
    "required-actions/*/lower-priority": _m(POST),
    "required-actions/*/raise-priority": _m(POST),
}
# RealmAdminResource (admin/realms/{realm}) and the resources its locators return.
REALM: Table = {
    "": _m(GET, PUT, DELETE),
    "admin-events": _m(GET, DELETE),
    "events": _m(GET, DELETE),
    "events/config": _m(GET, PUT),
    "attack-detection/brute-force/users": _m(DELETE),
    "attack-detection/brute-force/users/*": _m(GET, DELETE),
    "client-description-converter": _m(POST),
    "client-policies/policies": _m(GET, PUT),
    "client-policies/profiles": _m(GET, PUT),
    "client-registration-policy/providers": _m(GET),
    "client-scopes": _m(GET, POST),
    "client-templates": _m(GET, POST),
    "client-types": _m(GET, PUT),
    "clients": _m(GET, POST),
    "clients-initial-access": _m(GET, POST),
    "clients-initial-access/*": _m(DELETE),
    "client-session-stats": _m(GET),
    "components": _m(GET, POST),
    "components/*": _m(GET, PUT, DELETE),
    "components/*/sub-component-types": _m(GET),
    "credential-registrators": _m(GET),
    "default-default-client-scopes": _m(GET),
    "default-default-client-scopes/*": _m(PUT, DELETE),
    "default-optional-client-scopes": _m(GET),
    "default-optional-client-scopes/*": _m(PUT, DELETE),
    "default-groups": _m(GET),
    "default-groups/*": _m(PUT, DELETE),
    "group-by-path/**": _m(GET),
    "groups": _m(GET, POST),
    "groups/count": _m(GET),
    "identity-provider/import-config": _m(POST),
    "identity-provider/instances": _m(GET, POST),
    "identity-provider/providers/*": _m(GET),
    "keys": _m(GET),
    "clear-keys-cache": _m(POST),  # this and the next ones: AdminRealmResourceProviders of other modules
    "clear-realm-cache": _m(POST),
    "clear-user-cache": _m(POST),
    "ldap-server-capabilities": _m(POST),
    "testLDAPConnection": _m(POST),
    "localization": _m(GET),
    "localization/*": _m(GET, POST, DELETE),
    "localization/*/*": _m(GET, PUT, DELETE),
    "logout-all": _m(POST),
    "organizations": _m(GET, POST),
    "organizations/count": _m(GET),
    "organizations/domains": _m(GET, POST),  # Keycloak 26.8's OrganizationDomainsResource
    "organizations/domains/*": _m(GET, PUT, DELETE),
    "organizations/members/*/organizations": _m(GET),
    "partial-export": _m(POST),
    "partialImport": _m(POST),
    "push-revocation": _m(POST),
    "sessions/*": _m(DELETE),
    "testSMTPConnection": _m(POST),
    "users": _m(GET, POST),
    "users/count": _m(GET),
    "users/profile": _m(GET, PUT),
    "users/profile/metadata": _m(GET),
    "users-management-permissions": _m(GET, PUT),
    "workflows": _m(GET, POST),
    "workflows/**": _m(GET, PUT, POST, DELETE),
    **dict(_under("authentication", AUTHENTICATION)),
    **dict(_under("clients/*", CLIENT)),
    **dict(_under("client-scopes/*", CLIENT_SCOPE)),
    **dict(_under("client-templates/*", CLIENT_SCOPE)),
    **dict(_under("users/*", USER)),
    **dict(_under("groups/*", GROUP)),
    **dict(_under("roles", ROLE_CONTAINER)),
    **dict(_under("roles-by-id", ROLE_BY_ID)),
    **dict(_under("identity-provider/instances/*", IDENTITY_PROVIDER)),
    **dict(_under("organizations/*", ORGANIZATION)),
}
PATTERNS: tuple[tuple[tuple[str, ...], Methods], ...] = tuple(
    (tuple(path.split("/")) if path else (), methods) for path, methods in REALM.items()
)


def _matches(pattern: tuple[str, ...], rest: list[str]) -> bool:
    """Whether the segments ``rest`` fit ``pattern``: a literal is exact, ``*`` any one segment, ``**`` (last) one
    or more segments. Where several patterns fit, ``keycloak_methods`` takes the most literal one."""
    if pattern and pattern[-1] == "**":
        return len(rest) >= len(pattern) and _matches(pattern[:-1], rest[: len(pattern) - 1])
    return len(pattern) == len(rest) and all(p in ("*", r) for p, r in zip(pattern, rest, strict=True))


def keycloak_methods(path: str) -> frozenset[str] | None:
    """The methods Keycloak 26 serves at this path (decoded, without query, under /admin), None where it serves
    none. A literal path wins over a template one (``users/count`` is not the user ``count``), as in JAX-RS.
    HEAD is served wherever GET is.

    An empty segment inside the path (``/admin/realms/a//clients``, e.g. a realm name holding an encoded
    ``/``) or a dot segment (``…/default-client-scopes/..%2F..``) names nothing Keycloak serves: that is a
    plain 404, not a missing feature."""
    segments = path.removeprefix("/").removesuffix("/").split("/")
    if "" in segments or "." in segments or ".." in segments:  # a dot segment (``..%2F..``) names nothing either
        return None
    if any(c < " " or c == "\x7f" for c in path):  # nor does a control character (``group-by-path/%0A0``)
        return None
    if segments == ["admin", "serverinfo"]:
        return _with_head(_m(GET))
    if segments == ["admin", "realms"]:
        return _with_head(_m(GET, POST))  # RealmsAdminResource
    if segments[:2] != ["admin", "realms"]:
        return None
    rest = segments[3:]
    found = [(pattern, methods) for pattern, methods in PATTERNS if _matches(pattern, rest)]
    if not found:
        return None
    return _with_head(min(found, key=lambda entry: _wildness(entry[0]))[1])


def _wildness(pattern: tuple[str, ...]) -> tuple[int, ...]:
    """Orders the patterns that fit one path: the first template segment as late as possible wins."""
    return tuple(0 if p not in ("*", "**") else 1 for p in pattern)


def _with_head(methods: Methods) -> Methods:
    return methods | {"HEAD"} if GET in methods else methods
