"""Refresh-token rotation settings of doorkeep.policy: Revoke Refresh Token and its max reuse, client over
realm (KEYCLOAK.md §6.3)."""

from __future__ import annotations

import pytest

from doorkeep import policy
from policy_values import make_client, make_realm

# --------------------------------------------------------------------------------------------------
# rotation settings (§5.2 [VERSION 27-dev], §6.3)


@pytest.mark.parametrize(
    ("realm_revoke", "attributes", "expected"),
    [
        (False, {}, False),
        (True, {}, True),
        (False, {"revoke.refresh.token": ""}, False),
        (True, {"revoke.refresh.token": ""}, True),
        (True, {"revoke.refresh.token": "  "}, True),
        (False, {"revoke.refresh.token": "true"}, True),
        (True, {"revoke.refresh.token": "false"}, False),
        (True, {"revoke.refresh.token": "true"}, True),
        (False, {"revoke.refresh.token": "false"}, False),
        (False, {"revoke.refresh.token": "TRUE"}, True),
    ],
)
def test_revoke_refresh_token_client_attribute_overrides_the_realm_and_blank_inherits(
    realm_revoke: bool, attributes: dict[str, str], expected: bool
) -> None:
    realm = make_realm(revoke_refresh_token=realm_revoke)
    assert policy.revoke_refresh_token(realm, make_client(attributes)) is expected


@pytest.mark.parametrize("realm_revoke", [False, True])
def test_revoke_refresh_token_without_a_client_is_the_realm_setting(realm_revoke: bool) -> None:
    assert policy.revoke_refresh_token(make_realm(revoke_refresh_token=realm_revoke), None) is realm_revoke


@pytest.mark.parametrize(
    ("realm_max", "attributes", "expected"),
    [
        (0, {}, 0),
        (3, {}, 3),
        (3, {"refresh.token.max.reuse": ""}, 3),
        (3, {"refresh.token.max.reuse": "  "}, 3),
        (3, {"refresh.token.max.reuse": "0"}, 0),
        (0, {"refresh.token.max.reuse": "2"}, 2),
        (5, {"refresh.token.max.reuse": "1"}, 1),
        (1, {"refresh.token.max.reuse": "10"}, 10),
    ],
)
def test_refresh_token_max_reuse_client_attribute_overrides_the_realm_and_blank_inherits(
    realm_max: int, attributes: dict[str, str], expected: int
) -> None:
    realm = make_realm(refresh_token_max_reuse=realm_max)
    assert policy.refresh_token_max_reuse(realm, make_client(attributes)) == expected


def test_refresh_token_max_reuse_without_a_client_is_the_realm_setting() -> None:
    assert policy.refresh_token_max_reuse(make_realm(refresh_token_max_reuse=4), None) == 4
