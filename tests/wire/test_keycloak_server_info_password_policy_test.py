"""Keycloak's ServerInfoPasswordPolicyTest (tests/base/.../tests/admin/ServerInfoPasswordPolicyTest.java, stored at
ae7d9afb), its one method ported over HTTP: ``GET /admin/serverinfo``'s ``passwordPolicies`` carry a policy's help
text only where its factory has one (PasswordPolicyTypeRepresentation.helpText, NON_NULL), so the built-in
``length`` policy shows none.

The Java method's other half reads the help text and display name of TestConfiguredPasswordPolicyProviderFactory, a
provider the Java server deploys (CustomProvidersServerConfig); Doorkeep loads no provider code, so it is not
ported. Every built-in policy's representation is pinned whole by test_serverinfo_password_policies.py.
"""

from __future__ import annotations

import pytest

from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_password_policy_help_text(env: Env) -> None:
    """ServerInfoPasswordPolicyTest#testPasswordPolicyHelpText: ``length`` found, without a help text."""
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    policies = response.json()["passwordPolicies"]
    assert policies is not None
    (length,) = [p for p in policies if p["id"] == "length"]
    assert length.get("helpText") is None
    assert length["displayName"] == "Minimum Length"
