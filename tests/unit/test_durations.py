"""Keycloak's duration values for --shutdown-delay and --shutdown-timeout."""

from __future__ import annotations

import pytest

from doorkeep.server.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1", 1.0),
        ("0", 0.0),
        ("30s", 30.0),
        ("500ms", 0.5),
        ("2m", 120.0),
        ("1h", 3600.0),
        ("1d", 86400.0),
        ("PT30S", 30.0),
        ("pt1m", 60.0),
        ("PT1H30M", 5400.0),
        ("P1D", 86400.0),
        ("PT0.5S", 0.5),
        (" 10s ", 10.0),
    ],
)
def test_accepted_forms(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "s", "-1", "1.5", "1x", "10 s", "1sec", "P", "PT", "P1DT", "PT-1S", "1e3", "１", "99999999999s"]
)
def test_anything_else_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration: use an integer number of seconds"):
        parse_duration(text)
