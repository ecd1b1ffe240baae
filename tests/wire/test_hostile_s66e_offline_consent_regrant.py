"""An offline token whose consent was revoked stays dead when the user consents again in the same SSO session.

Revoking ``third-party``'s consent takes it out of every offline session of the user (UserConsentManager
.revokeConsentToClient → UserSessionManager.revokeOfflineToken). A new consent through the same browser session
brings back an offline session of the same id with a new client session: the old offline token's signature,
issuer, sid, user and client all still match, so only TokenManager.validateToken's "issued before" checks keep it
out.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, exchange
from hostile_s66e import admin
from keycloak_port import user_id
from oidc_scope_realm import SECRET, accept, base_realm, do_login, import_test_realm, refresh
from support import claims, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """testrealm.json's test-app and the consent-required third-party (scoped to offline_access), and john."""
    rep = base_realm()
    rep["scopeMappings"].append({"client": "third-party", "roles": ["offline_access"]})
    rep["users"].append(
        {
            "username": "john",
            "enabled": True,
            "email": "john@email.cz",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            "realmRoles": ["offline_access"],
        }
    )
    return await import_test_realm(env, rep)


async def _consented_offline(env: Env) -> dict[str, Any]:
    """third-party's offline token through the SSO session, the consent screen accepted."""
    page = await do_login(env, client_id="third-party", scope="openid offline_access")
    assert page.status_code == 200, page.text[:300]
    response = await exchange(
        env.http, "test", "third-party", code_from(await accept(env, page))["code"], secret=SECRET
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# With test-app's offline grant in the same session, the revocation leaves the offline session (started when the
# first offline grant made it) and only a new client session comes: then TokenManager.validateToken's
# ``iat + 1 < clientSession.started`` refuses the old token. Without it, the emptied offline session went and came
# back started now (UserSessionProvider.createOfflineUserSession: "started and lastSessionRefresh set to current
# time"), and the user-session check refuses it first.
BEFORE = {
    "kept by test-app": "refresh token issued before the client session started",
    "emptied": "Refresh token issued before the user session started",
}


@pytest.mark.parametrize("session", BEFORE)
async def test_an_offline_token_stays_dead_after_its_consent_is_revoked_and_given_again(kc: Env, session: str) -> None:
    # The SSO session through test-app (no consent); then, through it, test-app's own offline grant (a first
    # login with offline_access would drop the online session, and with it the sid this attack keeps).
    for scope in ("openid", "openid offline_access")[: 2 if session == "kept by test-app" else 1]:
        code = code_from(await do_login(kc, scope=scope))["code"]
        assert (await exchange(kc.http, "test", "test-app", code, secret=SECRET)).status_code == 200
    old = await _consented_offline(kc)
    await admin(kc, "DELETE", f"/users/{await user_id(kc, 'john')}/consents/third-party")
    kc.clock.advance(10)
    new = await _consented_offline(kc)
    assert claims(new["refresh_token"])["sid"] == claims(old["refresh_token"])["sid"]
    refused = await refresh(kc, old["refresh_token"], "third-party")
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_grant", "error_description": BEFORE[session]}
    form = {"client_id": "third-party", "client_secret": SECRET, "token": old["refresh_token"]}
    introspected = await kc.http.post(token_url("test", "token/introspect"), data=form)
    assert introspected.json() == {"active": False}
    revoked = await kc.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200
    assert (await refresh(kc, new["refresh_token"], "third-party")).status_code == 200
