"""Session 70's broker changes against organization membership and each other.

- FORCE sync moving a MANAGED member's e-mail to another organization's domain: IdentityBrokerService's
  updateFederatedIdentity writes the provider's e-mail onto the user (setBasicUserAttributes, no user-profile
  validation, so OrganizationMemberValidator is not asked) and changes no membership: the user stays a MANAGED member
  of the organization the first broker login made it join and joins nothing else (IdpAddOrganizationMemberAuthenticator
  runs in the first broker login only). UPDATE_EMAIL (context IDP_SYNC) is recorded, never a 5xx.
- The e-mail link proof (CVE-2026-92358) withdrawn by an Admin REST unlink stays withdrawn when an administrator links
  the identity again before the waiting login continues: that login ends on "no longer valid", and the account keeps
  exactly the administrator's one link.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_email_support import STALE, add_to_existing, click, ready
from broker_support import ALIAS, Broker, browser, provider_login, served, start_login
from browser_flow import REDIRECT
from flow_builder import admin
from mail_sink import Sink
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"


async def _org(env: Env, name: str, domain: str) -> str:
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": domain}]}
    made = await admin(env, "POST", f"{TEST}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _hinted_login(broker: Broker) -> None:
    async with browser(broker) as http:
        hinted = await start_login(http, kc_idp_hint=ALIAS)
        assert hinted.status_code == 303, hinted.text[:800]
        done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]


async def _alice(env: Env) -> dict[str, Any]:
    [user] = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
    return dict(user)


async def _membership(env: Env, org: str, user_id: str) -> str | None:
    answer = await admin(env, "GET", f"{TEST}/organizations/{org}/members/{user_id}")
    return str(answer.json()["membershipType"]) if answer.status_code == 200 else None


async def test_force_sync_to_another_organizations_domain_keeps_the_membership(env: Env) -> None:
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@acme.com")
        a = await _org(env, "a", "acme.com")
        b = await _org(env, "b", "b.org")
        config = broker.provider_rep()["config"] | {"syncMode": "FORCE"}
        await broker.add_provider(trustEmail=True, config=config)
        await admin(env, "POST", f"{TEST}/organizations/{a}/identity-providers", ALIAS, 204)
        link = {"autoMembership": True, "membershipType": "MANAGED"}
        await admin(env, "PUT", f"{TEST}/organizations/{a}/identity-providers/{ALIAS}", link, 204)
        await admin(env, "PUT", TEST, {"eventsEnabled": True, "enabledEventTypes": ["UPDATE_EMAIL"]}, 204)
        await _hinted_login(broker)
        user = await _alice(env)
        assert await _membership(env, a, user["id"]) == "MANAGED"
        await update_user(env.db, "provider", "alice", email="alice@b.org")
        await _hinted_login(broker)
        after = await _alice(env)
        assert after["email"] == "alice@b.org"
        assert await _membership(env, a, user["id"]) == "MANAGED"
        assert await _membership(env, b, user["id"]) is None
        events = (await admin(env, "GET", f"{TEST}/events?type=UPDATE_EMAIL", status=200)).json()
        assert [e["details"].get("context") for e in events] == ["IDP_SYNC"], events


async def test_a_link_proof_withdrawn_stays_withdrawn_after_a_relink(env: Env, mail: Sink) -> None:
    async with served(env) as broker:
        await ready(broker, mail)
        [local] = (await admin(env, "GET", f"{TEST}/users?username=alice-local&exact=true", status=200)).json()
        provider_users = await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)
        identity = {"identityProvider": ALIAS, "userId": provider_users.json()[0]["id"], "userName": "alice"}
        path = f"{TEST}/users/{local['id']}/federated-identity/{ALIAS}"
        async with browser(broker) as http:
            page = await add_to_existing(http)
            async with browser(broker) as other:
                asked = await other.get(mail.received[-1].link())
                assert asked.status_code == 200, asked.text
                told = await other.get(click(asked, "kc-proceed"))
            assert told.status_code == 200 and "You successfully" in told.text, told.text
            await admin(env, "POST", path, identity, status=204)
            await admin(env, "DELETE", path, status=204)
            await admin(env, "POST", path, identity, status=204)
            done = await http.get(click(page, "kc-continue"))
        assert done.status_code == 400 and STALE in done.text, done.text[:800]
        linked = (await admin(env, "GET", f"{TEST}/users/{local['id']}/federated-identity", status=200)).json()
        assert [link["identityProvider"] for link in linked] == [ALIAS]


async def test_force_sync_to_another_users_address_leaves_the_address(env: Env) -> None:
    """FORCE sync bringing the address another user of the realm holds (duplicate e-mails not allowed, the default),
    in another case: the login goes on, the user keeps its own address, no UPDATE_EMAIL; the other user is still the
    one found by that address. Keycloak's setEmail would break its unique e-mail constraint and fail the login;
    Doorkeep wrote the address, leaving two users on it (neither then found by it)."""
    async with served(env) as broker:
        config = broker.provider_rep()["config"] | {"syncMode": "FORCE"}
        await broker.add_provider(trustEmail=True, config=config)
        await admin(env, "PUT", TEST, {"eventsEnabled": True, "enabledEventTypes": ["UPDATE_EMAIL"]}, 204)
        await update_user(env.db, "test", "user1", email="taken@example.org")
        await _hinted_login(broker)
        await update_user(env.db, "provider", "alice", email="Taken@example.org")
        await _hinted_login(broker)
        assert (await _alice(env))["email"] == "alice@example.org"
        holders = (await admin(env, "GET", f"{TEST}/users?email=taken@example.org&exact=true", status=200)).json()
        assert [u["username"] for u in holders] == ["user1"]
        assert (await admin(env, "GET", f"{TEST}/events?type=UPDATE_EMAIL", status=200)).json() == []


async def test_force_sync_to_a_shared_address_where_duplicates_are_allowed(env: Env) -> None:
    """The realm allows duplicate e-mails: the address is copied, UPDATE_EMAIL recorded."""
    async with served(env) as broker:
        config = broker.provider_rep()["config"] | {"syncMode": "FORCE"}
        await broker.add_provider(trustEmail=True, config=config)
        events = {"eventsEnabled": True, "enabledEventTypes": ["UPDATE_EMAIL"], "duplicateEmailsAllowed": True}
        await admin(env, "PUT", TEST, events, 204)
        await update_user(env.db, "test", "user1", email="taken@example.org")
        await _hinted_login(broker)
        await update_user(env.db, "provider", "alice", email="taken@example.org")
        await _hinted_login(broker)
        assert (await _alice(env))["email"] == "taken@example.org"
        assert len((await admin(env, "GET", f"{TEST}/events?type=UPDATE_EMAIL", status=200)).json()) == 1


@pytest.mark.parametrize("sync", ["FORCE", "LEGACY"])
async def test_a_hardcoded_email_mapper_naming_another_users_address_leaves_the_address(env: Env, sync: str) -> None:
    """A Hardcoded Attribute mapper naming ``email`` (it writes the user's field, LEGACY as FORCE) with another
    user's address: the later login goes on, the user keeps its own address (Keycloak's setEmail would fail the
    login on its unique constraint)."""
    async with served(env) as broker:
        config = broker.provider_rep()["config"] | {"syncMode": sync}
        await broker.add_provider(trustEmail=True, config=config)
        await update_user(env.db, "test", "user1", email="taken@example.org")
        await _hinted_login(broker)
        mapper: dict[str, Any] = {
            "name": "mail",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
            "config": {"syncMode": "INHERIT", "attribute": "email", "attribute.value": "TAKEN@example.org"},
        }
        await admin(env, "POST", f"{TEST}/identity-provider/instances/{ALIAS}/mappers", mapper, status=201)
        await _hinted_login(broker)
        assert (await _alice(env))["email"] == "alice@example.org"
        holders = (await admin(env, "GET", f"{TEST}/users?email=taken@example.org&exact=true", status=200)).json()
        assert [u["username"] for u in holders] == ["user1"]
