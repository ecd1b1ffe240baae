"""Security sweep (session 47): required actions' configuration under attack. Reading it takes view-realm and
writing it manage-realm, in the caller's own realm; absurd values are refused naming the field (or, let in by the
plain PUT, read as the default) and never fail a sign-in; no ``kc_action`` spelling skips the re-authentication a
``max_auth_age`` asks for; markup in a kept value is text on the Console's Configure form."""

from __future__ import annotations

import html
import re

import pytest

from admin_support import forbidden, realm_admin
from console_support import HTML, post_pairs, sign_in
from flow_builder import admin
from group_port import fresh_realm
from otp_port import APP, SECRET, USER, fresh_users, user_rep
from required_action_config_support import AGE, BASE, action_realm, aia, put_config, reauthentication, stored
from reset_password_port import realm_rep as password_realm
from support import password_grant, seed_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
TAB = "/admin/test/console/test/authentication/required-actions"


@pytest.fixture
async def realm(env: Env) -> Env:
    return await action_realm(env)


@pytest.mark.parametrize("roles", [("query-realms",), ("view-users", "manage-users"), ("view-clients",)])
async def test_no_config_is_read_or_written_without_view_realm_or_manage_realm(
    realm: Env, roles: tuple[str, ...]
) -> None:
    await put_config(realm, "UPDATE_PASSWORD", {AGE: "60"}, 204)
    caller = await realm_admin(realm, "weak", *roles)
    for path in (f"{BASE}/UPDATE_PASSWORD/config", f"{BASE}/UPDATE_PASSWORD/config-description"):
        forbidden(await realm.http.get(path, headers=caller))
    forbidden(await realm.http.put(f"{BASE}/UPDATE_PASSWORD/config", json={"config": {AGE: "0"}}, headers=caller))
    forbidden(await realm.http.delete(f"{BASE}/UPDATE_PASSWORD/config", headers=caller))
    assert await stored(realm, "UPDATE_PASSWORD") == {AGE: "60"}


async def test_view_realm_reads_but_does_not_write_and_another_realm_s_admin_does_neither(realm: Env) -> None:
    await put_config(realm, "UPDATE_PROFILE", {AGE: "60"}, 204)
    viewer = await realm_admin(realm, "viewer", "view-realm")
    assert (await realm.http.get(f"{BASE}/UPDATE_PROFILE/config", headers=viewer)).json() == {"config": {AGE: "60"}}
    forbidden(await realm.http.put(f"{BASE}/UPDATE_PROFILE/config", json={"config": {AGE: "1"}}, headers=viewer))
    forbidden(await realm.http.delete(f"{BASE}/UPDATE_PROFILE/config", headers=viewer))
    await seed_realm(realm.db, realm.clock, "other")
    stranger = await realm_admin(realm, "stranger", "realm-admin", realm="other")
    for method in ("GET", "PUT", "DELETE"):
        answer = await realm.http.request(
            method, f"{BASE}/UPDATE_PROFILE/config", json={"config": {AGE: "1"}}, headers=stranger
        )
        assert answer.status_code == 403, (method, answer.text)
    assert await stored(realm, "UPDATE_PROFILE") == {AGE: "60"}


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "1e3", "٣٠", " 60", "0x10", "\x00", "-0x1"])
async def test_an_absurd_max_auth_age_is_refused_naming_it(realm: Env, value: str) -> None:
    refused = await put_config(realm, "UPDATE_PASSWORD", {AGE: value}, 400)
    assert refused["field"] == AGE if "field" in refused else AGE in str(refused)
    assert AGE not in await stored(realm, "UPDATE_PASSWORD")


@pytest.mark.parametrize("value", ["-99999999999999999", "99999999999999999", "x" * 5000, "1.5", "\x00"])
async def test_an_absurd_cooldown_never_fails_the_verification_mail(realm: Env, value: str) -> None:
    """Whatever the cooldown holds (kept by the config PUT or not), the e-mail step answers without a 500."""
    sent = await admin(realm, "PUT", f"{BASE}/VERIFY_EMAIL/config", {"config": {"emailResendCooldownSeconds": value}})
    assert sent.status_code in (204, 400), sent.text
    page = await aia(realm, "VERIFY_EMAIL", 10)
    assert page.status_code < 500, page.text[:300]


@pytest.mark.parametrize("value", ["-5", "99999999999999999999", "soon", "2147483647"])
async def test_a_stored_max_auth_age_past_validation_never_fails_a_sign_in(realm: Env, value: str) -> None:
    """The plain ``PUT required-actions/{alias}`` keeps any config; at sign-in a value Integer.parseInt refuses, or
    a negative one, is the default five minutes; the largest int never overflows."""
    action = (await admin(realm, "GET", f"{BASE}/UPDATE_PROFILE", status=200)).json()
    await admin(realm, "PUT", f"{BASE}/UPDATE_PROFILE", {**action, "config": {AGE: value}}, 204)
    page = await aia(realm, "UPDATE_PROFILE", 400)
    assert page.status_code == 200, page.text[:300]
    assert reauthentication(page) is (value != "2147483647")


@pytest.mark.parametrize("spelling", ["update_password", "UPDATE_PASSWORD ", " UPDATE_PASSWORD", "UPDATE_PASSWORD:x"])
async def test_no_spelling_of_kc_action_skips_the_re_authentication(realm: Env, spelling: str) -> None:
    """Ten minutes after the sign-in (past UPDATE_PASSWORD's default age) the password form never shows without the
    credentials again: a spelling that names no action is passed over, a parameter does not change the action."""
    page = await aia(realm, spelling, 600)
    assert page.status_code in (200, 302), page.text[:300]
    assert 'name="password-new"' not in page.text or reauthentication(page)


async def test_an_action_registered_under_another_alias_still_asks_for_the_credentials(realm: Env) -> None:
    """A realm file may register UPDATE_PASSWORD under an alias of its own; ``kc_action`` naming that alias runs the
    same provider, so its max auth age applies as well."""
    renamed = {"alias": "change-it", "name": "Change it", "providerId": "UPDATE_PASSWORD", "enabled": True}
    await fresh_realm(realm, {**password_realm(), "requiredActions": [{**renamed, "priority": 1, "config": {}}]})
    await fresh_users(realm, user_rep(USER))
    page = await aia(realm, "change-it", 600)
    assert reauthentication(page) and 'name="password-new"' not in page.text, page.text[:500]


async def test_markup_in_a_kept_value_is_text_on_the_configure_form(realm: Env) -> None:
    action = (await admin(realm, "GET", f"{BASE}/VERIFY_EMAIL", status=200)).json()
    markup = '"><script>alert(1)</script>'
    config = {AGE: markup, "emailResendCooldownSeconds": markup}
    await admin(realm, "PUT", f"{BASE}/VERIFY_EMAIL", {**action, "config": config}, 204)
    await realm_admin(realm, "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        form = await http.get(f"{TAB}/VERIFY_EMAIL/config", headers=HTML)
        assert form.status_code == 200 and "<script>alert(1)" not in form.text
        assert "&lt;script&gt;" in form.text or "&#34;&gt;" in form.text or "&quot;&gt;" in form.text


async def test_the_update_password_form_cannot_be_posted_past_the_re_authentication(realm: Env) -> None:
    """Step skipping: the re-authentication page's own session code, posted straight to ``required-action`` with a
    new password, changes nothing and issues no code; the old password still signs in."""
    page = await aia(realm, "UPDATE_PASSWORD", 600)
    assert reauthentication(page)
    action = re.search(r'<form[^>]* action="([^"]+)"', page.text)
    assert action is not None, page.text[:500]
    skipped = html.unescape(action[1]).replace("/login-actions/authenticate", "/login-actions/required-action")
    for url in (skipped, skipped + "&execution=UPDATE_PASSWORD"):
        form = {"password-new": "hijacked-1", "password-confirm": "hijacked-1"}
        answer = await realm.http.post(url, data=form)
        assert answer.status_code < 500 and "code=" not in answer.headers.get("location", ""), answer.text[:300]
    assert (await password_grant(realm.http, "test", APP, USER, secret=SECRET)).status_code == 200
    assert (await password_grant(realm.http, "test", APP, USER, "hijacked-1", secret=SECRET)).status_code != 200


async def test_the_configure_form_and_its_clear_need_the_page_s_csrf_token(realm: Env) -> None:
    await put_config(realm, "UPDATE_PROFILE", {AGE: "60"}, 204)
    await realm_admin(realm, "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for path in (f"{TAB}/UPDATE_PROFILE/config", f"{TAB}/UPDATE_PROFILE/config/clear"):
            for token in ("", "forged"):
                sent = await post_pairs(http, path, [(f"config.{AGE}", "0")], token_from=TAB, token=token)
                assert sent.status_code == 403, (path, token, sent.text[:200])
    assert await stored(realm, "UPDATE_PROFILE") == {AGE: "60"}
