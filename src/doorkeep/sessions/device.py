"""The device a session was started from, from its User-Agent (shown by the account API).

Keycloak keeps the same four facts as session notes: operating system and version, device, browser.
Doorkeep adds a fifth on offline sessions (issue #13 item 2): ``device.label``, the label the client
sent as ``device_label`` on the token request that created the offline session, or else one made from
the other notes ("Chrome/120.0 on Linux"). docs/offline-devices.md.
"""

from __future__ import annotations

import re
import unicodedata

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


LABEL_NOTE = "device.label"
LABEL_PARAM = "device_label"
MAX_LABEL = 64  # characters kept of a label
MAX_RAW_LABEL = 255  # longer than this is refused, not cut


class LabelError(ValueError):
    """The ``device_label`` parameter is unusable; the message is the ``invalid_request`` description."""


def clean_label(raw: str) -> str | None:
    """A label as stored: control and format characters dropped, whitespace collapsed, at most
    ``MAX_LABEL`` characters; None when nothing is left. Over ``MAX_RAW_LABEL`` characters is refused."""
    if len(raw) > MAX_RAW_LABEL:
        raise LabelError(f"Invalid parameter: {LABEL_PARAM}")
    kept = "".join(" " if ch.isspace() else ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch.isspace())
    text = " ".join(kept.split())[:MAX_LABEL].strip()
    return text or None


def derived_label(notes: dict[str, object]) -> str:
    """``Chrome/120.0 on Linux 6.1`` from the device notes; ``Other/Unknown on Other`` without them."""
    browser = str(notes.get("browser") or f"{OTHER}/{UNKNOWN}")
    system = str(notes.get("os") or OTHER)
    version = str(notes.get("os.version") or UNKNOWN)
    return f"{browser} on {system}" + ("" if version == UNKNOWN else f" {version}")


# The notes ``label_of`` reads: all an admin session read needs to select of an offline session's notes.
LABEL_NOTES = (LABEL_NOTE, "browser", "os", "os.version")


def label_of(notes: dict[str, object]) -> str:
    """The session's device label: the stored one, else the one its notes give."""
    stored = notes.get(LABEL_NOTE)
    return str(stored) if stored else derived_label(notes)
