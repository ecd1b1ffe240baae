"""KcOidcFirstBrokerLoginLinkProofTest (tests/base/.../tests/broker/oidc/, CVE-2026-92358): the proof a link confirmed
in another browser leaves for the login waiting on "Verify existing account by Email" must not outlive that login.
After the identity was linked and then unlinked through the Account REST API, a fresh login through the provider asks
again ("Account already exists") and links nothing by itself.

Keycloak keeps the proof as a realm-wide single-use object (``kc.brokering.user.verified.<user>.<alias>.<identity>``)
that the waiting login consumes and any removal of that account's link to the provider revokes. Doorkeep writes it
onto the waiting login itself (oauth/login_broker_email_link.confirm_elsewhere), so no other login can find it, and an
unlink through the Account or the Admin REST API withdraws it (login_broker_email_link.revoke): the waiting login then
ends on "This page is no longer valid" (400) and links nothing. The Java tests' run-on-server checks of the object
itself have no counterpart; what a browser sees after them is tested.
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_email_support import STALE, add_to_existing, click, ready
from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from flow_builder import admin
from mail_sink import Sink
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

LOCAL = "alice-local"


async def _local_user(env: Env) -> dict[str, Any]:
    found = (await admin(env, "GET", f"/admin/realms/test/users?username={LOCAL}&exact=true", status=200)).json()
    return dict(found[0])


async def _links(env: Env, user_id: str) -> list[str]:
    got = (await admin(env, "GET", f"/admin/realms/test/users/{user_id}/federated-identity", status=200)).json()
    return [link["identityProvider"] for link in got]


async def _unlink_through_account_api(env: Env) -> None:
    """removeLinkedAccountViaAccountApi: ``DELETE /account/linked-accounts/{alias}`` with the user's own token."""
    token = await password_grant(env.http, "test", "app", LOCAL, "local-pass")
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    removed = await env.http.delete(f"/realms/test/account/linked-accounts/{ALIAS}", headers=headers)
    assert removed.status_code == 204, removed.text


async def _fresh_login_asks_again(broker: Broker, user_id: str) -> None:
    """A new browser through the provider: "Account already exists", the identity not linked."""
    async with browser(broker) as http:
        page = await broker_login(http)
    assert page.status_code == 200 and "Account already exists" in page.text, page.text[:2000]
    assert await _links(broker.env, user_id) == []


async def _confirm_in_another_browser(broker: Broker, mail: Sink) -> None:
    """confirmLinkInSecondBrowser: the mailed link opened elsewhere, proceeded, "You successfully ..."."""
    async with browser(broker) as other:
        asked = await other.get(mail.received[-1].link())
        assert asked.status_code == 200, asked.text
        told = await other.get(click(asked, "kc-proceed"))
    assert told.status_code == 200 and "You successfully" in told.text, told.text


async def test_cross_browser_link_proof_not_reusable_after_account_unlink(env: Env, mail: Sink) -> None:
    """#testCrossBrowserLinkProofNotReusableAfterAccountUnlink: confirmed elsewhere, the original login links the
    identity; unlinked through the Account API, a fresh broker login asks again."""
    async with served(env) as broker:
        await ready(broker, mail)
        user_id = (await _local_user(env))["id"]
        async with browser(broker) as http:
            page = await add_to_existing(http)
            await _confirm_in_another_browser(broker, mail)
            done = await http.get(click(page, "kc-continue"))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _links(env, user_id) == [ALIAS]
        await _unlink_through_account_api(env)
        assert await _links(env, user_id) == []
        await _fresh_login_asks_again(broker, user_id)


async def test_outstanding_link_proof_revoked_by_account_unlink(env: Env, mail: Sink) -> None:
    """#testOutstandingLinkProofRevokedByAccountUnlink: confirmed elsewhere but not yet continued, the identity linked
    by an administrator and unlinked through the Account API: a fresh broker login asks again."""
    async with served(env) as broker:
        await ready(broker, mail)
        user_id = (await _local_user(env))["id"]
        async with browser(broker) as http:
            await add_to_existing(http)
            await _confirm_in_another_browser(broker, mail)
        provider_users = await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true", status=200)
        identity = {"identityProvider": ALIAS, "userId": provider_users.json()[0]["id"], "userName": "alice"}
        path = f"/admin/realms/test/users/{user_id}/federated-identity/{ALIAS}"
        await admin(env, "POST", path, identity, status=204)
        assert await _links(env, user_id) == [ALIAS]
        await _unlink_through_account_api(env)
        assert await _links(env, user_id) == []
        await _fresh_login_asks_again(broker, user_id)


@pytest.mark.parametrize("through", ["account", "admin"])
async def test_the_waiting_login_fails_once_the_identity_was_unlinked(env: Env, mail: Sink, through: str) -> None:
    """#testOriginalSessionFailsWhenConcurrentLoginConsumesProof and #testOutstandingLinkProofRevokedWhenFederated
    IdentityRemovedDirectly: the identity linked and unlinked (Account REST API, or Admin REST API) after the link was
    confirmed elsewhere withdraws the proof: the waiting login's "Click here ... to continue" is the "no longer valid"
    error page, and links nothing."""
    async with served(env) as broker:
        await ready(broker, mail)
        user_id = (await _local_user(env))["id"]
        async with browser(broker) as http:
            page = await add_to_existing(http)
            await _confirm_in_another_browser(broker, mail)
            provider_users = await admin(env, "GET", "/admin/realms/provider/users?username=alice&exact=true")
            identity = {"identityProvider": ALIAS, "userId": provider_users.json()[0]["id"], "userName": "alice"}
            path = f"/admin/realms/test/users/{user_id}/federated-identity/{ALIAS}"
            await admin(env, "POST", path, identity, status=204)
            if through == "account":
                await _unlink_through_account_api(env)
            else:
                await admin(env, "DELETE", path, status=204)
            done = await http.get(click(page, "kc-continue"))
        assert done.status_code == 400, done.text
        assert STALE in done.text
        assert await _links(env, user_id) == []


async def test_the_waiting_login_still_links_after_another_account_unlinked_it(env: Env, mail: Sink) -> None:
    """The proof is the account's and the provider's: another user's link to the provider removed withdraws nothing."""
    async with served(env) as broker:
        await ready(broker, mail)
        user_id = (await _local_user(env))["id"]
        other = (await admin(env, "GET", "/admin/realms/test/users?username=user1&exact=true", status=200)).json()[0]
        async with browser(broker) as http:
            page = await add_to_existing(http)
            await _confirm_in_another_browser(broker, mail)
            identity = {"identityProvider": ALIAS, "userId": "someone-else", "userName": "someone-else"}
            path = f"/admin/realms/test/users/{other['id']}/federated-identity/{ALIAS}"
            await admin(env, "POST", path, identity, status=204)
            await admin(env, "DELETE", path, status=204)
            done = await http.get(click(page, "kc-continue"))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert await _links(env, user_id) == [ALIAS]
