"""Authentication → Policies → OTP policy of the Admin Console, over HTTP against the real app (both
engines): the realm's otpPolicy* fields saved as ``PUT /admin/realms/{realm}`` saves them (its reader, its
error texts, its admin event), view-realm reads, manage-realm saves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
OTP = "/admin/test/console/test/authentication/policies/otp"
REALM = "/admin/realms/test"
POLICY = {
    "otpPolicyType": "hotp",
    "otpPolicyAlgorithm": "HmacSHA256",
    "otpPolicyDigits": "8",
    "otpPolicyLookAheadWindow": "2",
    "otpPolicyPeriod": "45",
    "otpPolicyInitialCounter": "5",
    "otpPolicyCodeReusable": "on",
}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest_realm(env: Env) -> dict[str, Any]:
    response = await env.http.get(REALM, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def policy(rep: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rep.items() if k.startswith("otpPolicy")}


async def test_the_otp_policy_is_shown_and_saved_as_the_realm_put_saves_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    page = await admin.get(OTP, headers=HTML)
    assert page.status_code == 200 and 'value="totp" checked' in page.text and 'value="HmacSHA1" checked' in page.text
    assert 'href="/admin/test/console/test/authentication/policies/otp" aria-current="page"' in page.text
    saved = await admin.post(OTP, data={"csrf_token": csrf(page), **POLICY}, headers=ORIGIN)
    assert saved.status_code == 303 and "OTP policy saved." in (await admin.get(OTP, headers=HTML)).text
    after = await rest_realm(realm)
    assert {k: after[k] for k in POLICY} == {
        "otpPolicyType": "hotp",
        "otpPolicyAlgorithm": "HmacSHA256",
        "otpPolicyDigits": 8,
        "otpPolicyLookAheadWindow": 2,
        "otpPolicyPeriod": 45,
        "otpPolicyInitialCounter": 5,
        "otpPolicyCodeReusable": True,
    }


async def test_a_number_the_rest_api_refuses_is_refused_with_its_text_and_nothing_is_saved(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    before = policy(await rest_realm(realm))
    page = await admin.get(OTP, headers=HTML)
    refused = await admin.post(
        OTP, data={"csrf_token": csrf(page), **POLICY, "otpPolicyPeriod": "thirty"}, headers=ORIGIN
    )
    assert refused.status_code == 400 and "otpPolicyPeriod: expected a number" in refused.text
    forged = await admin.post(
        OTP, data={"csrf_token": csrf(page), **POLICY, "otpPolicyAlgorithm": "<i>MD5</i>"}, headers=ORIGIN
    )
    assert forged.status_code == 400 and "Unknown value for otpPolicyAlgorithm: &lt;i&gt;MD5&lt;/i&gt;" in forged.text
    assert policy(await rest_realm(realm)) == before


async def test_a_view_realm_administrator_reads_the_policy_and_a_forged_save_is_refused(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(OTP, headers=HTML)
        assert page.status_code == 200 and "<fieldset disabled>" in page.text and ">Save</button>" not in page.text
        refused = await http.post(OTP, data={"csrf_token": csrf(page), **POLICY}, headers=ORIGIN)
        assert refused.status_code == 403 and "manage-realm" in refused.text
    assert (await rest_realm(realm))["otpPolicyType"] == "totp"


async def test_saving_the_policy_records_the_rest_put_of_the_whole_realm(realm: Env, admin: httpx.AsyncClient) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALM}/events/config", json=config, headers=headers)).status_code == 204
    page = await admin.get(OTP, headers=HTML)
    assert (await admin.post(OTP, data={"csrf_token": csrf(page), **POLICY}, headers=ORIGIN)).status_code == 303
    event = (await realm.http.get(f"{REALM}/admin-events", headers=headers)).json()[0]
    assert (event["operationType"], event["resourceType"], event.get("resourcePath")) == ("UPDATE", "REALM", None)
    assert json.loads(event["representation"]) == await rest_realm(realm)
