"""Keycloak's ClientPoliciesFeatureTest (testsuite/.../client/policies): the client policies feature at work.

Ported: testFeatureWorksWhenEnabled. Serverinfo's ``providers`` lists the ClientPolicyExecutorSpi and
ClientPolicyConditionSpi providers under their SPI names (``client-policy-executor``, ``client-policy-condition``),
which the Java test reads. Not ported: testFeatureDoesntWorkWhenDisabled, whose server fails with an uncaught error
(@UncaughtServerErrorExpected) once ``--features-disabled=client-policies``: Doorkeep's client policies cannot be
turned off (doorkeep.features), and a 500 is not an answer Doorkeep gives on purpose.
"""

from __future__ import annotations

import pytest

from keycloak_port import admin_headers
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]


async def test_feature_works_when_enabled(env: Env) -> None:
    """testFeatureWorksWhenEnabled: the realm's policies read (none), and serverinfo names the secure-response-type
    executor and the client-updater-context condition among the providers of their SPIs."""
    headers = await admin_headers(env)
    policies = await env.http.get("/admin/realms/test/client-policies/policies", headers=headers)
    assert policies.status_code == 200, policies.text
    assert policies.json()["policies"] == [], policies.json()
    info = await env.http.get("/admin/serverinfo", headers=headers)
    assert info.status_code == 200, info.text
    providers = info.json()["providers"]
    assert "secure-response-type" in providers["client-policy-executor"]["providers"], providers.keys()
    assert "client-updater-context" in providers["client-policy-condition"]["providers"], providers.keys()


async def test_every_executor_and_condition_type_is_a_provider_of_its_spi(env: Env) -> None:
    """The SPI's providers are exactly the types componentTypes describes, so the console's pickers and the
    provider list never disagree."""
    info = (await env.http.get("/admin/serverinfo", headers=await admin_headers(env))).json()
    types = info["componentTypes"]
    executor_spi = "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"
    condition_spi = "org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider"
    assert set(info["providers"]["client-policy-executor"]["providers"]) == {t["id"] for t in types[executor_spi]}
    assert set(info["providers"]["client-policy-condition"]["providers"]) == {t["id"] for t in types[condition_spi]}
