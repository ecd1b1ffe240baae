"""Hostile registrations against the terms and conditions session 62 added (oauth/registration_terms.py). Keycloak's
RegistrationUserCreation.success records an acceptance whenever the first ``termsAccepted`` posted is exactly
``on`` and the realm's TERMS_AND_CONDITIONS required action is enabled, whether or not the form showed the terms
(so does Doorkeep); these pin the edges: the required action disabled records nothing, another first value or
case records nothing and leaves the terms page due, and the checkbox posted to another login form sets nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest

import group_port
from browser_flow import start, submit
from group_port import fresh_realm
from keycloak_port import get, put, user_id
from register_port import auth_response, open_register, realm_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


TERMS = "registration-terms-and-conditions"
EXECUTIONS = "/authentication/flows/registration/executions"
TAC = "/authentication/required-actions/TERMS_AND_CONDITIONS"


async def terms_requirement(env: Env, requirement: str) -> None:
    """The built-in registration flow's Terms and conditions execution set to ``requirement``."""
    row = next(r for r in await get(env, EXECUTIONS) if r.get("providerId") == TERMS)
    await put(env, EXECUTIONS, {**row, "requirement": requirement}, status=202)


async def user_rep(env: Env, username: str) -> dict[str, object]:
    rep: dict[str, object] = await get(env, f"/users/{await user_id(env, username)}")
    return rep


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    yield env
    env.http.cookies.clear()


async def _tac(env: Env, *, enabled: bool) -> None:
    tac = await get(env, TAC)
    await put(env, TAC, {**tac, "enabled": enabled, "defaultAction": enabled})


async def test_the_box_posted_where_the_form_shows_no_terms_records_as_keycloak_does(kc: Env) -> None:
    """The form action DISABLED, the required action enabled and default: ``on`` still records the acceptance and
    takes the action off (RegistrationUserCreation.success reads the box whatever the flow)."""
    await _tac(kc, enabled=True)
    await terms_requirement(kc, "DISABLED")
    page = await open_register(kc)
    assert 'id="termsAccepted"' not in page.text
    auth_response(await _register(kc, page, "sneaky", ["on"]))
    user = await user_rep(kc, "sneaky")
    assert user["requiredActions"] == [] and "terms_and_conditions" in _attributes(user), user


async def test_the_box_records_nothing_while_the_required_action_is_disabled(kc: Env) -> None:
    await _tac(kc, enabled=False)
    await terms_requirement(kc, "REQUIRED")
    auth_response(await _register(kc, await open_register(kc), "plain", ["on"]))
    assert "terms_and_conditions" not in _attributes(await user_rep(kc, "plain"))


@pytest.mark.parametrize(
    "accepted", [["off", "on"], ["ON"], ["on\x00"], [" on"]], ids=["off-first", "upper", "nul", "space"]
)
async def test_only_a_first_value_of_exactly_on_records_the_acceptance(kc: Env, accepted: list[str]) -> None:
    await _tac(kc, enabled=True)
    await terms_requirement(kc, "REQUIRED")
    answer = await _register(kc, await open_register(kc), "oddbox", accepted)
    assert answer.status_code < 500, answer.text[:500]
    user = await user_rep(kc, "oddbox")
    assert "terms_and_conditions" not in _attributes(user), user
    assert user["requiredActions"] == ["TERMS_AND_CONDITIONS"], user


async def _register(env: Env, page: httpx.Response, username: str, ticked: list[str]) -> httpx.Response:
    """The registration form posted with ``termsAccepted`` once per value of ``ticked``, in that order."""
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    action = re.search(r'<form id="kc-register-form" method="post" action="([^"]+)"', page.text)
    assert action, page.text[:800]
    data = [("firstName", "f"), ("lastName", "l"), ("email", f"{username}@email"), ("username", username)]
    data += [("password", "password"), ("password-confirm", "password"), *hidden]
    data += [("termsAccepted", v) for v in ticked]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return await env.http.post(action[1].replace("&amp;", "&"), content=urlencode(data).encode(), headers=headers)


def _attributes(user: dict[str, object]) -> dict[str, object]:
    found = user.get("attributes")
    return found if isinstance(found, dict) else {}


async def test_the_box_posted_to_the_login_form_sets_nothing(kc: Env) -> None:
    await _tac(kc, enabled=True)
    login = await start(kc.http, "test", "test-app")
    assert login.status_code == 200, login.text[:300]
    answer = await submit(kc.http, login, username="test-user@localhost", password="password", termsAccepted="on")
    assert answer.status_code < 500, answer.text[:300]
    assert "terms_and_conditions" not in _attributes(await user_rep(kc, "test-user@localhost"))
