"""Realm files of Keycloak 10-26.1 with their authentication flows, imported on SQLite and on PostgreSQL.

Such a file carries the built-in flows its Keycloak shipped: a ``registration form`` with Profile Validation (until
Keycloak 24), a ``first broker login`` with a Conditional OTP sub-flow (until 26.2), and before Keycloak 15 each
sub-flow step marked only by the misspelt ``autheticatorFlow``. Keycloak upgrades such built-in flows by migration;
the import replaces the ones Doorkeep cannot run by its own built-in flow of the alias, names them in its warning,
and keeps the file's custom flows, their bindings and the clients' overrides. Before, every flow of such a file
was dropped with only "skipped fields … authenticationFlows". The files are small rebuilds of real exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import import_data

pytestmark = pytest.mark.anyio


def step(name: str, requirement: str, priority: int, *, sub: bool = False, config: str | None = None) -> Any:
    """One AuthenticationExecutionExportRepresentation as Keycloak 15-26.1 write it (both spellings of the flag)."""
    out: dict[str, Any] = {"requirement": requirement, "priority": priority, "userSetupAllowed": False}
    out["flowAlias" if sub else "authenticator"] = name
    out["authenticatorFlow"] = out["autheticatorFlow"] = sub
    if config is not None:
        out["authenticatorConfig"] = config
    return out


def flow(alias: str, executions: list[Any], *, top: bool = False, built_in: bool = True, kind: str = "basic") -> Any:
    provider = f"{kind}-flow"
    return {
        "id": f"id-{alias.replace(' ', '-')}",
        "alias": alias,
        "description": alias,
        "providerId": provider,
        "topLevel": top,
        "builtIn": built_in,
        "authenticationExecutions": executions,
    }


REQ, ALT, DIS, COND = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"


def keycloak_22_flows() -> list[Any]:
    """The built-in flows Keycloak 22 shipped (those of kc22.0.1-microbank.json and migration-realm-19.0.3.json)."""

    def otp() -> list[Any]:
        return [step("conditional-user-configured", REQ, 10), step("auth-otp-form", REQ, 20)]

    return [
        flow("browser", [
            step("auth-cookie", ALT, 10), step("auth-spnego", DIS, 20),
            step("identity-provider-redirector", ALT, 25), step("forms", ALT, 30, sub=True),
        ], top=True),
        flow("forms", [step("auth-username-password-form", REQ, 10), step("Browser - Conditional OTP", COND, 20, sub=True)]),
        flow("Browser - Conditional OTP", otp()),
        flow("direct grant", [
            step("direct-grant-validate-username", REQ, 10), step("direct-grant-validate-password", REQ, 20),
            step("Direct Grant - Conditional OTP", COND, 30, sub=True),
        ], top=True),
        flow("Direct Grant - Conditional OTP", [
            step("conditional-user-configured", REQ, 10), step("direct-grant-validate-otp", REQ, 20),
        ]),
        flow("registration", [step("registration form", REQ, 10, sub=True) | {"authenticator": "registration-page-form"}],
             top=True),
        flow("registration form", [
            step("registration-user-creation", REQ, 20), step("registration-profile-action", REQ, 40),
            step("registration-password-action", REQ, 50), step("registration-recaptcha-action", DIS, 60),
        ], kind="form"),
        flow("reset credentials", [
            step("reset-credentials-choose-user", REQ, 10), step("reset-credential-email", REQ, 20),
            step("reset-password", REQ, 30), step("Reset - Conditional OTP", COND, 40, sub=True),
        ], top=True),
        flow("Reset - Conditional OTP", [step("conditional-user-configured", REQ, 10), step("reset-otp", REQ, 20)]),
        flow("clients", [
            step("client-secret", ALT, 10), step("client-jwt", ALT, 20),
            step("client-secret-jwt", ALT, 30), step("client-x509", ALT, 40),
        ], top=True, kind="client"),
        flow("first broker login", [
            step("idp-review-profile", REQ, 10, config="review profile config"),
            step("User creation or linking", REQ, 20, sub=True),
        ], top=True),
        flow("User creation or linking", [
            step("idp-create-user-if-unique", ALT, 10, config="create unique user config"),
            step("Handle Existing Account", ALT, 20, sub=True),
        ]),
        flow("Handle Existing Account", [
            step("idp-confirm-link", REQ, 10), step("Account verification options", REQ, 20, sub=True),
        ]),
        flow("Account verification options", [
            step("idp-email-verification", ALT, 10),
            step("Verify Existing Account by Re-authentication", ALT, 20, sub=True),
        ]),
        flow("Verify Existing Account by Re-authentication", [
            step("idp-username-password-form", REQ, 10),
            step("First broker login - Conditional OTP", COND, 20, sub=True),
        ]),
        flow("First broker login - Conditional OTP", otp()),
        flow("docker auth", [step("docker-http-basic-authenticator", REQ, 10)], top=True),
        flow("saml ecp", [step("http-basic-authenticator", REQ, 10)], top=True),
    ]  # fmt: skip


def custom_flows() -> list[Any]:
    """An administrator's own flows: a browser flow without the SSO cookie, a direct grant without OTP."""
    return [
        flow("cookieless browser", [step("cookieless forms", ALT, 10, sub=True)], top=True, built_in=False),
        flow("cookieless forms", [step("auth-username-password-form", REQ, 10)], built_in=False),
        flow("password only grant", [
            step("direct-grant-validate-username", REQ, 10), step("direct-grant-validate-password", REQ, 20),
        ], top=True, built_in=False),
    ]  # fmt: skip


def keycloak_22_realm() -> dict[str, Any]:
    return {
        "realm": "kc22",
        "enabled": True,
        "keycloakVersion": "22.0.1",
        "authenticationFlows": keycloak_22_flows() + custom_flows(),
        "authenticatorConfig": [
            {"id": "c1", "alias": "create unique user config", "config": {"require.password.update.after.registration": "false"}},
            {"id": "c2", "alias": "review profile config", "config": {"update.profile.on.first.login": "missing"}},
        ],
        "browserFlow": "cookieless browser",
        "registrationFlow": "registration",
        "directGrantFlow": "direct grant",
        "resetCredentialsFlow": "reset credentials",
        "clientAuthenticationFlow": "clients",
        "dockerAuthenticationFlow": "docker auth",
        "firstBrokerLoginFlow": "first broker login",
        "clients": [
            {
                "clientId": "cli",
                "enabled": True,
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "authenticationFlowBindingOverrides": {"direct_grant": "id-password-only-grant"},
            }
        ],
    }  # fmt: skip


def by_alias(out: dict[str, Any]) -> dict[str, Any]:
    return {f["alias"]: f for f in out["authenticationFlows"]}


def steps(found: dict[str, Any], alias: str) -> list[str]:
    return [e.get("authenticator") or e["flowAlias"] for e in found[alias]["authenticationExecutions"]]


async def test_a_keycloak_22_file_keeps_its_custom_flows_bindings_and_overrides(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        assert await import_data(db, keycloak_22_realm()) == "kc22"
    out = await files.export_realm(db, "kc22")
    found = by_alias(out)
    assert {"cookieless browser", "cookieless forms", "password only grant"} <= set(found)
    assert out["browserFlow"] == "cookieless browser"
    [client] = [c for c in out["clients"] if c["clientId"] == "cli"]
    assert client["authenticationFlowBindingOverrides"] == {"direct_grant": found["password only grant"]["id"]}
    assert found["cookieless browser"]["id"] == "id-cookieless-browser"  # the file's ids kept
    assert found["direct grant"]["id"] == "id-direct-grant"  # a built-in flow Doorkeep runs stays the file's
    assert "authenticationFlows (Keycloak 22.0.1's built-in 'registration', 'first broker login': " in caplog.text
    assert "replaced by Doorkeep's own)" in caplog.text


async def test_older_built_in_flows_doorkeep_cannot_run_are_replaced_by_its_own(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    await import_data(db, keycloak_22_realm())
    found = by_alias(await files.export_realm(db, "kc22"))
    assert "registration-profile-action" not in steps(found, "registration form")  # MigrateTo24_0_0 removes it
    assert steps(found, "Verify Existing Account by Re-authentication")[1] == "First broker login - Conditional 2FA"
    assert "First broker login - Conditional OTP" not in found  # the old sub-flow only it used went with it
    assert found["registration"]["id"] != "id-registration"


async def test_a_file_before_keycloak_15_marks_sub_flows_only_with_the_misspelt_flag(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    data = keycloak_22_realm()
    data["realm"], data["keycloakVersion"] = "kc10", "10.0.2"
    for f in data["authenticationFlows"]:
        for e in f["authenticationExecutions"]:
            del e["authenticatorFlow"]  # Keycloak 10 wrote autheticatorFlow alone
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        await import_data(db, data)
    out = await files.export_realm(db, "kc10")
    found = by_alias(out)
    assert steps(found, "cookieless browser") == ["cookieless forms"]
    assert out["browserFlow"] == "cookieless browser"
    assert found["browser"]["id"] == "id-browser"  # read with its sub-flows, so kept as the file has it
    assert "'browser'" not in caplog.text


async def test_a_custom_flow_bound_where_doorkeep_cannot_run_it_is_kept_and_the_binding_falls_back(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    data = keycloak_22_realm()
    data["registrationFlow"] = "cookieless browser"
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        await import_data(db, data)
    out = await files.export_realm(db, "kc22")
    assert out["registrationFlow"] == "registration"
    assert "cookieless browser" in by_alias(out)
    assert "registrationFlow" in caplog.text
