"""``authenticationExecution`` posted from a page whose step is no choice (DefaultAuthenticationFlow.processAction,
AuthenticationSelectionResolver.createAuthenticationSelectionList): a REQUIRED step that is not the first of its
sub-flow lists itself alone (addSimpleAuthenticationExecution, for a user holding its credential), so the page's
own execution runs it again, its page once more with nothing checked and nothing recorded, while any other (the
OTP step that comes after the password included) is "Requested authentication execution is not allowed": the
400 error page and LOGIN_ERROR ``invalid_user_credentials``.

The flows are BrowserFlowTest's copies (tests/browser_flow_copy.py) on ``testrealm.json``'s slice.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import form_action, start, submit
from browser_flow_copy import (
    CONFIGURED,
    FLOW,
    OTP,
    PF,
    UF,
    UNEXPECTED,
    UPF,
    WEBAUTHN,
    browser_flow,
    is_password_page,
    is_username_page,
)
from browser_flow_copy import kc as kc  # the realm fixture
from browser_flow_realm import FIRST_KEY, code, is_otp_page
from flow_builder import ALT, COND, REQ, executions
from login_test_realm import APP, error_page_text
from wire_env import Env

pytestmark = pytest.mark.anyio

OTP_USER = "user-with-one-configured-otp"


async def execution_of(env: Env, provider: str) -> str:
    (found,) = [e["id"] for e in await executions(env, FLOW) if e.get("providerId") == provider]
    return str(found)


async def recorded(env: Env) -> list[tuple[str, Any]]:
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return [(e["type"], e.get("error")) for e in reversed(answer.json())]


async def password_page(env: Env, username: str) -> httpx.Response:
    page = await start(env.http, "test", APP)
    assert is_username_page(page), page.text[:500]
    page = await submit(env.http, page, username=username)
    assert is_password_page(page), page.text[:500]
    return page


async def test_the_password_pages_own_execution_shows_the_page_again(kc: Env) -> None:
    await browser_flow(kc, [(REQ, UF), (REQ, PF)])
    page = await password_page(kc, "test-user@localhost")
    own = await execution_of(kc, PF)
    again = await kc.http.post(form_action(page.text), data={"authenticationExecution": own, "password": "password"})
    assert is_password_page(again), (again.status_code, again.text[:500])  # not the error page
    assert 'id="input-error' not in again.text  # shown again, not refused
    assert await recorded(kc) == []  # nothing checked: no LOGIN, no LOGIN_ERROR
    done = await submit(kc.http, again, password="password")
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:500]


async def test_the_username_and_password_form_after_the_username_lists_itself_too(kc: Env) -> None:
    """UsernameForm then UsernamePasswordForm (no credential validator: on offer for every user)."""
    await browser_flow(kc, [(REQ, UF), (REQ, UPF)])
    page = await password_page(kc, "test-user@localhost")
    own = await execution_of(kc, UPF)
    again = await kc.http.post(form_action(page.text), data={"authenticationExecution": own})
    assert is_password_page(again), (again.status_code, again.text[:500])


async def test_the_next_steps_execution_never_replaces_the_password(kc: Env) -> None:
    """The OTP gate after the password is not on offer on the password page: posting its execution there got the
    OTP form, and the right code alone signed the user in without the password."""
    await browser_flow(kc, [(REQ, UF), (REQ, PF), (COND, [(REQ, CONFIGURED), (ALT, OTP), (ALT, WEBAUTHN)])])
    page = await password_page(kc, OTP_USER)
    refused = await kc.http.post(form_action(page.text), data={"authenticationExecution": await execution_of(kc, OTP)})
    assert refused.status_code == 400 and error_page_text(refused) == UNEXPECTED, refused.text[:500]
    assert not is_otp_page(refused)
    assert await recorded(kc) == [("LOGIN_ERROR", "invalid_user_credentials")]
    otp = await kc.http.post(form_action(page.text), data={"otp": code(kc, FIRST_KEY)})
    assert otp.status_code != 302 or "code=" not in otp.headers.get("location", ""), otp.headers


async def test_a_required_otp_steps_own_execution_shows_the_otp_form_again(kc: Env) -> None:
    await browser_flow(kc, [(REQ, UPF), (REQ, OTP)])
    page = await start(kc.http, "test", APP)
    otp_page = await submit(kc.http, page, username=OTP_USER, password="password")
    assert is_otp_page(otp_page), otp_page.text[:500]
    own = await execution_of(kc, OTP)
    again = await kc.http.post(form_action(otp_page.text), data={"authenticationExecution": own, "otp": "000000"})
    assert is_otp_page(again) and "Invalid authenticator code." not in again.text, again.text[:500]
    done = await submit(kc.http, again, otp=code(kc, FIRST_KEY))
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:500]


async def test_another_execution_on_the_otp_form_is_still_not_allowed(kc: Env) -> None:
    await browser_flow(kc, [(REQ, UPF), (REQ, OTP)])
    page = await start(kc.http, "test", APP)
    otp_page = await submit(kc.http, page, username=OTP_USER, password="password")
    refused = await kc.http.post(
        form_action(otp_page.text), data={"authenticationExecution": await execution_of(kc, UPF)}
    )
    assert refused.status_code == 400 and error_page_text(refused) == UNEXPECTED, refused.text[:500]
