"""Security sweep s49: the Advanced Claim to Group and Advanced Claim to Role identity provider mappers with
``are.claim.values.regex`` on match the administrator's pattern against claim values the provider sends, which its
user may choose (here the provider realm's first name, sent as ``given_name``). Keycloak's
RegexUtils.valueMatchesRegex has no limit; Doorkeep runs the pattern on the ``regex`` engine within a time budget
per mapper (broker.idp_mappers), so a catastrophic-backtracking pattern and a crafted value cannot hold the server:
the value does not match, the login goes on, and neither the group nor the role is granted. Before, Python's ``re``
ran ``(a|aa)+`` on 64 ``a`` and a ``b`` for ever, and the one event loop with it."""

from __future__ import annotations

import json

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"
PATTERN = "(a|aa)+"  # exponential on a run of a's that ends in something else
CRAFTED = "a" * 64 + "b"


async def _admin(env: Env, method: str, path: str, body: object = None) -> object:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, (path, response.status_code, response.text)
    return response.json() if response.content else None


async def _mappers(broker: Broker) -> None:
    """The provider, a group and a role of the consumer realm, and both advanced mappers matching ``PATTERN``
    against ``given_name``, in FORCE so that every login evaluates them."""
    env = broker.env
    await broker.add_provider()
    await _admin(env, "POST", f"{ADMIN}/groups", {"name": "pattern-group"})
    await _admin(env, "POST", f"{ADMIN}/roles", {"name": "pattern-role"})
    claims = json.dumps([{"key": "given_name", "value": PATTERN}])
    common = {"syncMode": "FORCE", "claims": claims, "are.claim.values.regex": "true"}
    for kind, name, target in (
        ("oidc-advanced-group-idp-mapper", "to-group", {"group": "/pattern-group"}),
        ("oidc-advanced-role-idp-mapper", "to-role", {"role": "pattern-role"}),
    ):
        rep = {"name": name, "identityProviderMapper": kind, "identityProviderAlias": ALIAS, "config": common | target}
        await _admin(env, "POST", MAPPERS, rep)


async def _login_as(broker: Broker, first_name: str) -> tuple[list[str], list[str]]:
    """alice, sending ``first_name``, through the provider back to the app: her groups' paths and realm roles."""
    await update_user(broker.env.db, "provider", "alice", first_name=first_name)
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    env = broker.env
    found = await _admin(env, "GET", f"{ADMIN}/users?username=alice&exact=true")
    assert isinstance(found, list)
    user = found[0]["id"]
    groups = await _admin(env, "GET", f"{ADMIN}/users/{user}/groups")
    roles = await _admin(env, "GET", f"{ADMIN}/users/{user}/role-mappings/realm")
    assert isinstance(groups, list) and isinstance(roles, list)
    return [g["path"] for g in groups], [r["name"] for r in roles]


async def test_a_crafted_claim_value_against_a_backtracking_pattern_does_not_hold_the_login(env: Env) -> None:
    async with served(env) as broker:
        await _mappers(broker)
        groups, roles = await _login_as(broker, CRAFTED)  # no match, no hang
        assert "/pattern-group" not in groups and "pattern-role" not in roles
        groups, roles = await _login_as(broker, "aaaa")  # the same mappers still match an ordinary value
        assert "/pattern-group" in groups and "pattern-role" in roles


async def test_a_pattern_the_engine_would_unroll_for_hours_matches_nothing(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _admin(env, "POST", f"{ADMIN}/groups", {"name": "pattern-group"})
        claims = json.dumps([{"key": "given_name", "value": "(?:x{65535}){65535}"}])
        config = {"syncMode": "FORCE", "claims": claims, "are.claim.values.regex": "true", "group": "/pattern-group"}
        rep = {"name": "m", "identityProviderMapper": "oidc-advanced-group-idp-mapper", "config": config}
        await _admin(env, "POST", MAPPERS, rep | {"identityProviderAlias": ALIAS})
        groups, _ = await _login_as(broker, "x")
        assert "/pattern-group" not in groups
