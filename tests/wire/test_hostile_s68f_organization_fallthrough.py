"""Hostile names at the Organization step's fall-through to the default provider (OrganizationLoginHintFallthroughTest's
flow, tests/wire/test_kc_s68f_organization_login_hint_fallthrough.py): whatever is typed, the login goes to the
configured provider only, the name reaches it as one ``login_hint`` value, never as parameters of its own, and no
answer is a 500."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, query, served
from flow_builder import admin
from org_fallthrough_flow import fallthrough_flow, typed_name, unrelated_org
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
HOSTILE = [
    "a@b.example&kc_idp_hint=other&redirect_uri=https://evil.example/",
    "a@b.example#fragment",
    "a@b.example?login_hint=x",
    "<script>alert(1)</script>@b.example",
    "a@b.example\r\nLocation: https://evil.example/",
    "../../realms/master@b.example",
    "x" * 300 + "@b.example",
]


@pytest.mark.parametrize("typed", HOSTILE)
async def test_a_hostile_name_falls_through_to_the_configured_provider_only(env: Env, typed: str) -> None:
    async with served(env) as broker:
        await unrelated_org(broker)
        await broker.add_provider(config={**broker.provider_rep()["config"], "loginHint": "true"})
        await broker.add_provider(alias="other", enabled=True)
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            answer = await typed_name(http, typed)
            assert answer.status_code == 303, answer.text[:800]
            location = answer.headers["location"]
            assert location.startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?"), location
            assert "evil.example" not in location and "\n" not in location
            to_provider = await http.get(location)
            assert to_provider.status_code == 302, to_provider.text[:800]
            sent = to_provider.headers["location"]
            assert sent.startswith(f"{broker.base}/realms/provider/protocol/openid-connect/auth?"), sent
            params = query(sent)
            assert params["login_hint"] == typed.strip() or params["login_hint"] == typed, params
            assert params["redirect_uri"] == f"{broker.base}/realms/test/broker/{ALIAS}/endpoint"


async def test_a_nul_in_the_name_is_never_a_redirect_nor_a_500(env: Env) -> None:
    async with served(env) as broker:
        await unrelated_org(broker)
        await broker.add_provider()
        await fallthrough_flow(env, ALIAS)
        async with browser(broker) as http:
            answer = await typed_name(http, "a\x00@b.example")
            assert answer.status_code < 500, answer.text[:800]
        assert (await admin(env, "GET", f"{TEST}/organizations", status=200)).json()
