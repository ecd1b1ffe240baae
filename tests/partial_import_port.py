"""Shared by the ports of Keycloak's new-framework partial import classes (tests/base/.../tests/admin/
partialimport/AbstractPartialImportTest): the resources it makes, seven of each, and its testFail, testSkip and
testOverwrite, against the realm ``partial``."""

from __future__ import annotations

from typing import Any

from wire_env import Env

REALM = "/admin/realms/partial"
URL = f"{REALM}/partialImport"
NUM_ENTITIES = 7  # AbstractPartialImportTest.IDP_ALIASES.length
ROLES_CLIENT = "clientRolesClient"


def users(*, with_ids: bool = False, required_actions: list[str] | None = None) -> list[dict[str, Any]]:
    """AbstractPartialImportTest.addUsers / addUsersWithIds / addUsersWithTermsAndConditions."""
    made = []
    for i in range(NUM_ENTITIES):
        user: dict[str, Any] = {
            "username": f"user{i}",
            "email": f"user{i}@foo.com",
            "firstName": "foo",
            "lastName": "bar",
            "enabled": True,
        }
        if with_ids:
            user["id"] = f"5c3c9a0e-0000-4000-8000-00000000000{i}"
        if required_actions is not None:
            user["requiredActions"] = required_actions
        made.append(user)
    return made


def groups() -> list[dict[str, Any]]:
    return [{"name": f"group{i}", "path": f"/group{i}"} for i in range(NUM_ENTITIES)]


def clients(*, with_service_accounts: bool) -> dict[str, Any]:
    """AbstractPartialImportTest.addClients, without the authorization settings: ``client0``… and, with
    service accounts, a ``service-account-client0``… user for each, named by serviceAccountClientId."""
    made: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    for i in range(NUM_ENTITIES):
        client: dict[str, Any] = {"clientId": f"client{i}", "name": f"client{i}"}
        if with_service_accounts:
            client.update(serviceAccountsEnabled=True, bearerOnly=False, publicClient=False)
            username = f"service-account-client{i}"
            accounts.append(
                {
                    "username": username,
                    "enabled": True,
                    "email": f"{username}@placeholder.org",
                    "serviceAccountClientId": f"client{i}",
                }
            )
        made.append(client)
    rep: dict[str, Any] = {"clients": made}
    if with_service_accounts:
        rep["users"] = accounts
    return rep


# AbstractPartialImportTest.IDP_ALIASES, each the providerId of its provider; but ``linkedin``, the id of the
# LinkedIn provider Keycloak 26 no longer has (Doorkeep answers it as Keycloak does an unknown id), is imported as a
# ``linkedin-openid-connect`` provider of that alias.
IDP_ALIASES = ("twitter", "github", "facebook", "google", "linkedin", "microsoft", "stackoverflow")


# AbstractPartialImportTest's mappers are ``keycloak-oidc-role-to-role-idp-mapper`` (ExternalKeycloakRoleToRoleMapper),
# which Doorkeep does not run and so refuses (broker/idp_mapper_types.py); the port's are hardcoded-role mappers of
# the same configuration.
IDP_MAPPER = "oidc-hardcoded-role-idp-mapper"


def providers(*, with_mappers: bool = False) -> dict[str, Any]:
    """AbstractPartialImportTest.addProviders / addProviderMappers: a provider per alias and, with mappers, an
    ``{alias}_mapper`` role-to-role mapper of each."""
    made: list[dict[str, Any]] = []
    mappers: list[dict[str, Any]] = []
    for alias in IDP_ALIASES:
        made.append(
            {
                "alias": alias,
                "providerId": "linkedin-openid-connect" if alias == "linkedin" else alias,
                "enabled": True,
                "authenticateByDefault": False,
                "firstBrokerLoginFlowAlias": "first broker login",
                "config": {"clientSecret": "secret", "clientId": alias},
            }
        )
        mappers.append(
            {
                "name": f"{alias}_mapper",
                "identityProviderAlias": alias,
                "identityProviderMapper": IDP_MAPPER,
                "config": {"external.role": "IDP.TEST_ROLE", "syncMode": "FORCE", "role": "TEST_ROLE"},
            }
        )
    rep: dict[str, Any] = {"identityProviders": made}
    if with_mappers:
        rep["identityProviderMappers"] = mappers
    return rep


def roles(prefix: str) -> list[dict[str, Any]]:
    return [{"name": f"{prefix}{i}"} for i in range(NUM_ENTITIES)]


async def roles_client(realm: Env) -> str:
    """PartialImportRolesClientConfig: the client the client roles are imported under; its id."""
    body = {"clientId": ROLES_CLIENT, "name": ROLES_CLIENT, "protocol": "openid-connect"}
    response = await realm.http.post(f"{REALM}/clients", json=body, headers=await realm.admin_headers())
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[-1])


async def do_import(realm: Env, rep: dict[str, Any], policy: str, status: int = 200) -> dict[str, Any]:
    response = await realm.http.post(URL, json={**rep, "ifResourceExists": policy}, headers=await realm.admin_headers())
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def check_fail(realm: Env, rep: dict[str, Any]) -> None:
    """AbstractPartialImportTest.testFail: the second import of the same resources answers an error."""
    first = await do_import(realm, rep, "FAIL")
    assert first.get("errorMessage") is None
    second = await do_import(realm, rep, "FAIL", status=409)
    assert second.get("errorMessage") is not None


async def check_skip(realm: Env, rep: dict[str, Any], count: int = NUM_ENTITIES) -> None:
    """AbstractPartialImportTest.testSkip"""
    assert (await do_import(realm, rep, "SKIP"))["added"] == count
    assert (await do_import(realm, rep, "SKIP"))["skipped"] == count


async def check_overwrite(realm: Env, rep: dict[str, Any], count: int = NUM_ENTITIES) -> None:
    """AbstractPartialImportTest.testOverwrite"""
    assert (await do_import(realm, rep, "OVERWRITE"))["added"] == count
    assert (await do_import(realm, rep, "OVERWRITE"))["overwritten"] == count


async def make_realm(env: Env) -> Env:
    """A new realm ``partial``, as AbstractPartialImportTest's @InjectRealm(lifecycle = METHOD) makes it."""
    body = {"realm": "partial", "enabled": True}
    response = await env.http.post("/admin/realms", json=body, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env
