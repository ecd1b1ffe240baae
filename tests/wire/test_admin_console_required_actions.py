"""Authentication → Required actions of the Admin Console, over HTTP against the real app (both engines): the
realm's actions in Keycloak's order with their switches, changed as Keycloak's console changes them (``PUT
required-actions/{alias}`` with the whole action, ``register-required-action``, ``raise-``/``lower-priority``)
through the REST API's own functions, recorded as those calls; view-realm reads, manage-realm changes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
TAB = "/admin/test/console/test/authentication/required-actions"
REST = "/admin/realms/test/authentication/required-actions"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def listed(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(REST, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def by_alias(env: Env) -> dict[str, dict[str, Any]]:
    return {a["alias"]: a for a in await listed(env)}


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(TAB, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def test_the_tab_lists_the_actions_in_keycloaks_order_with_their_switches(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(TAB, headers=HTML)
    assert page.status_code == 200
    names = [a["name"] for a in await listed(realm)]
    positions = [page.text.index(f'<td data-label="Required actions">{name}</td>') for name in names]
    assert positions == sorted(positions) and names[:3] == ["Terms and Conditions", "Update Profile", "Verify Email"]
    assert 'aria-label="Enabled Terms and Conditions: Off, turn on"' in page.text
    assert 'aria-label="Enabled Configure OTP: On, turn off"' in page.text
    assert 'aria-label="Move Terms and Conditions up"' not in page.text  # the first one has no Up
    assert 'aria-label="Move Configure OTP up"' in page.text
    assert 'href="/admin/test/console/test/authentication/required-actions" aria-current="page"' in page.text


async def test_a_switch_puts_the_whole_action_with_that_field_turned_and_records_the_put(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await enable_admin_events(realm)
    before = (await by_alias(realm))["VERIFY_EMAIL"]
    done = await post(admin, f"{TAB}/VERIFY_EMAIL/switch", field="defaultAction", on="true")
    assert done.status_code == 303
    assert "Updated required action successfully" in (await admin.get(TAB, headers=HTML)).text
    after = await by_alias(realm)
    assert after["VERIFY_EMAIL"] == {**before, "defaultAction": True}
    off = await post(admin, f"{TAB}/CONFIGURE_TOTP/switch", field="enabled", on="false")
    assert off.status_code == 303 and (await by_alias(realm))["CONFIGURE_TOTP"]["enabled"] is False
    event = (await admin_events(realm))[1]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "REQUIRED_ACTION",
        "authentication/required-actions/VERIFY_EMAIL",
    )
    assert json.loads(event["representation"]) == {**before, "defaultAction": True}


async def test_up_and_down_swap_priorities_and_the_first_one_raised_changes_and_records_nothing(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await enable_admin_events(realm)
    assert (await post(admin, f"{TAB}/UPDATE_PROFILE/raise-priority")).status_code == 303
    order = [a["alias"] for a in await listed(realm)]
    assert order[:3] == ["UPDATE_PROFILE", "TERMS_AND_CONDITIONS", "VERIFY_EMAIL"]
    recorded = await admin_events(realm)
    event = recorded[0]
    assert (event["operationType"], event["resourcePath"]) == (
        "UPDATE",
        "authentication/required-actions/UPDATE_PROFILE/raise-priority",
    )
    assert (await post(admin, f"{TAB}/UPDATE_PROFILE/raise-priority")).status_code == 303
    assert (await post(admin, f"{TAB}/UPDATE_PROFILE/lower-priority")).status_code == 303
    assert [a["alias"] for a in await listed(realm)][:2] == ["TERMS_AND_CONDITIONS", "UPDATE_PROFILE"]
    assert len(await admin_events(realm)) == len(recorded) + 1  # the lower only


async def test_an_unregistered_provider_is_listed_off_and_turning_it_on_registers_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.delete(f"{REST}/delete_account", headers=headers)).status_code == 204
    page = await admin.get(TAB, headers=HTML)
    assert 'aria-label="Enabled Delete Account: Off, turn on"' in page.text and 'value="delete_account"' in page.text
    await enable_admin_events(realm)
    done = await post(
        admin, "/admin/test/console/test/authentication/register-required-action", providerId="delete_account"
    )
    assert done.status_code == 303
    actions = await listed(realm)
    assert actions[-1] | {"priority": 0} == {
        "alias": "delete_account",
        "name": "Delete Account",
        "providerId": "delete_account",
        "enabled": True,
        "defaultAction": False,
        "priority": 0,
        "config": {},
    }
    assert actions[-1]["priority"] == actions[-2]["priority"] + 1
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "REQUIRED_ACTION",
        "authentication/register-required-action",
    )
    assert {k: v for k, v in json.loads(event["representation"]).items() if k != "id"} == {
        "name": "Delete Account",
        "providerId": "delete_account",
    }


async def test_an_unknown_action_is_a_missing_page(realm: Env, admin: httpx.AsyncClient) -> None:
    before = await listed(realm)
    gone = await post(admin, f"{TAB}/no-such-action/switch", field="enabled", on="true")
    assert gone.status_code == 404 and "Failed to find required action" in gone.text
    unknown = await post(admin, "/admin/test/console/test/authentication/register-required-action", providerId="nope")
    assert unknown.status_code == 404
    assert await listed(realm) == before


async def test_a_view_realm_administrator_sees_the_tab_without_switches_and_a_forged_change_is_refused(
    realm: Env,
) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    before = await listed(realm)
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(TAB, headers=HTML)
        assert page.status_code == 200 and "Configure OTP" in page.text and "/switch" not in page.text
        assert "needs the manage-realm role" in page.text
        refused = await post(http, f"{TAB}/CONFIGURE_TOTP/switch", field="enabled", on="false")
        assert refused.status_code == 403 and "manage-realm" in refused.text
        moved = await post(http, f"{TAB}/UPDATE_PASSWORD/raise-priority")
        assert moved.status_code == 403
    assert await listed(realm) == before


async def test_each_configurable_action_has_a_configure_form_showing_its_properties(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(TAB, headers=HTML)
    assert f'href="{TAB}/CONFIGURE_TOTP/config" aria-label="Configure Configure OTP"' in page.text
    form = await admin.get(f"{TAB}/UPDATE_EMAIL/config", headers=HTML)
    assert form.status_code == 200
    for label in ("Maximum Age of Authentication", "Force Email Verification", "Cooldown Between Email Resend"):
        assert label in form.text
    assert 'name="config.max_auth_age" value="300"' in form.text  # the default fills a field the config lacks
    assert 'name="config.verifyEmail" value="on" aria' in form.text  # a switch, off by default


async def test_saving_the_form_puts_the_config_and_records_that_put(realm: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(realm)
    form = await admin.get(f"{TAB}/CONFIGURE_TOTP/config", headers=HTML)
    fields = {"csrf_token": csrf(form), "config.max_auth_age": "120", "config.add-recovery-codes": "on"}
    done = await admin.post(f"{TAB}/CONFIGURE_TOTP/config", data=fields, headers=ORIGIN)
    assert done.status_code == 303
    saved = {"max_auth_age": "120", "add-recovery-codes": "true"}
    assert (await by_alias(realm))["CONFIGURE_TOTP"]["config"] == saved
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "REQUIRED_ACTION_CONFIG",
        "authentication/required-actions/CONFIGURE_TOTP/config",
    )
    assert json.loads(event["representation"]) == {"config": saved}
    assert 'name="config.max_auth_age" value="120"' in (await admin.get(f"{TAB}/CONFIGURE_TOTP/config")).text
    cleared = await post(admin, f"{TAB}/CONFIGURE_TOTP/config/clear")
    assert cleared.status_code == 303 and (await by_alias(realm))["CONFIGURE_TOTP"]["config"] == {}
    assert (await admin_events(realm))[0]["operationType"] == "DELETE"


@pytest.mark.parametrize(("value", "said"), [("soon", "a whole number is expected"), ("-3", "Must be 0 or more")])
async def test_a_refused_value_is_the_form_again_saying_why_and_nothing_is_written(
    realm: Env, admin: httpx.AsyncClient, value: str, said: str
) -> None:
    before = await listed(realm)
    form = await admin.get(f"{TAB}/UPDATE_PASSWORD/config", headers=HTML)
    fields = {"csrf_token": csrf(form), "config.max_auth_age": value}
    refused = await admin.post(f"{TAB}/UPDATE_PASSWORD/config", data=fields, headers=ORIGIN)
    assert refused.status_code == 400 and said in refused.text
    assert f'name="config.max_auth_age" value="{value}"' in refused.text and 'aria-invalid="true"' in refused.text
    assert await listed(realm) == before


async def test_a_view_realm_administrator_reads_the_form_but_cannot_save_it(realm: Env) -> None:
    await make_admin(realm, "test", "reader", "view-realm")
    before = await listed(realm)
    async with client_at(realm, "127.0.0.5") as http:
        await sign_in(http, "/admin/test/console/", "reader")
        form = await http.get(f"{TAB}/UPDATE_PROFILE/config", headers=HTML)
        assert form.status_code == 200 and "Maximum Age of Authentication" in form.text
        assert "needs the manage-realm role" in form.text and ">Save<" not in form.text
        fields = {"csrf_token": csrf(form), "config.max_auth_age": "5"}
        refused = await http.post(f"{TAB}/UPDATE_PROFILE/config", data=fields, headers=ORIGIN)
        assert refused.status_code == 403
    assert await listed(realm) == before
