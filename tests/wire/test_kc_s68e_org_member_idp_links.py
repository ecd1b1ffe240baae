"""Keycloak's OrganizationMemberIdpLinkTest (organization/member/, once organization/admin/): a MANAGED member, who
came in through their organization's provider, is linked to no other provider (Keycloak 26.7, #49720, PR #49834),
and the home-broker rule (Organizations.resolveHomeBroker) behind it and behind LinkedAccountsResource's unlink
refusal. Each test names its Java method, or the Keycloak code it checks.

alice of the provider realm comes in through ``kc`` (the organization's provider) by ``kc_idp_hint`` and becomes a
MANAGED member of ``testorg``; ``second-identity-provider`` is a realm-level provider no one has used.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, SECOND, Broker, browser, hinted_login, second_provider, served, signs_in_by_hint
from browser_flow import REDIRECT, form_action, form_fields, start
from flow_builder import admin
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
USERS = f"{REALM}/users"
ACCOUNT = "/realms/test/account"
MANAGED_REFUSED = {"errorMessage": "A managed member of an organization cannot be linked to another identity provider"}
BOUND = {"errorMessage": "You cannot remove the link to an identity provider associated with an organization."}


async def _organization(env: Env) -> str:
    """``testorg`` (domain example.org, alice's) in a realm with organizations on; its id."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    body = {"name": "testorg", "alias": "testorg", "domains": [{"name": "example.org"}]}
    made = await admin(env, "POST", ORGS, body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _user_id(env: Env, username: str) -> str:
    [user] = (await admin(env, "GET", f"{USERS}?username={username}&exact=true", status=200)).json()
    return str(user["id"])


async def _managed_alice(broker: Broker) -> tuple[str, str]:
    """createOrganization + loginViaBrokerAndGetUserId + verifyManagedMember: the organization's id and alice's."""
    org = await _organization(broker.env)
    await broker.add_provider(organizationId=org)
    await signs_in_by_hint(broker)
    alice = await _user_id(broker.env, "alice")
    member = (await admin(broker.env, "GET", f"{ORGS}/{org}/members/{alice}", status=200)).json()
    assert member["membershipType"] == "MANAGED"
    return org, alice


async def _account_headers(env: Env, user_id: str, username: str) -> dict[str, str]:
    """A password for the user and a token of the realm's public admin-cli client for the Account REST."""
    await admin(env, "PUT", f"{USERS}/{user_id}/reset-password", {"value": "password"}, 204)
    answer = await password_grant(env.http, "test", "admin-cli", username, secret=None)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}", "Accept": "application/json"}


async def _links(env: Env, user_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await admin(env, "GET", f"{USERS}/{user_id}/federated-identity", status=200)).json()
    return found


async def test_admin_cannot_add_federated_identity_to_managed_member(env: Env) -> None:
    """testAdminCannotAddFederatedIdentityToManagedMember: ``POST users/{id}/federated-identity/{alias}`` for a
    MANAGED member is 400 (Keycloak asserts the status only; the message is Doorkeep's) and stores nothing."""
    async with served(env) as broker:
        _, alice = await _managed_alice(broker)
        await second_provider(env)
        link = {"userId": "external-user-id", "userName": "external-username"}
        refused = await admin(env, "POST", f"{USERS}/{alice}/federated-identity/{SECOND}", link, 400)
        assert refused.json() == MANAGED_REFUSED
        assert [f["identityProvider"] for f in await _links(env, alice)] == [ALIAS]


async def test_account_linked_accounts_returns_empty_for_managed_member(env: Env) -> None:
    """testAccountLinkedAccountsReturnsEmptyForManagedMember: ``linked-accounts?linked=false`` offers a MANAGED member
    no provider to link (LinkedAccountsResource: none while resolveHomeBroker finds one), while ``linked=true``
    still lists the organization's provider; a user of no organization is offered the realm's provider."""
    async with served(env) as broker:
        _, alice = await _managed_alice(broker)
        await second_provider(env)
        headers = await _account_headers(env, alice, "alice")
        available = await env.http.get(f"{ACCOUNT}/linked-accounts?linked=false", headers=headers)
        assert (available.status_code, available.json()) == (200, [])
        linked = (await env.http.get(f"{ACCOUNT}/linked-accounts?linked=true", headers=headers)).json()
        assert [(a["providerAlias"], a["connected"]) for a in linked] == [(ALIAS, True)]
        other = await _account_headers(env, await _user_id(env, "user1"), "user1")
        offered = (await env.http.get(f"{ACCOUNT}/linked-accounts?linked=false", headers=other)).json()
        assert [a["providerAlias"] for a in offered] == [SECOND]


async def test_unmanaged_member_can_link_additional_idp(env: Env) -> None:
    """testUnmanagedMemberCanLinkAdditionalIdp: an UNMANAGED member is linked by an administrator (204) and the
    link removed again (204)."""
    async with served(env) as broker:
        org = await _organization(env)
        await broker.add_provider(organizationId=org)
        user = {"username": "unmanaged@example.org", "email": "unmanaged@example.org", "enabled": True}
        made = await admin(env, "POST", USERS, user, 201)
        user_id = made.headers["location"].rsplit("/", 1)[1]
        await admin(env, "POST", f"{ORGS}/{org}/members", user_id, 201)
        await second_provider(env)
        link = {"userId": "external-user-id", "userName": "external-username"}
        await admin(env, "POST", f"{USERS}/{user_id}/federated-identity/{SECOND}", link, 204)
        assert await _links(env, user_id) == [
            {"identityProvider": SECOND, "userId": "external-user-id", "userName": "external-username"}
        ]
        await admin(env, "DELETE", f"{USERS}/{user_id}/federated-identity/{SECOND}", status=204)


async def test_unmanaged_member_may_unlink_the_organization_provider(env: Env) -> None:
    """LinkedAccountsResource.removeLinkedAccount refuses only a home broker (resolveHomeBroker: a provider of an
    enabled organization the user is a MANAGED member of). alice, linked through ``kc`` before it joined the
    organization and then added as an UNMANAGED member, unlinks it (204, REMOVE_FEDERATED_IDENTITY)."""
    async with served(env) as broker:
        org = await _organization(env)
        await broker.add_provider()
        await signs_in_by_hint(broker)
        alice = await _user_id(env, "alice")
        await admin(env, "POST", f"{ORGS}/{org}/identity-providers", ALIAS, 204)
        await admin(env, "POST", f"{ORGS}/{org}/members", alice, 201)
        member = (await admin(env, "GET", f"{ORGS}/{org}/members/{alice}", status=200)).json()
        assert member["membershipType"] == "UNMANAGED"
        headers = await _account_headers(env, alice, "alice")
        removed = await env.http.delete(f"{ACCOUNT}/linked-accounts/{ALIAS}", headers=headers)
        assert removed.status_code == 204, removed.text
        assert await _links(env, alice) == []


async def test_managed_member_keeps_the_home_broker_link(env: Env) -> None:
    """LinkedAccountsResource.removeLinkedAccount: a MANAGED member cannot unlink their home broker (400 and the
    account theme's message), even with a password."""
    async with served(env) as broker:
        _, alice = await _managed_alice(broker)
        headers = await _account_headers(env, alice, "alice")
        refused = await env.http.delete(f"{ACCOUNT}/linked-accounts/{ALIAS}", headers=headers)
        assert (refused.status_code, refused.json()) == (400, BOUND)
        assert [f["identityProvider"] for f in await _links(env, alice)] == [ALIAS]


async def test_managed_member_links_nothing_through_the_broker(env: Env) -> None:
    """IdentityBrokerService.performAccountLinking (Keycloak 26.7, #49720): after the permission and enabled checks, a
    user with a home broker is refused (federatedIdentityBoundOrganization), before the identity is looked at: alice,
    signed in through ``kc``, asking the ``idp_link`` action for ``kc`` again gets the error page, not a renewed
    link."""
    async with served(env) as broker:
        org = await _organization(env)
        await broker.add_provider(organizationId=org)
        async with browser(broker) as http:
            signed_in = await hinted_login(http)
            assert signed_in.status_code == 302 and signed_in.headers["location"].startswith(REDIRECT)
            page = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert page.status_code == 200, page.text
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            at_provider = await http.get(to_provider.headers["location"])  # the provider's SSO session answers
            assert at_provider.status_code == 302, at_provider.text
            refused = await http.get(at_provider.headers["location"])
        assert refused.status_code == 400, refused.text
        assert BOUND["errorMessage"] in refused.text
        alice = await _user_id(env, "alice")
        assert [f["identityProvider"] for f in await _links(env, alice)] == [ALIAS]


@pytest.mark.server_options(oidc_allow_client_initiated_account_linking=True)
async def test_managed_member_gets_no_legacy_link_uri(env: Env) -> None:
    """LinkedAccountsResource.buildLinkedAccountURI (Keycloak 26.7, #49720), with the legacy ``/broker/{alias}/link``
    on: after the common preconditions a user with a home broker is 400 with the account theme's
    federatedIdentityBoundOrganization text; a user of no organization gets the URL."""
    async with served(env) as broker:
        _, alice = await _managed_alice(broker)
        await second_provider(env)
        where = f"{ACCOUNT}/linked-accounts/{SECOND}?redirectUri=http://127.0.0.1:9999/"
        refused = await env.http.get(where, headers=await _account_headers(env, alice, "alice"))
        assert (refused.status_code, refused.json()) == (400, BOUND)
        other = await _account_headers(env, await _user_id(env, "user1"), "user1")
        granted = await env.http.get(where, headers=other)
        assert (
            granted.status_code == 200 and "/broker/second-identity-provider/link?" in granted.json()["accountLinkUri"]
        )
