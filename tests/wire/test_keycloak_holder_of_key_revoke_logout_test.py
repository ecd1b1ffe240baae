"""The revocation and logout half of AbstractClientPoliciesTest.checkMtlsFlow, which ClientPoliciesTest's
testHolderOfKeyEnforceExecutor runs under holder-of-key-enforcer (HolderOfKeyEnforcerExecutor's checkTokenRevoke and
checkLogout): a refresh token bound to the client's certificate is revoked, or logged out with, only by a request
presenting that certificate; otherwise 401 ``not_allowed``. The token request and refresh half is
test_keycloak_fapi_executors_test.py's test_holder_of_key_enforce_executor. The app runs behind the nginx
certificate lookup of tests/mtls_port.py.
"""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import mtls_port
from client_policies_port import apply_executors, executor, realm_fixture, realm_rep, suffixed
from fapi_port import OIDC, REDIRECT, authorize, create_client_by_admin, log_in, login_query, post_token
from mtls_port import with_default_certificate, with_other_certificate
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep)
no_policies = client_policies_port.no_policies
SECRET = "secret"
MISMATCH = {
    "error": "not_allowed",
    "error_description": "Client certificate missing, or its thumbprint and one in the refresh token did NOT match",
}


async def bound_tokens(env: Env) -> tuple[str, dict[str, Any]]:
    """Az Elso Profil (holder-of-key-enforcer, auto-configuring) for any client, a client registered under it,
    and its tokens from a code exchange presenting the default certificate."""
    await apply_executors(env, executor("holder-of-key-enforcer", {"auto-configure": True}))
    client_id = suffixed("Zahlungs-App")
    await create_client_by_admin(env, client_id, secret=SECRET)
    code = (await log_in(env, await authorize(env, **login_query(client_id))))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": client_id}
    tokens = await post_token(env, {**form, "client_secret": SECRET}, with_default_certificate())
    assert tokens.status_code == 200, tokens.text
    return client_id, dict(tokens.json())


async def test_holder_of_key_enforce_executor_revocation(env: Env) -> None:
    """checkMtlsFlow: the revocation of a bound refresh token with another certificate is 401; with the one it is
    bound to, 200."""
    client_id, tokens = await bound_tokens(env)
    form = {"token": tokens["refresh_token"], "client_id": client_id, "client_secret": SECRET}
    refused = await env.http.post(f"{OIDC}/revoke", data=form, headers=with_other_certificate())
    assert refused.status_code == 401, refused.text
    assert refused.json() == MISMATCH
    revoked = await env.http.post(f"{OIDC}/revoke", data=form, headers=with_default_certificate())
    assert revoked.status_code == 200, revoked.text


async def test_holder_of_key_enforce_executor_logout(env: Env) -> None:
    """checkMtlsFlow: the logout with a bound refresh token and no certificate is 401; with the certificate, 204."""
    client_id, tokens = await bound_tokens(env)
    form = {"refresh_token": tokens["refresh_token"], "client_id": client_id, "client_secret": SECRET}
    refused = await env.http.post(f"{OIDC}/logout", data=form)
    assert refused.status_code == 401, refused.text
    assert refused.json() == MISMATCH
    logged_out = await env.http.post(f"{OIDC}/logout", data=form, headers=with_default_certificate())
    assert logged_out.status_code == 204, logged_out.text
