"""``client-templates``: Keycloak's RealmAdminResource still answers this deprecated path with the very
ClientScopesResource (getClientTemplates returns getClientScopes()), so everything under ``client-scopes`` is
served there too, with the same checks, Locations built from the path called and admin events naming it.
"""

from __future__ import annotations

import pytest

from admin_support import FORBIDDEN_BODY, admin_events, enable_admin_events, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
TEMPLATES = f"{REALM}/client-templates"


async def test_a_scope_made_through_client_templates_is_a_client_scope_found_under_both_names(realm: Env) -> None:
    headers = await realm.admin_headers()
    made = await realm.http.post(TEMPLATES, json={"name": "legacy", "protocol": "openid-connect"}, headers=headers)
    assert made.status_code == 201, made.text
    location = made.headers["location"]
    assert location.startswith(f"http://localhost{TEMPLATES}/"), location
    scope_id = location.rsplit("/", 1)[1]
    for base in (TEMPLATES, f"{REALM}/client-scopes"):
        one = await realm.http.get(f"{base}/{scope_id}", headers=headers)
        assert (one.status_code, one.json()["name"]) == (200, "legacy"), base
    listed = await realm.http.get(TEMPLATES, headers=headers)
    assert "legacy" in [s["name"] for s in listed.json()]
    mapper = {"name": "aud", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": {}}
    added = await realm.http.post(f"{TEMPLATES}/{scope_id}/protocol-mappers/models", json=mapper, headers=headers)
    assert added.status_code == 201, added.text
    assert added.headers["location"].startswith(f"http://localhost{TEMPLATES}/{scope_id}/protocol-mappers/models/")
    assert (await realm.http.delete(f"{TEMPLATES}/{scope_id}", headers=headers)).status_code == 204
    gone = await realm.http.get(f"{REALM}/client-scopes/{scope_id}", headers=headers)
    assert (gone.status_code, gone.json()) == (404, {"error": "Could not find client scope"})


async def test_client_templates_asks_what_client_scopes_asks(realm: Env) -> None:
    """ClientScopesResource: listing needs query-clients (or more), creating manage-clients."""
    _, querier = await make_admin(realm, "test", "querier", "query-clients")
    _, users = await make_admin(realm, "test", "helpdesk", "manage-users")
    assert (await realm.http.get(TEMPLATES, headers=querier)).status_code == 200
    for headers in (querier, users):
        refused = await realm.http.post(TEMPLATES, json={"name": "nope"}, headers=headers)
        assert (refused.status_code, refused.json()) == (403, FORBIDDEN_BODY)
    listed = await realm.http.get(TEMPLATES, headers=users)
    assert (listed.status_code, listed.json()) == (403, FORBIDDEN_BODY)


async def test_admin_events_name_the_client_templates_path_with_the_client_scope_type(realm: Env) -> None:
    """AdminEventBuilder takes the path from the request's URI: ``client-templates/{id}``, resource CLIENT_SCOPE."""
    await enable_admin_events(realm, clear=True)
    headers = await realm.admin_headers()
    made = await realm.http.post(TEMPLATES, json={"name": "evented", "protocol": "openid-connect"}, headers=headers)
    scope_id = made.headers["location"].rsplit("/", 1)[1]
    update = {"id": scope_id, "name": "evented", "protocol": "openid-connect", "description": "d"}
    assert (await realm.http.put(f"{TEMPLATES}/{scope_id}", json=update, headers=headers)).status_code == 204
    seen = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in await admin_events(realm)]
    assert sorted(seen) == [
        ("CREATE", "CLIENT_SCOPE", f"client-templates/{scope_id}"),
        ("UPDATE", "CLIENT_SCOPE", f"client-templates/{scope_id}"),
    ]
