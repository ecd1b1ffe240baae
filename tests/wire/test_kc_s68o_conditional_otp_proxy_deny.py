"""Keycloak's new-framework CustomAuthFlowOTPProxyTrustedDenyTest (tests/base/.../tests/account/custom/): the Conditional OTP Form's
request header patterns on a server started with ``--proxy-headers xforwarded --proxy-trusted-addresses 192.168.1.1``
(the test client connects from 127.0.0.1)."""

from __future__ import annotations

import pytest

import conditional_otp_port
import otp_port
from conditional_otp_port import HOST, otp_forced, set_conditional_otp_form
from wire_env import Env

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.server_options(proxy_headers="xforwarded", proxy_trusted_addresses=("192.168.1.1",)),
]
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc
otp_realm, otp_users = conditional_otp_port.otp_realm, conditional_otp_port.otp_users


async def test_request_header_skip_not_valid(kc: Env) -> None:
    """#conditionalOTPRequestHeaderSkipNotValid: the peer is not a trusted proxy, its headers skip nothing."""
    await set_conditional_otp_form(kc, {"noOtpRequiredForHeaderPattern": HOST, "defaultOtpOutcome": "force"})
    await otp_forced(kc)


async def test_request_header_force(kc: Env) -> None:
    """#conditionalOTPRequestHeaderForce: forcing the OTP form needs no trust."""
    await set_conditional_otp_form(kc, {"forceOtpForHeaderPattern": HOST, "defaultOtpOutcome": "skip"})
    await otp_forced(kc)
