"""python-keycloak 7.1.1's KeycloakAdmin group and protocol-mapper calls against ``doorkeep start-dev``,
and the tokens KeycloakOpenID then receives."""

from __future__ import annotations

import jwt
import pytest
from keycloak import KeycloakGetError

from interop.python_keycloak_support import admin_of, body_of, openid
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


def test_groups_and_mappers_set_up_through_python_keycloak_shape_alices_tokens(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, seed.name)
    org = admin.create_group({"name": "org", "attributes": {"department": ["ops"]}})
    assert org is not None
    team = admin.create_group({"name": "team"}, parent=org)
    assert team is not None
    assert admin.groups_count() == {"count": 2}
    groups = admin.get_groups(full_hierarchy=True)
    assert [(g["path"], [s["path"] for s in g["subGroups"]]) for g in groups] == [("/org", ["/org/team"])]
    assert admin.get_group_by_path("/org/team")["id"] == team
    assert admin.update_group(team, {"name": "backup"}) == {}
    assert admin.get_group(team)["path"] == "/org/backup"

    offline = admin.get_realm_role("offline_access")
    assert admin.assign_group_realm_roles(org, [offline]) == {}
    assert [r["name"] for r in admin.get_group_realm_roles(org)] == ["offline_access"]
    alice = admin.get_user_id(seed.username)
    assert alice is not None
    assert admin.group_user_add(alice, team) == {}
    assert [g["path"] for g in admin.get_user_groups(alice)] == ["/org/backup"]
    assert [m["username"] for m in admin.get_group_members(team)] == [seed.username]

    client = admin.get_client_id(seed.client_id)
    assert client is not None
    admin.add_mapper_to_client(
        client,
        {
            "name": "groups",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-group-membership-mapper",
            "config": {"claim.name": "groups", "full.path": "true", "access.token.claim": "true"},
        },
    )
    admin.add_mapper_to_client(
        client,
        {
            "name": "department",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-usermodel-attribute-mapper",
            "config": {"user.attribute": "department", "claim.name": "dept", "access.token.claim": "true"},
        },
    )
    # the seed's client also has its own audience mapper (so that it may introspect its tokens, Keycloak 26.6.2)
    assert {m["name"] for m in admin.get_mappers_from_client(client)} == {"groups", "department", "own audience"}

    token = openid(seeded_server, seed.name, seed.client_id, seed.client_secret).token(
        seed.username, seed.password, scope="openid offline_access"
    )
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert access["groups"] == ["/org/backup"]
    assert access["dept"] == "ops"  # the parent group's attribute
    assert "offline_access" in access["realm_access"]["roles"]
    assert jwt.decode(token["refresh_token"], options={"verify_signature": False})["typ"] == "Offline"

    assert admin.group_user_remove(alice, team) == {}
    assert admin.delete_group(org) == {}
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_group(team)
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find group by id"}
