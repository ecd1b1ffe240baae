"""OrganizationMemberValidator in the IDP_REVIEW context for a provider linked to two organizations (Keycloak 26.8's
``organizationLinks``): the address reviewed is held to the domains of *every* organization the provider is linked to
that route to it, not only the first link's; an address of neither is still refused."""

from __future__ import annotations

import pytest
from test_kc_s70a_organization_domain_login import MISMATCH, ORGS, _call, _route, _routed_org, _to_provider, _type

from broker_support import ALIAS, Broker, browser, provider_login, served
from browser_flow import form_action, form_fields
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _second_organization(broker: Broker) -> None:
    """``beta`` claims ``beta.org``, is linked to the same provider and routes ``beta.org`` to it."""
    made = await _call(broker.env, "POST", ORGS, {"name": "beta", "domains": [{"name": "beta.org"}]}, 201)
    org = made.headers["location"].rsplit("/", 1)[1]
    await _call(broker.env, "POST", f"{ORGS}/{org}/identity-providers", ALIAS)
    await _call(broker.env, "PUT", f"{ORGS}/{org}", {"name": "beta", "domains": [_route("beta.org")]})


@pytest.mark.parametrize(("reviewed", "refused"), [("alice@beta.org", False), ("alice@elsewhere.org", True)])
async def test_the_review_takes_a_domain_of_the_second_linked_organization(
    env: Env, reviewed: str, refused: bool
) -> None:
    async with served(env) as broker:
        await update_user(env.db, "provider", "alice", email="alice@elsewhere.org")
        await _routed_org(broker, _route("acme.org"))
        await _second_organization(broker)
        async with browser(broker) as http:
            answer = await _type(http, "newuser@beta.org")
            assert _to_provider(answer), answer.text[:500]
            review = await http.get(await provider_login(http, await http.get(answer.headers["location"])))
            assert review.status_code == 200 and 'name="email"' in review.text, review.text[:800]
            fields = {**form_fields(review.text), "firstName": "New", "lastName": "User", "email": reviewed}
            posted = await http.post(form_action(review.text), data=fields)
            assert posted.status_code < 500
            assert (MISMATCH in posted.text) is refused, posted.text[:800]
