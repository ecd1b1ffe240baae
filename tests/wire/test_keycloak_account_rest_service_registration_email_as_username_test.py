"""Keycloak's AccountRestServiceRegistrationEmailAsUsernameTest (tests/base/.../account/
AccountRestServiceRegistrationEmailAsUsernameTest.java): AccountRestServiceTest again, its realm with
``registrationEmailAsUsername`` on. Each test of ``test_keycloak_account_rest_service_test.py`` runs here on that
realm, under the same name; what that module does not port is not ported here either.
"""

from __future__ import annotations

import importlib

import pytest

import group_port
from account_rest_service_port import account_realm
from keycloak_port import get
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await account_realm(env, registrationEmailAsUsername=True)


# AccountRestServiceTest's methods, collected here again: they ask for this module's ``realm_id``.
base = importlib.import_module("test_keycloak_account_rest_service_test")
globals().update({name: test for name, test in vars(base).items() if name.startswith("test_")})


async def test_the_realm_registers_with_the_email_as_username(env: Env, realm_id: str) -> None:
    assert (await get(env, ""))["registrationEmailAsUsername"] is True
