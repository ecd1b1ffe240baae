"""The device a session was started from, from its User-Agent (shown by the account API).

Keycloak keeps the same four facts as session notes: operating system and version, device, browser.
"""

from __future__ import annotations

import re

OTHER = "Other"
UNKNOWN = "Unknown"
_BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/([\d.]+)"),
    ("Opera", r"OPR/([\d.]+)"),
    ("Firefox", r"Firefox/([\d.]+)"),
    ("Chrome", r"(?:Chrome|CriOS|HeadlessChrome)/([\d.]+)"),
    ("Safari", r"Version/([\d.]+).*Safari/"),
]
_SYSTEMS = [
    ("Windows", r"Windows NT ([\d.]+)"),
    ("iOS", r"(?:iPhone|iPad).*OS (\d+[_\d]*)"),
    ("Android", r"Android ([\d.]+)"),
    ("Mac OS X", r"Mac OS X (\d+[_.\d]*)"),
    ("Linux", r"Linux()"),
]


def notes_for(user_agent: str) -> dict[str, str]:
    """Session notes ``os``, ``os.version``, ``device``, ``browser`` (empty for an empty agent)."""
    if not user_agent:
        return {}
    agent = user_agent[:512]
    browser = f"{OTHER}/{UNKNOWN}"
    for name, pattern in _BROWSERS:
        match = re.search(pattern, agent)
        if match:
            browser = f"{name}/{match.group(1)}"
            break
    system, version = OTHER, UNKNOWN
    for name, pattern in _SYSTEMS:
        match = re.search(pattern, agent)
        if match:
            system, version = name, (match.group(1).replace("_", ".") or UNKNOWN)
            break
    device = "Mobile" if re.search(r"Mobile|iPhone|Android", agent) else OTHER
    return {"os": system, "os.version": version, "device": device, "browser": browser}
