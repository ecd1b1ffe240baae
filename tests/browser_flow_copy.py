"""BrowserFlowTest's own browser flows over HTTP (``FlowUtil.copyBrowserFlow(...).inForms(...)``), the realm it runs
on (``testrealm.json``'s slice, tests/browser_flow_realm.py) and the pages it reads: shared by the ports of its
methods (tests/wire/test_kc_port5_browser_flows.py) and the tests of a page's own execution
(tests/wire/test_password_page_own_execution.py)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx

from browser_flow import is_password_page, is_username_page
from browser_flow_realm import kc
from flow_builder import ALT, AUTH, add, add_flow, admin, bind
from wire_env import Env

__all__ = ["is_password_page", "is_username_page", "kc"]  # shared with the ports

# An execution: (requirement, authenticator) or (requirement, authenticator, config); a sub-flow: (requirement,
# [its executions]).
Step = tuple[Any, ...]
UF, PF, UPF = "auth-username-form", "auth-password-form", "auth-username-password-form"
OTP, WEBAUTHN = "auth-otp-form", "webauthn-authenticator"
CONFIGURED, ROLE = "conditional-user-configured", "conditional-user-role"
FLOW = "browser - copy 1"  # the alias the Java tests give their copy
SETUP_REQUIRED = "Cannot login, credential setup required."  # Messages.CREDENTIAL_SETUP_REQUIRED
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."


async def _fill(env: Env, flow: str, steps: list[Step], names: Iterator[int]) -> None:
    for step in steps:
        if isinstance(step[1], list):
            sub = f"{FLOW} sub {next(names)}"
            await add_flow(env, flow, sub, step[0])
            await _fill(env, sub, step[1], names)
        else:
            await add(env, flow, step[1], step[0], step[2] if len(step) > 2 else None)


async def browser_flow(env: Env, forms: list[Step], status: int = 204) -> httpx.Response:
    """``copyBrowserFlow(FLOW).inForms(forms -> forms.clear()...)`` then ``defineAsBrowserFlow()``."""
    body = {"alias": FLOW, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": FLOW}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-cookie", ALT)
    await add_flow(env, FLOW, f"{FLOW} forms", ALT)
    await _fill(env, f"{FLOW} forms", forms, count(1))
    return await bind(env, "browserFlow", FLOW, status)
