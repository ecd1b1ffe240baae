"""Generated client secrets are Keycloak's: 86 letters and digits (KeycloakModelUtils.generateSecret with
getRequiredClientSecretLength, SecretGenerator.ALPHANUM; ClientAuthSecretSignedJWTTest checks the length
after ``generateNewSecret``)."""

from __future__ import annotations

import re

import pytest

from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENTS = "/admin/realms/test/clients"
KEYCLOAK_SECRET = re.compile(r"[A-Za-z0-9]{86}")


@pytest.mark.parametrize("kind", ["client-secret", "client-secret-jwt", "client-jwt"])
async def test_created_and_regenerated_secrets_are_86_alphanumerics(env: Env, kind: str) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    created = await env.http.post(CLIENTS, headers=headers, json={"clientId": "svc", "clientAuthenticatorType": kind})
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    first = (await env.http.get(f"{CLIENTS}/{uuid}/client-secret", headers=headers)).json()["value"]
    assert KEYCLOAK_SECRET.fullmatch(first), first
    regenerated = await env.http.post(f"{CLIENTS}/{uuid}/client-secret", headers=headers)
    second = regenerated.json()["value"]
    assert KEYCLOAK_SECRET.fullmatch(second) and second != first
