"""Shared set-up and page helpers of the wire ports of Keycloak's MultipleTabsLoginTest and BrowserButtonsTest:
one app per module (``group_port.shared_env``), LoginTest's realm (``sso_port.sso_realm``) imported anew for each
test with ``login-test`` owing UPDATE_PROFILE and UPDATE_PASSWORD, as both Java ``setup`` methods leave it. A port
supplies the realm as its ``tabs_realm`` fixture (``required_actions_realm()``, or that with its own changes) and
takes ``kc`` from here. The pages are read over HTTP: their links and ``isCurrent()`` checks, and the fields the
Java tests type into the required actions' forms.

Both Java classes drive the password page before the profile page: they ran on Keycloak 26's default ranks
(UPDATE_PASSWORD 30, UPDATE_PROFILE 40), which ``kc`` gives the realm (``register_port.rank_as_keycloak_26``);
Keycloak 26.7's defaults, Doorkeep's, rank UPDATE_PASSWORD 57."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
import sso_port
from keycloak_port import forget
from register_port import rank_as_keycloak_26
from wire_env import Env

anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

USER = "login-test"
PASSWORD = {"password-new": "password", "password-confirm": "password"}  # updatePasswordPage.changePassword
PROFILE = {"firstName": "John", "lastName": "Doe3", "email": "john@doe3.com"}  # updateProfilePage's fields


def required_actions_realm() -> dict[str, Any]:
    """``sso_port.sso_realm`` with ``login-test`` owing UPDATE_PROFILE and UPDATE_PASSWORD."""
    rep = sso_port.sso_realm()
    for user in rep["users"]:
        if user["username"] == USER:
            user["requiredActions"] = ["UPDATE_PROFILE", "UPDATE_PASSWORD"]
    return rep


@pytest.fixture
async def kc(env: Env, tabs_realm: dict[str, Any]) -> AsyncIterator[Env]:
    """The port's realm as imported with Keycloak 26's ranks, no events pending, an empty cookie jar,
    ``setTimeOffset(0)`` at this moment."""
    await sso_port.begin(env, tabs_realm)
    await rank_as_keycloak_26(env)
    yield env
    forget(env)


def link(page: httpx.Response, element_id: str) -> str:
    """The ``href`` of the page's link ``element_id`` (loginExpiredPage's, registerPage's, loginPage's)."""
    marker = f'id="{element_id}" href="'
    assert marker in page.text, page.text[:1500]
    return page.text.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")


def registration_link(page: httpx.Response) -> str:
    """``loginPage.clickRegister()``: login.ftl's "Register" link."""
    found = re.search(r'href="([^"]*/login-actions/registration\?[^"]*)"', page.text)
    assert found, page.text[:1500]
    return found[1].replace("&amp;", "&")


def is_update_password_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password-new"' in page.text


def is_update_profile_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-update-profile-form"' in page.text


def is_register_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-register-form"' in page.text
