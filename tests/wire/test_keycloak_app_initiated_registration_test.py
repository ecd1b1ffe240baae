"""Keycloak's AppInitiatedRegistrationTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedRegistrationTest.java) over HTTP: the application opens the registration form itself
(``oauth.registrationForm()``: the OpenID Connect ``registrations`` endpoint) with ``kc_locale``, and the user
registered there keeps that locale. The realm is ``testrealm.json``'s part the test reads (``register_port``):
registration allowed, internationalized with ``en`` and ``de``; the Java ``before()`` removes
test-user@localhost, so the realm is imported without it. Its one method is ported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from browser_flow import REDIRECT
from group_port import fresh_realm
from keycloak_port import get
from register_port import APP, USER, auth_response, is_register_page, realm_rep, register
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = realm_rep(internationalizationEnabled=True, supportedLocales=["en", "de"], defaultLocale="en")
    rep["users"] = [u for u in rep["users"] if u["username"] != USER]
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    yield env
    env.http.cookies.clear()


async def test_ensure_locale_parameter_is_propagated_during_app_initiated_registration(kc: Env) -> None:
    query = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = await kc.http.get("/realms/test/protocol/openid-connect/registrations", params={**query, "kc_locale": "en"})
    assert is_register_page(page), page.text[:800]
    auth_response(await register(kc, page, "first", "last", USER, "test-user", "test", "test"))
    [user] = await get(kc, "/users", email=USER, exact="true")
    assert user["attributes"]["locale"] == ["en"], user
