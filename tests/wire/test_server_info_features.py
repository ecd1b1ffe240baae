"""``GET /admin/serverinfo``'s ``features``: a FeatureRepresentation (ServerInfoAdminResource.getFeatureRep) for each
feature Doorkeep implements and ``--features-disabled`` can turn off, with Keycloak's Profile.Feature name, label
and type, ``enabled`` agreeing with ``profileInfo.disabledFeatures``."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from keycloak_port import admin_headers
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
EXPECTED = [
    ("ACCOUNT_V3", "Account Console version 3"),
    ("IMPERSONATION", "Ability for admins to impersonate users"),
    ("JWT_AUTHORIZATION_GRANT", "JWT Profile for Oauth 2.0 Authorization Grant"),  # DEFAULT since Keycloak 26.6
    ("CIBA", "OpenID Connect Client Initiated Backchannel Authentication (CIBA)"),
    ("PAR", "OAuth 2.0 Pushed Authorization Requests (PAR)"),
    ("CLIENT_SECRET_ROTATION", "Client Secret Rotation"),
    ("DEVICE_FLOW", "OAuth 2.0 Device Authorization Grant"),
    ("RECOVERY_CODES", "Recovery codes"),
]


async def info_of(env: Env, http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_every_known_feature_is_listed_enabled_by_default(env: Env) -> None:
    info = await info_of(env, env.http)
    assert [(f["name"], f["label"]) for f in info["features"]] == EXPECTED
    for feature in info["features"]:
        depends = ["ACCOUNT_API"] if feature["name"] == "ACCOUNT_V3" else []  # Profile.Feature.ACCOUNT_V3's
        assert feature == {**feature, "type": "DEFAULT", "enabled": True, "dependencies": depends}
        assert set(feature) == {"name", "label", "type", "enabled", "dependencies"}
    assert info["profileInfo"]["disabledFeatures"] == []


async def test_a_disabled_feature_is_listed_disabled_as_profile_info_names_it(env: Env) -> None:
    off = dataclasses.replace(
        env, settings=dataclasses.replace(env.settings, features_disabled="par,recovery-codes:v1")
    )
    async with another_worker(off) as http:
        info = await info_of(env, http)
    disabled = [f["name"] for f in info["features"] if not f["enabled"]]
    assert disabled == info["profileInfo"]["disabledFeatures"] == ["PAR", "RECOVERY_CODES"]
    assert [f["name"] for f in info["features"]] == [name for name, _ in EXPECTED]
