"""Keycloak's new-framework CustomAuthFlowOTPProxyTrustedAllowTest (tests/base/.../tests/account/custom/): the Conditional OTP Form's
request header patterns on a server started with ``--proxy-headers xforwarded --proxy-trusted-addresses 127.0.0.1``
(the test client connects from 127.0.0.1)."""

from __future__ import annotations

import pytest

import conditional_otp_port
import otp_port
from conditional_otp_port import HOST, login_page, otp_forced, set_conditional_otp_form, signed_in
from otp_port import element_text
from wire_env import Env

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.server_options(proxy_headers="xforwarded", proxy_trusted_addresses=("127.0.0.1",)),
]
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc
otp_realm, otp_users = conditional_otp_port.otp_realm, conditional_otp_port.otp_users


async def test_request_header_skip(kc: Env) -> None:
    """#conditionalOTPRequestHeaderSkip: the request comes from a trusted proxy, its Host matches: no OTP."""
    await set_conditional_otp_form(kc, {"noOtpRequiredForHeaderPattern": HOST, "defaultOtpOutcome": "force"})
    assert signed_in(await login_page(kc))


async def test_request_header_skip_is_case_insensitive_and_whole(kc: Env) -> None:
    """Not in the Java class: the pattern matches the whole ``Name: value`` line, case-insensitively
    (ConditionalOtpFormAuthenticator.containsMatchingRequestHeader's CASE_INSENSITIVE), so a prefix does not."""
    await set_conditional_otp_form(
        kc, {"noOtpRequiredForHeaderPattern": "HOST: LOCALHOST", "defaultOtpOutcome": "force"}
    )
    assert signed_in(await login_page(kc))
    kc.http.cookies.clear()
    await set_conditional_otp_form(kc, {"noOtpRequiredForHeaderPattern": "Host: local", "defaultOtpOutcome": "force"})
    assert element_text(await login_page(kc), "kc-page-title") == "Mobile Authenticator Setup"


async def test_request_header_force(kc: Env) -> None:
    """#conditionalOTPRequestHeaderForce."""
    await set_conditional_otp_form(kc, {"forceOtpForHeaderPattern": HOST, "defaultOtpOutcome": "skip"})
    await otp_forced(kc)
