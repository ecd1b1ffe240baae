"""Admin REST paths Keycloak serves, paths it does not, and the order of the checks before either answer.

The paths below restate the ``@Path`` and method annotations of Keycloak's admin resource classes, every
sub-resource reached through its locator: RealmAdminResource, ClientsResource/ClientResource (with
ClientAttributeCertificateResource, ClientScopeEvaluateResource, ProtocolMappersResource, ScopeMappedResource,
RoleContainerResource), UsersResource/UserResource (RoleMapperResource, ClientRoleMappingsResource,
UserProfileResource), GroupsResource/GroupResource, RoleByIdResource, ClientScopesResource/ClientScopeResource,
IdentityProvidersResource/IdentityProviderResource, OrganizationsResource/OrganizationResource and its members,
identity providers, groups and invitations, ComponentResource, AttackDetectionResource, RealmLocalizationResource,
ClientInitialAccessResource, ClientRegistrationPolicyResource, ClientPoliciesResource/ClientProfilesResource,
AuthenticationManagementResource. Every one of them is answered by Doorkeep (any answer of its own) or with the
deliberate 501; never RESTEasy's 404 "Unable to find matching target resource method", nor 405. A path derived
from one by an extra or a changed segment is served by none of them: that 404, as Keycloak answers it, not 501.
A method Keycloak does not serve at a path it serves is 405.

Before matching any of this, Keycloak's AdminRoot locators (``realms``, ``serverinfo``) authenticate the bearer
token (401 with the Bearer challenge), then RealmsAdminResource.getRealmAdmin loads the realm (404 "Realm not
found.") and refuses a caller of another realm (403): so an unauthenticated caller gets 401 for a path nobody
serves exactly as for a served one, and a caller without rights gets an answer that depends on the path only, never
on whether the user, client or group named in it exists.

Not ported (a deliberate difference, noted): Keycloak's locators look the named user, client, group, role or
organization up before RESTEasy matches the rest, so for an unknown sub-path under an id that does not exist it
answers that locator's 404 ("User not found", "Could not find client", …) or 403; Doorkeep answers the path's
404 whatever the id, which tells the caller no more.
"""

from __future__ import annotations

import pytest

from admin_support import make_admin
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
NO_METHOD = "Unable to find matching target resource method"
X = "x-1"  # an id, name or alias that names nothing

# (method, path under the realm) for each resource class; one safe method of each path.
KEYCLOAK_PATHS = [
    ("GET", ""),
    ("GET", "admin-events"),
    ("GET", "events"),
    ("GET", "events/config"),
    ("DELETE", "attack-detection/brute-force/users"),
    ("GET", f"attack-detection/brute-force/users/{X}"),
    ("GET", "client-policies/policies"),
    ("GET", "client-policies/profiles"),
    ("GET", "client-registration-policy/providers"),
    ("GET", "client-types"),
    ("GET", "clients-initial-access"),
    ("DELETE", f"clients-initial-access/{X}"),
    ("GET", "client-session-stats"),
    ("GET", "components"),
    ("GET", f"components/{X}"),
    ("GET", f"components/{X}/sub-component-types"),
    ("GET", "credential-registrators"),
    ("GET", "default-default-client-scopes"),
    ("PUT", f"default-default-client-scopes/{X}"),
    ("GET", "default-optional-client-scopes"),
    ("DELETE", f"default-optional-client-scopes/{X}"),
    ("GET", "default-groups"),
    ("PUT", f"default-groups/{X}"),
    ("GET", f"group-by-path/{X}/{X}/{X}"),
    ("GET", "keys"),
    ("POST", "ldap-server-capabilities"),
    ("GET", "localization"),
    ("GET", f"localization/{X}"),
    ("GET", f"localization/{X}/{X}"),
    ("GET", "users-management-permissions"),
    ("DELETE", f"sessions/{X}"),
    ("GET", "workflows"),
    ("GET", f"workflows/{X}/{X}"),
    # ClientsResource, ClientResource and what its locators return
    ("GET", "clients"),
    ("GET", f"clients/{X}"),
    ("GET", f"clients/{X}/certificates/{X}"),
    ("POST", f"clients/{X}/certificates/{X}/generate-and-download"),
    ("GET", f"clients/{X}/client-secret"),
    ("GET", f"clients/{X}/client-secret/rotated"),
    ("GET", f"clients/{X}/default-client-scopes"),
    ("PUT", f"clients/{X}/optional-client-scopes/{X}"),
    ("GET", f"clients/{X}/evaluate-scopes/protocol-mappers"),
    ("GET", f"clients/{X}/evaluate-scopes/scope-mappings/{X}/granted"),
    ("GET", f"clients/{X}/evaluate-scopes/generate-example-userinfo"),
    ("GET", f"clients/{X}/installation/providers/{X}"),
    ("GET", f"clients/{X}/management/permissions"),
    ("POST", f"clients/{X}/nodes"),
    ("DELETE", f"clients/{X}/nodes/{X}"),
    ("GET", f"clients/{X}/test-nodes-available"),
    ("GET", f"clients/{X}/offline-session-count"),
    ("GET", f"clients/{X}/user-sessions"),
    ("POST", f"clients/{X}/registration-access-token"),
    ("GET", f"clients/{X}/service-account-user"),
    ("GET", f"clients/{X}/authz/resource-server"),
    ("GET", f"clients/{X}/authz/resource-server/policy/{X}/dependentPolicies"),
    ("GET", f"clients/{X}/protocol-mappers/protocol/{X}"),
    ("POST", f"clients/{X}/protocol-mappers/add-models"),
    ("GET", f"clients/{X}/protocol-mappers/models/{X}"),
    ("GET", f"clients/{X}/scope-mappings"),
    ("GET", f"clients/{X}/scope-mappings/realm/available"),
    ("GET", f"clients/{X}/scope-mappings/clients/{X}/composite"),
    ("GET", f"clients/{X}/roles"),
    ("GET", f"clients/{X}/roles/{X}/composites/clients/{X}"),
    ("GET", f"clients/{X}/roles/{X}/management/permissions"),
    # ClientScopesResource, ClientScopeResource (and the deprecated client-templates locator)
    ("GET", "client-scopes"),
    ("GET", f"client-scopes/{X}"),
    ("GET", f"client-scopes/{X}/protocol-mappers/models"),
    ("GET", f"client-scopes/{X}/scope-mappings/realm/composite"),
    ("GET", "client-templates"),
    ("GET", f"client-templates/{X}/scope-mappings/clients/{X}"),
    # UsersResource, UserResource, UserProfileResource
    ("GET", "users"),
    ("GET", "users/count"),
    ("GET", "users/profile"),
    ("GET", "users/profile/metadata"),
    ("GET", f"users/{X}"),
    ("GET", f"users/{X}/offline-sessions/{X}"),
    ("DELETE", f"users/{X}/federated-identity/{X}"),
    ("DELETE", f"users/{X}/consents/{X}"),
    ("PUT", f"users/{X}/credentials/{X}/userLabel"),
    ("POST", f"users/{X}/credentials/{X}/moveToFirst"),
    ("POST", f"users/{X}/credentials/{X}/moveAfter/{X}"),
    ("GET", f"users/{X}/configured-user-storage-credential-types"),
    ("PUT", f"users/{X}/disable-credential-types"),
    ("GET", f"users/{X}/groups/count"),
    ("GET", f"users/{X}/unmanagedAttributes"),
    ("GET", f"users/{X}/role-mappings"),
    ("GET", f"users/{X}/role-mappings/realm/available"),
    ("GET", f"users/{X}/role-mappings/clients/{X}/composite"),
    # GroupsResource, GroupResource
    ("GET", "groups"),
    ("GET", "groups/count"),
    ("GET", f"groups/{X}/children"),
    ("GET", f"groups/{X}/members"),
    ("GET", f"groups/{X}/management/permissions"),
    ("GET", f"groups/{X}/role-mappings/clients/{X}/available"),
    # RoleContainerResource (realm roles), RoleByIdResource
    ("GET", f"roles/{X}/composites/realm"),
    ("GET", f"roles/{X}/users"),
    ("GET", f"roles/{X}/groups"),
    ("GET", f"roles-by-id/{X}"),
    ("GET", f"roles-by-id/{X}/composites/clients/{X}"),
    ("GET", f"roles-by-id/{X}/management/permissions"),
    # IdentityProvidersResource, IdentityProviderResource
    ("GET", f"identity-provider/providers/{X}"),
    ("GET", "identity-provider/instances"),
    ("GET", f"identity-provider/instances/{X}/export"),
    ("GET", f"identity-provider/instances/{X}/mapper-types"),
    ("GET", f"identity-provider/instances/{X}/mappers/{X}"),
    ("GET", f"identity-provider/instances/{X}/management/permissions"),
    ("GET", f"identity-provider/instances/{X}/reload-keys"),
    # OrganizationsResource and its children
    ("GET", "organizations"),
    ("GET", "organizations/count"),
    ("GET", f"organizations/members/{X}/organizations"),
    ("GET", f"organizations/{X}"),
    ("GET", f"organizations/{X}/members/count"),
    ("GET", f"organizations/{X}/members/{X}/organizations"),
    ("GET", f"organizations/{X}/identity-providers"),
    ("GET", f"organizations/{X}/identity-providers/{X}"),
    ("GET", f"organizations/{X}/groups/{X}/children"),
    ("GET", f"organizations/{X}/invitations/{X}"),
    # AuthenticationManagementResource
    ("GET", "authentication/form-providers"),
    ("GET", f"authentication/config-description/{X}"),
    ("GET", f"authentication/flows/{X}/executions"),
    ("GET", f"authentication/executions/{X}/config/{X}"),
    ("GET", f"authentication/required-actions/{X}/config-description"),
]
# Served paths with a method Keycloak does not serve there: 405.
WRONG_METHODS = [
    ("PATCH", "users/count"),
    ("POST", "client-registration-policy/providers"),
    ("PUT", f"components/{X}/sub-component-types"),
    ("POST", f"clients/{X}/client-secret/rotated"),
    ("GET", f"users/{X}/credentials/{X}/moveToFirst"),
    ("DELETE", f"identity-provider/instances/{X}/reload-keys"),
    ("PUT", f"organizations/members/{X}/organizations"),
]


def unknown_variants(path: str) -> list[str]:
    """Paths no Keycloak resource serves, derived from a served one: a segment added after an id (not after a
    locale, whose next segment is a key), the last literal misspelt (not ``count`` or ``profile``, which would
    then read as an id). The open-ended paths (group-by-path, authz, workflows) give none."""
    segments = path.split("/") if path else []
    if segments and (segments[0] in ("workflows", "group-by-path") or "authz" in segments):
        return []
    variants = []
    if segments and segments[-1] == X and segments[0] != "localization":
        variants.append("/".join([*segments, "no-such-thing"]))
    literals = [i for i, s in enumerate(segments) if s != X]
    if literals and segments[literals[-1]] not in ("count", "profile"):
        changed = list(segments)
        changed[literals[-1]] += "s"
        variants.append("/".join(changed))
    return variants


UNKNOWN = sorted({v for _, path in KEYCLOAK_PATHS for v in unknown_variants(path)} - {p for _, p in KEYCLOAK_PATHS})


def url(path: str) -> str:
    return f"{REALM}/{path}" if path else REALM


async def test_every_keycloak_path_is_served_or_a_deliberate_501(realm: Env) -> None:
    headers = await admin_headers(realm)
    for method, path in KEYCLOAK_PATHS:
        response = await realm.http.request(method, url(path), headers=headers, json={})
        assert response.status_code not in (405, 500), (method, path, response.status_code, response.text)
        if response.status_code == 404:
            assert response.json().get("error") != NO_METHOD, (method, path, response.text)
        if response.status_code == 501:
            assert response.json() == {
                "error": "HTTP 501 Not Implemented",
                "error_description": f"Doorkeep does not implement {method} {url(path)}",
            }


async def test_paths_no_keycloak_resource_serves_are_its_404(realm: Env) -> None:
    headers = await admin_headers(realm)
    assert len(UNKNOWN) > 120
    for path in UNKNOWN:
        for method in ("GET", "POST", "PUT", "DELETE"):
            response = await realm.http.request(method, url(path), headers=headers, json={})
            assert response.status_code == 404, (method, path, response.status_code, response.text)
            assert response.json() == {
                "error": NO_METHOD,
                "error_description": "For more on this error consult the server log at the debug level.",
            }, (method, path)


async def test_a_method_keycloak_does_not_serve_at_a_served_path_is_405(realm: Env) -> None:
    headers = await admin_headers(realm)
    for method, path in WRONG_METHODS:
        response = await realm.http.request(method, url(path), headers=headers, json={})
        assert response.status_code == 405, (method, path, response.status_code, response.text)
        assert response.json()["error"] == "HTTP 405 Method Not Allowed"
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert allowed and method not in allowed, (method, path, allowed)
    head = await realm.http.head(url(f"clients/{X}/authz/resource-server"), headers=headers)
    assert head.status_code == 501  # JAX-RS answers HEAD wherever GET is served


async def test_a_405_names_every_method_keycloak_serves_at_the_path(realm: Env) -> None:
    """Where Doorkeep serves a path through several routes (``clients``: GET and POST; ``users/{id}``: GET, PUT,
    DELETE), a method none of them takes is 405 with ``Allow`` naming all of them, as JAX-RS lists every resource
    method of the path; Starlette's own answer named only the first route's (``HEAD, GET``; session 69)."""
    headers = await admin_headers(realm)
    users = await realm.http.get(url("users"), headers=headers, params={"max": 1})
    user_id = users.json()[0]["id"] if users.json() else X
    for path, served in (("clients", {"GET", "HEAD", "POST"}), (f"users/{user_id}", {"GET", "HEAD", "PUT", "DELETE"})):
        response = await realm.http.request("PATCH", url(path), headers=headers, json={})
        assert response.status_code == 405, (path, response.text)
        assert {m.strip() for m in response.headers["allow"].split(",")} == served | {"OPTIONS"}, path


async def test_without_a_token_every_admin_path_is_401_first(realm: Env) -> None:
    """AdminRoot.getRealmsAdmin / getServerInfo authenticate before RESTEasy matches the rest of the path."""
    sample = [*KEYCLOAK_PATHS[::3], *WRONG_METHODS, *(("GET", p) for p in UNKNOWN[::5])]
    for method, path in sample:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = await realm.http.request(method, url(path), headers=headers, json={})
            assert response.status_code == 401, (method, path, response.status_code, response.text)
            assert response.json()["error"] == "HTTP 401 Unauthorized"
            assert response.headers["www-authenticate"].startswith("Bearer"), (method, path)
    for path in ("/admin/serverinfo/no-such-thing", "/admin/realms/no-such-realm/no-such-thing"):
        response = await realm.http.get(path)
        assert response.status_code == 401, path


async def test_the_realm_is_looked_up_and_entered_before_the_path_is_judged(realm: Env) -> None:
    """RealmsAdminResource.getRealmAdmin: an unknown realm is "Realm not found." whatever follows; a caller of
    another realm (not master) is refused 403 before any path of that realm is matched."""
    headers = await admin_headers(realm)
    for path in ("no-such-thing", f"users/{X}/no-such-thing", f"clients/{X}/authz/resource-server"):
        response = await realm.http.get(f"/admin/realms/no-such-realm/{path}", headers=headers)
        assert (response.status_code, response.json()["error"]) == (404, "Realm not found."), path
    _, outsider = await make_admin(realm, "test", "outsider", "manage-users")
    for path in ("no-such-thing", f"users/{X}/unmanagedAttributes", f"clients/{X}/nodes/{X}/extra"):
        response = await realm.http.get(f"/admin/realms/master/{path}", headers=outsider)
        assert (response.status_code, response.json()["error"]) == (403, "HTTP 403 Forbidden"), path


async def test_a_caller_without_rights_learns_nothing_of_what_exists(realm: Env) -> None:
    """A user of the realm with no admin role gets the same answer for an unknown path under an existing user or
    client as under an id that names nothing: the answer depends on the path alone."""
    admin = await admin_headers(realm)
    user_id, nobody = await make_admin(realm, "test", "nobody")
    listed = await realm.http.get(f"{REALM}/clients", params={"clientId": "test-app"}, headers=admin)
    client_ids = [c["id"] for c in listed.json()] or [X]
    for real, fake in ((f"users/{user_id}", f"users/{X}"), (f"clients/{client_ids[0]}", f"clients/{X}")):
        for tail in ("no-such-thing", "protocol-mappers/no-such-thing", "role-mappings/realm/x/y"):
            answers = [await realm.http.get(url(f"{base}/{tail}"), headers=nobody) for base in (real, fake)]
            assert answers[0].status_code == answers[1].status_code == 404, tail
            assert answers[0].json() == answers[1].json()
