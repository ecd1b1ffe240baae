"""The organization-group identity provider mappers (``groupType`` ORGANIZATION, Keycloak's
KeycloakModelUtils.getOrganizationForIdpMapper) on a provider linked to several organizations (Keycloak 26.8), over
real HTTP with realm ``provider`` as the external provider. Both organizations have a group of the same path: the
mapper's ``orgId`` (keycloak#48948, the target organization recorded on the mapper) decides whose group the user
joins; an ``orgId`` the provider is not linked to, or a disabled one, joins none; a mapper without ``orgId`` keeps the
provider's first linked organization (the deprecated ``organizationId``, as for a provider linked before 26.8).
"""

from __future__ import annotations

import pytest

from broker_support import ALIAS, Broker, served, signs_in_by_hint
from org_groups import get, group, organization, status
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"


async def _two_linked(broker: Broker) -> tuple[str, str]:
    """Organizations ``first`` (the provider's first link) and ``second``, the provider linked to both, each with
    a group ``/team``."""
    first = await organization(broker.env, "first", domains=[{"name": "example.org"}])
    second = await organization(broker.env, "second", domains=[{"name": "second.org"}])
    await broker.add_provider(organizationId=first)
    assert await status(broker.env, "POST", f"{second}/identity-providers", ALIAS) == 204
    return first, second


async def _mapper(env: Env, **config: str) -> None:
    rep = {
        "name": "team",
        "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
        "identityProviderAlias": ALIAS,
        "config": {"syncMode": "FORCE", "group": "/team", "groupType": "ORGANIZATION", **config},
    }
    made = await env.http.post(MAPPERS, json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


async def _members(env: Env, org: str, gid: str) -> int:
    return len(await get(env, f"{org}/groups/{gid}/members"))


async def test_the_mappers_organization_decides(env: Env) -> None:
    """``orgId`` naming the second linked organization: its ``/team`` gets alice, the first one's not."""
    async with served(env) as broker:
        first, second = await _two_linked(broker)
        g1, g2 = await group(env, first, "team"), await group(env, second, "team")
        await _mapper(env, orgId=second)
        await signs_in_by_hint(broker)
        assert await _members(env, second, g2) == 1
        assert await _members(env, first, g1) == 0


async def test_without_an_organization_the_first_link_keeps_it(env: Env) -> None:
    """No ``orgId``: the provider's first linked organization, as before Keycloak 26.8."""
    async with served(env) as broker:
        first, second = await _two_linked(broker)
        g1, g2 = await group(env, first, "team"), await group(env, second, "team")
        await _mapper(env)
        await signs_in_by_hint(broker)
        assert await _members(env, first, g1) == 1
        assert await _members(env, second, g2) == 0


async def test_an_organization_the_provider_is_not_linked_to_maps_nothing(env: Env) -> None:
    """``orgId`` of an organization of the realm the provider is not linked to: no group, none of the linked ones
    either."""
    async with served(env) as broker:
        first, second = await _two_linked(broker)
        other = await organization(env, "other", domains=[{"name": "other.org"}])
        groups = [(o, await group(env, o, "team")) for o in (first, second, other)]
        await _mapper(env, orgId=other)
        await signs_in_by_hint(broker)
        assert [await _members(env, o, g) for o, g in groups] == [0, 0, 0]


async def test_a_disabled_mapped_organization_maps_nothing(env: Env) -> None:
    """getOrganizationForIdpMapper: the mapper's organization disabled; the other linked one's group stays empty."""
    async with served(env) as broker:
        first, second = await _two_linked(broker)
        g1, g2 = await group(env, first, "team"), await group(env, second, "team")
        rep = await get(env, second)
        assert await status(env, "PUT", second, {**rep, "enabled": False}) == 204
        await _mapper(env, orgId=second)
        await signs_in_by_hint(broker)
        assert await _members(env, first, g1) == 0
        assert await _members(env, second, g2) == 0
