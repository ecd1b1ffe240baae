"""An organization invitation carried into a first broker login (Keycloak 26.8's
IdpAddOrganizationMemberAuthenticator.getPendingInvitation) against the moves an administrator or a second
recipient could make while the browser is at the provider.

- Resent meanwhile: the token the login carries names an invitation that is gone (a resend removes it and makes a
  new one); the old link joins nothing and leaves the new invitation pending (getPendingInvitation's comment: the
  token is read from the login, "so a link superseded by a resend cannot be used to consume its replacement").
- Organization deleted meanwhile: no organization, no invitation; the user is made, nothing joined, no 5xx.
- Used once: the same invitation link opened again afterwards, in another browser, is refused before any login.
- Provider linked MANAGED to the invitation's own organization: the invitation decides (UNMANAGED), never MANAGED.
"""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, provider_login
from invitation_broker_support import (  # the fixture and its steps, shared with the port
    INVITEE,
    ORGS,
    Invited,
    invite_org_events,
    invited,
    through_provider,
    to_provider,
)
from register_port import is_register_page
from wire_env import Env

pytestmark = pytest.mark.anyio
__all__ = ["invited"]


async def test_an_invitation_resent_meanwhile_is_not_consumed_by_the_old_link(env: Env, invited: Invited) -> None:
    here = invited
    at_provider = await to_provider(here)
    [old] = await here.invitations()
    resent = await here.http.post(f"{ORGS}/{here.org}/invitations/{old['id']}/resend", headers=here.headers)
    assert resent.status_code == 204, resent.text
    [new] = await here.invitations()
    assert new["id"] != old["id"]
    done = await here.http.get(await provider_login(here.http, at_provider))
    assert done.status_code == 302, done.text[:800]
    assert await here.members() == []
    assert [i["id"] for i in await here.invitations()] == [new["id"]]
    assert await invite_org_events(env) == []


async def test_the_organization_deleted_meanwhile_joins_nothing(env: Env, invited: Invited) -> None:
    here = invited
    at_provider = await to_provider(here)
    gone = await here.http.delete(f"{ORGS}/{here.org}", headers=here.headers)
    assert gone.status_code == 204, gone.text
    done = await here.http.get(await provider_login(here.http, at_provider))
    assert done.status_code == 302, done.text[:800]
    users = await here.get(f"/admin/realms/test/users?email={INVITEE}&exact=true")
    assert len(users) == 1
    assert await here.get(f"{ORGS}/members/{users[0]['id']}/organizations") == []
    assert await invite_org_events(env) == []


async def test_a_consumed_invitation_cannot_start_another_login(env: Env, invited: Invited) -> None:
    here = invited
    done = await through_provider(here)
    assert done.status_code == 302, done.text[:800]
    async with browser(here.broker) as other:
        again = await other.get(here.link)
    assert again.status_code == 400 and not is_register_page(again)
    assert len(await invite_org_events(env)) == 1


async def test_a_managed_link_to_the_invitations_organization_still_joins_unmanaged(env: Env, invited: Invited) -> None:
    """authenticateImpl returns after the invitation: the provider's own MANAGED link to that same organization
    (its domain the invitee's) is not applied on top."""
    here = invited
    rep = await here.get(f"{ORGS}/{here.org}")
    domains = [*rep["domains"], {"name": "example.org"}]
    put = await here.http.put(f"{ORGS}/{here.org}", json={**rep, "domains": domains}, headers=here.headers)
    assert put.status_code == 204, put.text
    linked = await here.http.post(f"{ORGS}/{here.org}/identity-providers", json=ALIAS, headers=here.headers)
    assert linked.status_code == 204, linked.text
    link = {"autoMembership": True, "membershipType": "MANAGED"}
    put = await here.http.put(f"{ORGS}/{here.org}/identity-providers/{ALIAS}", json=link, headers=here.headers)
    assert put.status_code == 204, put.text
    await here.broker.add_provider(alias="visible")  # an organization's provider has no button: its URL
    to_visible = (await to_provider(here, "visible")).request.url
    to_kc = str(to_visible).replace("/broker/visible/login", f"/broker/{ALIAS}/login")
    done = await here.http.get(await provider_login(here.http, await here.http.get(to_kc)))
    assert done.status_code == 302, done.text[:800]
    [member] = await here.members()
    assert member["membershipType"] == "UNMANAGED" and await here.invitations() == []
