"""Security sweep (session 46): an organization's identity providers. The provider's client secret is masked in
the organization's Admin REST lists, in the Admin Console's Organizations pages and in the realm's partial export;
a display name with markup is escaped on those pages and on the identity-first login page; another realm's
provider cannot be linked by its alias or internal id."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from browser_flow import REDIRECT, start
from console_support import HTML, sign_in
from link_support import provider
from org_invitations import ORGS, create_org
from support import seed_client, seed_realm, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
SECRET = "s3cr3t-provider-value"
XSS = '<img src=x onerror="alert(1)">'
CONSOLE = "/admin/test/console/test/organizations"


@pytest.fixture
async def linked(realm: Env) -> tuple[Env, str]:
    """Organizations on; provider ``corp`` (a secret, a display name with markup) linked to ``neworg``."""
    h = await realm.admin_headers()
    assert (await realm.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    corp = provider("corp", displayName=XSS, internalId="i-corp", config={"clientSecret": SECRET})
    plain = provider("plain", displayName=XSS, internalId="i-plain", config={"clientSecret": SECRET})
    await update_realm(realm.db, "test", identity_providers=(corp, plain))
    org = await create_org(realm)
    assert (await realm.http.post(f"{ORGS}/{org}/identity-providers", content="corp", headers=h)).status_code == 204
    return realm, org


async def test_the_secret_is_masked_in_the_organization_s_rest_answers(linked: tuple[Env, str]) -> None:
    env, org = linked
    h = await env.admin_headers()
    for path in ("/identity-providers", "/identity-providers/corp"):
        answer = await env.http.get(f"{ORGS}/{org}{path}", headers=h)
        assert answer.status_code == 200 and SECRET not in answer.text
        assert "**********" in answer.text
    exported = await env.http.post(
        "/admin/realms/test/partial-export", params={"exportClients": "true", "exportGroupsAndRoles": "true"}, headers=h
    )
    assert exported.status_code == 200 and SECRET not in exported.text


async def test_the_console_pages_show_no_secret_and_escape_the_display_name(linked: tuple[Env, str]) -> None:
    env, org = linked
    await make_admin(env, "test", "boss", "realm-admin")
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for params in ({}, {"edit": "corp"}):
            page = await http.get(f"{CONSOLE}/{org}/identity-providers", params=params, headers=HTML)
            assert page.status_code == 200, page.text
            assert SECRET not in page.text and XSS not in page.text


async def test_the_identity_first_login_page_escapes_provider_names_and_the_login_hint(
    linked: tuple[Env, str],
) -> None:
    env, _ = linked
    await seed_client(env.db, "test", "web", public=True, redirect_uris=(REDIRECT,))
    hint = '"><script>alert(1)</script>'
    for login_hint in (hint, "nobody@neworg.org"):
        page = await start(env.http, "test", "web", login_hint=login_hint)
        assert page.status_code == 200 and 'id="kc-form-login"' in page.text, page.text
        assert XSS not in page.text and "<script>alert(1)" not in page.text and SECRET not in page.text


async def test_another_realm_s_provider_cannot_be_linked(linked: tuple[Env, str]) -> None:
    env, org = linked
    await seed_realm(env.db, env.clock, "other")
    await update_realm(env.db, "other", identity_providers=(provider("foreign", internalId="i-foreign"),))
    h = await env.admin_headers()
    for body in ("foreign", "i-foreign", '"i-foreign"'):
        refused = await env.http.post(f"{ORGS}/{org}/identity-providers", content=body, headers=h)
        assert refused.status_code == 400, refused.text
    listed = await env.http.get(f"{ORGS}/{org}/identity-providers", headers=h)
    assert [p["alias"] for p in listed.json()] == ["corp"]
