"""``/admin/realms/{realm}/authentication/flows…`` read as Keycloak 26's AuthenticationManagementResource answers a
new realm (InitialFlowsTest, DefaultAuthenticationFlows), with the steps Doorkeep does not run listed DISABLED;
the writes' refusals of empty bodies."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from admin_support import make_admin
from doorkeep.realms.exportimport.files import export_realm, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test/authentication"
R, A, D, C = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"
RAD, RD, BASIC_CHOICES = [R, A, D], [R, D], [R, A, D, C]
BINDINGS = {
    "browserFlow": "browser",
    "registrationFlow": "registration",
    "directGrantFlow": "direct grant",
    "resetCredentialsFlow": "reset credentials",
    "clientAuthenticationFlow": "clients",
    "dockerAuthenticationFlow": "docker auth",
    "firstBrokerLoginFlow": "first broker login",
}
# Every flow of a new non-admin realm, by alias in Java's String order, as Keycloak 26.6's export lists them.
ALL_FLOWS = [
    "Account verification options",
    "Browser - Conditional 2FA",
    "Browser - Conditional Organization",
    "Direct Grant - Conditional OTP",
    "First Broker Login - Conditional Organization",
    "First broker login - Conditional 2FA",
    "Handle Existing Account",
    "Organization",
    "Reset - Conditional OTP",
    "User creation or linking",
    "Verify Existing Account by Re-authentication",
    "browser",
    "clients",
    "direct grant",
    "docker auth",
    "first broker login",
    "forms",
    "registration",
    "registration form",
    "reset credentials",
    "saml ecp",
]
CONFIG_ALIASES = [
    "browser-conditional-credential",
    "create unique user config",
    "first-broker-login-conditional-credential",
    "review profile config",
]
# A new realm's, in the order DefaultAuthenticationFlows.addFlows makes them, as getFlows streams them (Keycloak's
# admin-client spec authenticationManagement.spec.ts "should get authentication flows" expects this list).
TOP_LEVEL = [
    "browser",
    "direct grant",
    "registration",
    "reset credentials",
    "clients",
    "first broker login",
    "docker auth",
]


def export_step(authenticator: str | None, requirement: str, priority: int, flow: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {} if authenticator is None else {"authenticator": authenticator}
    out.update(authenticatorFlow=flow is not None, requirement=requirement, priority=priority)
    out["autheticatorFlow"] = flow is not None
    if flow is not None:
        out["flowAlias"] = flow
    out["userSetupAllowed"] = False
    return out


# (displayName, providerId, configurable, level, index, requirement, is a flow, choices, priority): the browser
# flow's rows in InitialFlowsTest, with Doorkeep's Kerberos choices (no Kerberos: DISABLED only).
BROWSER_ROWS = [
    ("Cookie", "auth-cookie", False, 0, 0, A, False, RAD, 10),
    ("Kerberos", "auth-spnego", False, 0, 1, D, False, [D], 20),
    ("Identity Provider Redirector", "identity-provider-redirector", True, 0, 2, A, False, RAD, 25),
    ("Organization", None, False, 0, 3, A, True, BASIC_CHOICES, 26),
    ("Browser - Conditional Organization", None, False, 1, 0, C, True, BASIC_CHOICES, 10),
    ("Condition - user configured", "conditional-user-configured", False, 2, 0, R, False, RD, 10),
    ("Organization Identity-First Login", "organization", True, 2, 1, A, False, RAD, 20),
    ("forms", None, False, 0, 4, A, True, BASIC_CHOICES, 30),
    ("Username Password Form", "auth-username-password-form", False, 1, 0, R, False, [R], 10),
    ("Browser - Conditional 2FA", None, False, 1, 1, C, True, BASIC_CHOICES, 20),
    ("Condition - user configured", "conditional-user-configured", False, 2, 0, R, False, RD, 10),
    ("Condition - credential", "conditional-credential", True, 2, 1, R, False, RD, 20),
    ("OTP Form", "auth-otp-form", False, 2, 2, A, False, RAD, 30),
    ("WebAuthn Authenticator", "webauthn-authenticator", False, 2, 3, D, False, RAD, 40),
    ("Recovery Authentication Code Form", "auth-recovery-authn-code-form", False, 2, 4, D, False, RAD, 50),
]


async def get(env: Env, path: str, headers: dict[str, str] | None = None) -> Any:
    response = await env.http.get(BASE + path, headers=headers or await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_list_holds_keycloaks_top_level_flows_but_saml_ecp(realm: Env) -> None:
    flows = await get(realm, "/flows")
    assert [f["alias"] for f in flows] == TOP_LEVEL
    browser = flows[0]
    assert browser == {
        "id": browser["id"],
        "alias": "browser",
        "description": "Browser based authentication",
        "providerId": "basic-flow",
        "topLevel": True,
        "builtIn": True,
        "authenticationExecutions": [
            export_step("auth-cookie", A, 10),
            export_step("auth-spnego", D, 20),
            export_step("identity-provider-redirector", A, 25),
            export_step(None, A, 26, "Organization"),
            export_step(None, A, 30, "forms"),
        ],
    }
    assert await get(realm, "/flows") == flows  # ids are stable from one request to the next
    assert await get(realm, f"/flows/{browser['id']}") == browser
    # client-x509 runs (the certificate a TLS-terminating proxy forwards), ALTERNATIVE as in Keycloak. The OTP reset of a password reset runs
    # (CONFIGURE_TOTP for a user with OTP, test_keycloak_reset_otp_test.py), CONDITIONAL as in Keycloak.
    by_alias = {f["alias"]: f for f in flows}
    assert by_alias["reset credentials"]["authenticationExecutions"][3] == export_step(
        None, C, 40, "Reset - Conditional OTP"
    )
    assert by_alias["clients"]["authenticationExecutions"][3] == export_step("client-x509", A, 40)
    registration = by_alias["registration"]["authenticationExecutions"]
    assert registration == [
        {"authenticator": "registration-page-form", **export_step(None, R, 10, "registration form")}
    ]


async def test_the_browser_flow_executions_are_keycloaks_rows(realm: Env) -> None:
    rows = await get(realm, "/flows/browser/executions")
    expected = []
    for display, provider, configurable, level, index, requirement, is_flow, choices, priority in BROWSER_ROWS:
        row: dict[str, Any] = {"displayName": display, "requirement": requirement, "requirementChoices": choices}
        row.update(configurable=configurable, level=level, index=index, priority=priority)
        if is_flow:
            row["authenticationFlow"] = True
        if provider is not None:
            row["providerId"] = provider
        expected.append(row)
    assert [{k: v for k, v in r.items() if k in expected[i]} for i, r in enumerate(rows)] == expected
    two_factor = rows[9]
    assert two_factor["description"] == "Flow to determine if any 2FA is required for the authentication"
    sub = await get(realm, f"/flows/{two_factor['flowId']}")
    assert (sub["alias"], sub["topLevel"]) == ("Browser - Conditional 2FA", False)
    credential = rows[11]
    assert credential["alias"] == "browser-conditional-credential"
    config = await get(realm, f"/config/{credential['authenticationConfig']}")
    assert config == {
        "id": credential["authenticationConfig"],
        "alias": "browser-conditional-credential",
        "config": {"credentials": "webauthn-passwordless"},
    }
    execution = await get(realm, f"/executions/{credential['id']}")
    parent = next(f for f in await get(realm, "/flows") if f["alias"] == "browser")
    assert execution["parentFlow"] != parent["id"]  # a sub-flow's execution names its own parent
    assert execution == {
        "authenticatorConfig": credential["authenticationConfig"],
        "authenticator": "conditional-credential",
        "authenticatorFlow": False,
        "requirement": R,
        "priority": 20,
        "autheticatorFlow": False,
        "id": credential["id"],
        "parentFlow": two_factor["flowId"],
    }


async def test_the_registration_form_row_names_its_page(realm: Env) -> None:
    rows = await get(realm, "/flows/registration/executions")
    assert rows[0] == {
        "id": rows[0]["id"],
        "requirement": R,
        "displayName": "registration form",
        "description": "Registration form",
        "requirementChoices": RD,
        "configurable": False,
        "authenticationFlow": True,
        "providerId": "registration-page-form",
        "flowId": rows[0]["flowId"],
        "level": 0,
        "index": 0,
        "priority": 10,
    }
    assert [(r["displayName"], r["requirement"], r["priority"]) for r in rows[1:]] == [
        ("Registration User Profile Creation", R, 20),
        ("Password Validation", R, 50),
        ("reCAPTCHA", D, 60),
        ("Terms and conditions", D, 70),
    ]


async def test_the_admin_realm_has_no_organization_steps(realm: Env) -> None:
    rows = (await realm.http.get("/admin/realms/master/authentication/flows/browser/executions",
                                 headers=await realm.admin_headers())).json()  # fmt: skip
    assert [r["displayName"] for r in rows if r["level"] == 0] == [
        "Cookie",
        "Kerberos",
        "Identity Provider Redirector",
        "forms",
    ]


async def test_unknown_flows_executions_and_configs_are_keycloaks_404s(realm: Env) -> None:
    headers = await realm.admin_headers()
    for path, message in (
        ("/flows/nosuch", "Could not find flow with id"),
        ("/flows/nosuch/executions", "Flow not found"),
        ("/executions/nosuch", "Illegal execution"),
        ("/config/nosuch", "Could not find authenticator config"),
    ):
        response = await realm.http.get(BASE + path, headers=headers)
        assert (response.status_code, response.json()) == (404, {"error": message}), path


async def test_reading_needs_view_realm_and_the_list_also_query_clients(realm: Env) -> None:
    _, clients_reader = await make_admin(realm, "test", "clientsreader", "query-clients")
    assert len(await get(realm, "/flows", clients_reader)) == len(TOP_LEVEL)
    one = await realm.http.get(BASE + "/flows/browser/executions", headers=clients_reader)
    assert one.status_code == 403
    _, viewer = await make_admin(realm, "test", "viewer", "view-realm")
    assert len(await get(realm, "/flows/direct grant/executions", viewer)) == 5
    _, nobody = await make_admin(realm, "test", "nobody")
    assert (await realm.http.get(BASE + "/flows", headers=nobody)).status_code == 403


async def test_writes_on_flows_with_empty_bodies_get_keycloaks_errors(realm: Env) -> None:
    headers = await realm.admin_headers()
    flow_id = (await get(realm, "/flows"))[0]["id"]
    empty_alias = {"errorMessage": "Failed to create flow with empty alias name"}
    for method, path, status, body in (
        ("POST", "/flows", 409, empty_alias),
        ("PUT", f"/flows/{flow_id}", 409, {"errorMessage": "Failed to update flow with empty alias name"}),
        ("DELETE", f"/flows/{flow_id}", 400, {"error": "Can't delete built in flow"}),
        ("POST", "/flows/browser/copy", 409, empty_alias),
        ("PUT", "/flows/browser/executions", 404, {"error": "Illegal execution"}),
        ("DELETE", "/executions/some-id", 404, {"error": "Illegal execution"}),
        ("PUT", "/config/some-id", 404, {"error": "Could not find authenticator config"}),
        ("DELETE", "/config/some-id", 404, {"error": "Could not find authenticator config"}),
    ):
        response = await realm.http.request(method, BASE + path, json={}, headers=headers)
        assert (response.status_code, response.json()) == (status, body), (method, path)
    assert (await realm.http.patch(BASE + "/flows", headers=headers)).status_code == 405
    assert [f["alias"] for f in await get(realm, "/flows")][:1] == ["browser"]


async def test_the_realm_names_its_flow_bindings(realm: Env) -> None:
    rep = (await realm.http.get("/admin/realms/test", headers=await realm.admin_headers())).json()
    assert {key: rep[key] for key in BINDINGS} == BINDINGS


async def test_partial_export_carries_flows_configs_required_actions_and_bindings(realm: Env) -> None:
    response = await realm.http.post("/admin/realms/test/partial-export", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    rep = response.json()
    assert [f["alias"] for f in rep["authenticationFlows"]] == ALL_FLOWS
    assert rep["authenticationFlows"][ALL_FLOWS.index("browser")] == (await get(realm, "/flows"))[0]
    assert [c["alias"] for c in rep["authenticatorConfig"]] == CONFIG_ALIASES
    required = (await realm.http.get(BASE + "/required-actions", headers=await realm.admin_headers())).json()
    assert rep["requiredActions"] == required
    assert {key: rep[key] for key in BINDINGS} == BINDINGS


async def test_a_full_export_reimports_without_a_warning_and_a_binding_to_no_flow_is_warned_of(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    exported = await export_realm(realm.db, "test")
    assert [f["alias"] for f in exported["authenticationFlows"]] == ALL_FLOWS
    assert [c["alias"] for c in exported["authenticatorConfig"]] == CONFIG_ALIASES
    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        async with realm.db.transaction() as tx:
            await import_realm(tx, exported, realm.clock.now(), skip_existing=False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
    # the Cookie step off is a browser flow Doorkeep runs (stored, no warning); a binding to no flow is warned of
    exported["authenticationFlows"][ALL_FLOWS.index("browser")]["authenticationExecutions"][0]["requirement"] = D
    exported["browserFlow"] = "my browser"
    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        async with realm.db.transaction() as tx:
            await import_realm(tx, exported, realm.clock.now(), skip_existing=False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "realm 'test': skipped fields Doorkeep does not support: browserFlow"
    ]


async def test_keycloaks_own_export_of_the_built_in_flows_imports_without_a_warning(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    exported = await export_realm(realm.db, "test")
    flows = {f["alias"]: f for f in exported["authenticationFlows"]}
    flows["reset credentials"]["authenticationExecutions"][3]["requirement"] = C  # as Keycloak has them
    flows["clients"]["authenticationExecutions"][3]["requirement"] = A
    for flow in exported["authenticationFlows"]:
        del flow["id"]
    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        async with realm.db.transaction() as tx:
            await import_realm(tx, exported, realm.clock.now(), skip_existing=False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []


async def test_moving_an_execution_needs_manage_realm_then_is_keycloaks_404_or_built_in_400(realm: Env) -> None:
    execution_id = (await get(realm, "/flows/browser/executions"))[0]["id"]
    _, viewer = await make_admin(realm, "test", "viewer", "view-realm")
    for move in ("raise-priority", "lower-priority"):
        refused = await realm.http.post(f"{BASE}/executions/{execution_id}/{move}", headers=viewer)
        assert refused.status_code == 403, refused.text
        unknown = await realm.http.post(f"{BASE}/executions/nope/{move}", headers=await realm.admin_headers())
        assert (unknown.status_code, unknown.json()) == (404, {"error": "Illegal execution"})
        built_in = await realm.http.post(
            f"{BASE}/executions/{execution_id}/{move}", headers=await realm.admin_headers()
        )
        assert built_in.status_code == 400
        assert built_in.json() == {"error": "It is illegal to modify execution in a built in flow"}
