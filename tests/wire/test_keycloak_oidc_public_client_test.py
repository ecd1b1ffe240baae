"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.OIDCPublicClientTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/, KEYCLOAK-18258).

A client switched to public keeps the ``clientAuthenticatorType`` it had (here ``client-jwt``) in its
representation, and that setting must not stop it from exchanging a code with its ``client_id`` alone:
Keycloak's ClientAuthenticationFlow answers a public client before it looks at the authenticator
(``AuthorizeClientUtil`` / ``ClientIdAndSecretAuthenticator``). The realm is ``oidc_port_realm``'s slice of
``testrealm.json``. ``test_client_authenticator_type.py::test_a_public_client_ignores_its_authenticator_type``
covers the same rule on a seeded client; this port goes through the admin API and asserts the events.
"""

from __future__ import annotations

import pytest

from access_token_realm import APP, client_uuid, code_to_token, do_login, get, send
from oidc_port_realm import expect_code_to_token, expect_login, import_realm
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def test_access_token_request(kc: Env) -> None:
    """accessTokenRequest: a public client whose authenticator type is client-jwt logs in and gets its tokens."""
    uuid = await client_uuid(kc)
    rep = await get(kc, f"/clients/{uuid}")
    await send(kc, "PUT", f"/clients/{uuid}", {**rep, "clientAuthenticatorType": "client-jwt"})
    rep = await get(kc, f"/clients/{uuid}")
    assert rep["clientAuthenticatorType"] == "client-jwt"
    await send(kc, "PUT", f"/clients/{uuid}", {**rep, "publicClient": True})
    assert (await get(kc, f"/clients/{uuid}"))["publicClient"] is True

    code = (await do_login(kc))["code"]
    login = await expect_login(kc)

    response = await code_to_token(kc, code, secret=None)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["access_token"] and claims(body["access_token"])["azp"] == APP
    event = await expect_code_to_token(kc, login["details"]["code_id"], login["sessionId"])
    assert event["clientId"] == APP and event["userId"] == login["userId"], event
