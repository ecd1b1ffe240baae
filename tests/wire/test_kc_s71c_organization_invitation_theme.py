"""Keycloak's OrganizationInvitationThemeTest (tests/base organization/admin/), as far as the stock pages and the mail
sink show it. Its one method switches the realm's login theme to the testsuite's ``organization`` theme, whose
templates print the ``organization`` bean ("Sign-in to <name> organization", "The key is value1, value2", "User is
member of ..."), invites an existing user and opens the link: the page knows the organization before the user is a
member (InviteOrgActionTokenHandler.preHandleToken sets it on the session). Doorkeep has no theme SPI, so the bean's
strings cannot apply (as in test_kc_port24_organization_theme.py); what is ported is what the stock e-mail and pages
say at the same steps: the invitation names the organization and the invitee, its link's page names the
organization (the ``organization.confirm-membership`` title and text) while the user is not a member yet, and only
the proceed link makes them one. Hostile: an organization name that is markup stays text in the mail and on the page.
"""

from __future__ import annotations

import html

import pytest

from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, invite, member, proceed
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
INVITEE = "invited@myemail.com"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _invited(env: Env, org: str) -> str:
    """createUser("invited@myemail.com"): Invited User, e-mail verified; invited as an existing user."""
    user = await seed_user(
        env.db, env.clock, "test", INVITEE, email=INVITEE, first_name="Invited", last_name="User", email_verified=True
    )
    assert (await invite(env, org, "invite-existing-user", id=user.id)).status_code == 204
    return user.id


async def test_organization_available_when_confirming_membership(realm: Env, mail: Sink) -> None:
    """OrganizationInvitationThemeTest#testOrganizationAvailableWhenConfirmingMembership."""
    org = await create_org(realm, attributes={"key": ["value1", "value2"]})
    user = await _invited(realm, org)
    [message] = mail.received
    assert message.subject == "Invitation to join the neworg organization"
    assert message.recipients == [INVITEE]
    text = message.part("plain")
    assert 'Hi, "Invited" "User".' in text and 'You were invited to join the "neworg" organization.' in text
    page = await realm.http.get(message.link())
    shown = html.unescape(page.text)
    assert page.status_code == 200
    assert "You are about to join organization neworg" in shown
    assert "you will become a member of the neworg organization" in shown
    assert "already a member" not in shown and await member(realm.http, org, user) is None
    joined = await realm.http.get(proceed(page.text))
    assert joined.status_code == 302 and await member(realm.http, org, user) is not None


async def test_an_organization_name_that_is_markup_stays_text_in_the_mail_and_on_the_page(
    realm: Env, mail: Sink
) -> None:
    name = '<img src=x onerror="alert(1)">'
    org = await create_org(realm, name=name, alias="markup")
    await _invited(realm, org)
    [message] = mail.received
    assert "<img" not in message.part("html") and "&lt;img src=x" in message.part("html")
    page = await realm.http.get(message.link())
    assert page.status_code == 200 and "<img" not in page.text
    assert f"You are about to join organization {name}" in html.unescape(page.text)
    assert (await realm.http.get(f"{ORGS}/{org}", headers=await realm.admin_headers())).json()["name"] == name
