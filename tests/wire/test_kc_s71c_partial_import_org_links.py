"""``partialImport`` of identity providers that name organizations (``organizationLinks``, Keycloak 26.8, or the
deprecated ``organizationId``): IdentityProvidersPartialImport.create builds the provider with
RepresentationToModel.toModel, which runs updateOrganizationBroker as ``POST identity-provider/instances`` does, so
the imported provider is linked to those organizations with each link's settings, under the same rules (an unknown
organization, MANAGED without auto-membership, two MANAGED links: 400, and nothing of the import written).
``OVERWRITE`` removes the provider (and its links) and creates it again with the file's."""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
REALM = "/admin/realms/test"
IMPORT = f"{REALM}/partialImport"
ORGS = f"{REALM}/organizations"
IDPS = f"{REALM}/identity-provider/instances"
CONFIG = {"clientId": "c", "clientSecret": "s", "authorizationUrl": "http://localhost/a"}


async def _orgs(env: Env, *names: str) -> list[str]:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    out = []
    for name in names:
        made = await admin(env, "POST", ORGS, {"name": name, "domains": [{"name": f"{name}.org"}]}, 201)
        out.append(str(made.headers["location"].rsplit("/", 1)[1]))
    return out


def _provider(links: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    rep: dict[str, Any] = {"alias": "corp", "providerId": "oidc", "config": dict(CONFIG), **extra}
    return rep | ({"organizationLinks": links} if links is not None else {})


def _link(org: str, auto: bool = True, kind: str = "UNMANAGED") -> dict[str, Any]:
    return {"organizationId": org, "autoMembership": auto, "membershipType": kind}


async def _import(env: Env, status: int, *providers: dict[str, Any], policy: str = "FAIL") -> Any:
    body = {"identityProviders": list(providers), "ifResourceExists": policy}
    return (await admin(env, "POST", IMPORT, body, status)).json()


async def _linked(env: Env, org: str) -> list[str]:
    found = (await admin(env, "GET", f"{ORGS}/{org}/identity-providers", status=200)).json()
    return [p["alias"] for p in found]


async def test_imported_provider_is_linked_with_each_links_settings(env: Env) -> None:
    acme, beta = await _orgs(env, "acme", "beta")
    links = [_link(acme, True, "MANAGED"), _link(beta, False)]
    answer = await _import(env, 200, _provider(links))
    assert (answer["added"], answer["results"][0]["resourceType"]) == (1, "IDP")
    assert await _linked(env, acme) == ["corp"] and await _linked(env, beta) == ["corp"]
    rep = (await admin(env, "GET", f"{IDPS}/corp", status=200)).json()
    assert rep["organizationLinks"] == links and rep["organizationId"] == acme


async def test_the_deprecated_organization_id_links_one_organization(env: Env) -> None:
    [acme] = await _orgs(env, "acme")
    await _import(env, 200, _provider(organizationId=acme))
    assert await _linked(env, acme) == ["corp"]


@pytest.mark.parametrize(
    ("links", "message"),
    [
        (lambda a, b: [_link("no-such-organization")], "Organization associated with broker does not exist"),
        (lambda a, b: [_link(a, False, "MANAGED")], "Managed membership requires auto membership to be enabled"),
        (
            lambda a, b: [_link(a, True, "MANAGED"), _link(b, True, "MANAGED")],
            "Identity provider is already linked to another organization with managed membership",
        ),
    ],
    ids=["unknown_organization", "managed_without_auto", "two_managed"],
)
async def test_links_the_rules_refuse_fail_the_whole_import(env: Env, links: Any, message: str) -> None:
    acme, beta = await _orgs(env, "acme", "beta")
    other = {"alias": "other", "providerId": "oidc", "config": dict(CONFIG)}
    answer = await _import(env, 400, other, _provider(links(acme, beta)))
    assert answer["errorMessage"] == message
    assert (await env.http.get(f"{IDPS}/other", headers=await env.admin_headers())).status_code == 404
    assert await _linked(env, acme) == [] and await _linked(env, beta) == []


async def test_overwrite_replaces_the_links_with_the_files(env: Env) -> None:
    acme, beta = await _orgs(env, "acme", "beta")
    await _import(env, 200, _provider([_link(acme)]))
    answer = await _import(env, 200, _provider([_link(beta, True, "MANAGED")]), policy="OVERWRITE")
    assert answer["overwritten"] == 1
    assert await _linked(env, acme) == [] and await _linked(env, beta) == ["corp"]
    rep = (await admin(env, "GET", f"{IDPS}/corp", status=200)).json()
    assert rep["organizationLinks"] == [_link(beta, True, "MANAGED")]


async def test_skip_keeps_the_stored_links(env: Env) -> None:
    acme, beta = await _orgs(env, "acme", "beta")
    await _import(env, 200, _provider([_link(acme)]))
    assert (await _import(env, 200, _provider([_link(beta)]), policy="SKIP"))["skipped"] == 1
    assert await _linked(env, acme) == ["corp"] and await _linked(env, beta) == []
