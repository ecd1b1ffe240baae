"""The browser flow of Keycloak's OrganizationLoginHintFallthroughTest over the Admin REST API: a copy of ``browser``
with a second Identity Provider Redirector between the Organization sub-flow and the forms, and the realm's one
organization (tests/wire/test_kc_s68f_organization_login_hint_fallthrough.py and its hostile variant)."""

from __future__ import annotations

import httpx

from broker_support import Broker, start_login
from browser_flow import form_action, form_fields
from flow_builder import AUTH, add, admin, bind, executions
from wire_env import Env

TEST = "/admin/realms/test"
FLOW = "browser - login hint fallthrough test"


async def fallthrough_flow(env: Env, default_provider: str) -> None:
    """configureBrowserFlowWithDefaultProviderAfterOrganization: the copy, its redirector between the
    Organization sub-flow and the forms, bound as the realm's browser flow."""
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": FLOW}, 201)
    await add(env, FLOW, "identity-provider-redirector", "ALTERNATIVE", {"defaultProvider": default_provider})
    top = [e for e in await executions(env, FLOW) if e["level"] == 0]
    added = top[-1]
    assert added["providerId"] == "identity-provider-redirector", top
    await admin(env, "POST", f"{AUTH}/executions/{added['id']}/raise-priority", None, 204)
    order = [e.get("providerId") or e["displayName"] for e in await executions(env, FLOW) if e["level"] == 0]
    assert order[-2] == "identity-provider-redirector" and order[-3].endswith("Organization"), order
    await bind(env, "browserFlow", FLOW)


async def unrelated_org(broker: Broker) -> None:
    env = broker.env
    await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
    body = {"name": "unrelated-org", "alias": "unrelated-org", "domains": [{"name": "unrelated-org.example"}]}
    await admin(env, "POST", f"{TEST}/organizations", body, 201)


async def typed_name(http: httpx.AsyncClient, username: str) -> httpx.Response:
    page = await start_login(http)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:800]
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})
