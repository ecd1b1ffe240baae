"""secret_rotation's pure rules: the executor configuration Keycloak accepts (Configuration.validateConfig, as
Jackson binds an Integer) and the expiry of the secret and of the rotated secret."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.clientpolicies import secret_rotation as sr


def config(expiration: Any, rotated: Any, remaining: Any) -> dict[str, Any]:
    return {
        sr.EXPIRATION_PERIOD: expiration,
        sr.ROTATED_EXPIRATION_PERIOD: rotated,
        sr.REMAINING_ROTATION_PERIOD: remaining,
    }


@pytest.mark.parametrize(
    ("periods", "valid"),
    [
        ((3600, 600, 1800), True),
        (("3600", "0", "0"), True),  # Jackson binds numeric strings
        ((60, 60, 60), True),
        ((60, 61, 30), False),  # the rotated secret outlives the secret
        ((60, 30, 61), False),
        ((0, 0, 0), False),
        ((-1, 0, 0), False),
        ((True, 0, 0), False),
        (("soon", 0, 0), False),
        ((None, 30, 20), False),
        ((60.5, 30, 20), False),
    ],
)
def test_valid_config(periods: tuple[Any, Any, Any], valid: bool) -> None:
    assert sr.valid_config(config(*periods)) is valid


@pytest.mark.parametrize(
    ("expiry", "now", "expired"),
    [
        (None, 100, False),
        ("", 100, False),
        ("0", 100, False),
        ("100", 100, False),
        ("99", 100, True),
        ("x", 100, False),
    ],
)
def test_secret_expired(expiry: str | None, now: int, expired: bool) -> None:
    attributes = {} if expiry is None else {sr.EXPIRATION_TIME: expiry}
    assert sr.secret_expired(attributes, now) is expired


def test_the_rotated_secret_counts_until_its_expiry_and_needs_its_creation_time() -> None:
    rotated = {sr.ROTATED_SECRET: "old", sr.ROTATED_CREATION_TIME: "10", sr.ROTATED_EXPIRATION_TIME: "100"}
    assert sr.rotated_secret_matches(rotated, "old", 100)
    assert not sr.rotated_secret_matches(rotated, "old", 101)
    assert not sr.rotated_secret_matches(rotated, "other", 50)
    assert not sr.rotated_secret_matches({**rotated, sr.ROTATED_CREATION_TIME: ""}, "old", 50)
    assert not sr.rotated_secret_matches(
        {k: v for k, v in rotated.items() if k != sr.ROTATED_EXPIRATION_TIME}, "old", 50
    )


def test_without_rotation_drops_the_expiry_and_the_rotated_secret_only() -> None:
    attributes = {
        sr.CREATION_TIME: "1",
        sr.EXPIRATION_TIME: "2",
        sr.ROTATED_SECRET: "s",
        sr.ROTATED_CREATION_TIME: "3",
        sr.ROTATED_EXPIRATION_TIME: "4",
        "other": "kept",
    }
    assert sr.without_rotation(attributes) == {sr.CREATION_TIME: "1", "other": "kept"}
