"""A 201's Location names what was made as Keycloak's ``UriBuilder.path(name)`` writes it (RESTEasy's
Encode.encodePath): RFC 3986's pchar (``:``, ``@``, the sub-delims) and ``/`` kept, an existing ``%XX`` kept, every
other byte percent-encoded. A client that takes the new role's name or provider's alias from the Location's last
segment (python-keycloak's ``create_realm_role``, kcadm's "Created new role with id ...") reads what Keycloak's
gives it."""

from __future__ import annotations

import pytest

from doorkeep.web.http import jaxrs_path
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "http://localhost/admin/realms"


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("app:read", "app:read"),
        ("owner@shop", "owner@shop"),
        ("Maud_O'Kon", "Maud_O'Kon"),
        ("a+b=c;d,e!$&*()", "a+b=c;d,e!$&*()"),
        ("shop admin", "shop%20admin"),
        ("100%", "100%25"),
        ("a%41b", "a%41b"),
        ("Élise#1?", "%C3%89lise%231%3F"),
        ("x{y}[z]", "x%7By%7D%5Bz%5D"),
        ("a/b", "a/b"),
        # hostile: a line break or control character in a name never splits the header
        ("x\r\nSet-Cookie: a=1", "x%0D%0ASet-Cookie:%20a=1"),
        ("tab\there", "tab%09here"),
    ],
)
def test_a_name_is_encoded_as_jaxrs_uribuilder_path_encodes_it(name: str, encoded: str) -> None:
    assert jaxrs_path(name) == encoded


async def test_the_location_of_a_role_and_of_a_provider_keeps_colons_and_quotes(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    role = await env.http.post("/admin/realms/test/roles", headers=headers, json={"name": "app:read"})
    assert role.status_code == 201, role.text
    assert role.headers["location"] == f"{ADMIN}/test/roles/app:read"
    found = await env.http.get("/admin/realms/test/roles/app:read", headers=headers)
    assert found.status_code == 200 and found.json()["name"] == "app:read"
    provider = {"alias": "Maud_O'Kon", "providerId": "oidc"}
    made = await env.http.post("/admin/realms/test/identity-provider/instances", headers=headers, json=provider)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{ADMIN}/test/identity-provider/instances/Maud_O'Kon"
    realm = await env.http.post("/admin/realms", headers=headers, json={"realm": "shop'eu~1", "enabled": True})
    assert realm.status_code == 201, realm.text
    assert realm.headers["location"] == f"{ADMIN}/shop'eu~1"  # ':' and '@' are refused in realm names


async def test_a_role_named_with_a_line_break_gets_a_location_without_one(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    role = await env.http.post("/admin/realms/test/roles", headers=headers, json={"name": "x\r\nSet-Cookie: a=1"})
    assert role.status_code == 201, role.text
    assert role.headers["location"] == f"{ADMIN}/test/roles/x%0D%0ASet-Cookie:%20a=1"
    assert "set-cookie" not in role.headers


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("100%", "100%25"),
        ("a%41b", "a%2541b"),
        ("role-a-{pattern}", "role-a-%7Bpattern%7D"),
        ("app:read;x=1", "app:read;x=1"),
    ],
)
async def test_a_new_role_location_encodes_its_whole_name_as_one_path_segment(
    env: Env, name: str, encoded: str
) -> None:
    """RoleContainerResource.createRole writes ``path(Encode.encodePathSegmentAsIs(name))``: a ``/`` and every
    ``%`` (even one that looks like an escape) are encoded too, so the last segment decodes to the name."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    role = await env.http.post("/admin/realms/test/roles", headers=headers, json={"name": name})
    assert role.status_code == 201, role.text
    assert role.headers["location"] == f"{ADMIN}/test/roles/{encoded}"
    made = await env.http.post("/admin/realms/test/clients", headers=headers, json={"clientId": "shop"})
    assert made.status_code == 201, made.text
    client_uuid = made.headers["location"].rsplit("/", 1)[-1]
    roles = f"/admin/realms/test/clients/{client_uuid}/roles"
    client_role = await env.http.post(roles, headers=headers, json={"name": name})
    assert client_role.status_code == 201, client_role.text
    assert client_role.headers["location"] == f"{ADMIN}/test/clients/{client_uuid}/roles/{encoded}"
