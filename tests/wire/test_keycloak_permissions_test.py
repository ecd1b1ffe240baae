"""Keycloak's PermissionsTest (tests/base/.../tests/admin/PermissionsTest.java, formerly testsuite/
integration-arquillian/.../admin/PermissionsTest.java) with the two methods since moved to
PermissionsWithRemovalTest (realms, flows), ported one Java method to one parametrized test, each ``invoke``
one case: which realm-management role may call which admin endpoint, 403 for everyone else.

One app, database and set-up for the module (tests/permissions_port.py): ``permissions-test`` with a user per
realm-management role, ``realm-admin``, ``multi`` (query-groups, manage-realm, view-clients) and ``none``;
``realm2`` with its own realm-admin (the REALM2 caller); master's admin, a master user without roles, and the
``master-<role>`` callers: master users holding one role of master's ``permissions-test-realm`` client (the view and
manage roles the cases use). The resources the methods make (client ``foo``, users ``testuser`` and ``attacked``,
group ``mygroup``, roles ``sample-role`` and ``role-by-id``, client scope ``scope``) are made once up front, so the
create cases answer 409 to the permitted callers (Keycloak's check counts 409 as permitted) and 403 to the rest.

identityProviders and users()' add/remove federated identity are ported since session 61 (Doorkeep serves
``identity-provider/instances``, web/admin/identity_providers.py); the identity provider ``foo`` the create case
makes stays for the later cases, as in the Java test.

Not ported, and why:

* testServerInfo's master-view-realm row (master's admin stands in): ServerInfoPermissionsTest's newer master
  callers hold master's own admin roles, which Doorkeep keeps on master's ``realm-management``.
* realms()' testLDAPConnection: user federation / LDAP.
* users()' getUnmanagedAttributes: user profile; no ``unmanagedAttributes`` endpoint.
* testServerInfo's ``systemInfo.javaVersion``: Doorkeep runs no JVM; who sees ``systemInfo``, ``cpuInfo`` and
  ``memoryInfo`` (the process's memory, admin/memory_info.py) is asserted, here and in
  test_keycloak_server_info_permissions_test.py.
* users()' impersonation: as the Java comment says, in ImpersonationTest (test_admin_impersonation.py).
* realms()' realm deletion by the realm's own realm-admin runs against a third realm, ``permissions-delete``,
  so the module's realm stays for the other tests (the Java test deletes and imports ``permissions-test``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from permissions_port import (
    DOOMED,
    MULTIPART,
    REALM,
    REALM_2,
    ROLES,
    Case,
    Kc,
    by,
    case,
    invoke,
    login,
    set_up,
)
from pg import ThrowawayPostgres
from ports import free_port
from wire_env import make_env

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def smtp_port() -> Iterator[int]:
    """AbstractPermissionsTest's realm has an SMTP server: the action emails of users() are sent to this sink."""
    from aiosmtpd.controller import Controller

    from mail_sink import Sink

    sink = Sink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
async def kc(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp_port: int
) -> AsyncIterator[Kc]:
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        name = f"test_permissions_{uuid.uuid4().hex[:12]}"
        server.create_database(name)
        url = server.url(name)
    else:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('permissions')) / 'doorkeep.db'}"
    env, db = await make_env(url)
    try:
        yield await set_up(env, smtp_port)
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()
        if url.startswith("postgresql"):
            request.getfixturevalue("postgres_server").drop_database_of(url)


def ids(one: Case) -> str:
    return one.name


R, U, C, E = "realm", "user", "client", "events"
GET, POST, PUT, DELETE = "GET", "POST", "PUT", "DELETE"

REALM_LOGOUT_ALL = [
    by(
        "logout-all",
        POST,
        "/logout-all",
        ("master-none", False),
        ("master-view-realm", False),
        ("REALM2", False),
        ("none", False),
        ("view-users", False),
        ("manage-realm", False),
        ("master-manage-realm", False),
        ("manage-users", True),
        ("master-manage-users", True),
    ),
]


@pytest.mark.parametrize("one", REALM_LOGOUT_ALL, ids=ids)
async def test_realm_logout_all(kc: Kc, one: Case) -> None:
    try:
        await invoke(kc, one)
    finally:
        await kc.log_in_again()


EVENTS = [
    case("get-events-config", GET, "/events/config", E, False),
    case("update-events-config", PUT, "/events/config", E, True, {}),
    case("get-events", GET, "/events", E, False),
    case("get-admin-events", GET, "/admin-events", E, False),
    case("clear-events", DELETE, "/events", E, True),
    case("clear-admin-events", DELETE, "/admin-events", E, True),
]


@pytest.mark.parametrize("one", EVENTS, ids=ids)
async def test_events(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


BRUTE_FORCE = "/attack-detection/brute-force/users"
ATTACK_DETECTION = [
    case("brute-force-user-status", GET, BRUTE_FORCE + "/{attacked}", U, False),
    case("clear-brute-force-for-user", DELETE, BRUTE_FORCE + "/{attacked}", U, True),
    case("clear-all-brute-force", DELETE, BRUTE_FORCE, U, True),
]


@pytest.mark.parametrize("one", ATTACK_DETECTION, ids=ids)
async def test_attack_detection(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


def _empty_list(caller: str, body: Any) -> None:
    assert body == [], (caller, body)


def _non_empty_list(caller: str, body: Any) -> None:
    assert isinstance(body, list) and body, (caller, body)


FOO = "/clients/{foo}"
CERT = FOO + "/certificates/nosuch"
FOO_ROLE = FOO + "/roles/nosuch"
CLIENTS = [
    case("find-all", GET, "/clients", C, False, skip_different=True),
    by("query-clients-finds-none", GET, "/clients", ("query-clients", True), check=_empty_list),
    by("view-clients-finds-some", GET, "/clients", ("view-clients", True), check=_non_empty_list),
    by("query-users-create", POST, "/clients", ("query-users", False), body={"clientId": "test-client"}),
    by("query-users-get", GET, "/clients/{test_client}", ("query-users", False)),
    by("query-users-update", PUT, "/clients/{test_client}", ("query-users", False), body={}),
    by("query-users-remove", DELETE, "/clients/{test_client}", ("query-users", False)),
    case("create", POST, "/clients", C, True, {"clientId": "foo"}),
    case("get", GET, FOO, C, False),
    case("installation-provider", GET, FOO + "/installation/providers/nosuch", C, False),
    case("update", PUT, FOO, C, True, {"clientId": "foo"}),
    Case("remove", ((DELETE, FOO, None), (POST, "/clients", {"clientId": "foo"})), C, True, refresh=True),
    case("generate-new-secret", POST, FOO + "/client-secret", C, True),
    case("regenerate-registration-access-token", POST, FOO + "/registration-access-token", C, True),
    # Keycloak 26.8 (keycloak#51733, ClientSecretVisibilityTest): getClientSecret requires manage-clients.
    case("get-secret", GET, FOO + "/client-secret", C, True),
    case("service-account-user", GET, FOO + "/service-account-user", C, False),
    case("push-revocation", POST, FOO + "/push-revocation", C, True),
    # realm.convertClientDescription("blahblah"): a permitted caller's 400 is "Unsupported format".
    case("convert-client-description", POST, "/client-description-converter", C, True, "blahblah"),
    case("session-count", GET, FOO + "/session-count", C, False),
    case("user-sessions", GET, FOO + "/user-sessions?first=0&max=100", C, False),
    case("offline-session-count", GET, FOO + "/offline-session-count", C, False),
    case("offline-sessions", GET, FOO + "/offline-sessions?first=0&max=100", C, False),
    case("register-node", POST, FOO + "/nodes", C, True, {}),
    case("unregister-node", DELETE, FOO + "/nodes/nosuch", C, True),
    case("test-nodes-available", GET, FOO + "/test-nodes-available", C, True),
    case("certificate-generate", POST, CERT + "/generate", C, True),
    case("certificate-generate-and-download", POST, CERT + "/generate-and-download", C, True, {}),
    case("certificate-key-info", GET, CERT, C, False),
    case("certificate-download", POST, CERT + "/download", C, False, {}),
    case("certificate-upload", POST, CERT + "/upload", C, True, MULTIPART),
    case("certificate-upload-certificate", POST, CERT + "/upload-certificate", C, True, MULTIPART),
    case("mappers-add-models", POST, FOO + "/protocol-mappers/add-models", C, True, []),
    case("mappers-create", POST, FOO + "/protocol-mappers/models", C, True, {}),
    case("mapper-by-id", GET, FOO + "/protocol-mappers/models/nosuch", C, False, skip_different=True),
    case("mappers", GET, FOO + "/protocol-mappers/models", C, False, skip_different=True),
    case("mappers-per-protocol", GET, FOO + "/protocol-mappers/protocol/nosuch", C, False, skip_different=True),
    case("mapper-update", PUT, FOO + "/protocol-mappers/models/nosuch", C, True, {}),
    case("mapper-delete", DELETE, FOO + "/protocol-mappers/models/nosuch", C, True),
    case("scope-mappings", GET, FOO + "/scope-mappings", C, False),
    case("scope-mappings-realm", GET, FOO + "/scope-mappings/realm", C, False),
    case("scope-mappings-realm-effective", GET, FOO + "/scope-mappings/realm/composite", C, False),
    case("scope-mappings-realm-available", GET, FOO + "/scope-mappings/realm/available", C, False),
    case("scope-mappings-realm-add", POST, FOO + "/scope-mappings/realm", C, True, []),
    case("scope-mappings-realm-remove", DELETE, FOO + "/scope-mappings/realm", C, True, []),
    case("roles-of-unknown-client", GET, "/clients/{random}/roles", C, False, skip_different=True),
    case("role-create", POST, FOO + "/roles", C, True, {}),
    case("role-get", GET, FOO_ROLE, C, False),
    case("role-delete", DELETE, FOO_ROLE, C, True),
    case("role-update", PUT, FOO_ROLE, C, True, {}),
    case("role-add-composites", POST, FOO_ROLE + "/composites", C, True, []),
    case("role-delete-composites", DELETE, FOO_ROLE + "/composites", C, True, []),
    case("role-composites", GET, FOO_ROLE + "/composites", C, False),
    case("role-realm-composites", GET, FOO_ROLE + "/composites/realm", C, False),
    case("role-client-composites", GET, FOO_ROLE + "/composites/clients/nosuch", C, False),
    by("query-clients-flows", GET, "/authentication/flows", ("query-clients", True)),
    by(
        "client-authenticator-providers",
        GET,
        "/authentication/client-authenticator-providers",
        ("query-clients", True),
        ("view-clients", True),
        ("manage-clients", True),
        ("query-users", False),
    ),
    by(
        "query-clients-per-client-config", GET, "/authentication/per-client-config-description", ("query-clients", True)
    ),
]


@pytest.mark.parametrize("one", CLIENTS, ids=ids)
async def test_clients(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


SCOPE = "/client-scopes/{scope}"
SCOPE_RM = SCOPE + "/scope-mappings/clients/{rm}"
SCOPE_REP = {"name": "scope", "protocol": "openid-connect"}
CLIENT_SCOPES = [
    case("find-all", GET, "/client-scopes", C, False, skip_different=True),
    case("create", POST, "/client-scopes", C, True, SCOPE_REP),
    case("get", GET, SCOPE, C, False),
    case("update", PUT, SCOPE, C, True, SCOPE_REP),
    Case("remove", ((DELETE, SCOPE, None), (POST, "/client-scopes", SCOPE_REP)), C, True, refresh=True),
    case("mappers", GET, SCOPE + "/protocol-mappers/models", C, False, skip_different=True),
    case("mappers-per-protocol", GET, SCOPE + "/protocol-mappers/protocol/nosuch", C, False, skip_different=True),
    case("mapper-by-id", GET, SCOPE + "/protocol-mappers/models/nosuch", C, False, skip_different=True),
    case("mapper-update", PUT, SCOPE + "/protocol-mappers/models/nosuch", C, True, {}),
    case("mappers-create", POST, SCOPE + "/protocol-mappers/models", C, True, {}),
    case("mappers-add-models", POST, SCOPE + "/protocol-mappers/add-models", C, True, []),
    case("mapper-delete", DELETE, SCOPE + "/protocol-mappers/models/nosuch", C, True),
    case("scope-mappings", GET, SCOPE + "/scope-mappings", C, False),
    case("scope-mappings-realm", GET, SCOPE + "/scope-mappings/realm", C, False),
    case("scope-mappings-realm-available", GET, SCOPE + "/scope-mappings/realm/available", C, False),
    case("scope-mappings-realm-effective", GET, SCOPE + "/scope-mappings/realm/composite", C, False),
    case("scope-mappings-realm-add", POST, SCOPE + "/scope-mappings/realm", C, True, []),
    case("scope-mappings-realm-remove", DELETE, SCOPE + "/scope-mappings/realm", C, True, []),
    case("scope-mappings-client", GET, SCOPE_RM, C, False),
    case("scope-mappings-client-available", GET, SCOPE_RM + "/available", C, False),
    case("scope-mappings-client-effective", GET, SCOPE_RM + "/composite", C, False),
    case("scope-mappings-client-add", POST, SCOPE_RM, C, True, []),
    case("scope-mappings-client-remove", DELETE, SCOPE_RM, C, True, []),
    by("query-users-find-all", GET, "/client-scopes", ("query-users", False)),
]


@pytest.mark.parametrize("one", CLIENT_SCOPES, ids=ids)
async def test_client_scopes(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


CLIENT_INITIAL_ACCESS = [
    case("list", GET, "/clients-initial-access", C, False),
    case("create", POST, "/clients-initial-access", C, True, {}),
    case("delete", DELETE, "/clients-initial-access/nosuch", C, True),
]


@pytest.mark.parametrize("one", CLIENT_INITIAL_ACCESS, ids=ids)
async def test_client_initial_access(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


SAMPLE = "/roles/sample-role"
ROLES_CASES = [
    case("list", GET, "/roles", R, False, skip_different=True),
    by("create-client-list", GET, "/roles", ("create-client", False)),
    case("get", GET, SAMPLE, R, False),
    case("update", PUT, SAMPLE, R, True, {"name": "sample-role"}),
    case("create", POST, "/roles", R, True, {}),
    Case("delete", ((DELETE, SAMPLE, None), (POST, "/roles", {"name": "sample-role"})), R, True),
    case("composites", GET, SAMPLE + "/composites", R, False),
    case("add-composites", POST, SAMPLE + "/composites", R, True, []),
    case("delete-composites", DELETE, SAMPLE + "/composites", R, True, []),
    case("realm-composites", GET, SAMPLE + "/composites/realm", R, False),
    case("client-composites", GET, SAMPLE + "/composites/clients/{random}", R, False),
]


@pytest.mark.parametrize("one", ROLES_CASES, ids=ids)
async def test_roles(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


BY_ID = "/roles-by-id/{role_id}"
ROLES_BY_ID = [
    case("get", GET, BY_ID, R, False, skip_different=True),
    case("update", PUT, BY_ID, R, True, {"name": "role-by-id"}),
    Case("delete", ((DELETE, BY_ID, None), (POST, "/roles", {"name": "role-by-id"})), R, True, refresh=True),
    case("composites", GET, BY_ID + "/composites", R, False, skip_different=True),
    case("add-composites", POST, BY_ID + "/composites", R, True, []),
    case("delete-composites", DELETE, BY_ID + "/composites", R, True, []),
    case("realm-composites", GET, BY_ID + "/composites/realm", R, False, skip_different=True),
    case("client-composites", GET, BY_ID + "/composites/clients/{random}", R, False, skip_different=True),
]


@pytest.mark.parametrize("one", ROLES_BY_ID, ids=ids)
async def test_roles_by_id(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


GROUP = "/groups/{mygroup}"
GROUP_RM = GROUP + "/role-mappings/clients/{rm}"
GROUPS = [
    case("groups", GET, "/groups", U, False),
    case("count", GET, "/groups/count", U, False),
    case("add", POST, "/groups", U, True, {"name": "mygroup"}),
    by("create-client-groups", GET, "/groups", ("create-client", False)),
    case("get", GET, GROUP, U, False),
    case("update", PUT, GROUP, U, True, {"name": "mygroup"}),
    case("members", GET, GROUP + "/members?first=0&max=100", U, False),
    case("sub-group", POST, GROUP + "/children", U, True, {"name": "sub"}),
    case("role-mappings", GET, GROUP + "/role-mappings", U, False),
    case("realm-mappings", GET, GROUP + "/role-mappings/realm", U, False),
    case("realm-mappings-effective", GET, GROUP + "/role-mappings/realm/composite", U, False),
    case("realm-mappings-available", GET, GROUP + "/role-mappings/realm/available", U, False),
    case("realm-mappings-add", POST, GROUP + "/role-mappings/realm", U, True, []),
    case("realm-mappings-remove", DELETE, GROUP + "/role-mappings/realm", U, True, []),
    case("client-mappings", GET, GROUP_RM, U, False),
    case("client-mappings-effective", GET, GROUP_RM + "/composite", U, False),
    case("client-mappings-available", GET, GROUP_RM + "/available", U, False),
    case("client-mappings-add", POST, GROUP_RM, U, True, []),
    case("client-mappings-remove", DELETE, GROUP_RM, U, True, []),
    Case("remove", ((DELETE, GROUP, None), (POST, "/groups", {"name": "mygroup"})), U, True, refresh=True),
]


@pytest.mark.parametrize("one", GROUPS, ids=ids)
async def test_groups(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


USER = "/users/{testuser}"
USER_RM = USER + "/role-mappings/clients/{rm}"
USER_REP = {"username": "testuser"}
PASSWORD = {"type": "password", "value": "password", "temporary": False}
FEDERATED_LINK = {"identityProvider": "nosuch", "userId": "nosuch", "userName": "nosuch"}
USERS = [
    case("create", POST, "/users", U, True, USER_REP),
    Case("remove", ((DELETE, USER, None), (POST, "/users", USER_REP)), U, True, refresh=True),
    case("get", GET, USER, U, False),
    case("update", PUT, USER, U, True, USER_REP),
    case("count", GET, "/users/count", U, False),
    case("user-sessions", GET, USER + "/sessions", U, False),
    case("offline-sessions", GET, USER + "/offline-sessions/{random}", U, False),
    case("federated-identity", GET, USER + "/federated-identity", U, False),
    case("add-federated-identity", POST, USER + "/federated-identity/nosuch", U, True, FEDERATED_LINK),
    case("remove-federated-identity", DELETE, USER + "/federated-identity/nosuch", U, True),
    case("consents", GET, USER + "/consents", U, False),
    case("revoke-consent", DELETE, USER + "/consents/testclient", U, True),
    case("logout", POST, USER + "/logout", U, True),
    case("reset-password", PUT, USER + "/reset-password", U, True, PASSWORD),
    case("credentials", GET, USER + "/credentials", U, False),  # view-users since Keycloak 22 (#19587)
    case("remove-credential", DELETE, USER + "/credentials/123", U, True),
    case("execute-actions-email", PUT, USER + "/execute-actions-email", U, True, ["UPDATE_PASSWORD"]),
    case("execute-actions-email-none", PUT, USER + "/execute-actions-email", U, True, []),
    case("send-verify-email", PUT, USER + "/send-verify-email", U, True),
    case("groups", GET, USER + "/groups", U, False),
    case("leave-group", DELETE, USER + "/groups/nosuch", U, True),
    case("join-group", PUT, USER + "/groups/nosuch", U, True),
    case("role-mappings", GET, USER + "/role-mappings", U, False),
    case("realm-mappings", GET, USER + "/role-mappings/realm", U, False),
    case("realm-mappings-available", GET, USER + "/role-mappings/realm/available", U, False),
    case("realm-mappings-effective", GET, USER + "/role-mappings/realm/composite", U, False),
    case("realm-mappings-add", POST, USER + "/role-mappings/realm", U, True, []),
    case("realm-mappings-remove", DELETE, USER + "/role-mappings/realm", U, True, []),
    case("client-mappings", GET, USER_RM, U, False),
    case("client-mappings-available", GET, USER_RM + "/available", U, False),
    case("client-mappings-effective", GET, USER_RM + "/composite", U, False),
    case("client-mappings-add", POST, USER_RM, U, True, []),
    case("client-mappings-remove", DELETE, USER_RM, U, True, []),
    case("search", GET, "/users?search=foo&first=0&max=1", U, False),
    by("query-clients-list", GET, "/users", ("query-clients", False)),
    by("query-clients-create", POST, "/users", ("query-clients", False), body=USER_REP),
    by("query-clients-search", GET, "/users?search=test", ("query-clients", False)),
    by("query-clients-get", GET, USER, ("query-clients", False)),
    by("query-clients-remove", DELETE, USER, ("query-clients", False)),
    by("query-clients-update", PUT, USER, ("query-clients", False), body=USER_REP),
    by("query-users-required-actions", GET, "/authentication/required-actions", ("query-users", True)),
    by(
        "view-users-storage-credential-types",
        GET,
        USER + "/configured-user-storage-credential-types",
        ("view-users", True),
    ),
]


@pytest.mark.parametrize("one", USERS, ids=ids)
async def test_users(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


IDPS = "identity-provider"
IDP = "/identity-provider/instances"
FOO_IDP = {
    "providerId": "oidc",
    "displayName": "nosuch-foo",
    "alias": "foo",
    "config": {"clientId": "foo", "clientSecret": "foo"},
}
IDENTITY_PROVIDERS = [
    case("find-all", GET, IDP, IDPS, False),
    case("create", POST, IDP, IDPS, True, FOO_IDP),
    case("get", GET, IDP + "/nosuch", IDPS, False),
    case("update", PUT, IDP + "/nosuch", IDPS, True, {}),
    case("export", GET, IDP + "/nosuch/export?format=saml", IDPS, False),
    case("remove", DELETE, IDP + "/nosuch", IDPS, True),
    case("add-mapper", POST, IDP + "/nosuch/mappers", IDPS, True, {}),
    case("delete-mapper", DELETE, IDP + "/nosuch/mappers/nosuch", IDPS, True),
    case("get-mappers", GET, IDP + "/nosuch/mappers", IDPS, False),
    case("get-mapper", GET, IDP + "/nosuch/mappers/nosuch", IDPS, False),
    case("get-mapper-types", GET, IDP + "/nosuch/mapper-types", IDPS, False),
    case("import-from", POST, "/identity-provider/import-config", IDPS, True, {}),
    case("import-from-null", POST, "/identity-provider/import-config", IDPS, True),
]


@pytest.mark.parametrize("one", IDENTITY_PROVIDERS, ids=ids)
async def test_identity_providers(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


COMPONENTS = [
    case("query", GET, "/components", R, False),
    case("query-parent", GET, "/components?parent=nosuch", R, False),
    case("client-registration-policy-providers", GET, "/client-registration-policy/providers", R, False),
    case("add", POST, "/components", R, True, {}),
    case("get", GET, "/components/nosuch", R, False),
    case("update", PUT, "/components/nosuch", R, True, {}),
    case("remove", DELETE, "/components/nosuch", R, True),
    case("keys", GET, "/keys", R, False),  # not in the Java method: KeyResource.getKeyMetadata, requireViewRealm
]


@pytest.mark.parametrize("one", COMPONENTS, ids=ids)
async def test_components(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


EXPORT = "/partial-export?exportGroupsAndRoles={}&exportClients={}"
PARTIAL_EXPORT = [
    by("view-realm-plain", POST, EXPORT.format("false", "false"), ("view-realm", False)),
    by("manage-realm-plain", POST, EXPORT.format("false", "false"), ("manage-realm", True)),
    by("manage-realm-groups-and-roles", POST, EXPORT.format("true", "false"), ("manage-realm", False)),
    by("manage-realm-clients", POST, EXPORT.format("false", "true"), ("manage-realm", False)),
    by("multi-everything", POST, EXPORT.format("true", "true"), ("multi", True)),
    by("none-plain", POST, EXPORT.format("false", "false"), ("none", False)),
]


@pytest.mark.parametrize("one", PARTIAL_EXPORT, ids=ids)
async def test_partial_export(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


# verifyAnyAdminRoleReqired: any admin role of the realm (or master's admin) may read.
ANY_ADMIN = (
    ("view-realm", True),
    ("manage-realm", True),
    ("multi", True),
    ("master-admin", True),
    ("none", False),
    ("REALM2", False),
)
MANAGE_REALM = (
    ("view-realm", False),
    ("manage-realm", True),
    ("master-admin", True),
    ("none", False),
    ("REALM2", False),
)
LOCALIZATIONS = [
    by("locales", GET, "/localization", *ANY_ADMIN),
    by("text", GET, "/localization/en/test", *ANY_ADMIN),
    by("texts", GET, "/localization/en", *ANY_ADMIN),
    by("texts-without-fallback", GET, "/localization/en?useRealmDefaultLocaleFallback=false", *ANY_ADMIN),
    by("create-or-update", POST, "/localization/en", *MANAGE_REALM[:4], body={}),
    by("delete-text", DELETE, "/localization/en/test", *MANAGE_REALM),
    by("delete-texts", DELETE, "/localization/en", *MANAGE_REALM),
]


@pytest.mark.parametrize("one", LOCALIZATIONS, ids=ids)
async def test_localizations(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


# Keycloak 26.4.11 / 26.5.6, "Stricter access control for fetching user profile configuration and metadata": not
# any admin role any more, only view-realm, manage-realm, view-users, manage-users or query-users.
PROFILE_READERS = (
    ("view-realm", True),
    ("manage-realm", True),
    ("view-users", True),
    ("manage-users", True),
    ("query-users", True),
    ("multi", True),
    ("realm-admin", True),
    ("master-admin", True),
    ("view-clients", False),
    ("manage-clients", False),
    ("query-groups", False),
    ("view-events", False),
    ("impersonation", False),
    ("none", False),
    ("REALM2", False),
)
USER_PROFILE = [
    by("get-user-profile-config", GET, "/users/profile", *PROFILE_READERS),
    by("get-user-profile-metadata", GET, "/users/profile/metadata", *PROFILE_READERS),
]


@pytest.mark.parametrize("one", USER_PROFILE, ids=ids)
async def test_user_profile_is_read_only_by_realm_or_user_viewers(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


# What RealmAdminResource.getRealm (and RealmsAdminResource's list) show an admin without view-realm: the name,
# the locales and display names (assertGettersEmpty's exceptions), and booleans the Java check does not read.
LIMITED = {"realm", "displayName", "displayNameHtml", "defaultLocale", "supportedLocales"}


def _names(*expected: str) -> Any:
    def check(caller: str, body: Any) -> None:
        assert {r["realm"] for r in body} - {DOOMED} == set(expected), (caller, body)

    return check


def _limited(body: dict[str, Any]) -> None:
    assert {k for k, v in body.items() if not isinstance(v, bool)} <= LIMITED, body


def _listed_limited(caller: str, body: Any) -> None:
    assert [r["realm"] for r in body] == [REALM], (caller, body)
    _limited(body[0])


def _listed_full(caller: str, body: Any) -> None:
    assert [r["realm"] for r in body] == [REALM], (caller, body)
    assert body[0]["accessTokenLifespan"] is not None, (caller, body)


def _query_realm_rep(caller: str, body: Any) -> None:
    _limited(body)
    assert "registrationEmailAsUsername" not in body and "attributes" not in body, (caller, body)


def _user_view_rep(caller: str, body: Any) -> None:
    assert body["registrationEmailAsUsername"] is not None, (caller, body)


REALMS = [
    by("master-none-find-all", GET, "/admin/realms", ("master-none", False)),
    by("none-find-all", GET, "/admin/realms", ("none", False)),
    by("master-admin-find-all", GET, "/admin/realms", ("master-admin", True), check=_names("master", REALM, REALM_2)),
    by("realm-admin-find-all", GET, "/admin/realms", ("realm-admin", True), check=_names(REALM)),
    by("realm2-find-all", GET, "/admin/realms", ("REALM2", True), check=_names(REALM_2)),
    by("view-users-find-all", GET, "/admin/realms", ("view-users", True), check=_listed_limited),
    by("view-realm-find-all", GET, "/admin/realms", ("view-realm", True), check=_listed_full),
    by("master-view-users-find-all", GET, "/admin/realms", ("master-view-users", True), check=_listed_limited),
    by("master-view-realm-find-all", GET, "/admin/realms", ("master-view-realm", True), check=_listed_full),
    by("master-admin-create", POST, "/admin/realms", ("master-admin", True), body={"realm": "master"}),
    by("master-manage-users-create", POST, "/admin/realms", ("master-manage-users", False), body={"realm": "master"}),
    by("realm-admin-create", POST, "/admin/realms", ("realm-admin", False), body={"realm": "master"}),
    case("get", GET, "", R, False, skip_different=True),
    by("query-realms-get", GET, "", ("query-realms", True), check=_query_realm_rep),
    by("view-users-get", GET, "", ("view-users", True), check=_user_view_rep),
    by("manage-users-get", GET, "", ("manage-users", True), check=_user_view_rep),
    by("query-users-get", GET, "", ("query-users", True), check=_query_realm_rep),
    by("query-roles-get", GET, "", *((role, True) for role in ROLES if role.startswith("query-"))),
    case("update", PUT, "", R, True, {}),
    case("push-revocation", POST, "/push-revocation", R, True),
    case("delete-session", DELETE, "/sessions/nosuch?isOffline=false", U, True),
    case("client-session-stats", GET, "/client-session-stats", R, False),
    case("default-groups", GET, "/default-groups", R, False),
    case("add-default-group", PUT, "/default-groups/nosuch", R, True),
    case("remove-default-group", DELETE, "/default-groups/nosuch", R, True),
    case("group-by-path", GET, "/group-by-path/sample", U, False),
    case("partial-import", POST, "/partialImport", R, True, {}),
    case("clear-realm-cache", POST, "/clear-realm-cache", R, True),
    case("clear-user-cache", POST, "/clear-user-cache", R, True),
    by("master-admin-delete-unknown", DELETE, "/admin/realms/nosuch", ("master-admin", True)),
    by("realm2-delete", DELETE, f"/admin/realms/{REALM}", ("REALM2", False)),
    by("manage-users-delete", DELETE, f"/admin/realms/{REALM}", ("manage-users", False)),
    by("realm-admin-delete", DELETE, f"/admin/realms/{DOOMED}", ("doomed-admin", True)),
]


@pytest.mark.parametrize("one", REALMS, ids=ids)
async def test_realms(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


AUTH = "/authentication"
FLOWS = [
    case("form-providers", GET, AUTH + "/form-providers", R, False),
    case("authenticator-providers", GET, AUTH + "/authenticator-providers", R, False),
    case(
        "client-authenticator-providers", GET, AUTH + "/client-authenticator-providers", R, False, skip_different=True
    ),
    case("form-action-providers", GET, AUTH + "/form-action-providers", R, False),
    case("flows", GET, AUTH + "/flows", R, False, skip_different=True),
    case("flow", GET, AUTH + "/flows/nosuch", R, False),
    case("executions", GET, AUTH + "/flows/nosuch/executions", R, False),
    case("execution", GET, AUTH + "/executions/nosuch", R, False),
    case("authenticator-config", GET, AUTH + "/config/nosuch", R, False),
    case("create-flow", POST, AUTH + "/flows", R, True, {}),
    case("update-flow", PUT, AUTH + "/flows/nosuch", R, True, {}),
    case("delete-flow", DELETE, AUTH + "/flows/nosuch", R, True),
    case("copy-flow", POST, AUTH + "/flows/nosuch/copy", R, True, {}),
    case("add-execution-flow", POST, AUTH + "/flows/nosuch/executions/flow", R, True, {}),
    case("add-execution-to-flow", POST, AUTH + "/flows/nosuch/executions/execution", R, True, {}),
    case("update-executions", PUT, AUTH + "/flows/nosuch/executions", R, True, {}),
    case("add-execution", POST, AUTH + "/executions", R, True, {}),
    case("raise-priority", POST, AUTH + "/executions/nosuch/raise-priority", R, True),
    case("lower-priority", POST, AUTH + "/executions/nosuch/lower-priority", R, True),
    case("remove-execution", DELETE, AUTH + "/executions/nosuch", R, True),
    case("new-execution-config", POST, AUTH + "/executions/nosuch/config", R, True, {}),
    case("update-authenticator-config", PUT, AUTH + "/config/nosuch", R, True, {}),
    case("remove-authenticator-config", DELETE, AUTH + "/config/nosuch", R, True),
    case("unregistered-required-actions", GET, AUTH + "/unregistered-required-actions", R, False),
    case("register-required-action", POST, AUTH + "/register-required-action", R, True, {}),
    case("required-actions", GET, AUTH + "/required-actions", R, False, skip_different=True),
    case("required-action", GET, AUTH + "/required-actions/nosuch", R, False),
    case("remove-required-action", DELETE, AUTH + "/required-actions/nosuch", R, True),
    case("update-required-action", PUT, AUTH + "/required-actions/nosuch", R, True, {}),
    case("config-description", GET, AUTH + "/config-description/nosuch", R, False),
    case("per-client-config-description", GET, AUTH + "/per-client-config-description", R, False, skip_different=True),
    by("view-realm-required-actions", GET, AUTH + "/required-actions", ("view-realm", True)),
    by("view-realm-per-client-config", GET, AUTH + "/per-client-config-description", ("view-realm", True)),
    by("view-realm-client-authenticators", GET, AUTH + "/client-authenticator-providers", ("view-realm", True)),
]


@pytest.mark.parametrize("one", FLOWS, ids=ids)
async def test_flows(kc: Kc, one: Case) -> None:
    await invoke(kc, one)


SYSTEM = ("systemInfo", "cpuInfo", "memoryInfo")


@pytest.mark.parametrize(
    ("caller", "status", "shown"),
    [
        ("master-none", 403, ()),  # a master user without a role
        ("master-admin", 200, SYSTEM),  # a master user with a permission sees the system
        ("none", 403, ()),
        ("view-realm", 200, ()),  # an admin of another realm does not
        ("manage-users", 200, ()),
        ("manage-realm", 200, ("systemInfo",)),  # ServerInfoPermissionsTest (26.x): manage-realm sees the version
        ("view-system", 200, ()),  # nor with a view-system role: Keycloak 26.6.4 removed that fallback
    ],
)
async def test_server_info(kc: Kc, caller: str, status: int, shown: tuple[str, ...]) -> None:
    if caller == "view-system":  # the role made and given to view-realm's user, and taken away again
        await kc.master("POST", "/clients/{rm}/roles".format(**kc.ids), {"name": "view-system"})
        role = await kc.master("GET", "/clients/{rm}/roles/view-system".format(**kc.ids))
        (user,) = await kc.master("GET", "/users", username="view-realm", exact="true")
        mappings = "/users/{}/role-mappings/clients/{}".format(user["id"], kc.ids["rm"])
        await kc.master("POST", mappings, [role])
        kc.headers[caller] = await login(kc.env, REALM, "view-realm")
    try:
        response = await kc.call(caller, GET, "/admin/serverinfo")
    finally:
        if caller == "view-system":
            await kc.master("DELETE", mappings, [role])
            await kc.master("DELETE", "/clients/{rm}/roles/view-system".format(**kc.ids))
    assert response.status_code == status, response.text
    if status == 200:
        body = response.json()
        assert {key for key in SYSTEM if key in body} == set(shown), (caller, sorted(body))
        if caller == "manage-realm":
            assert set(body["systemInfo"]) == {"version"}, body["systemInfo"]
