"""The first broker login's domain gate (Keycloak 26.8's IdpAddOrganizationMemberAuthenticator.passesDomainGate)
cannot be steered: a provider linked to an organization owning ``acme.com`` adds a user whose address only looks
like it (``acme.com.evil.org``, ``evilacme.com``, a subdomain of a domain that is not a ``*.`` one, another
top-level domain) to no organization; the address's case does not matter. A link without auto-membership adds no
one even when the gate would pass (an organization without domains).

Like Keycloak, the gate reads the address the user was created with, verified or not: a link to a provider whose
addresses are not trusted should have auto-membership off (the realm's ``trustEmail`` decides only whether the
address counts as verified)."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, provider_login, served, start_login
from browser_flow import REDIRECT
from flow_builder import admin
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"


async def _org(env: Env, name: str, *domains: str) -> str:
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _membership(env: Env, org: str) -> str | None:
    [user] = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
    answer = await admin(env, "GET", f"{TEST}/organizations/{org}/members/{user['id']}")
    return str(answer.json()["membershipType"]) if answer.status_code == 200 else None


@pytest.mark.parametrize(
    ("email", "joins"),
    [
        ("alice@acme.com.evil.org", False),
        ("alice@evilacme.com", False),
        ("alice@sub.acme.com", False),
        ("alice@acme.co", False),
        ("alice@acme.com@evil.org", False),
        ("alice@evil.org@acme.com", False),  # getEmailDomain: what follows the first "@" ("evil.org@acme.com")
        ("alice@ACME.com", True),
        ("alice@acme.com", True),
    ],
)
async def test_only_the_organization_s_own_domain_joins(env: Env, email: str, joins: bool) -> None:
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email=email)
        org = await _org(env, "acme", "acme.com")
        loose = await _org(env, "loose")  # no domains: its gate passes, but its link has auto-membership off
        await broker.add_provider()
        for target, auto in ((org, True), (loose, False)):
            await admin(env, "POST", f"{TEST}/organizations/{target}/identity-providers", ALIAS, 204)
            link = {"autoMembership": auto, "membershipType": "UNMANAGED"}
            await admin(env, "PUT", f"{TEST}/organizations/{target}/identity-providers/{ALIAS}", link, 204)
        async with browser(broker) as http:
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text[:800]
            done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
            assert done.status_code in (200, 302), done.text[:800]
            if done.status_code == 302:
                assert done.headers["location"].startswith(REDIRECT), done.headers["location"]
        users = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
        if users:
            assert await _membership(env, org) == ("UNMANAGED" if joins else None)
            assert await _membership(env, loose) is None
        else:
            assert not joins  # an address the profile refuses makes no user at all
