"""Keycloak's old-testsuite model/BadRealmTest over the Admin REST API: a realm whose name or id carries
``<script>alert(4)</script>`` is refused (RealmManager.createRealm's ReservedCharValidator), and no realm is made.
The Java class calls RealmManager on the server; here the same names go through POST /admin/realms."""

from __future__ import annotations

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio

SCRIPT = "<script>alert(4)</script>"
# ReservedCharValidator.validate names the first RFC 3986 reserved character of the value: "(" here
NOT_ALLOWED = "Character '(' not allowed."


async def realm_names(env: Env) -> list[str]:
    return [r["realm"] for r in (await admin(env, "GET", "/admin/realms", status=200)).json()]


async def test_bad_realm_name(realm: Env) -> None:
    """BadRealmTest#testBadRealmName."""
    refused = await admin(realm, "POST", "/admin/realms", {"id": "bad-realm-id", "realm": f"name{SCRIPT}"}, 400)
    assert refused.json()["errorMessage"] == NOT_ALLOWED
    assert f"name{SCRIPT}" not in await realm_names(realm)


async def test_bad_realm_id(realm: Env) -> None:
    """BadRealmTest#testBadRealmId."""
    refused = await admin(realm, "POST", "/admin/realms", {"id": f"id{SCRIPT}", "realm": "name"}, 400)
    assert refused.json()["errorMessage"] == NOT_ALLOWED
    assert "name" not in await realm_names(realm)
