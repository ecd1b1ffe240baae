"""``tokens.new_id``: the ids of tokens and sessions are random version-4 UUIDs in their usual string form."""

from __future__ import annotations

import uuid

from doorkeep.tokens import access_jti, new_id


def test_new_ids_are_random_version_4_uuids_written_as_uuid_writes_them() -> None:
    ids = [new_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == value  # lower-case hex, 8-4-4-4-12
    # every bit outside the version and variant varies: none is stuck at 0 or at 1
    numbers = [uuid.UUID(value).int for value in ids]
    fixed = (0xF << 76) | (0x3 << 62)
    free = ((1 << 128) - 1) & ~fixed
    assert all(n & fixed == (0x4 << 76) | (0x2 << 62) for n in numbers)
    seen_one = 0
    seen_zero = 0
    for n in numbers:
        seen_one |= n
        seen_zero |= ~n
    assert seen_one & free == free and seen_zero & free == free


def test_an_access_token_jti_is_keycloaks_prefix_and_a_new_id() -> None:
    jti = access_jti(True, "refresh_token")
    prefix, _, rest = jti.partition(":")
    assert prefix == "ofrtrt" and uuid.UUID(rest).version == 4
