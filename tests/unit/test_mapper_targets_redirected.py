"""doorkeep.admin.mapper_targets.redirected: what a change made the mappers hand out that they did not before."""

from __future__ import annotations

from doorkeep.admin.mapper_targets import Target, redirected

ADMINS = Target("group", "g-admins")
BOSS = Target("role", "r-boss")


def test_a_mapper_that_named_nothing_and_now_names_a_group_is_redirected() -> None:
    assert redirected({}, {"idp:m": ADMINS}) == [ADMINS]


def test_a_mapper_that_followed_its_target_is_not_redirected() -> None:
    assert redirected({"idp:m": ADMINS}, {"idp:m": ADMINS}) == []


def test_a_mapper_that_lost_its_target_hands_out_nothing_new() -> None:
    assert redirected({"idp:m": ADMINS}, {}) == []


def test_each_new_target_is_listed_once_whatever_the_number_of_mappers() -> None:
    after = {"idp:a": BOSS, "idp:b": BOSS, "protocol:c:d": ADMINS, "idp:kept": ADMINS}
    assert redirected({"idp:kept": ADMINS}, after) == [BOSS, ADMINS]
