"""Keycloak's AccountRestServiceLightweightTokenTest (tests/base/.../account/
AccountRestServiceLightweightTokenTest.java): AccountRestServiceTest again, its realm given a client profile with
the ``use-lightweight-access-token`` executor and an enabled policy applying it to any client, so every access
token the tests send to the Account REST API is a lightweight one (no ``sub``, roles nor audience claims). Each
test of ``test_keycloak_account_rest_service_test.py`` runs here on that realm, under the same name; what that
module does not port is not ported here either.
"""

from __future__ import annotations

import importlib

import pytest

import group_port
from account_rest_service_port import account_realm, token
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILES = {
    "profiles": [
        {
            "name": "enable lightweight tokens",
            "description": "Profile Lightweight Tokens",
            "executors": [{"executor": "use-lightweight-access-token", "configuration": {}}],
        }
    ]
}
POLICIES = {
    "policies": [
        {
            "name": "enable lightweight tokens",
            "description": "Policy Lightweight Tokens",
            "enabled": True,
            "conditions": [{"condition": "any-client", "configuration": {}}],
            "profiles": ["enable lightweight tokens"],
        }
    ]
}


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await account_realm(env, clientProfiles=PROFILES, clientPolicies=POLICIES)


# AccountRestServiceTest's methods, collected here again: they ask for this module's ``realm_id``.
base = importlib.import_module("test_keycloak_account_rest_service_test")
globals().update({name: test for name, test in vars(base).items() if name.startswith("test_")})


async def test_the_tokens_sent_are_lightweight(env: Env, realm_id: str) -> None:
    """The realm's policy is in force: a password grant's access token carries no ``sub``."""
    access = claims(await token(env))
    assert "sub" not in access and "lt" in access["jti"], access
