"""Who may call each admin REST route: the table of tests/wire/test_admin_route_matrix.py.

``EXPECTED[path][method]`` names the callers Keycloak lets through (non-FGAP mode: each resource's
``auth.realm()/users()/clients()/groups()/roles()`` checks, RealmPermissions, UserPermissions, ClientPermissions,
GroupPermissions and RolePermissions without authorization services), out of admins of the realm ``matrix``
holding exactly one realm-management role each, plus ``realm-admin``, ``none`` (no role), ``master-admin`` and
``other-admin`` (another realm's realm-admin). ``realm-admin`` and ``master-admin`` pass everywhere but
``POST /admin/realms``; ``none`` and ``other-admin`` nowhere but ``GET /admin/realms`` (their own realm's name).
Read from Keycloak 25's services/.../resources/admin (the 25.0 tree of a Keycloak fork) and checked against the
26.x behaviour the PermissionsTest port (test_keycloak_permissions_test.py) holds; where 26 moved a check, the
comment says so."""

from __future__ import annotations

REALM_ROLES = (
    "view-realm",
    "manage-realm",
    "view-users",
    "manage-users",
    "query-users",
    "query-groups",
    "view-clients",
    "manage-clients",
    "query-clients",
    "view-events",
    "manage-events",
    "view-identity-providers",
    "manage-identity-providers",
    "view-authorization",
    "manage-authorization",
    "create-client",
    "impersonation",
    "query-realms",
)
CALLERS = (*REALM_ROLES, "realm-admin", "none", "master-admin", "other-admin")


def only(*roles: str) -> frozenset[str]:
    """These realm-management roles, plus the two who pass everywhere."""
    return frozenset({*roles, "realm-admin", "master-admin"})


ANY = only(*REALM_ROLES)  # MgmtPermissions.requireAnyAdminRole
REALMS = ANY | {"other-admin"}  # any admin of some realm
CREATE_REALM = frozenset({"master-admin"})
BOTH = only()  # two checks no single role passes
R_VIEW, R_MANAGE = only("view-realm", "manage-realm"), only("manage-realm")
U_QUERY, U_VIEW, U_MANAGE = (
    only("query-users", "view-users", "manage-users"),
    only("view-users", "manage-users"),
    only("manage-users"),
)
G_LIST = only("query-groups", "view-users", "manage-users")
C_LIST, C_VIEW, C_MANAGE = (
    only("query-clients", "view-clients", "manage-clients"),
    only("view-clients", "manage-clients"),
    only("manage-clients"),
)
E_VIEW, E_MANAGE = only("view-events", "manage-events"), only("manage-events")
I_VIEW, I_MANAGE = only("view-identity-providers", "manage-identity-providers"), only("manage-identity-providers")
IMPERSONATE = only("impersonation")
FLOWS_VIEW = R_VIEW | C_LIST  # requireViewAuthenticationFlows / requireViewClientAuthenticatorProviders
# RolePermissions.canList(realm), Keycloak 26.6 (keycloak#46744, #49380): canViewRealm() or
# hasOneAdminRole(MANAGE_IDENTITY_PROVIDERS); the query roles no longer list roles
ROLES_LIST = R_VIEW | only("manage-identity-providers")
# ClientPermissions.canList(): canView() or hasOneAdminRole(QUERY_CLIENTS, QUERY_USERS)
CLIENTS_LIST = C_VIEW | only("query-clients", "query-users", "view-users")
PROFILE_VIEW = R_VIEW | U_QUERY  # requireViewRequiredActions; UserProfileResource reads (26)

# Paths below /admin/realms, as the route table spells them.
EXPECTED: dict[str, dict[str, frozenset[str]]] = {
    # UserProfileResource: GET requireAnyAdminRole in 25, view-realm or query-users in 26 (PermissionsTest port,
    # test_keycloak_permissions_test.py USER_PROFILE); PUT realm().requireManageRealm
    "/{realm}/users/profile": {"GET": PROFILE_VIEW, "PUT": R_MANAGE},
    "/{realm}/users/profile/metadata": {"GET": PROFILE_VIEW},
    # UsersResource.getUsers / getUsersCount: users().requireQuery() (the results then filtered by canView: a
    # query-users admin gets [] / 0); createUser: users().requireManage(); UsersResource.user: canQuery ? 404 : 403 for
    # an unknown id. UserResource: reads users().requireView(user), writes requireManage(user); credentials read
    # requireView (#19587); impersonation: users().requireImpersonate(user) (UserPermissions.canImpersonate:
    # the impersonation role); RoleMapperResource: reads requireView, writes requireManage + roles().requireMapRole;
    # UserResource.getOfflineSessions: requireView(user) and clients().requireView(client) (Doorkeep: both);
    # /offline-sessions without a client (GET, DELETE): Doorkeep's own (offline_devices.py), view / manage users
    "/{realm}/users": {"GET": U_QUERY, "POST": U_MANAGE},
    "/{realm}/users-management-permissions": {"GET": R_VIEW},
    "/{realm}/users/count": {"GET": U_QUERY},
    "/{realm}/users/{id}": {"DELETE": U_MANAGE, "GET": U_VIEW, "PUT": U_MANAGE},
    "/{realm}/users/{id}/configured-user-storage-credential-types": {"GET": U_VIEW},
    "/{realm}/users/{id}/consents": {"GET": U_VIEW},
    "/{realm}/users/{id}/consents/{client_id}": {"DELETE": U_MANAGE},
    "/{realm}/users/{id}/credentials": {"GET": U_VIEW},
    "/{realm}/users/{id}/credentials/{credential}": {"DELETE": U_MANAGE},
    "/{realm}/users/{id}/credentials/{credential}/moveAfter/{previous}": {"POST": U_MANAGE},
    "/{realm}/users/{id}/credentials/{credential}/moveToFirst": {"POST": U_MANAGE},
    "/{realm}/users/{id}/credentials/{credential}/userLabel": {"PUT": U_MANAGE},
    "/{realm}/users/{id}/disable-credential-types": {"PUT": U_MANAGE},
    "/{realm}/users/{id}/execute-actions-email": {"PUT": U_MANAGE},
    # UserResource.resetPasswordEmail (deprecated): executeActionsEmail, users().requireManage(user)
    "/{realm}/users/{id}/reset-password-email": {"PUT": U_MANAGE},
    "/{realm}/users/{id}/federated-identity": {"GET": U_VIEW},
    "/{realm}/users/{id}/federated-identity/{provider}": {"DELETE": U_MANAGE, "POST": U_MANAGE},
    "/{realm}/users/{id}/groups": {"GET": U_VIEW},
    "/{realm}/users/{id}/groups/count": {"GET": U_VIEW},
    "/{realm}/users/{id}/groups/{group}": {"DELETE": U_MANAGE, "PUT": U_MANAGE},
    "/{realm}/users/{id}/impersonation": {"POST": IMPERSONATE},
    "/{realm}/users/{id}/logout": {"POST": U_MANAGE},
    "/{realm}/users/{id}/offline-sessions": {"DELETE": U_MANAGE, "GET": U_VIEW},
    "/{realm}/users/{id}/offline-sessions/{client}": {"GET": BOTH},
    "/{realm}/users/{id}/reset-password": {"PUT": U_MANAGE},
    "/{realm}/users/{id}/role-mappings": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/available": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/clients/{client}": {"DELETE": U_MANAGE, "GET": U_VIEW, "POST": U_MANAGE},
    "/{realm}/users/{id}/role-mappings/clients/{client}/available": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/clients/{client}/composite": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/composite": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/inherited": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/realm": {"DELETE": U_MANAGE, "GET": U_VIEW, "POST": U_MANAGE},
    "/{realm}/users/{id}/role-mappings/realm/available": {"GET": U_VIEW},
    "/{realm}/users/{id}/role-mappings/realm/composite": {"GET": U_VIEW},
    "/{realm}/users/{id}/send-verify-email": {"PUT": U_MANAGE},
    "/{realm}/users/{id}/sessions": {"GET": U_VIEW},
    # GroupsResource.getGroups / getGroupCount: groups().requireList() (GroupPermissions.canList: view-users,
    # manage-users, query-groups); GroupResource: requireView(group) / requireManage(group) (view-users / manage-users);
    # getMembers: requireViewMembers (users().canView); role mappings as RoleMapperResource
    "/{realm}/groups": {"GET": G_LIST, "POST": U_MANAGE},
    "/{realm}/groups/count": {"GET": G_LIST},
    "/{realm}/groups/{id}": {"DELETE": U_MANAGE, "GET": U_VIEW, "PUT": U_MANAGE},
    "/{realm}/groups/{id}/children": {"GET": U_VIEW, "POST": U_MANAGE},
    "/{realm}/groups/{id}/members": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/available": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/clients/{client}": {"DELETE": U_MANAGE, "GET": U_VIEW, "POST": U_MANAGE},
    "/{realm}/groups/{id}/role-mappings/clients/{client}/available": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/clients/{client}/composite": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/composite": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/inherited": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/realm": {"DELETE": U_MANAGE, "GET": U_VIEW, "POST": U_MANAGE},
    "/{realm}/groups/{id}/role-mappings/realm/available": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/realm/composite": {"GET": U_VIEW},
    "/{realm}/groups/{id}/role-mappings/organizations": {"DELETE": U_MANAGE, "POST": U_MANAGE},
    "/{realm}/groups/{id}/role-mappings/organizations/available": {"GET": U_VIEW},
    # ClientsResource: getClients clients().requireList() (ClientPermissions.canList: query-clients or query-users),
    # createClient requireManage(); ClientResource: reads requireView(client), writes requireConfigure/requireManage
    # (manage-clients); client secret (its read since 26.8, keycloak#51733), registration token, nodes:
    # requireConfigure; ProtocolMappersResource,
    # ScopeMappedResource, ClientScopeEvaluateResource and RoleContainerResource for a client: clients().requireView /
    # requireManage (RolePermissions.canView/canManage(container) = clients().canView/canConfigure); client sessions:
    # requireView(client); getUsersInRole also users().requireQuery() (so no single role suffices)
    "/{realm}/clients": {"GET": CLIENTS_LIST, "POST": C_MANAGE},
    "/{realm}/clients-initial-access": {"GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/clients-initial-access/{id}": {"DELETE": C_MANAGE},
    "/{realm}/clients/count": {"GET": C_LIST},
    "/{realm}/clients/{id}": {"DELETE": C_MANAGE, "GET": C_VIEW, "PUT": C_MANAGE},
    "/{realm}/clients/{id}/certificates/{attr}": {"GET": C_VIEW},
    "/{realm}/clients/{id}/certificates/{attr}/download": {"POST": C_VIEW},
    "/{realm}/clients/{id}/certificates/{attr}/generate": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/certificates/{attr}/generate-and-download": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/certificates/{attr}/upload": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/certificates/{attr}/upload-certificate": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/client-secret": {"GET": C_MANAGE, "POST": C_MANAGE},
    "/{realm}/clients/{id}/client-secret/rotated": {"DELETE": C_MANAGE, "GET": C_MANAGE},
    "/{realm}/clients/{id}/default-client-scopes": {"GET": C_VIEW},
    "/{realm}/clients/{id}/default-client-scopes/{scope_id}": {"DELETE": C_MANAGE, "PUT": C_MANAGE},
    "/{realm}/clients/{id}/evaluate-scopes/generate-example-access-token": {"GET": C_VIEW},
    "/{realm}/clients/{id}/evaluate-scopes/generate-example-id-token": {"GET": C_VIEW},
    "/{realm}/clients/{id}/evaluate-scopes/generate-example-userinfo": {"GET": C_VIEW},
    "/{realm}/clients/{id}/evaluate-scopes/protocol-mappers": {"GET": C_VIEW},
    "/{realm}/clients/{id}/evaluate-scopes/scope-mappings/{container}/granted": {"GET": C_VIEW},
    "/{realm}/clients/{id}/evaluate-scopes/scope-mappings/{container}/not-granted": {"GET": C_VIEW},
    "/{realm}/clients/{id}/installation/providers/{provider}": {"GET": C_VIEW},
    "/{realm}/clients/{id}/nodes": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/nodes/{node}": {"DELETE": C_MANAGE},
    "/{realm}/clients/{id}/optional-client-scopes": {"GET": C_VIEW},
    "/{realm}/clients/{id}/optional-client-scopes/{scope_id}": {"DELETE": C_MANAGE, "PUT": C_MANAGE},
    "/{realm}/clients/{id}/protocol-mappers/add-models": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/protocol-mappers/models": {"GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/clients/{id}/protocol-mappers/models/{mid}": {"DELETE": C_MANAGE, "GET": C_VIEW, "PUT": C_MANAGE},
    "/{realm}/clients/{id}/protocol-mappers/protocol/{protocol}": {"GET": C_VIEW},
    "/{realm}/clients/{id}/registration-access-token": {"POST": C_MANAGE},
    "/{realm}/clients/{id}/roles": {"GET": C_VIEW, "POST": C_MANAGE},  # canList(client): clients().canView (26.6)
    "/{realm}/clients/{id}/roles/{role_name}": {"DELETE": C_MANAGE, "GET": C_VIEW, "PUT": C_MANAGE},
    "/{realm}/clients/{id}/roles/{role_name}/composites": {"DELETE": C_MANAGE, "GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/clients/{id}/roles/{role_name}/composites/clients/{client}": {"GET": C_VIEW},
    "/{realm}/clients/{id}/roles/{role_name}/composites/realm": {"GET": C_VIEW},
    "/{realm}/clients/{id}/roles/{role_name}/groups": {"GET": C_VIEW},
    "/{realm}/clients/{id}/roles/{role_name}/users": {"GET": BOTH},
    "/{realm}/clients/{id}/scope-mappings": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/available": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/clients/{client}": {"DELETE": C_MANAGE, "GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/clients/{id}/scope-mappings/clients/{client}/available": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/clients/{client}/composite": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/composite": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/inherited": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/realm": {"DELETE": C_MANAGE, "GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/clients/{id}/scope-mappings/realm/available": {"GET": C_VIEW},
    "/{realm}/clients/{id}/scope-mappings/realm/composite": {"GET": C_VIEW},
    "/{realm}/clients/{id}/service-account-user": {"GET": C_VIEW},
    "/{realm}/clients/{id}/test-nodes-available": {"GET": C_MANAGE},
    "/{realm}/clients/{uuid}/offline-session-count": {"GET": C_VIEW},
    "/{realm}/clients/{uuid}/offline-sessions": {"GET": C_VIEW},
    "/{realm}/clients/{uuid}/push-revocation": {"POST": C_MANAGE},
    "/{realm}/clients/{uuid}/session-count": {"GET": C_VIEW},
    "/{realm}/clients/{uuid}/user-sessions": {"GET": C_VIEW},
    # ClientScopesResource / ClientScopeResource: requireListClientScopes (list: query-clients, view-clients,
    # manage-clients), requireView/ManageClientScope (view-clients, manage-clients)
    "/{realm}/client-scopes": {"GET": C_LIST, "POST": C_MANAGE},
    "/{realm}/client-scopes/{id}": {"DELETE": C_MANAGE, "GET": C_VIEW, "PUT": C_MANAGE},
    "/{realm}/client-scopes/{id}/protocol-mappers/add-models": {"POST": C_MANAGE},
    "/{realm}/client-scopes/{id}/protocol-mappers/models": {"GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/client-scopes/{id}/protocol-mappers/models/{mid}": {"DELETE": C_MANAGE, "GET": C_VIEW, "PUT": C_MANAGE},
    "/{realm}/client-scopes/{id}/protocol-mappers/protocol/{protocol}": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/available": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/clients/{client}": {
        "DELETE": C_MANAGE,
        "GET": C_VIEW,
        "POST": C_MANAGE,
    },
    "/{realm}/client-scopes/{id}/scope-mappings/clients/{client}/available": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/clients/{client}/composite": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/composite": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/inherited": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/realm": {"DELETE": C_MANAGE, "GET": C_VIEW, "POST": C_MANAGE},
    "/{realm}/client-scopes/{id}/scope-mappings/realm/available": {"GET": C_VIEW},
    "/{realm}/client-scopes/{id}/scope-mappings/realm/composite": {"GET": C_VIEW},
    # RoleContainerResource (realm): roles().requireList / requireView(realm) = realm().canViewRealm, writes
    # requireManage(realm) = canManageRealm; getUsersInRole adds users().requireQuery(); RoleByIdResource the same
    # through the role's container
    "/{realm}/roles": {"GET": ROLES_LIST, "POST": R_MANAGE},
    "/{realm}/roles-by-id/{role_id}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/roles-by-id/{role_id}/composites": {"DELETE": R_MANAGE, "GET": R_VIEW, "POST": R_MANAGE},
    "/{realm}/roles-by-id/{role_id}/composites/available": {"GET": R_VIEW},
    "/{realm}/roles-by-id/{role_id}/composites/clients/{client}": {"GET": R_VIEW},
    "/{realm}/roles-by-id/{role_id}/composites/composite": {"GET": R_VIEW},
    "/{realm}/roles-by-id/{role_id}/composites/inherited": {"GET": R_VIEW},
    "/{realm}/roles-by-id/{role_id}/composites/realm": {"GET": R_VIEW},
    "/{realm}/roles/{role_name}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/roles/{role_name}/composites": {"DELETE": R_MANAGE, "GET": R_VIEW, "POST": R_MANAGE},
    "/{realm}/roles/{role_name}/composites/clients/{client}": {"GET": R_VIEW},
    "/{realm}/roles/{role_name}/composites/realm": {"GET": R_VIEW},
    "/{realm}/roles/{role_name}/groups": {"GET": R_VIEW},
    "/{realm}/roles/{role_name}/users": {"GET": BOTH},
    # AuthenticationManagementResource: reads realm().requireViewRealm, writes requireManageRealm; the flow list,
    # client authenticators and per-client config: requireViewAuthenticationFlows /
    # requireViewClientAuthenticatorProviders
    # (view-realm or the client list roles); required actions list: requireViewRequiredActions (view-realm or
    # query-users)
    "/{realm}/authentication/authenticator-providers": {"GET": R_VIEW},
    "/{realm}/authentication/client-authenticator-providers": {"GET": FLOWS_VIEW},
    "/{realm}/authentication/config": {"POST": R_MANAGE},
    "/{realm}/authentication/config-description/{provider}": {"GET": R_VIEW},
    "/{realm}/authentication/config/{id}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/executions": {"POST": R_MANAGE},
    "/{realm}/authentication/executions/{execution}/config/{id}": {"GET": R_VIEW},
    "/{realm}/authentication/executions/{id}": {"DELETE": R_MANAGE, "GET": R_VIEW},
    "/{realm}/authentication/executions/{id}/config": {"POST": R_MANAGE},
    "/{realm}/authentication/executions/{id}/lower-priority": {"POST": R_MANAGE},
    "/{realm}/authentication/executions/{id}/raise-priority": {"POST": R_MANAGE},
    "/{realm}/authentication/flows": {"GET": FLOWS_VIEW, "POST": R_MANAGE},
    "/{realm}/authentication/flows/{alias}/copy": {"POST": R_MANAGE},
    "/{realm}/authentication/flows/{alias}/executions": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/flows/{alias}/executions/execution": {"POST": R_MANAGE},
    "/{realm}/authentication/flows/{alias}/executions/flow": {"POST": R_MANAGE},
    "/{realm}/authentication/flows/{id}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/form-action-providers": {"GET": R_VIEW},
    "/{realm}/authentication/form-providers": {"GET": R_VIEW},
    "/{realm}/authentication/per-client-config-description": {"GET": FLOWS_VIEW},
    "/{realm}/authentication/policies/ciba-policy": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/policies/otp-policy": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/policies/password-policy": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/policies/webauthn-passwordless-policy": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/policies/webauthn-policy": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/register-required-action": {"POST": R_MANAGE},
    "/{realm}/authentication/required-actions": {"GET": PROFILE_VIEW},
    "/{realm}/authentication/required-actions/{alias}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/required-actions/{alias}/config": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/authentication/required-actions/{alias}/config-description": {"GET": R_VIEW},
    "/{realm}/authentication/required-actions/{alias}/lower-priority": {"POST": R_MANAGE},
    "/{realm}/authentication/required-actions/{alias}/raise-priority": {"POST": R_MANAGE},
    "/{realm}/authentication/unregistered-required-actions": {"GET": R_VIEW},
    # IdentityProvidersResource / IdentityProviderResource: realm().requireViewIdentityProviders /
    # requireManageIdentityProviders
    "/{realm}/identity-provider/import-config": {"POST": I_MANAGE},
    "/{realm}/identity-provider/instances": {"GET": I_VIEW, "POST": I_MANAGE},
    "/{realm}/identity-provider/instances/{alias}": {"DELETE": I_MANAGE, "GET": I_VIEW, "PUT": I_MANAGE},
    "/{realm}/identity-provider/instances/{alias}/export": {"GET": I_VIEW},
    "/{realm}/identity-provider/instances/{alias}/mapper-types": {"GET": I_VIEW},
    "/{realm}/identity-provider/instances/{alias}/mappers": {"GET": I_VIEW, "POST": I_MANAGE},
    "/{realm}/identity-provider/instances/{alias}/mappers/{id}": {"DELETE": I_MANAGE, "GET": I_VIEW, "PUT": I_MANAGE},
    "/{realm}/identity-provider/instances/{alias}/reload-keys": {"GET": I_MANAGE},
    "/{realm}/identity-provider/instances/{alias}/reload-well-known": {"POST": I_MANAGE},
    "/{realm}/identity-provider/providers/{provider_id}": {"GET": I_VIEW},
    # OrganizationsResource (Keycloak 26.7 OrganizationPermissions; manage-realm implies manage-organizations).
    # Member and linked-provider routes also need users or identity-provider rights, so no single role here
    # suffices (test_organization_admin_role_matrix.py covers the organization roles themselves)
    "/{realm}/organizations": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/count": {"GET": R_MANAGE},
    # Keycloak 26.8's OrganizationDomainsResource and OrganizationDomainLinksResource (the organization roles are not
    # among the matrix's single roles: manage-realm holds them)
    "/{realm}/organizations/domains": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/domains/{name}": {"DELETE": R_MANAGE, "GET": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/organizations/members/{user}/organizations": {"GET": BOTH},
    "/{realm}/organizations/{id}": {"DELETE": R_MANAGE, "GET": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/organizations/{id}/domains": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/domains/{name}": {"DELETE": R_MANAGE, "GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/groups/group-by-path/{path:path}": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}": {"DELETE": R_MANAGE, "GET": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/children": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/members": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/members/{user}": {"DELETE": R_MANAGE, "PUT": R_MANAGE},
    # roles mapped to organization groups (s71-b): organization roles with the organization's permission; realm and
    # client roles also need manage-users (and the right to map each role) to write
    "/{realm}/organizations/{id}/groups/{group}/role-mappings": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/organizations": {
        "DELETE": R_MANAGE,
        "GET": R_MANAGE,
        "POST": R_MANAGE,
    },
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/organizations/available": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/realm": {"DELETE": BOTH, "GET": R_MANAGE, "POST": BOTH},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/realm/available": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/realm/composite": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/clients/{client}": {
        "DELETE": BOTH,
        "GET": R_MANAGE,
        "POST": BOTH,
    },
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/clients/{client}/available": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/groups/{group}/role-mappings/clients/{client}/composite": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/identity-providers": {"GET": R_MANAGE, "POST": BOTH},
    "/{realm}/organizations/{id}/identity-providers/{alias}": {"DELETE": R_MANAGE, "GET": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/organizations/{id}/invitations": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/invitations/{inv}": {"DELETE": R_MANAGE, "GET": R_MANAGE},
    "/{realm}/organizations/{id}/invitations/{inv}/resend": {"POST": R_MANAGE},
    "/{realm}/organizations/{id}/members": {"GET": BOTH, "POST": BOTH},
    # organization roles: the organization's view or manage permission (manage-realm here), and of the users
    # query-users beside it to list holders (manage-users is asked of each user mapped: the matrix sends none)
    "/{realm}/organizations/{id}/roles": {"GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/roles/count": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}": {"DELETE": R_MANAGE, "GET": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/composites": {"DELETE": R_MANAGE, "GET": R_MANAGE, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/composites/available": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/composites/clients/{client}": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/composites/effective": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/composites/realm": {"GET": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/users": {"DELETE": R_MANAGE, "GET": BOTH, "POST": R_MANAGE},
    "/{realm}/organizations/{id}/roles/{role}/users/available": {"GET": BOTH},
    "/{realm}/organizations/{id}/members/count": {"GET": BOTH},
    "/{realm}/organizations/{id}/members/invite-existing-user": {"POST": R_MANAGE},
    "/{realm}/organizations/{id}/members/invite-user": {"POST": R_MANAGE},
    "/{realm}/organizations/{id}/members/{user}": {"DELETE": BOTH, "GET": BOTH},
    "/{realm}/organizations/{id}/members/{user}/groups": {"GET": BOTH},
    # Keycloak 26.8's updateMembershipType: manage on the organization, then the type (the matrix sends none: 400
    # "membershipType cannot be null" to manage-realm), then the member and manage-users
    "/{realm}/organizations/{id}/members/{user}/membership-type": {"PUT": R_MANAGE},
    "/{realm}/organizations/{id}/members/{user}/organizations": {"GET": BOTH},
    # RealmLocalizationResource: reads requireAnyAdminRole, writes realm().requireManageRealm
    "/{realm}/localization": {"GET": ANY},
    "/{realm}/localization/{locale}": {"DELETE": R_MANAGE, "GET": ANY, "POST": R_MANAGE},
    "/{realm}/localization/{locale}/{key}": {"DELETE": R_MANAGE, "GET": ANY, "PUT": R_MANAGE},
    # AttackDetectionResource: users().requireView (GET) / requireManage (DELETE)
    "/{realm}/attack-detection/brute-force/users": {"DELETE": U_MANAGE},
    "/{realm}/attack-detection/brute-force/users/{id}": {"DELETE": U_MANAGE, "GET": U_VIEW},
    # RealmAdminResource.getEvents / clearEvents / getRealmEventsConfig / updateRealmEventsConfig:
    # realm().requireViewEvents / requireManageEvents
    "/{realm}/events": {"DELETE": E_MANAGE, "GET": E_VIEW},
    "/{realm}/events/config": {"GET": E_VIEW, "PUT": E_MANAGE},
    # RealmAdminResource.getEvents(admin) / clearAdminEvents: requireViewEvents / requireManageEvents
    "/{realm}/admin-events": {"DELETE": E_MANAGE, "GET": E_VIEW},
    # RealmAdminResource / ClientPoliciesResource / ClientRegistrationPolicyResource: view-realm / manage-realm;
    # client-session-stats: requireViewRealm; client-description-converter: clients().requireManage();
    # clients-initial-access: ClientInitialAccessResource clients().requireView / requireManage
    "/{realm}/client-description-converter": {"POST": C_MANAGE},
    "/{realm}/client-policies/policies": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/client-policies/profiles": {"GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/client-registration-policy/providers": {"GET": R_VIEW},
    "/{realm}/client-session-stats": {"GET": R_VIEW},
    # admin-ui-ext SessionsResource: realmSessions realm().requireViewRealm; clientSessions clients().requireView
    "/{realm}/ui-ext/sessions": {"GET": R_VIEW},
    "/{realm}/ui-ext/sessions/client": {"GET": C_VIEW},
    # admin-ui-ext EffectiveRoleMappingResource (26): users: users().requireView(user); groups: groups().requireView;
    # clients and clientScopes: clients().requireView; roles: roles().requireList(realm)
    "/{realm}/ui-ext/effective-roles/users/{id}": {"GET": U_VIEW},
    "/{realm}/ui-ext/effective-roles/groups/{id}": {"GET": U_VIEW},
    "/{realm}/ui-ext/effective-roles/clients/{id}": {"GET": C_VIEW},
    "/{realm}/ui-ext/effective-roles/clientScopes/{scope_id}": {"GET": C_VIEW},
    "/{realm}/ui-ext/effective-roles/roles/{id}": {"GET": ROLES_LIST},
    # UIRealmsResource.getRealms: no check (filters by RealmsPermissionEvaluator canView / isAdmin), so an admin of
    # the realm without any role passes with []; another realm's admin is stopped by RealmsAdminResource.getRealmAdmin
    "/{realm}/ui-ext/realms/names": {"GET": ANY | {"none"}},
    # UIRealmResource.getInfo: auth.requireAnyAdminRole(); AvailableEventListenersResource: realm().requireViewEvents
    "/{realm}/ui-ext/info": {"GET": ANY},
    "/{realm}/ui-ext/available-event-listeners": {"GET": E_VIEW},
    # admin-ui-ext AuthenticationManagementResource (26): flows and {type}/{id}: realm().requireViewAuthenticationFlows
    # (listUsed's idp type then realm().requireViewIdentityProviders, after the flow lookup); required-actions:
    # realm().requireViewRequiredActions
    "/{realm}/ui-ext/authentication-management/flows": {"GET": FLOWS_VIEW},
    "/{realm}/ui-ext/authentication-management/{type}/{id}": {"GET": FLOWS_VIEW},
    "/{realm}/ui-ext/authentication-management/required-actions": {"GET": PROFILE_VIEW},
    # admin-ui-ext AvailableRoleMappingResource (26): the subject looked up (404 or 403 for an unknown id), then no
    # check: manage-users (users, groups, roles) or manage-clients (clients, clientScopes) get the list, any other
    # admin of the realm [] (the FGAP branches aside); roles/{id} looks nothing up
    **{
        f"/{{realm}}/ui-ext/available-roles/{kind}": {"GET": ANY | {"none"}}
        for kind in ("users/{id}", "groups/{id}", "clients/{id}", "clientScopes/{scope_id}", "roles/{id}")
    },
    # admin-ui-ext BruteForceUsersResource.searchUser: users().requireQuery() (then filtered by canView)
    "/{realm}/ui-ext/brute-force-user": {"GET": U_QUERY},
    # RealmAdminResource.getCredentialRegistrators: realm().requireViewRealm()
    "/{realm}/credential-registrators": {"GET": R_VIEW},
    # ComponentResource: realm().requireViewRealm / requireManageRealm
    "/{realm}/components": {"GET": R_VIEW, "POST": R_MANAGE},
    "/{realm}/components/{id}": {"DELETE": R_MANAGE, "GET": R_VIEW, "PUT": R_MANAGE},
    "/{realm}/components/{id}/sub-component-types": {"GET": R_VIEW},
    # RealmAdminResource default client scopes: clients().requireViewClientScopes / requireManageClientScopes;
    # default groups: realm().requireViewRealm / requireManageRealm
    "/{realm}/default-default-client-scopes": {"GET": C_VIEW},
    "/{realm}/default-default-client-scopes/{id}": {"DELETE": C_MANAGE, "PUT": C_MANAGE},
    "/{realm}/default-groups": {"GET": R_VIEW},
    "/{realm}/default-groups/{group}": {"DELETE": R_MANAGE, "PUT": R_MANAGE},
    "/{realm}/default-optional-client-scopes": {"GET": C_VIEW},
    "/{realm}/default-optional-client-scopes/{id}": {"DELETE": C_MANAGE, "PUT": C_MANAGE},
    # RealmAdminResource: getRealm any admin role (a name-only rep without view-realm; PermissionsTest port),
    # updateRealm,
    # caches, push-revocation, partial import/export, keys (KeyResource view-realm), SMTP test, deleteRealm:
    # requireManageRealm / requireViewRealm; logout-all and deleteSession: users().requireManage();
    # /offline-sessions/revoke is Doorkeep's own (bulk_revoke.py), manage-users
    "/{realm}": {"DELETE": R_MANAGE, "GET": ANY, "PUT": R_MANAGE},
    "/{realm}/clear-keys-cache": {"POST": R_MANAGE},
    "/{realm}/clear-realm-cache": {"POST": R_MANAGE},
    "/{realm}/clear-user-cache": {"POST": R_MANAGE},
    "/{realm}/group-by-path/{path:path}": {"GET": U_VIEW},
    "/{realm}/keys": {"GET": R_VIEW},
    "/{realm}/offline-sessions/revoke": {"POST": U_MANAGE},
    "/{realm}/partial-export": {"POST": R_MANAGE},
    "/{realm}/partialImport": {"POST": R_MANAGE},
    "/{realm}/push-revocation": {"POST": R_MANAGE},
    "/{realm}/sessions/{session}": {"DELETE": U_MANAGE},
    "/{realm}/testSMTPConnection": {"POST": R_MANAGE},
    "/{realm}/logout-all": {"POST": U_MANAGE},
    # RealmsAdminResource.getRealms: the realms the caller administers, 403 for none; importRealm:
    # requireCreateRealm (master's admin or create-realm)
    "/": {"GET": REALMS, "POST": CREATE_REALM},
}
# RealmAdminResource.getClientTemplates (deprecated) hands out the very ClientScopesResource: the same rows under
# client-templates.
EXPECTED |= {
    "/{realm}/client-templates" + path.removeprefix("/{realm}/client-scopes"): methods
    for path, methods in EXPECTED.items()
    if path.startswith("/{realm}/client-scopes")
}
