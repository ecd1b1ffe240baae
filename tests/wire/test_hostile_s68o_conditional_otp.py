"""The Conditional OTP Form's header patterns against a client's headers: the pattern is the administrator's,
the headers the attacker's. A pattern that backtracks catastrophically on a crafted header, one that does not
compile, and a header longer than the bound all match nothing, within the time limit, and the login goes on to
the default outcome (oauth/conditional_otp.py). Keycloak compiles the pattern on every login without a limit
(a PatternSyntaxException fails the login; a backtracking pattern holds the worker thread)."""

from __future__ import annotations

import time

import pytest

import conditional_otp_port
import otp_port
from conditional_otp_port import login_page, set_conditional_otp_form, signed_in
from otp_port import is_config_totp_page, login, open_login
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc
otp_realm, otp_users = conditional_otp_port.otp_realm, conditional_otp_port.otp_users


async def test_a_backtracking_pattern_on_a_crafted_header_matches_nothing(kc: Env) -> None:
    await set_conditional_otp_form(kc, {"forceOtpForHeaderPattern": "X-Evil: (a|aa)+b", "defaultOtpOutcome": "skip"})
    page = await open_login(kc)
    kc.http.headers["X-Evil"] = "a" * 4000
    try:
        started = time.monotonic()
        answer = await login(kc, page)
        took = time.monotonic() - started
    finally:
        del kc.http.headers["X-Evil"]
    assert signed_in(answer), answer.text[:500]
    assert took < 5, took


@pytest.mark.parametrize("pattern", ["(", "X-Evil: [a", "(?<!"])
async def test_a_pattern_that_does_not_compile_matches_nothing(kc: Env, pattern: str) -> None:
    await set_conditional_otp_form(kc, {"forceOtpForHeaderPattern": pattern, "defaultOtpOutcome": "skip"})
    assert signed_in(await login_page(kc))


async def test_a_header_past_the_bound_matches_nothing(kc: Env) -> None:
    await set_conditional_otp_form(kc, {"forceOtpForHeaderPattern": "X-Long: a+", "defaultOtpOutcome": "skip"})
    page = await open_login(kc)
    kc.http.headers["X-Long"] = "a" * 9000
    try:
        assert signed_in(await login(kc, page))
    finally:
        del kc.http.headers["X-Long"]
    kc.http.cookies.clear()
    page = await open_login(kc)
    kc.http.headers["X-Long"] = "a" * 100
    try:
        assert is_config_totp_page(await login(kc, page))
    finally:
        del kc.http.headers["X-Long"]
