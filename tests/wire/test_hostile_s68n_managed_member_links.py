"""Hostile: session 68's rule that a MANAGED organization member links no other provider (Keycloak 26.7, #49720),
tried around its edges at the Admin REST: the alias in another case or padded, an alias no provider has, the home
provider's own alias again: none adds a link. Removing the
home link (an admin's act, which Keycloak allows too) ends the managed rule, as Organizations.resolveHomeBroker
finds no home broker then: a second link is then the admin's to make, as in Keycloak."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, SECOND, second_provider, served
from flow_builder import admin
from hostile_s68n_support import USERS, link_aliases, managed_alice
from wire_env import Env

pytestmark = pytest.mark.anyio

LINK = {"userId": "external-user-id", "userName": "external-username"}


async def test_no_alias_variant_links_a_managed_member(env: Env) -> None:
    async with served(env) as broker:
        alice = await managed_alice(broker)
        await second_provider(env)
        for alias in (SECOND.upper(), SECOND, f"{SECOND} ", "nope", ALIAS, ALIAS.upper(), "%2e%2e"):
            answer = await env.http.post(
                f"{USERS}/{alice}/federated-identity/{alias}", json=LINK, headers=await env.admin_headers()
            )
            assert answer.status_code in (400, 404, 409), (alias, answer.status_code, answer.text)
        assert await link_aliases(env, alice) == [ALIAS]


async def test_home_link_removed_by_an_admin_ends_the_rule(env: Env) -> None:
    """Keycloak's behaviour, kept: the rule follows the home link (resolveHomeBroker), so once an admin removed it
    the admin may link another provider."""
    async with served(env) as broker:
        alice = await managed_alice(broker)
        await second_provider(env)
        await admin(env, "DELETE", f"{USERS}/{alice}/federated-identity/{ALIAS}", None, 204)
        await admin(env, "POST", f"{USERS}/{alice}/federated-identity/{SECOND}", LINK, 204)
        assert await link_aliases(env, alice) == [SECOND]
