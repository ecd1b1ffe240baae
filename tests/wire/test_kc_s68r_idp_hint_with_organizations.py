"""``kc_idp_hint`` with organizations on and an Identity Provider Redirector after the Organization step (the flow of
OrganizationLoginHintFallthroughTest, tests/org_fallthrough_flow.py), as IdentityProviderAuthenticator.authenticate
decides: each redirector reads the request's query. A ``kc_idp_hint`` present but empty is "attempted" (no default
provider); one naming no enabled provider is "attempted" too (redirect() finds none). So on the authorization
request itself neither the redirector before the Organization step nor the one after it sends a ``login_hint`` no
organization resolves to the default provider: the password page shows. The username page's POST carries no
``kc_idp_hint``, so a name typed there still falls through to the default provider. A hint naming no provider does
not stop the Organization step: an address of an organization's domain goes to its provider. Doorkeep sent the
hinted request on to the default provider, and skipped the Organization step for any non-empty hint."""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, served, start_login
from browser_flow import form_action, form_fields
from flow_builder import admin
from org_fallthrough_flow import fallthrough_flow, unrelated_org
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
TYPED = "alice@other-domain.example"
ORG_IDP = "org-idp"


def _to_broker(answer: httpx.Response, alias: str) -> bool:
    location = answer.headers.get("location", "")
    return answer.status_code == 303 and location.split("?")[0].endswith(f"/realms/test/broker/{alias}/login")


def _password_page(answer: httpx.Response, name: str) -> bool:
    """The password page, the name fixed (OrganizationAuthenticator.attempted with the typed name)."""
    attempted = f'<label id="kc-attempted-username">{name}</label>'
    return answer.status_code == 200 and 'name="password"' in answer.text and attempted in answer.text


async def _setup(broker: Broker) -> None:
    await unrelated_org(broker)
    await broker.add_provider()
    await fallthrough_flow(broker.env, ALIAS)


@pytest.mark.parametrize("hint", ["", "no-such-provider"])
async def test_a_hint_sent_keeps_the_login_hint_from_the_default_provider(env: Env, hint: str) -> None:
    """kc_idp_hint empty (``Skipping: kc_idp_hint query parameter is empty``) or naming no provider (``Provider not
    found or not enabled``): both redirectors attempted, the password page with the hint."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            answer = await start_login(http, login_hint=TYPED, kc_idp_hint=hint)
            assert _password_page(answer, TYPED), answer.text[-1500:]


async def test_a_hint_naming_a_disabled_provider_is_attempted(env: Env) -> None:
    """redirect() looks among the enabled providers only: a disabled one is "not found", and the default provider
    (another, enabled one) is not used either."""
    async with served(env) as broker:
        await _setup(broker)
        rep = broker.provider_rep()
        await broker.add_provider(alias="off", enabled=False, config=rep["config"])
        async with browser(broker) as http:
            answer = await start_login(http, login_hint=TYPED, kc_idp_hint="off")
            assert _password_page(answer, TYPED), answer.text[-1500:]


async def test_without_a_hint_the_login_hint_falls_through(env: Env) -> None:
    """The same request without kc_idp_hint: the redirector after the Organization step sends it to its default."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            assert _to_broker(await start_login(http, login_hint=TYPED), ALIAS)


async def test_a_name_typed_after_an_empty_hint_falls_through(env: Env) -> None:
    """The username page's POST has no kc_idp_hint in its query: the redirector after the Organization step takes
    its default provider, though the authorization request carried an empty one."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="")
            assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
            typed = await http.post(form_action(page.text), data={**form_fields(page.text), "username": TYPED})
            assert _to_broker(typed, ALIAS), (typed.status_code, typed.text[:800])


async def _org_provider(broker: Broker) -> None:
    orgs = (await admin(broker.env, "GET", f"{TEST}/organizations", status=200)).json()
    config = {
        **broker.provider_rep()["config"],
        "kc.org.domain": "unrelated-org.example",
        "kc.org.broker.redirect.mode.email-matches": "true",
    }
    await broker.add_provider(alias=ORG_IDP, organizationId=orgs[0]["id"], config=config)


async def test_a_hint_naming_no_provider_leaves_the_organization_step_to_run(env: Env) -> None:
    """The redirector before the Organization step finds no provider of that name and is attempted; the Organization
    step then takes the login_hint, whose domain's provider redirects."""
    async with served(env) as broker:
        await _setup(broker)
        await _org_provider(broker)
        async with browser(broker) as http:
            answer = await start_login(http, login_hint="carol@unrelated-org.example", kc_idp_hint="no-such-provider")
            assert _to_broker(answer, ORG_IDP), (answer.status_code, answer.headers, answer.text[:800])


async def test_a_hint_naming_a_provider_wins_over_the_organization_step(env: Env) -> None:
    """The redirector runs before the Organization step: a hint naming an enabled provider sends the login there,
    whatever organization the login_hint's domain belongs to."""
    async with served(env) as broker:
        await _setup(broker)
        await _org_provider(broker)
        async with browser(broker) as http:
            answer = await start_login(http, login_hint="carol@unrelated-org.example", kc_idp_hint=ALIAS)
            assert _to_broker(answer, ALIAS), (answer.status_code, answer.headers, answer.text[:800])
