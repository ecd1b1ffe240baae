"""Keycloak's new-framework ExportImportTest (tests/base/.../tests/exportimport/), the method the admin API shows.

``testImportFromRealmWithPartialAuthenticationFlows``: a realm representation whose only flow is a custom top-level
one ("X.509 browser", an auth-cookie step) is created (``importRealmFromFile`` posts it to ``/admin/realms``); the
built-in flows are added beside it.

Not ported, with the reason: the export/import methods (dir and single-file providers, ``testExportUserProfileConfig``,
``testImportIgnoreExistingMissingClientId``, the full and realm round trips) configure and run Keycloak's
ExportImport SPI inside the server (run-on-server); Doorkeep's offline ``doorkeep export`` / ``import`` are covered by
tests/contract/test_realm_io.py. ``testImportFromPartialExport`` reads realm files of Keycloak's test resources (not copied here): its
``import-without-clients`` case is written below in the same shape, a pre-13 export with realm roles, the
deprecated ``defaultRoles``, an empty ``smtpServer``, key providers and no clients; the other two files and
``testImportWithNullAuthenticatorConfigAndNoDefaultBrowserFlow``'s are left.
"""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "partial-authentication-flows-import"


async def test_import_from_realm_with_partial_authentication_flows(env: Env) -> None:
    """ExportImportTest#testImportFromRealmWithPartialAuthenticationFlows."""
    headers = await env.admin_headers()
    step = {"requirement": "ALTERNATIVE", "priority": 10, "authenticator": "auth-cookie", "authenticatorFlow": False}
    flow = {
        "alias": "X.509 browser",
        "description": "Browser-based authentication",
        "providerId": "basic-flow",
        "topLevel": True,
        "builtIn": False,
        "authenticationExecutions": [{**step, "autheticatorFlow": False, "userSetupAllowed": False}],
    }
    created = await env.http.post(
        "/admin/realms", json={"enabled": True, "realm": REALM, "authenticationFlows": [flow]}, headers=headers
    )
    assert created.status_code == 201, created.text

    realm = await env.http.get(f"/admin/realms/{REALM}", headers=headers)
    assert realm.status_code == 200, realm.text
    flows = (await env.http.get(f"/admin/realms/{REALM}/authentication/flows", headers=headers)).json()
    aliases = {f["alias"] for f in flows}
    assert {"X.509 browser", "browser", "direct grant", "registration", "reset credentials"} <= aliases
    removed = await env.http.delete(f"/admin/realms/{REALM}", headers=headers)
    assert removed.status_code == 204, removed.text


async def test_import_from_partial_export_without_clients(env: Env) -> None:
    """ExportImportTest#testImportFromPartialExport, its import-without-clients realm: roles, no clients."""
    headers = await env.admin_headers()
    name = "import-without-clients"
    roles = [
        {"name": "uma_authorization", "description": "${role_uma_authorization}", "composite": False},
        {"name": "offline_access", "description": "${role_offline-access}", "scopeParamRequired": True},
    ]
    keys = [{"name": p, "providerId": p, "subComponents": {}, "config": {"priority": ["100"]}} for p in KEY_PROVIDERS]
    realm = {
        "id": name,
        "realm": name,
        "enabled": True,
        "sslRequired": "external",
        "roles": {"realm": [{**r, "clientRole": False, "containerId": name} for r in roles]},
        "groups": [],
        "defaultRoles": ["uma_authorization", "offline_access"],
        "requiredCredentials": ["password"],
        "smtpServer": {},
        "eventsListeners": ["jboss-logging"],
        "components": {"org.keycloak.keys.KeyProvider": keys},
        "supportedLocales": [],
    }
    created = await env.http.post("/admin/realms", json=realm, headers=headers)
    assert created.status_code == 201, created.text
    assert (await env.http.get(f"/admin/realms/{name}", headers=headers)).status_code == 200
    removed = await env.http.delete(f"/admin/realms/{name}", headers=headers)
    assert removed.status_code == 204, removed.text


KEY_PROVIDERS = ("hmac-generated", "rsa-generated", "aes-generated")
