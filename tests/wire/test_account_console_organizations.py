"""Account Console → Organizations, over HTTP against the real app (both engines): the signed-in user's
organizations as ``GET /account/organizations`` lists them, shown (and in the navigation) only while the realm has
organizations on; English and German; names, domains and descriptions escaped."""

from __future__ import annotations

import pytest

from console_support import HTML, sign_in
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
PAGE = f"{ACCOUNT}/organizations"
REST = "/admin/realms/test/organizations"
XSS = '<img src=x onerror="alert(1)">'


async def member_of(env: Env, name: str, *domains: str, description: str | None = None) -> None:
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    body = {"name": name, "alias": name.replace(" ", "-")[:3] + str(len(name)), "description": description}
    made = await env.http.post(REST, json={**body, "domains": [{"name": d} for d in domains]}, headers=h)
    assert made.status_code == 201, made.text
    user = (await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=h)).json()[0]
    org_id = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{REST}/{org_id}/members", content=user["id"], headers=h)).status_code == 201


async def test_the_page_lists_the_users_organizations_escaped(realm: Env) -> None:
    await member_of(realm, "Acme", "acme.org", "acme.com", description="Anvils")
    await member_of(realm, XSS, description=XSS)
    home = await sign_in(realm.http, f"{ACCOUNT}/")
    assert f'href="{PAGE}"' in home.text and ">Organizations</a>" in home.text
    page = await realm.http.get(PAGE, headers=HTML)
    assert page.status_code == 200 and "View organizations that you are a member of." in page.text
    assert '<td data-label="Name">Acme</td>' in page.text and "acme.org" in page.text and "acme.com" in page.text
    assert XSS not in page.text and "&lt;img src=x" in page.text


async def test_a_user_of_no_organization_is_told_so_in_german(realm: Env) -> None:
    await member_of(realm, "Acme")
    await update_realm(realm.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    h = await realm.admin_headers()
    users = "/admin/realms/test/users"
    made = await realm.http.post(
        users,
        json={
            "username": "user3",
            "enabled": True,
            "email": "user3@example.com",
            "firstName": "User",
            "lastName": "Three",
            "attributes": {"locale": ["de"]},
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
        },
        headers=h,
    )
    assert made.status_code == 201, made.text
    await sign_in(realm.http, f"{ACCOUNT}/", "user3")
    page = await realm.http.get(PAGE, headers=HTML)
    assert page.status_code == 200 and "Keine Organisationen" in page.text and ">Organisationen</a>" in page.text


async def test_the_page_is_gone_while_the_realm_has_organizations_off(realm: Env) -> None:
    home = await sign_in(realm.http, f"{ACCOUNT}/")
    assert f'href="{PAGE}"' not in home.text
    assert (await realm.http.get(PAGE, headers=HTML)).status_code == 404
