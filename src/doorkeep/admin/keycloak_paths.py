"""The Admin REST resources Keycloak 26 serves, to tell "not implemented here" from "no such path".

A path Doorkeep does not route is answered 501 when Keycloak serves it (a tool reached for a
Keycloak feature Doorkeep lacks) and 404 otherwise (Keycloak would not know it either). The tables
name Keycloak's resources by their path segments; paths Doorkeep routes never get here.
"""

from __future__ import annotations

# Realm sub-resources of Keycloak's RealmAdminResource (first segment after the realm name). ``client-policies``
# is not one: Doorkeep routes its two resources (``profiles``, ``policies``) and Keycloak serves nothing else there.
REALM_RESOURCES = frozenset(
    {
        "attack-detection",
        "authentication",
        "client-description-converter",
        "client-registration-policy",
        "client-scopes",
        "client-templates",
        "client-types",
        "clients",
        "clients-initial-access",
        "components",
        "credential-registrators",
        "default-default-client-scopes",
        "default-groups",
        "default-optional-client-scopes",
        "events",
        "admin-events",
        "group-by-path",
        "groups",
        "identity-provider",
        "keys",
        "ldap-server-capabilities",
        "localization",
        "logout-all",
        "organizations",
        "partial-export",
        "partialImport",
        "push-revocation",
        "roles",
        "roles-by-id",
        "sessions",
        "testSMTPConnection",
        "users",
        "users-management-permissions",
        "client-session-stats",
        "workflows",
    }
)
# Sub-resources of one client, one user, one client scope, one role (segment after the id or name).
CHILDREN = {
    "clients": frozenset(
        {
            "authz",
            "certificates",
            "client-secret",
            "default-client-scopes",
            "evaluate-scopes",
            "installation",
            "management",
            "nodes",
            "offline-session-count",
            "offline-sessions",
            "optional-client-scopes",
            "protocol-mappers",
            "push-revocation",
            "registration-access-token",
            "roles",
            "scope-mappings",
            "service-account-user",
            "session-count",
            "test-nodes-available",
            "user-sessions",
        }
    ),
    "users": frozenset(
        {
            "configured-user-storage-credential-types",
            "consents",
            "credentials",
            "disable-credential-types",
            "execute-actions-email",
            "federated-identity",
            "groups",
            "impersonation",
            "logout",
            "offline-sessions",
            "reset-password",
            "reset-password-email",
            "role-mappings",
            "send-verify-email",
            "sessions",
            "unmanagedAttributes",
        }
    ),
    "client-scopes": frozenset({"protocol-mappers", "scope-mappings"}),
    "client-templates": frozenset({"protocol-mappers", "scope-mappings"}),
    "groups": frozenset({"children", "management", "members", "role-mappings"}),
    "roles": frozenset({"composites", "groups", "management", "users"}),
    "roles-by-id": frozenset({"composites", "management"}),
}
# Realm-level resources whose second segment is a fixed word, not an id.
USERS_WORDS = frozenset({"count", "profile"})
# The paths of AuthenticationManagementResource under ``authentication``, ``*`` one segment (an id or alias):
# another path there (a fork's ``required-actions/{alias}/reset``) is no Keycloak feature, so a plain 404.
AUTHENTICATION_PATHS = frozenset(
    {
        ("authenticator-providers",),
        ("client-authenticator-providers",),
        ("form-action-providers",),
        ("form-providers",),
        ("per-client-config-description",),
        ("unregistered-required-actions",),
        ("register-required-action",),
        ("config",),
        ("config", "*"),
        ("config-description", "*"),
        ("flows",),
        ("flows", "*"),
        ("flows", "*", "copy"),
        ("flows", "*", "executions"),
        ("flows", "*", "executions", "execution"),
        ("flows", "*", "executions", "flow"),
        ("executions",),
        ("executions", "*"),
        ("executions", "*", "config"),
        ("executions", "*", "config", "*"),
        ("executions", "*", "lower-priority"),
        ("executions", "*", "raise-priority"),
        ("required-actions",),
        ("required-actions", "*"),
        ("required-actions", "*", "config"),
        ("required-actions", "*", "config-description"),
        ("required-actions", "*", "lower-priority"),
        ("required-actions", "*", "raise-priority"),
    }
)


def _authentication_path(rest: list[str]) -> bool:
    """Whether ``rest`` (the segments after ``authentication``) is one of AUTHENTICATION_PATHS."""
    return any(
        len(pattern) == len(rest) and all(p in ("*", r) for p, r in zip(pattern, rest, strict=True))
        for pattern in AUTHENTICATION_PATHS
    )


def served_by_keycloak(path: str) -> bool:
    """Whether Keycloak 26 serves this path (decoded, without query), under /admin.

    An empty segment inside the path (``/admin/realms/a//clients``, e.g. a realm name holding an encoded
    ``/``) or a dot segment (``…/default-client-scopes/..%2F..``) names nothing Keycloak serves: that is a
    plain 404, not a missing feature."""
    segments = path.removeprefix("/").removesuffix("/").split("/")
    if "" in segments or "." in segments or ".." in segments:  # a dot segment (``..%2F..``) names nothing either
        return False
    if any(c < " " or c == "\x7f" for c in path):  # nor does a control character (``group-by-path/%0A0``)
        return False
    if segments[:2] == ["admin", "serverinfo"]:
        return len(segments) == 2
    if segments[:2] != ["admin", "realms"] or len(segments) < 4:
        return False
    resource, rest = segments[3], segments[4:]
    if resource not in REALM_RESOURCES:
        return False
    if resource == "authentication":
        return _authentication_path(rest)
    children = CHILDREN.get(resource)
    if children is None or len(rest) < 2:
        return True  # the collection, one member, or a realm action
    if resource == "users" and rest[0] in USERS_WORDS:
        return True
    return rest[1] in children
