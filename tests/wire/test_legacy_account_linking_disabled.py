"""The legacy client-initiated account linking endpoint off, Keycloak 26.7.2's default (#51832: the
``allow-client-initiated-account-linking`` option of the OpenID Connect login protocol, false unless set): a signed-in
browser's well-formed link request answers 404 as an unknown path does, starts no link and records no event; the
endpoint with the option on is test_broker_account_linking.py's."""

from __future__ import annotations

import base64
import hashlib

import jwt
import pytest

from browser_flow import REDIRECT, exchange, login
from link_support import provider
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_the_link_endpoint_answers_404_unless_the_server_allows_it(env: Env) -> None:
    await seed_login_realm(env.db, env.clock, events=True)
    realm = env
    headers = await realm.admin_headers()
    added = await realm.http.post(
        "/admin/realms/test/identity-provider/instances", json=provider("corp"), headers=headers
    )
    assert added.status_code == 201, added.text
    code = (await login(realm.http, "test", "app", "user1"))["code"]
    token = await exchange(realm.http, "test", "app", code)
    sid = jwt.decode(token.json()["access_token"], options={"verify_signature": False})["sid"]
    digest = hashlib.sha256(f"n-1{sid}appcorp".encode()).digest()
    params = {"client_id": "app", "redirect_uri": REDIRECT, "nonce": "n-1"}
    params["hash"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    api = await realm.http.get("/realms/test/broker/corp/link", params=params)
    assert api.status_code == 404, api.text
    assert api.json()["error"] == "Unable to find matching target resource method"
    page = await realm.http.get("/realms/test/broker/corp/link", params=params, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "location" not in page.headers
    assert "text/html" in page.headers["content-type"]
    assert "AUTH_SESSION_ID" not in page.headers.get("set-cookie", "")  # no login tab was started for a link
    events = await realm.http.get("/admin/realms/test/events", headers=headers)
    assert [e["type"] for e in events.json() if "ACCOUNT_LINKING" in e["type"]] == []
