"""An IdP-initiated login (``kc_idp_hint``) through a provider linked to two organizations, and the organization the
session's token names (Keycloak 26.8's LoginActionsService.configureOrganization, OrganizationPostBrokerMembershipTest's
Group 3, OrganizationScope), over real HTTP with realm ``provider`` as the external provider.

configureOrganization resolves the login's organization (the auth session's note, else the linked organization owning
the user's e-mail domain, else the only linked organization) into the request's KeycloakContext: it decides which
links the first broker login may use but writes no ``kc.org`` client note, which is all the ``organization`` scope
(ANY) reads beside a single membership. So the token names: the one organization the user joined (its domain, or
the single linked one), for ``organization`` and ``organization:*`` alike; for a user the login made a member of two
(a domainless organization takes every address), no organization for ``organization`` (no pick was made) and both for
``organization:*``; for an address neither organization owns, none.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, browser, code_tokens, provider_login, served, start_login
from flow_builder import admin
from support import claims, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"


async def _org(env: Env, name: str, *domains: str) -> str:
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _linked(broker: Broker, *orgs: tuple[str, str]) -> None:
    """The provider realm as ``kc``, linked to each organization with auto-membership and the given type."""
    await broker.add_provider()
    for org, kind in orgs:
        await admin(broker.env, "POST", f"{TEST}/organizations/{org}/identity-providers", ALIAS, 204)
        link = {"autoMembership": True, "membershipType": kind}
        await admin(broker.env, "PUT", f"{TEST}/organizations/{org}/identity-providers/{ALIAS}", link, 204)


async def _hinted_claims(broker: Broker, scope: str) -> dict[str, Any]:
    """alice through ``kc_idp_hint`` with ``scope``: the access token's claims."""
    async with browser(broker) as http:
        hinted = await start_login(http, kc_idp_hint=ALIAS, scope=scope)
        assert hinted.status_code == 303, hinted.text[:800]
        done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
        return claims((await code_tokens(http, done))["access_token"])


@pytest.mark.parametrize("scope", ["openid organization", "openid organization:*"])
async def test_the_email_domain_picks_the_organization(env: Env, scope: str) -> None:
    """testIdpInitiatedSharedIdpDomainDisambiguates: org-a (acme.com, MANAGED) and org-b (globex.com); alice@acme.com
    joins org-a only, and the token names it."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b", "globex.com")
        await _linked(broker, (org_a, "MANAGED"), (org_b, "UNMANAGED"))
        assert (await _hinted_claims(broker, scope))["organization"] == ["org-a"]


async def test_the_single_linked_organization(env: Env) -> None:
    """testIdpInitiatedSingleOrgFallback: the provider's one organization (acme.com), alice@acme.com its member, the
    token naming it."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a = await _org(env, "org-a", "acme.com")
        await _linked(broker, (org_a, "UNMANAGED"))
        assert (await _hinted_claims(broker, "openid organization"))["organization"] == ["org-a"]


async def test_a_member_of_both_gets_no_organization_without_a_pick(env: Env) -> None:
    """org-a (acme.com) and org-b with no domain: alice joins both; ``organization`` (ANY) names none, as no
    ``kc.org`` note was written; ``organization:*`` names both."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b")
        await _linked(broker, (org_a, "MANAGED"), (org_b, "UNMANAGED"))
        assert "organization" not in await _hinted_claims(broker, "openid organization")
        assert sorted((await _hinted_claims(broker, "openid organization:*"))["organization"]) == ["org-a", "org-b"]


async def test_an_address_no_organization_owns_names_none(env: Env) -> None:
    """testIdpInitiatedUnownedDomainNoMembership: charlie@unknown.com joins neither; the token names none."""
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="charlie@unknown.com")
        org_a, org_b = await _org(env, "org-a", "acme.com"), await _org(env, "org-b", "globex.com")
        await _linked(broker, (org_a, "UNMANAGED"), (org_b, "UNMANAGED"))
        assert "organization" not in await _hinted_claims(broker, "openid organization:*")
