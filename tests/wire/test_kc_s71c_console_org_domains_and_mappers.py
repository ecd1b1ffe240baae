"""The Admin Console as Keycloak 26.8's admin UI: the organization's link dialog (LinkIdentityProviderModal) sets the
link only, never ``kc.org.domain`` or the redirect switch on the provider; the routing is the domain's, edited on
the organization's Domains tab (DomainsTab.tsx: a linked provider and "Auto redirect", saved by ``PUT
organizations/{id}``); and the Add mapper form of a group mapper on a provider linked to organizations offers the
group's type and the organization (``groupType`` ORGANIZATION, ``orgId``, keycloak#48948), refusing an organization
the provider is not linked to. Hostile: a domain or an organization the page did not offer, markup in names."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, post_pairs, sign_in
from link_support import provider
from support import update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test"
ORGS = f"{CONSOLE}/organizations"
REST = "/admin/realms/test/organizations"
MAPPERS = f"{CONSOLE}/identity-providers/instances/corp/mappers"


@pytest.fixture
async def orgs(realm: Env) -> Env:
    """Organizations on; ``acme`` (acme.org) and ``<b>globex</b>`` (globex.org), ``other``; providers ``corp``
    (linked to acme and globex) and ``partner``; the realm administrator ``boss``."""
    h = await realm.admin_headers()
    assert (await realm.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    corp = provider("corp", displayName="Corp SSO", internalId="i-corp")
    await update_realm(realm.db, "test", identity_providers=(corp, provider("partner", internalId="i-partner")))
    for name, alias in (("acme", "acme"), ("<b>globex</b>", "globex"), ("other", "other")):
        body = {"name": name, "alias": alias, "domains": [{"name": f"{alias}.org"}]}
        made = await realm.http.post(REST, json=body, headers=h)
        assert made.status_code == 201, made.text
    for alias in ("acme", "globex"):
        linked = await realm.http.post(f"{REST}/{await _org(realm, alias)}/identity-providers", json="corp", headers=h)
        assert linked.status_code == 204, linked.text
    await make_admin(realm, "test", "boss", "realm-admin")
    return realm


@pytest.fixture
async def admin(orgs: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(orgs, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def _rest(env: Env, path: str = "", **params: Any) -> Any:
    response = await env.http.get(REST + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _org(env: Env, alias: str) -> str:
    return str(next(o["id"] for o in await _rest(env) if o["alias"] == alias))


async def _post(http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    return await post_pairs(http, path, pairs, token_from=ORGS)


async def _idp(env: Env) -> dict[str, Any]:
    found = await env.http.get("/admin/realms/test/identity-provider/instances/corp", headers=await env.admin_headers())
    rep: dict[str, Any] = found.json()
    return rep


async def test_the_link_dialog_sets_the_link_only(orgs: Env, admin: httpx.AsyncClient) -> None:
    other = await _org(orgs, "other")
    here = f"{ORGS}/{other}/identity-providers"
    tab = await admin.get(here, headers=HTML)
    assert 'name="domain"' not in tab.text and 'name="redirect"' not in tab.text
    done = await _post(admin, f"{here}/link", [("alias", "corp"), ("domain", "other.org"), ("redirect", "on")])
    assert done.status_code == 303, done.text
    config = (await _idp(orgs))["config"]
    assert "kc.org.domain" not in config and "kc.org.broker.redirect.mode.email-matches" not in config
    assert (await _rest(orgs, f"/{other}"))["domains"] == [
        {"name": "other.org", "verified": False, "autoRedirect": False}
    ]


async def test_the_domains_tab_routes_a_domain_to_a_linked_provider(orgs: Env, admin: httpx.AsyncClient) -> None:
    acme = await _org(orgs, "acme")
    here = f"{ORGS}/{acme}/domains"
    tab = await admin.get(here, params={"edit": "acme.org"}, headers=HTML)
    assert tab.status_code == 200 and '<option value="corp">corp</option>' in tab.text
    assert '<option value="partner"' not in tab.text  # not linked to acme
    done = await _post(
        admin, f"{here}/save", [("name", "acme.org"), ("identityProviderAlias", "corp"), ("autoRedirect", "on")]
    )
    assert done.status_code == 303
    assert (await _rest(orgs, f"/{acme}"))["domains"] == [
        {"name": "acme.org", "verified": False, "identityProviderAlias": "corp", "autoRedirect": True}
    ]
    shown = await admin.get(here, headers=HTML)
    assert (
        '<td data-label="Identity provider">corp</td>' in shown.text
        and '<td data-label="Auto redirect">On</td>' in shown.text
    )


@pytest.mark.parametrize(
    ("pairs", "text"),
    [
        ([("name", "acme.org"), ("identityProviderAlias", "partner")], "Choose an identity provider linked"),
        ([("name", "acme.org"), ("identityProviderAlias", "nope")], "Choose an identity provider linked"),
        ([("name", "globex.org"), ("identityProviderAlias", "corp")], "Choose one of the organization"),
        ([("name", ""), ("identityProviderAlias", "")], "Choose one of the organization"),
    ],
    ids=["provider_not_linked", "no_such_provider", "another_organizations_domain", "no_domain"],
)
async def test_the_domains_tab_refuses_what_it_did_not_offer(
    orgs: Env, admin: httpx.AsyncClient, pairs: list[tuple[str, str]], text: str
) -> None:
    acme = await _org(orgs, "acme")
    refused = await _post(admin, f"{ORGS}/{acme}/domains/save", pairs)
    assert refused.status_code == 400 and text in refused.text
    assert (await _rest(orgs, f"/{acme}"))["domains"] == [
        {"name": "acme.org", "verified": False, "autoRedirect": False}
    ]


async def test_a_group_mapper_names_one_of_the_providers_organizations(orgs: Env, admin: httpx.AsyncClient) -> None:
    acme, globex = await _org(orgs, "acme"), await _org(orgs, "globex")
    form = await admin.get(f"{MAPPERS}/add/oidc-hardcoded-group-idp-mapper", headers=HTML)
    assert form.status_code == 200 and 'name="orgId"' in form.text and 'name="groupType"' in form.text
    assert f'<option value="{acme}">acme</option>' in form.text
    assert (
        "<b>globex</b>" not in form.text and f'<option value="{globex}">&lt;b&gt;globex&lt;/b&gt;</option>' in form.text
    )
    fields = [
        ("name", "team"),
        ("syncMode", "INHERIT"),
        ("group", "/team"),
        ("groupType", "ORGANIZATION"),
        ("orgId", globex),
    ]
    done = await _post(admin, f"{MAPPERS}/add/oidc-hardcoded-group-idp-mapper", fields)
    assert done.status_code == 303, done.text
    listed = await orgs.http.get(
        "/admin/realms/test/identity-provider/instances/corp/mappers", headers=await orgs.admin_headers()
    )
    [mapper] = listed.json()
    assert mapper["config"] == {"syncMode": "INHERIT", "group": "/team", "groupType": "ORGANIZATION", "orgId": globex}


@pytest.mark.parametrize("case", ["not_linked", "unknown", "realm_group"])
async def test_a_group_mapper_refuses_an_organization_it_cannot_name(
    orgs: Env, admin: httpx.AsyncClient, case: str
) -> None:
    other = await _org(orgs, "other")
    acme = await _org(orgs, "acme")
    org_id, group_type, text = {
        "not_linked": (other, "ORGANIZATION", "Choose an organization the identity provider is linked to."),
        "unknown": ("no-such-id", "ORGANIZATION", "Choose an organization the identity provider is linked to."),
        "realm_group": (acme, "", "An organization applies to an organization group only."),
    }[case]
    fields = [("name", "team"), ("group", "/team"), ("groupType", group_type), ("orgId", org_id)]
    refused = await _post(admin, f"{MAPPERS}/add/oidc-hardcoded-group-idp-mapper", fields)
    assert refused.status_code == 400 and text in html.unescape(refused.text)
    listed = await orgs.http.get(
        "/admin/realms/test/identity-provider/instances/corp/mappers", headers=await orgs.admin_headers()
    )
    assert listed.json() == []


async def test_other_mappers_and_unlinked_providers_show_no_organization(orgs: Env, admin: httpx.AsyncClient) -> None:
    attribute = await admin.get(f"{MAPPERS}/add/hardcoded-attribute-idp-mapper", headers=HTML)
    assert attribute.status_code == 200 and 'name="orgId"' not in attribute.text
    partner = await admin.get(
        f"{CONSOLE}/identity-providers/instances/partner/mappers/add/oidc-hardcoded-group-idp-mapper", headers=HTML
    )
    assert partner.status_code == 200 and 'name="orgId"' not in partner.text
