"""Realm files older Keycloaks wrote, imported as Keycloak 26 imports them, on SQLite and on PostgreSQL.

The shapes are those of Keycloak's own migration-test exports (1.x-3.x: ``applications``, ``oauthClients``,
``applicationScopeMappings``, ``applicationRoles``, ``clientTemplates`` and scope mappings or clients naming a
``clientTemplate``; 13.0.1: client profiles and policies in the preview format Keycloak 14 changed), rebuilt here
small. Each was refused before ("expected exactly one of "client" and "clientScope"", "no client 'third-party'",
"proposed client profile contains the executor ...")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import import_data

pytestmark = pytest.mark.anyio


def applications_realm() -> dict[str, Any]:
    """Keycloak 1.x's names for clients and their roles (the shape of Keycloak's admin-test/testrealm.json)."""
    return {
        "realm": "legacy-apps",
        "enabled": True,
        "roles": {
            "realm": [{"name": "user"}, {"name": "boss", "composites": {"application": {"shop": ["buyer"]}}}],
            "application": {"shop": [{"name": "buyer"}, {"name": "seller"}]},
        },
        "applications": [{"name": "shop", "enabled": True, "publicClient": True, "redirectUris": ["/*"]}],
        "oauthClients": [{"name": "third-party", "enabled": True, "publicClient": True, "redirectUris": ["/*"]}],
        "scopeMappings": [{"client": "third-party", "roles": ["user"]}],
        "applicationScopeMappings": {"shop": [{"client": "third-party", "roles": ["buyer"]}]},
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "realmRoles": ["user"],
                "applicationRoles": {"shop": ["seller"]},
            }
        ],
    }


def templates_realm() -> dict[str, Any]:
    """Keycloak 2.x-3.x client templates (the shape of migration-realm-2.5.5.Final.json and 3.4.3.Final.json)."""
    return {
        "realm": "legacy-templates",
        "enabled": True,
        "roles": {"realm": [{"name": "reader"}], "client": {"app": [{"name": "app-role"}]}},
        "clientTemplates": [
            {
                "id": "3b7c3b5e-5a3a-4a6b-9b1e-7f3c2a1d0e01",
                "name": "Default test template",
                "description": "a template",
                "protocol": "openid-connect",
                "fullScopeAllowed": False,
                "protocolMappers": [
                    {
                        "name": "email",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-usermodel-property-mapper",
                        "consentRequired": False,
                        "config": {
                            "user.attribute": "email",
                            "claim.name": "email",
                            "jsonType.label": "String",
                            "id.token.claim": "true",
                            "access.token.claim": "true",
                            "userinfo.token.claim": "true",
                        },
                    }
                ],
            }
        ],
        "clients": [
            {"clientId": "app", "enabled": True, "publicClient": True, "redirectUris": ["/*"]},
            {
                "clientId": "client-with-template",
                "enabled": True,
                "publicClient": True,
                "redirectUris": ["/*"],
                "clientTemplate": "Default test template",
                "useTemplateScope": True,
                "useTemplateMappers": True,
            },
        ],
        "scopeMappings": [{"clientTemplate": "Default test template", "roles": ["reader"]}],
        "clientScopeMappings": {"app": [{"clientTemplate": "Default test template", "roles": ["app-role"]}]},
    }


async def test_applications_and_oauth_clients_become_clients_with_their_roles_and_scope_mappings(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    assert await import_data(db, applications_realm()) == "legacy-apps"
    out = await files.export_realm(db, "legacy-apps")
    clients = {c["clientId"]: c for c in out["clients"]}
    # convertDeprecatedApplications: an OAuth client asks for consent and has no full scope
    assert clients["third-party"]["consentRequired"] is True
    assert clients["third-party"]["fullScopeAllowed"] is False
    assert clients["shop"]["consentRequired"] is False
    assert {r["name"] for r in out["roles"]["client"]["shop"]} == {"buyer", "seller"}
    [boss] = [r for r in out["roles"]["realm"] if r["name"] == "boss"]
    assert boss["composites"]["client"] == {"shop": ["buyer"]}
    assert {"client": "third-party", "roles": ["user"]} in out["scopeMappings"]
    assert out["clientScopeMappings"]["shop"] == [{"client": "third-party", "roles": ["buyer"]}]
    [alice] = out["users"]
    assert alice["clientRoles"] == {"shop": ["seller"]}


async def test_client_templates_become_client_scopes_named_as_keycloak_stores_them(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    assert await import_data(db, templates_realm()) == "legacy-templates"
    out = await files.export_realm(db, "legacy-templates")
    scopes = {s["name"]: s for s in out["clientScopes"]}
    scope = scopes["Default_test_template"]  # KeycloakModelUtils.convertClientScopeName
    assert scope["id"] == "3b7c3b5e-5a3a-4a6b-9b1e-7f3c2a1d0e01"
    assert scope["description"] == "a template"
    assert [m["name"] for m in scope["protocolMappers"]] == ["email"]
    assert {"clientScope": "Default_test_template", "roles": ["reader"]} in out["scopeMappings"]
    assert out["clientScopeMappings"]["app"] == [{"clientScope": "Default_test_template", "roles": ["app-role"]}]
    clients = {c["clientId"]: c for c in out["clients"]}
    # createClient: the template is a default scope besides the realm's defaults; other clients do not get it
    assert "Default_test_template" in clients["client-with-template"]["defaultClientScopes"]
    assert "profile" in clients["client-with-template"]["defaultClientScopes"]
    assert "Default_test_template" not in clients["app"]["defaultClientScopes"]


async def test_a_client_template_no_scope_has_is_ignored_as_keycloak_ignores_it(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    data = templates_realm()
    data["clients"][1]["clientTemplate"] = "gone"
    db = await new_db()
    assert await import_data(db, data) == "legacy-templates"
    out = await files.export_realm(db, "legacy-templates")
    [client] = [c for c in out["clients"] if c["clientId"] == "client-with-template"]
    assert "gone" not in client["defaultClientScopes"]
    assert "profile" in client["defaultClientScopes"]


def keycloak_13_policies() -> dict[str, Any]:
    """Client policies in Keycloak 13's preview format (migration-realm-13.0.1-client-policies.json)."""
    return {
        "realm": "policies-13",
        "enabled": True,
        "keycloakVersion": "13.0.1",
        "clientProfiles": {
            "profiles": [
                {
                    "name": "fapi-profile",
                    "builtin": False,
                    "executors": [{"secure-responsetype-executor": {}}, {"secure-reqobj-executor": {}}],
                }
            ]
        },
        "clientPolicies": {
            "policies": [
                {"name": "builtin-default-policy", "builtin": True, "enable": False},
                {
                    "name": "fapi-policy",
                    "builtin": False,
                    "enable": True,
                    "conditions": [{"clientroles-condition": {"roles": ["sample-client-role"]}}],
                    "profiles": ["fapi-profile"],
                },
            ]
        },
    }


async def test_keycloak_13_client_policies_are_skipped_as_keycloak_14_and_later_skip_them(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        assert await import_data(db, keycloak_13_policies()) == "policies-13"
    out = await files.export_realm(db, "policies-13")
    assert out["clientProfiles"] == {"profiles": []}
    assert out["clientPolicies"] == {"policies": []}
    assert "clientPolicies (not in the format Keycloak 14 and later read)" in caplog.text


async def test_policies_in_todays_format_are_still_validated_and_kept(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    data = keycloak_13_policies()
    data["clientProfiles"] = {
        "profiles": [
            {"name": "p", "executors": [{"executor": "pkce-enforcer", "configuration": {"auto-configure": "true"}}]}
        ]
    }
    data["clientPolicies"] = {
        "policies": [
            {
                "name": "q",
                "enabled": True,
                "conditions": [{"condition": "any-client", "configuration": {}}],
                "profiles": ["p"],
            }
        ]
    }
    db = await new_db()
    await import_data(db, data)
    out = await files.export_realm(db, "policies-13")
    assert [p["name"] for p in out["clientProfiles"]["profiles"]] == ["p"]
    assert [p["name"] for p in out["clientPolicies"]["policies"]] == ["q"]
    data["clientProfiles"]["profiles"][0]["executors"][0]["executor"] = "no-such-executor"
    with pytest.raises(files.ImportError_, match="proposed client profile contains the executor"):
        await import_data(db, data)
