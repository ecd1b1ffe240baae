"""The ``client-x509`` authenticator with ``x509.allow.regex.pattern.comparison`` (the default): the client's
subject DN pattern is matched against the DN of the certificate presented, which the certificate's holder chose.
Keycloak (X509ClientAuthenticator) matches with no limit; Doorkeep runs the pattern on the ``regex`` engine with a
time limit (client_x509), so a catastrophic-backtracking pattern and a crafted DN cannot hold the token endpoint:
such a DN does not match, and the client is not authenticated. The request carries a generous client timeout only
so that a regression fails instead of hanging the suite."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import mtls_port
from group_port import fresh_realm
from mtls_port import INTERMEDIATE, issue, presenting
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = mtls_port.anyio_backend, mtls_port.shared_env, mtls_port.env
TOKEN = "/realms/test/protocol/openid-connect/token"
GUARD = httpx.Timeout(60.0)


def realm_rep(pattern: str) -> dict[str, Any]:
    client = {
        "clientId": "x509-app",
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "client-x509",
        "attributes": {"x509.subjectdn": pattern},
    }
    return {"realm": "test", "enabled": True, "sslRequired": "external", "clients": [client]}


async def grant(env: Env, cn: str) -> httpx.Response:
    headers = presenting(issue(f"CN={cn}", INTERMEDIATE), INTERMEDIATE)
    data = {"grant_type": "client_credentials", "client_id": "x509-app"}
    return await env.http.post(TOKEN, data=data, headers=headers, timeout=GUARD)


async def test_a_backtracking_subject_pattern_and_a_crafted_dn_do_not_hold_the_token_endpoint(env: Env) -> None:
    await fresh_realm(env, realm_rep("CN=(a+)+"))
    refused = await grant(env, "a" * 40 + "!")
    assert_error(refused, 401, "invalid_client", "Invalid client or Invalid client credentials")
    assert (await grant(env, "aaaa")).status_code == 200


async def test_a_subject_pattern_the_engine_would_unroll_for_hours_matches_nothing(env: Env) -> None:
    await fresh_realm(env, realm_rep("CN=(?:x{65535}){65535}"))
    assert_error(await grant(env, "x"), 401, "invalid_client", "Invalid client or Invalid client credentials")
