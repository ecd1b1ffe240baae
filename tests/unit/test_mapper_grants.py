"""Which role a protocol mapper hands out, and when a rewrite hands out nothing new (doorkeep.admin.mapper_grants)."""

from __future__ import annotations

import pytest

from doorkeep.admin.mapper_grants import added_role, added_roles, named_role
from doorkeep.model import ProtocolMapper

HARDCODED = "oidc-hardcoded-role-mapper"
RENAME = "oidc-role-name-mapper"


def mapper(kind: str, name: str = "m", mapper_id: str = "1", **config: str) -> ProtocolMapper:
    return ProtocolMapper(id=mapper_id, name=name, mapper=kind, config=dict(config))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (mapper(HARDCODED, role="realm-management.realm-admin"), "realm-management.realm-admin"),
        (mapper(RENAME, role="offline_access", **{"new.role.name": "realm-admin"}), "realm-admin"),
        (mapper(HARDCODED), None),
        (mapper(HARDCODED, role=""), None),
        (mapper("oidc-usermodel-realm-role-mapper", role="realm-admin"), None),
        (mapper("oidc-audience-mapper", **{"included.client.audience": "realm-management"}), None),
    ],
)
def test_the_role_a_mapper_puts_into_tokens(given: ProtocolMapper, expected: str | None) -> None:
    assert named_role(given) == expected


def test_a_rewrite_naming_the_same_role_the_same_way_hands_out_nothing_new() -> None:
    old = mapper(HARDCODED, role="realm-admin")
    assert added_role(mapper(HARDCODED, name="renamed", role="realm-admin"), old) is None
    assert added_role(mapper(HARDCODED, role="other"), old) == "other"
    swapped = mapper(RENAME, role="offline_access", **{"new.role.name": "realm-admin"})
    assert added_role(swapped, old) == "realm-admin"  # another type hands it out another way


def test_a_client_update_matches_mappers_by_protocol_and_name() -> None:
    existing = [mapper(HARDCODED, name="kept", role="realm-admin")]
    wanted = [
        mapper(HARDCODED, name="kept", mapper_id="new-id", role="realm-admin"),
        mapper(HARDCODED, name="added", mapper_id="2", role="realm-admin"),
    ]
    assert added_roles(existing, wanted) == [None, "realm-admin"]
    assert added_roles((), wanted) == ["realm-admin", "realm-admin"]
