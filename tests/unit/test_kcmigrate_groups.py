"""Keycloak's group, mapper and scope-mapping rows as realm-export JSON (realms.kcmigrate.groups)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from doorkeep.realms.kcmigrate.groups import group_tree, mappers_of, scope_mappings, user_groups


class RoleRow(TypedDict):
    name: str
    client_role: bool
    client: NotRequired[str]


ROLES: dict[str, RoleRow] = {
    "r1": {"name": "staff", "client_role": False},
    "r2": {"name": "viewer", "client_role": True, "client": "c1"},
}
CLIENTS = {"c1": {"client_id": "portal"}}


def _refs(role_ids: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    realm = sorted(ROLES[r]["name"] for r in role_ids if not ROLES[r]["client_role"])
    client = sorted(ROLES[r]["name"] for r in role_ids if ROLES[r]["client_role"])
    return realm, ({"portal": client} if client else {})


def _tables(**rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    names: tuple[str, ...] = ("keycloak_group", "group_attribute", "group_role_mapping", "user_group_membership")
    names += ("protocol_mapper", "protocol_mapper_config", "scope_mapping", "client_scope_role_mapping")
    return {n: rows.get(n, []) for n in names}


def test_groups_nest_under_their_parent_with_paths_attributes_and_roles() -> None:
    t = _tables(
        keycloak_group=[
            {"id": "g2", "name": "night", "parent_group": "g1"},
            {"id": "g1", "name": "staff", "parent_group": " "},
            {"id": "g0", "name": "legacy", "parent_group": None},
        ],
        group_attribute=[{"group_id": "g1", "name": "dept", "value": "ops"}],
        group_role_mapping=[{"group_id": "g2", "role_id": "r1"}, {"group_id": "g2", "role_id": "r2"}],
        user_group_membership=[{"group_id": "g2", "user_id": "u1"}],
    )
    tree, paths = group_tree(t, _refs)
    assert [g["name"] for g in tree] == ["legacy", "staff"]
    [night] = tree[1]["subGroups"]
    assert (tree[1]["attributes"], night["path"]) == ({"dept": ["ops"]}, "/staff/night")
    assert (night["realmRoles"], night["clientRoles"]) == (["staff"], {"portal": ["viewer"]})
    assert user_groups(t, paths) == {"u1": ["/staff/night"]}


def test_organization_groups_and_their_subgroups_are_left_out_of_the_tree() -> None:
    t = _tables(
        keycloak_group=[
            {"id": "o", "name": "acme", "parent_group": " ", "type": 1},
            {"id": "o2", "name": "team", "parent_group": "o", "type": 0},
        ]
    )
    assert group_tree(t, _refs) == ([], {})  # organizations.py carries and reports them


def test_mappers_keep_keycloaks_id_type_and_config_under_their_owner() -> None:
    t = _tables(
        protocol_mapper=[
            {"id": "m1", "name": "aud", "protocol": "openid-connect", "protocol_mapper_name": "oidc-audience-mapper"}
            | {"client_id": "c1", "client_scope_id": None}
        ],
        protocol_mapper_config=[{"protocol_mapper_id": "m1", "name": "included.custom.audience", "value": "api"}],
    )
    assert mappers_of(t, "client_id") == {
        "c1": [
            {
                "id": "m1",
                "name": "aud",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-audience-mapper",
                "consentRequired": False,
                "config": {"included.custom.audience": "api"},
            }
        ]
    }
    assert mappers_of(t, "client_scope_id") == {}


def test_scope_mappings_split_realm_roles_from_client_roles_by_the_roles_client() -> None:
    t = _tables(
        scope_mapping=[{"client_id": "c1", "role_id": "r1"}],
        client_scope_role_mapping=[{"scope_id": "s1", "role_id": "r2"}],
    )
    realm, client = scope_mappings(t, _refs, CLIENTS, {"s1": {"name": "tenant"}})
    assert realm == [{"client": "portal", "roles": ["staff"]}]
    assert client == {"portal": [{"clientScope": "tenant", "roles": ["viewer"]}]}
