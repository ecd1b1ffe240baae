"""Keycloak's new-framework AppInitiatedActionTest (tests/base/.../tests/actions/AppInitiatedActionTest.java) over
HTTP: a ``kc_action`` Keycloak does not know, does not let a client initiate, or has disabled answers the client
with ``kc_action_status=error`` (whether or not the browser was already logged in, keycloak#37526), and a
required action that cannot be app-initiated but ranks first runs as an ordinary one before the requested action.
One app for the module, the realm (``register_port.realm_rep``) imported anew for each test.
"""

from __future__ import annotations

import httpx
import pytest

import group_port
import register_port
from browser_flow import code_from, form_action, form_fields, start, submit
from keycloak_port import get, put, update_user
from register_port import APP, USER
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
kc = register_port.kc


async def open_with(kc: Env, **params: str) -> httpx.Response:
    """``oauth.loginForm().kcAction(...).open()``, then the login where the page asks for it."""
    page = await start(kc.http, "test", APP, **params)
    if page.status_code == 200 and 'name="username"' in page.text:
        page = await submit(kc.http, page, username=USER, password="password")
    return page


async def required_action(kc: Env, alias: str, **changes: object) -> dict[str, object]:
    rep: dict[str, object] = await get(kc, f"/authentication/required-actions/{alias}")
    await put(kc, f"/authentication/required-actions/{alias}", {**rep, **changes})
    return rep


async def test_execute_unknown_action(kc: Env) -> None:
    """AppInitiatedActionTest#executeUnknownAction."""
    params = code_from(await open_with(kc, kc_action="nosuch"))
    assert "code" in params and params["kc_action_status"] == "error", params


async def test_execute_unknown_action_after_being_authenticated(kc: Env) -> None:
    """AppInitiatedActionTest#executeUnknownActionAfterBeingAuthenticated (keycloak#37526): the SSO session
    answers at once, with the error status."""
    assert "code" in code_from(await open_with(kc))
    params = code_from(await start(kc.http, "test", APP, kc_action="nosuch"))
    assert "code" in params and params["kc_action_status"] == "error", params


async def test_execute_unsupported_action(kc: Env) -> None:
    """AppInitiatedActionTest#executeUnsupportedAction: TERMS_AND_CONDITIONS cannot be app-initiated."""
    params = code_from(await open_with(kc, kc_action="TERMS_AND_CONDITIONS"))
    assert "code" in params and params["kc_action_status"] == "error", params


async def test_execute_disabled_action(kc: Env) -> None:
    """AppInitiatedActionTest#executeDisabledAction: CONFIGURE_TOTP disabled on the realm."""
    await required_action(kc, "CONFIGURE_TOTP", enabled=False)
    params = code_from(await open_with(kc, kc_action="CONFIGURE_TOTP"))
    assert "code" in params and params["kc_action_status"] == "error", params


async def test_execute_action_with_terms_and_conditions_unsupported_aia(kc: Env) -> None:
    """AppInitiatedActionTest#executeActionWithTermsAndConditionsUnsupportedAIA: the user's TERMS_AND_CONDITIONS,
    enabled and ranked 1, comes first as an ordinary action; then UPDATE_PASSWORD as the requested one (Cancel
    offered), and the login ends with ``kc_action_status=success``."""
    await update_user(kc, USER, requiredActions=["TERMS_AND_CONDITIONS"])
    await required_action(kc, "TERMS_AND_CONDITIONS", priority=1, enabled=True)
    terms = await open_with(kc, kc_action="UPDATE_PASSWORD")
    assert terms.status_code == 200 and 'id="kc-terms-form"' in terms.text, terms.text[:800]
    update = await kc.http.post(form_action(terms.text), data={**form_fields(terms.text), "accept": "Accept"})
    assert 'id="kc-passwd-update-form"' in update.text and 'name="cancel-aia"' in update.text, update.text[:800]
    data = {**form_fields(update.text), "password-new": "password", "password-confirm": "password"}
    params = code_from(await kc.http.post(form_action(update.text), data=data))
    assert "code" in params and params["kc_action_status"] == "success", params
