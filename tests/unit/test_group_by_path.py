"""admin.groups.by_path, KeycloakModelUtils.findGroupByPath as the realm's ``group-by-path``, the organization
groups' ``group-by-path`` and the Hardcoded Group identity provider mapper all read a group path: the leading and
trailing slashes optional, a slash inside a name a character like any other, and nothing for a path no group has."""

from __future__ import annotations

import pytest

from doorkeep.admin.groups import by_path
from doorkeep.model import Group

GROUPS = [
    Group("t", "r", "top", None, "/top"),
    Group("s", "r", "sub", "t", "/top/sub"),
    Group("x", "r", "a/b", "t", "/top/a/b"),
    Group("o", "r", "other", None, "/other"),
]


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/top", "t"),
        ("top", "t"),
        ("/top/", "t"),
        ("top/sub", "s"),
        ("/top/sub/", "s"),
        ("/top/a/b", "x"),
        ("/other", "o"),
        ("/sub", None),
        ("/top/none", None),
        ("/", None),
        ("", None),
        ("/TOP", None),
    ],
)
def test_a_path_names_the_group_keycloak_finds_there(path: str, found: str | None) -> None:
    group = by_path(GROUPS, path)
    assert (group.id if group else None) == found
