"""A provider's post broker login flow for the wire tests (tests/wire/test_broker_post_login_*.py): the OTP Form,
REQUIRED or under "Condition - user configured", and provider ``kc`` naming it."""

from __future__ import annotations

from typing import Any

from broker_support import Broker, provider_running
from flow_builder import AUTH, COND, REQ, add, add_flow, admin
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
