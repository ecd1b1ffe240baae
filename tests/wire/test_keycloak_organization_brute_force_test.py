"""Keycloak's OrganizationBruteForceTest (organization/authentication/): BruteForceTest again with organizations
on. Every method of the port (test_keycloak_brute_force_test.py and its browser half) runs here once more on
BruteForceTest's realm with ``organizationsEnabled``; the realm has no organization, so the login forms stay the
username-and-password ones Keycloak's test drives, while the browser flow's organization step takes part."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from brute_force_realm import add_otp, mark_start, realm_rep
from keycloak_port import forget, get, import_realm, poll, update_realm
from wire import test_keycloak_brute_force_test as grants
from wire import test_keycloak_brute_force_test_browser as forms
from wire_env import Env

pytestmark = pytest.mark.anyio
smtp = forms.smtp
globals().update(
    {name: test for module in (grants, forms) for name, test in vars(module).items() if name[:5] == "test_"}
)


@pytest.fixture
async def bf(env: Env) -> AsyncIterator[Env]:
    """BruteForceTest's realm with organizations on, imported through the admin API, with no events pending."""
    await import_realm(env, realm_rep())
    await update_realm(env, organizationsEnabled=True)
    assert (await get(env, ""))["organizationsEnabled"] is True
    await add_otp(env)
    await poll(env)
    mark_start(env)
    yield env
    forget(env)
