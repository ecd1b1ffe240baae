"""Device labels and device removal in the Account Console and the Admin Console, the Admin Console's bulk
revocation page (criteria, Preview, confirmed Revoke, CSRF) and the client's "Offline sessions per user"
field, over HTTP against the real app (docs/offline-devices.md, docs/bulk-revocation.md)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_console_http import post, realm_admin_console
from admin_support import client_uuid
from console_support import HTML, act
from console_support import sign_in as account_sign_in
from doorkeep.sessions.liveness import OVERRIDE_ATTRS
from support import password_grant, refresh, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CONSOLE = "/admin/test/console/test"
BULK = f"{CONSOLE}/offline-sessions/revoke"
DEVICES = "/realms/test/account/account-security/device-activity"
CAP = "offline.session.max.per.user"


async def _device(env: Env, label: str, user: str = "user1") -> str:
    response = await password_grant(env.http, "test", "app", user, scope="openid offline_access", device_label=label)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def _works(env: Env, token: str) -> bool:
    return (await refresh(env.http, "test", "app", token)).status_code == 200


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with realm_admin_console(realm) as http:
        yield http


async def test_the_account_console_shows_device_labels_and_keeps_only_the_chosen_device(realm: Env) -> None:
    kitchen, car = await _device(realm, "Kitchen tablet"), await _device(realm, "Car")
    page = await account_sign_in(realm.http, DEVICES)
    assert "Kitchen tablet" in page.text and "Car" in page.text
    assert len(re.findall(r'href="[^"]+/keep-only"', page.text)) == 2
    row = re.search(r'>Car</td>.*?href="([^"]+/keep-only)"', page.text, re.DOTALL)
    assert row
    confirm = await realm.http.get(row.group(1), headers=HTML)
    assert "Revoke every other offline session?" in confirm.text
    assert await _works(realm, kitchen) and await _works(realm, car)  # nothing happened yet
    done = await act(realm.http, confirm, row.group(1))
    assert done.status_code == 303
    assert "Revoked 1 other offline session(s)." in (await realm.http.get(done.headers["location"], headers=HTML)).text
    assert [await _works(realm, kitchen), await _works(realm, car)] == [False, True]


async def test_the_bulk_page_previews_then_revokes_after_confirming(realm: Env, admin: httpx.AsyncClient) -> None:
    kiosk = [await _device(realm, "Lobby kiosk"), await _device(realm, "LOBBY KIOSK")]
    phone = await _device(realm, "Phone")
    form = await admin.get(BULK, headers=HTML)
    assert form.status_code == 200 and 'name="deviceLabel"' in form.text

    preview = await post(admin, f"{BULK}/preview", form, deviceLabel="lobby kiosk", client="app")
    assert preview.status_code == 200, preview.text[:500]
    assert "Preview: 2 offline session(s) match" in preview.text
    assert "Lobby kiosk" in preview.text and "LOBBY KIOSK" in preview.text and ">Phone<" not in preview.text
    assert all([await _works(realm, t) for t in kiosk])  # the preview changes nothing

    confirm = await post(admin, f"{BULK}/run", preview, deviceLabel="lobby kiosk", client="app")
    assert "End the 2 offline session(s) matching these criteria?" in confirm.text
    done = await post(admin, f"{BULK}/run", confirm, deviceLabel="lobby kiosk", client="app", confirmed="yes")
    assert done.status_code == 303 and done.headers["location"].endswith("/offline-sessions/revoke")
    assert "Ended 2 offline session(s)." in (await admin.get(done.headers["location"], headers=HTML)).text
    assert [await _works(realm, t) for t in kiosk] == [False, False] and await _works(realm, phone)


async def test_the_bulk_page_says_what_is_wrong_with_the_criteria(realm: Env, admin: httpx.AsyncClient) -> None:
    form = await admin.get(BULK, headers=HTML)
    for fields, message in (
        ({}, "At least one criterion is required"),
        ({"ipAddress": "10.0.0.0/99"}, "ipAddress must be an IP address or a CIDR range"),
        ({"startedBefore": "next week"}, "startedBefore must be a date, a date-time or epoch seconds"),
        ({"client": "nobody"}, "Client not found"),
    ):
        answer = await post(admin, f"{BULK}/preview", form, **fields)
        assert answer.status_code == 400 and message in answer.text, (fields, answer.text[:300])


async def test_the_bulk_page_refuses_a_post_without_the_csrf_token(realm: Env, admin: httpx.AsyncClient) -> None:
    token = await _device(realm, "Phone")
    answer = await admin.post(
        f"{BULK}/run", data={"deviceLabel": "phone", "confirmed": "yes"}, headers={"Origin": "http://localhost"}
    )
    assert answer.status_code == 403
    assert await _works(realm, token)


async def test_a_users_sessions_tab_shows_labels_and_removes_all_other_devices(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "carol")
    tv, laptop = await _device(realm, "Living room TV", "carol"), await _device(realm, "Laptop", "carol")
    page = await admin.get(f"{CONSOLE}/users/{user.id}/sessions", headers=HTML)
    assert "Living room TV" in page.text and "Laptop" in page.text
    keep = re.search(r'<option value="([^"]+)">Laptop', page.text)
    assert keep
    action = f"{CONSOLE}/users/{user.id}/offline-sessions/remove-others"
    confirm = await post(admin, action, page, keep=keep.group(1))
    assert "End every offline session of carol but the chosen one?" in confirm.text
    done = await post(admin, action, confirm, keep=keep.group(1), confirmed="yes")
    assert done.status_code == 303
    assert [await _works(realm, tv), await _works(realm, laptop)] == [False, True]


async def test_the_client_advanced_tab_sets_the_offline_session_cap(realm: Env, admin: httpx.AsyncClient) -> None:
    uuid = await client_uuid(realm, "test", "app")
    path = f"{CONSOLE}/clients/{uuid}/advanced"
    page = await admin.get(path, headers=HTML)
    assert f'name="{CAP}"' in page.text
    units = {f"{attr}.unit": "minutes" for attr in OVERRIDE_ATTRS}
    bad = await post(admin, path, page, **{**units, CAP: "lots"})
    assert bad.status_code == 400 and "Offline sessions per user: a whole number" in bad.text
    saved = await post(admin, path, page, **{**units, CAP: "2"})
    assert saved.status_code == 303
    headers = await realm.admin_headers()
    stored = (await realm.http.get(f"/admin/realms/test/clients/{uuid}", headers=headers)).json()
    assert stored["attributes"][CAP] == "2"


async def test_a_hostile_device_label_is_shown_as_text_in_both_consoles(realm: Env, admin: httpx.AsyncClient) -> None:
    hostile = "<img src=x onerror=alert(1)>\"'><script>alert(2)</script>"
    user = await seed_user(realm.db, realm.clock, "test", "mallory")
    await _device(realm, hostile, "mallory")
    admin_page = await admin.get(f"{CONSOLE}/users/{user.id}/sessions", headers=HTML)
    await _device(realm, hostile)
    account_page = await account_sign_in(realm.http, DEVICES)
    for page in (admin_page, account_page):
        assert page.status_code == 200
        assert "<script>alert(2)" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(2)" in page.text  # shown, escaped
