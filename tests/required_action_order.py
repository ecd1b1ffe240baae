"""Shared helpers of the wire ports of Keycloak's RequiredActionPriorityTest and RequiredActionMultipleActionsTest
(testsuite/.../actions/): the realm's required actions moved and enabled through the admin REST API as the Java
helpers do (``AdminApiUtil.updateRequiredActionsOrder``, ``setRequiredActionEnabled``), the terms page, and
``expectRequiredAction(type)``: an event of the login in progress, with its ``code_id`` and ``username``."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from browser_flow import REDIRECT, submit
from keycloak_port import get, post, put, user_id
from otp_port import USER, Events
from wire_env import Env

ACTIONS = "/authentication/required-actions"


async def aliases(env: Env) -> list[str]:
    """``flows().getRequiredActions()``: the aliases, in the realm's priority order."""
    return [a["alias"] for a in await get(env, ACTIONS)]


async def update_order(env: Env, target: list[str]) -> None:
    """``AdminApiUtil.updateRequiredActionsOrder``: each alias of ``target`` in turn raised (``raise-priority``,
    one step a call) above the first action listed that ``target`` puts after it."""
    later = list(target)
    for alias in target:
        listed = await aliases(env)
        later.remove(alias)
        first_later = next((a for a in listed if a in later), None)
        if first_later is None:
            continue
        for _ in range(max(listed.index(alias) - listed.index(first_later), 0)):
            await post(env, f"{ACTIONS}/{alias}/raise-priority", None)


async def enable_action(env: Env, alias: str, enabled: bool = True, default_action: bool = False) -> None:
    """``setRequiredActionEnabled(realm, alias, enabled, defaultAction)``: PUT of the action's representation."""
    [rep] = [a for a in await get(env, ACTIONS) if a["alias"] == alias]
    await put(env, f"{ACTIONS}/{alias}", {**rep, "enabled": enabled, "defaultAction": default_action})


async def require(env: Env, action: str, username: str = USER) -> None:
    """``setRequiredActionEnabled(realm, userId, action, true)``: the action added to the user's."""
    uid = await user_id(env, username)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, "requiredActions": [*rep.get("requiredActions", []), action]})


def is_terms_page(page: httpx.Response) -> bool:
    """``termsPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-terms-form"' in page.text


async def accept_terms(env: Env, page: httpx.Response) -> httpx.Response:
    """``termsPage.acceptTerms()``."""
    assert is_terms_page(page), page.text[:800]
    return await submit(env.http, page, accept="Accept")


async def expect_required_action(events: Events, type: str, **details: Any) -> dict[str, Any]:
    """``expectRequiredAction(type)``: the event of the login under way, naming the user, with its ``code_id``
    (the root authentication session's id), the login's ``redirect_uri`` and no session yet. The Java tests
    leave ``redirect_uri`` out of CUSTOM_REQUIRED_ACTION's expectation (``removeDetail``), so it is not checked
    there."""
    if type != "CUSTOM_REQUIRED_ACTION":
        details = {"redirect_uri": REDIRECT, **details}
    event = await events.expect(type, username=USER, auth_method="openid-connect", **details)
    assert event.get("details", {}).get("code_id") and not event.get("sessionId"), event
    return event


def success(page: httpx.Response) -> str | None:
    """``loginPage.getSuccessMessage()``."""
    found = re.search(r'<div id="input-error" class="success">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None
