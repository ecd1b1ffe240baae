"""A provider's post broker login flow for the wire tests (tests/wire/test_broker_post_login_*.py): the OTP Form,
REQUIRED or under "Condition - user configured", and provider ``kc`` naming it."""

from __future__ import annotations

from typing import Any

from broker_support import Broker, broker_login, browser, provider_running
from flow_builder import AUTH, COND, REQ, add, add_flow, add_otp, admin
from wire_env import Env

POST = "post otp"


async def post_flow(env: Env, *, conditional: bool) -> None:
    body = {"alias": POST, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": POST}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    if conditional:
        await add_flow(env, POST, "post otp if configured", COND)
        await add(env, "post otp if configured", "conditional-user-configured", REQ)
        await add(env, "post otp if configured", "auth-otp-form", REQ)
    else:
        await add(env, POST, "auth-otp-form", REQ)


async def provider_after(broker: Broker, flow: str, status: int = 201) -> dict[str, Any]:
    return await provider_running(broker, "postBrokerLoginFlowAlias", flow, status)


async def alice_with_otp(broker: Broker) -> None:
    """Provider ``kc`` running the conditional OTP flow; alice's first login through it (she has no OTP yet, so it
    asks nothing), then an OTP credential for her."""
    await post_flow(broker.env, conditional=True)
    await provider_after(broker, POST)
    async with browser(broker) as http:
        await broker_login(http)
    await add_otp(broker.env, "alice")
