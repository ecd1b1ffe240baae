"""Malformed input to the organization role routes: bodies of the wrong shape, odd ids and query values answer
Keycloak's 4xx, never a 5xx, and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from org_groups import member, organization
from org_invitations import ORGS
from org_roles import ids, org_role
from wire_env import Env

pytestmark = pytest.mark.anyio
BODIES: list[Any] = [None, {}, "x", 7, [1], ["id"], [None], [{"id": 5}], [{"id": ""}], [{"name": "n"}], {"id": "x"}]


async def test_odd_bodies_ids_and_queries_never_answer_5xx(realm: Env) -> None:
    env = realm
    org = await organization(env, "odd-inputs")
    role = await org_role(env, org, "odd")
    user = await member(env, org, "odd-member", "odd-member@odd-inputs.org")
    h = await env.admin_headers()
    base = f"{ORGS}/{org}/roles/{role['id']}"
    for body in BODIES:
        for method, path in (
            ("POST", f"{ORGS}/{org}/roles"),
            ("PUT", base),
            ("POST", f"{base}/composites"),
            ("DELETE", f"{base}/composites"),
            ("POST", f"{base}/users"),
            ("DELETE", f"{base}/users"),
        ):
            sent = await env.http.request(method, path, json=body, headers=h)
            assert 400 <= sent.status_code < 500 or sent.status_code == 204, (method, path, body, sent.text)
    for odd in ("%20", "..", "default%2F..", "x" * 300, "%00", "count"):
        got = await env.http.get(f"{ORGS}/{org}/roles/{odd}", headers=h)
        assert got.status_code < 500, (odd, got.text)
    for params in ({"first": "-1", "max": "-5"}, {"first": "abc"}, {"max": "1e9"}, {"search": "%_\\"}, {"source": ""}):
        for path in (
            f"{ORGS}/{org}/roles",
            f"{base}/composites",
            f"{base}/composites/available",
            f"{base}/users",
            f"{base}/users/available",
            f"{base}/composites/effective",
            f"{ORGS}/{org}/roles/count",
        ):
            got = await env.http.get(path, params=params, headers=h)
            assert got.status_code < 500, (path, params, got.text)
    assert (await env.http.get(f"{ORGS}/{org}/roles", params={"search": "%"}, headers=h)).json() == []
    assert await ids(env, f"{org}/roles/{role['id']}/users") == []
    assert len(await ids(env, f"{org}/roles")) == 2  # the role and the default role: no write went through
    assert await ids(env, f"{org}/roles/default/users") == [user]
