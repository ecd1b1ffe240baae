"""Keycloak's new-framework PartialImportProvidersTest and PartialImportRealmTest (tests/base/.../tests/admin/
partialimport/, over AbstractPartialImportTest): identity providers and their mappers by ``POST partialImport``
with FAIL, SKIP and OVERWRITE (IdentityProvidersPartialImport, IdentityProviderMappersPartialImport), then every
kind of resource at once.

AbstractPartialImportTest's providers are the social ones, each of the providerId of its alias; ``linkedin`` is
imported as ``linkedin-openid-connect`` (partial_import_port.IDP_ALIASES), and the mappers are hardcoded-role
mappers (partial_import_port.IDP_MAPPER). The clients of
``…WithServiceAccounts`` come without authorization settings, as in test_kc_new_admin_partial_import_clients.py."""

from __future__ import annotations

from typing import Any

import pytest

from partial_import_port import (
    IDP_ALIASES,
    IDP_MAPPER,
    NUM_ENTITIES,
    REALM,
    ROLES_CLIENT,
    check_fail,
    check_overwrite,
    check_skip,
    clients,
    do_import,
    groups,
    make_realm,
    providers,
    roles,
    roles_client,
    users,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

NUM_RESOURCE_TYPES = 6  # PartialImportRealmTest: users, groups, clients, providers, realm roles, client roles


@pytest.fixture
async def realm(env: Env) -> Env:
    return await make_realm(env)


async def get(realm: Env, path: str) -> Any:
    response = await realm.http.get(f"{REALM}{path}", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_add_providers(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProviders: each result's id is its provider's internal id, by which the
    provider is found (IdentityProvidersResource.getIdentityProvider's getByIdOrAlias)."""
    results = await do_import(realm, providers(), "FAIL")
    assert results["added"] == len(IDP_ALIASES)
    for result in results["results"]:
        assert result["resourceType"] == "IDP"
        assert result["action"] == "ADDED"
        provider = await get(realm, f"/identity-provider/instances/{result['id']}")
        assert provider["internalId"] == result["id"]
        assert provider["alias"] == result["resourceName"]
        assert provider["config"]["clientId"] in IDP_ALIASES
        assert provider["config"]["clientSecret"] == "**********"


async def test_add_provider_mappers(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProviderMappers: a role-to-role mapper on each social provider, kept as
    given (IdentityProviderMappersPartialImport.create checks no provider type)."""
    results = await do_import(realm, providers(with_mappers=True), "FAIL")
    assert results["added"] == len(IDP_ALIASES) * 2
    for result in results["results"]:
        if result["resourceType"] != "IDP":
            assert result["resourceType"] == "IDP_MAPPER"
            continue
        mappers = await get(realm, f"/identity-provider/instances/{result['id']}/mappers")
        mapper = mappers[0]
        alias = mapper["identityProviderAlias"]
        assert alias in IDP_ALIASES
        assert mapper["name"] == f"{alias}_mapper"
        assert mapper["identityProviderMapper"] == IDP_MAPPER
        assert mapper["config"]["external.role"] == "IDP.TEST_ROLE"
        assert mapper["config"]["syncMode"] == "FORCE"
        assert mapper["config"]["role"] == "TEST_ROLE"


async def test_add_providers_fail(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProvidersFail"""
    await check_fail(realm, providers())


async def test_add_provider_mappers_fail(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProviderMappersFail"""
    await check_fail(realm, providers(with_mappers=True))


async def test_add_providers_skip(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProvidersSkip"""
    await check_skip(realm, providers())


async def test_add_provider_mappers_skip(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProviderMappersSkip"""
    await check_skip(realm, providers(with_mappers=True), NUM_ENTITIES * 2)


async def test_add_providers_overwrite(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProvidersOverwrite"""
    await check_overwrite(realm, providers())


async def test_add_provider_mappers_overwrite(realm: Env) -> None:
    """PartialImportProvidersTest#testAddProviderMappersOverwrite"""
    await check_overwrite(realm, providers(with_mappers=True), NUM_ENTITIES * 2)


async def everything(realm: Env, *, with_service_accounts: bool) -> dict[str, Any]:
    """PartialImportRealmTest.importEverything: all six kinds (and the clients' service accounts) imported once,
    every one added; the representation, for the second import."""
    await roles_client(realm)
    by_clients = clients(with_service_accounts=with_service_accounts)
    rep: dict[str, Any] = {
        **by_clients,
        "users": [*users(), *by_clients.get("users", [])],
        "groups": groups(),
        **providers(),
        "roles": {"realm": roles("realmRole"), "client": {ROLES_CLIENT: roles("clientRole")}},
    }
    results = await do_import(realm, rep, "FAIL")
    assert results.get("errorMessage") is None
    kinds = NUM_RESOURCE_TYPES + (1 if with_service_accounts else 0)
    assert results["added"] == NUM_ENTITIES * kinds
    return rep


async def test_everything_fail(realm: Env) -> None:
    """PartialImportRealmTest#testEverythingFail: the second import answers an error (the first resource that
    exists, in PartialImportManager's order: a client)."""
    rep = await everything(realm, with_service_accounts=False)
    second = await do_import(realm, rep, "FAIL", status=409)
    assert second == {"errorMessage": "Client id 'client0' already exists"}


async def test_everything_skip(realm: Env) -> None:
    """PartialImportRealmTest#testEverythingSkip"""
    rep = await everything(realm, with_service_accounts=False)
    results = await do_import(realm, rep, "SKIP")
    assert results["skipped"] == NUM_ENTITIES * NUM_RESOURCE_TYPES
    assert results["added"] == results["overwritten"] == 0


async def test_everything_skip_with_service_accounts(realm: Env) -> None:
    """PartialImportRealmTest#testEverythingSkipWithServiceAccounts"""
    rep = await everything(realm, with_service_accounts=True)
    results = await do_import(realm, rep, "SKIP")
    assert results["skipped"] == NUM_ENTITIES * (NUM_RESOURCE_TYPES + 1)


async def test_everything_overwrite(realm: Env) -> None:
    """PartialImportRealmTest#testEverythingOverwrite"""
    rep = await everything(realm, with_service_accounts=False)
    results = await do_import(realm, rep, "OVERWRITE")
    assert results["overwritten"] == NUM_ENTITIES * NUM_RESOURCE_TYPES
    assert results["added"] == results["skipped"] == 0


async def test_everything_overwrite_with_service_accounts(realm: Env) -> None:
    """PartialImportRealmTest#testEverythingOverwriteWithServiceAccounts"""
    rep = await everything(realm, with_service_accounts=True)
    results = await do_import(realm, rep, "OVERWRITE")
    assert results["overwritten"] == NUM_ENTITIES * (NUM_RESOURCE_TYPES + 1)
