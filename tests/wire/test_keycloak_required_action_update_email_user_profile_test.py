"""Keycloak's RequiredActionUpdateEmailUserProfileTest (testsuite/integration-arquillian/tests/base/.../actions/)
over HTTP: the e-mail's configured validations apply on the UPDATE_EMAIL page. The Java class extends
RequiredActionUpdateEmailTest only to run it with the declarative user profile, which Keycloak 26 (and Doorkeep)
always has: its inherited methods are test_keycloak_required_action_update_email_test.py's. Its own method is
ported here. (AppInitiatedActionUpdateEmailUserProfileTest likewise only reruns AppInitiatedActionUpdateEmailTest,
with no method of its own: test_keycloak_app_initiated_action_update_email_test.py covers it.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
import update_email_port as ue
from keycloak_port import poll, put
from login_test_realm import login, open_login_form
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # VerifyProfileTest.PERMISSIONS_ALL


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await ue.import_realm(env, mail, verify=False, actions=[ue.UPDATE_EMAIL])
    yield env
    env.http.cookies.clear()


async def test_additional_email_validators_are_triggered(kc: Env) -> None:
    """A length of exactly 3 configured for the e-mail: "Length must be between 3 and 3.", the address typed
    kept, no event."""
    email = {"name": "email", "permissions": ALL, "validations": {"length": {"min": 3, "max": 3}}}
    config = {"attributes": [{"name": "username"}, email]}  # setUserProfileConfiguration adds the username
    await put(kc, "/users/profile", config, status=200)
    page = await login(kc, await open_login_form(kc), ue.TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    await poll(kc)
    refused = await ue.change_email(kc, page, "foo@example.org")
    assert ue.is_update_email_page(refused), refused.text[:1500]
    assert (ue.email_value(refused), ue.email_error(refused)) == ("foo@example.org", "Length must be between 3 and 3.")
    assert await poll(kc) == []
