"""Keycloak's new-framework RequestedLevelOfAuthenticationTest (tests/base/.../tests/login/) over HTTP: ``test-app``
maps ``{"silver":1,"gold":2,"5":3}`` (``acr.loa.map``) and the login form is opened with an ``acr`` claim in the
``claims`` parameter. Five of its six methods read the level the authentication session noted
(``REQUESTED_LEVEL_OF_AUTHENTICATION``) on the server (run-on-server): not observable over HTTP, not ported. The
one a browser sees: an essential ``acr`` naming no level the client or realm knows is Keycloak's error page
"Invalid parameter: claims"; the same value, not essential, still gets the login page (the minimum level)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from browser_flow import start
from keycloak_port import update_client
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await update_client(env, "app", attributes={"acr.loa.map": json.dumps({"silver": 1, "gold": 2, "5": 3})})
    return env


def acr_claims(essential: bool, *acr_values: str) -> str:
    """``openLoginFormWithAcrClaim``: ``values`` when essential or several, else ``value``."""
    claim: dict[str, Any] = {"essential": essential}
    if essential or len(acr_values) > 1:
        claim["values"] = list(acr_values)
    else:
        claim["value"] = acr_values[0]
    return json.dumps({"id_token": {"acr": claim}})


async def test_unknown_essential_acr_value_shows_error_page(kc: Env) -> None:
    """RequestedLevelOfAuthenticationTest#unknownEssentialAcrValueShowsErrorPage."""
    page = await start(kc.http, "test", "app", claims=acr_claims(True, "uranium"))
    assert page.status_code == 400, (page.status_code, page.text[:500])
    assert "Invalid parameter: claims" in page.text
    assert 'name="password"' not in page.text


@pytest.mark.parametrize("acr", [("gold",), ("5",), ("7",), ("gold", "7"), ("iron",)])
async def test_non_essential_acr_values_get_the_login_page(kc: Env, acr: tuple[str, ...]) -> None:
    """The other five methods' requests (mapped, numeric, several, unknown; none essential), up to what a browser
    sees of them: the login form, never an error."""
    page = await start(kc.http, "test", "app", claims=acr_claims(False, *acr))
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:500])
