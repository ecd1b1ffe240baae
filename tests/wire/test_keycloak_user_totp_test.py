"""Keycloak's UserTotpTest (testsuite .../admin/UserTotpTest.java), its one method ported to Keycloak 26 over
HTTP, on the module-wide app and realm of otp_port (``test-user@localhost`` made anew for the test), with login
and admin events on.

The Java test sets up OTP on the old account form (``/realms/test/account/totp``), which Keycloak 26 no longer
has: its account console sends the user to the CONFIGURE_TOTP required action instead (``kc_action`` on an
authorization request of ``account-console``, public, with PKCE), and lists the device through the Account REST
API (``GET account/credentials``) where the old page showed a remove button (``pficon-delete``). The port takes
those roads; the rest is the Java test's: the LOGIN and UPDATE_TOTP events for the account client, the admin
finding the user by ``search`` and removing the ``otp`` credential (``DELETE users/{id}/credentials/{id}``, an
ACTION admin event on that path), and the device gone from the account's list.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import exchange, start
from keycloak_port import delete, get
from otp_port import USER, Events, configure, is_config_totp_page, login, realm_rep, totp, totp_secret, user_rep
from role_port import clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc, events = otp_port.imported, otp_port.kc, otp_port.events

ACCOUNT_CONSOLE = "account-console"
ACCOUNT = "http://localhost/realms/test/account/"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return realm_rep(adminEventsEnabled=True)


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(USER)]


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def otp_devices(kc: Env, token: str) -> list[dict[str, Any]]:
    """The ``otp`` entry of ``GET account/credentials``: the devices the account console lists."""
    listed = await kc.http.get("/realms/test/account/credentials", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text
    (otp,) = [c for c in listed.json() if c["type"] == "otp"]
    devices: list[dict[str, Any]] = otp["userCredentialMetadatas"]
    return devices


async def test_setup_totp(kc: Env, events: Events) -> None:
    verifier = secrets.token_urlsafe(48)
    pkce = {"code_challenge": challenge(verifier), "code_challenge_method": "S256"}
    page = await start(kc.http, "test", ACCOUNT_CONSOLE, redirect_uri=ACCOUNT, kc_action="CONFIGURE_TOTP", **pkce)
    page = await login(kc, page)
    assert is_config_totp_page(page)

    done = await configure(kc, page, totp(totp_secret(page), kc.clock.now()))
    assert done.status_code == 302 and done.headers["location"].startswith(ACCOUNT), done.headers
    reply = dict(httpx.URL(done.headers["location"]).params)
    assert reply["kc_action_status"] == "success"
    await events.expect("UPDATE_TOTP", client=ACCOUNT_CONSOLE, credential_type="otp")
    await events.expect("UPDATE_CREDENTIAL", client=ACCOUNT_CONSOLE, credential_type="otp")
    await events.expect_login(client=ACCOUNT_CONSOLE, redirect_uri=ACCOUNT)

    tokens = await exchange(
        kc.http, "test", ACCOUNT_CONSOLE, reply["code"], secret=None, redirect_uri=ACCOUNT, code_verifier=verifier
    )
    assert tokens.status_code == 200, tokens.text
    token = tokens.json()["access_token"]
    assert [d["credential"]["type"] for d in await otp_devices(kc, token)] == ["otp"]

    (user,) = await get(kc, "/users", search=USER, first=0, max=1)
    user_id = user["id"]
    await clear_events(kc)  # testingClient.testing().clearAdminEventQueue()
    (credential,) = [c for c in await get(kc, f"/users/{user_id}/credentials") if c["type"] == "otp"]
    await delete(kc, f"/users/{user_id}/credentials/{credential['id']}")

    assert await otp_devices(kc, token) == []
    admin_events = await get(kc, "/admin-events")
    assert [(e["operationType"], e["resourcePath"]) for e in admin_events] == [
        ("ACTION", f"users/{user_id}/credentials/{credential['id']}")
    ]
