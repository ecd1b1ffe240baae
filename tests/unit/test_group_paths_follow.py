"""broker.group_paths.followed (GroupConfigPropertyByPathSynchronizer): a mapper naming a renamed or moved group, or a
group below it, follows; a group that only shares a prefix of the name, and every other config value, stays."""

from __future__ import annotations

from doorkeep.broker.group_paths import followed
from doorkeep.model import JSON


def _mapper(path: str | None, **config: str) -> JSON:
    return {"id": path or "none", "name": "m", "config": {**config, **({"group": path} if path else {})}}


def test_the_group_and_those_below_it_follow_and_nothing_else_changes() -> None:
    mappers = (
        _mapper("/team", syncMode="FORCE"),
        _mapper("/team/sub/leaf"),
        _mapper("/team2"),
        _mapper("/other/team"),
        _mapper(None, role="team"),
    )
    moved = followed(mappers, "/team", "/org/crew")
    assert moved is not None
    assert [m["config"].get("group") for m in moved] == [
        "/org/crew",
        "/org/crew/sub/leaf",
        "/team2",
        "/other/team",
        None,
    ]
    assert moved[0]["config"]["syncMode"] == "FORCE" and moved[4] == mappers[4]
    assert mappers[0]["config"]["group"] == "/team"  # the stored tuple is not changed in place


def test_no_mapper_naming_the_group_is_nothing_to_write() -> None:
    assert followed((_mapper("/team2"), _mapper(None)), "/team", "/crew") is None
