"""Session device notes from User-Agent strings, as Keycloak 26 derives them with ua-parser
(DeviceRepresentationProviderImpl; the agents and answers of SessionRestServiceTest.testGetDevicesResponse
and testGetDevicesSessions, and a few current browsers)."""

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
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
# SessionRestServiceTest's agents.
KC_FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/15.0.1"
KC_FIREFOX_FEDORA = "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:15.0) Gecko/20100101 Firefox/15.0.1"
KC_EDGE = (
    "Mozilla/5.0 (Windows Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.71 "
    "Safari/537.36 Edge/12.0"
)
KC_SAFARI_WINDOWS_7 = "Mozilla/5.0 (Windows 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/11.0 Safari/603.1.30"
KC_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) "
    "Version/5.1 Mobile/9B206 Safari/7534.48.3"
)


def notes(os: str, version: str, device: str, browser: str, mobile: bool = False) -> dict[str, str]:
    return {"os": os, "os.version": version, "device": device, "browser": browser, "mobile": str(mobile).lower()}


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (KC_FIREFOX_WINDOWS, notes("Windows", "10", "Other", "Firefox/15.0.1")),
        (KC_FIREFOX_FEDORA, notes("Fedora", "Unknown", "Other", "Firefox/15.0.1")),
        (KC_EDGE, notes("Windows", "10", "Other", "Edge/12.0")),
        (KC_SAFARI_WINDOWS_7, notes("Windows", "7", "Other", "Safari/11.0")),
        (KC_IPHONE, notes("iOS", "5.1.1", "iPhone", "Mobile Safari/5.1", mobile=True)),
        # uap-java's UserAgent has no patchMinor: the browser version stops at the patch.
        (CHROME_LINUX, notes("Linux", "Unknown", "Other", "Chrome/120.0.6099")),
        (FIREFOX_WINDOWS, notes("Windows", "10", "Other", "Firefox/121.0")),
        (SAFARI_IPHONE, notes("iOS", "17.1", "iPhone", "Mobile Safari/17.1", mobile=True)),
        (CHROME_ANDROID, notes("Android", "14", "Pixel 8", "Chrome Mobile/120.0.0", mobile=True)),
        ("python-requests/2.34", notes("Other", "Unknown", "Other", "Python Requests/2.34")),
        ("python-httpx/0.28.1", notes("Other", "Unknown", "Other", "Other/Unknown")),
        ("", {}),
        ("Mozilla/5.0 " + "x" * 501, {}),  # over 512 characters: Keycloak ignores the header
    ],
)
def test_user_agents_become_device_notes(agent: str, expected: dict[str, str]) -> None:
    assert notes_for(agent) == expected


def test_an_agent_of_exactly_512_characters_is_still_parsed() -> None:
    assert notes_for("Mozilla/5.0 (Windows NT 10.0) Firefox/15.0 " + "x" * 469)["os"] == "Windows"
