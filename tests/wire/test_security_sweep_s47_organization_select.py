"""Security sweep (session 47): the organization-select page under attack. Markup in an alias is text in the page's
attributes; a ``kc.org`` that is huge, holds a NUL or repeats is no organization (the page again, never a 500); a
pick whose membership ends, or whose organization is disabled, before the password is given names nothing."""

from __future__ import annotations

import re

import pytest

from browser_flow import submit
from flow_builder import admin
from organization_login_support import REALM, join, member_of_both, organization, signed_in, typed
from wire_env import Env

pytestmark = pytest.mark.anyio
ANY = "openid organization"
MARKUP = '"><img src=x onerror=alert(1)>'


async def test_markup_in_an_alias_is_refused_or_text_on_the_page(realm: Env) -> None:
    await member_of_both(realm)
    body = {"name": "gamma", "alias": MARKUP, "domains": [{"name": "gamma.org"}]}
    made = await realm.http.post(f"{REALM}/organizations", json=body, headers=await realm.admin_headers())
    assert made.status_code in (201, 400), made.text
    if made.status_code == 201:
        await join(realm, made.headers["location"].rsplit("/", 1)[1])
    page = await typed(realm.http, "user1", scope=ANY)
    assert page.status_code == 200 and "<img src=x" not in page.text


@pytest.mark.parametrize("picked", ["a" * 20000, "acme\x00", "\x00"])
async def test_an_odd_pick_is_no_organization(realm: Env, picked: str) -> None:
    await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    again = await submit(realm.http, page, **{"kc.org": picked})
    assert again.status_code in (200, 400, 413), again.text[:300]
    assert 'name="password"' not in again.text


async def test_a_repeated_kc_org_field_picks_at_most_one_of_the_user_s(realm: Env) -> None:
    await member_of_both(realm)
    await organization(realm, "gamma")
    page = await typed(realm.http, "user1", scope=ANY)
    action = re.search(r'<form[^>]* action="([^"]+)"', page.text)
    assert action is not None
    url = action[1].replace("&amp;", "&")
    posted = await realm.http.post(
        url, content="kc.org=gamma&kc.org=beta", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert posted.status_code < 500, posted.text[:300]
    if 'name="password"' in posted.text:
        assert (await signed_in(realm.http, posted)).get("organization") in (None, ["beta"])


@pytest.mark.parametrize("change", ["leave", "disable"])
async def test_a_pick_that_stops_being_the_user_s_before_the_password_names_nothing(realm: Env, change: str) -> None:
    ids = await member_of_both(realm)
    page = await typed(realm.http, "user1", scope=ANY)
    password_page = await submit(realm.http, page, **{"kc.org": "beta"})
    assert 'name="password"' in password_page.text
    if change == "leave":
        [user] = (await admin(realm, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
        await admin(realm, "DELETE", f"{REALM}/organizations/{ids['beta']}/members/{user['id']}", None, 204)
    else:
        rep = (await admin(realm, "GET", f"{REALM}/organizations/{ids['beta']}", status=200)).json()
        await admin(realm, "PUT", f"{REALM}/organizations/{ids['beta']}", {**rep, "enabled": False}, 204)
    assert "beta" not in str((await signed_in(realm.http, password_page)).get("organization"))
