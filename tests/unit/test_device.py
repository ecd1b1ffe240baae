"""Session device notes from User-Agent strings."""

from __future__ import annotations

import pytest

from doorkeep.sessions.device import notes_for

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (CHROME_LINUX, {"os": "Linux", "os.version": "Unknown", "device": "Other", "browser": "Chrome/120.0.6099.71"}),
        (FIREFOX_WINDOWS, {"os": "Windows", "os.version": "10.0", "device": "Other", "browser": "Firefox/121.0"}),
        (SAFARI_IPHONE, {"os": "iOS", "os.version": "17.1", "device": "Mobile", "browser": "Safari/17.1"}),
        (
            "python-requests/2.34",
            {"os": "Other", "os.version": "Unknown", "device": "Other", "browser": "Other/Unknown"},
        ),
        ("", {}),
    ],
)
def test_user_agents_become_device_notes(agent: str, expected: dict[str, str]) -> None:
    assert notes_for(agent) == expected
