"""The WebAuthn login page's list of keys attacked (console/webauthn_pages.py ``Listed``): what a registration
posts as ``transports`` and ``authenticatorLabel``, and what a realm file or an older store may hold in a key's
``credentialData`` and creation date, reach the page only as text, and never make it fail."""

from __future__ import annotations

import dataclasses
import re

import pytest

from browser_flow import code_from, submit
from support import update_user
from webauthn_flow import password_page, seed, user_id, webauthn_flow
from webauthn_port import SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio


def listed(page_text: str, part: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(
            rf'id="kc-webauthn-authenticator-{part}-\d+"[^>]*>(.*?)</(?:div|span)>(?!<span>)', page_text
        )
    ]


async def test_junk_transports_are_unknown_and_text(env: Env) -> None:
    """Markup, a thousand junk names and the known ones posted as ``transports``: the key lists its known
    transports once each and "Unknown", no markup of them on the page."""
    await seed(env)
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    page = await password_page(env)
    junk = ",".join(["<script>alert(1)</script>", "usb", "usb", *(f"x{i}" for i in range(1000)), "nfc"])
    created = SoftKey().create(page_options(page.text)["challenge"], transports=junk)
    code_from(await submit(env.http, page, **created))
    env.http.cookies.clear()
    await webauthn_flow(env)
    login = await password_page(env)
    assert listed(login.text, "transport") == ["USB, NFC, Unknown"]
    assert "<script>alert(1)</script>" not in login.text


@pytest.mark.parametrize(
    ("data", "created", "shown"),
    [
        ({"transports": "usb"}, 2**62, "Unknown"),  # a string, not a list; past any calendar
        ({"transports": [None, 5, {"a": 1}, "ble"]}, -(2**62), "Bluetooth"),  # not names; before any calendar
        ({"transports": None}, 0, "Unknown"),
    ],
    ids=["string and far future", "junk entries and far past", "none and epoch"],
)
async def test_odd_stored_credential_data_lists_without_failing(
    env: Env, data: dict[str, object], created: int, shown: str
) -> None:
    """A key as a realm file or a migration may have stored it: transports that are no list of names and a
    creation date no calendar holds; the page lists the key (its names or "Unknown", an empty date) and its
    button still signs in."""
    await seed(env)
    await update_user(env.db, "test", "user1", required_actions=("webauthn-register",))
    key = SoftKey()
    page = await password_page(env)
    code_from(await submit(env.http, page, **key.create(page_options(page.text)["challenge"], label="odd")))
    env.http.cookies.clear()
    uid = await user_id(env)
    async with env.db.transaction() as tx:
        [stored] = [c for c in await tx.users.credentials(uid) if c.type == "webauthn"]
        await tx.users.delete_credential(uid, stored.id)
        odd = {**stored.credential_data, **data}
        await tx.users.add_credential(dataclasses.replace(stored, credential_data=odd, created_date=created))
    await webauthn_flow(env)
    login = await password_page(env)
    assert login.status_code == 200 and listed(login.text, "label") == ["odd"]
    assert listed(login.text, "transport") == [shown]
    assert listed(login.text, "created") == ["" if created else "Jan 1, 1970, 12:00\u202fAM"]
    assert "code" in code_from(await submit(env.http, login, **key.get(page_options(login.text)["challenge"])))
