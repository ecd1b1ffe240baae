"""The device a session was started from, from its User-Agent (shown by the account API).

Keycloak keeps the same facts in a session note: operating system and version, device, browser, and
whether the agent says "mobile", parsed by ua-parser (uap-java there, its Python port here: the same
uap-core regexes, pinned in pyproject.toml).
Doorkeep adds another on offline sessions (issue #13 item 2): ``device.label``, the label the client
sent as ``device_label`` on the token request that created the offline session, or else one made from
the other notes ("Chrome/120.0 on Linux"). docs/offline-devices.md.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import ua_parser

OTHER = "Other"
UNKNOWN = "Unknown"
MOBILE_NOTE = "mobile"
MAX_USER_AGENT = 512  # DeviceRepresentationProviderImpl.USER_AGENT_MAX_LENGTH: a longer agent is ignored


def _version(*parts: str | None) -> str | None:
    """Keycloak's version string: major, then ``.minor``, ``.patch``… for each part present (Java's
    string concatenation, so a missing major before a present minor reads ``null``)."""
    if all(part is None for part in parts):
        return None
    head, *rest = parts
    return ".".join([head or "null", *(part for part in rest if part is not None)])


def notes_for(user_agent: str) -> dict[str, str]:
    """Session notes ``os``, ``os.version``, ``device``, ``browser``, ``mobile`` as Keycloak's
    DeviceRepresentationProviderImpl derives them with ua-parser (uap-core's regexes); no notes for an
    empty agent or one over 512 characters (Keycloak's unknown device)."""
    if not user_agent or len(user_agent) > MAX_USER_AGENT:
        return {}
    parsed = ua_parser.parse(user_agent)
    agent, system, device = parsed.user_agent, parsed.os, parsed.device
    browser_version = _version(agent.major, agent.minor, agent.patch) if agent else None
    os_version = _version(system.major, system.minor, system.patch, system.patch_minor) if system else None
    return {
        "os": system.family if system else OTHER,
        "os.version": os_version or UNKNOWN,  # DeviceRepresentation.getOsVersion
        "device": device.family if device else OTHER,
        "browser": f"{agent.family if agent else OTHER}/{browser_version or UNKNOWN}",
        MOBILE_NOTE: "true" if "mobile" in user_agent.lower() else "false",
    }


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


def derived_label(notes: Mapping[str, object]) -> str:
    """``Chrome/120.0.6099 on Mac OS X 10.15.7`` from the device notes; ``Other/Unknown on Other`` without them."""
    browser = str(notes.get("browser") or f"{OTHER}/{UNKNOWN}")
    system = str(notes.get("os") or OTHER)
    version = str(notes.get("os.version") or UNKNOWN)
    return f"{browser} on {system}" + ("" if version == UNKNOWN else f" {version}")


# The notes ``label_of`` reads: all an admin session read needs to select of an offline session's notes.
LABEL_NOTES = (LABEL_NOTE, "browser", "os", "os.version")


def label_of(notes: Mapping[str, object]) -> str:
    """The session's device label: the stored one, else the one its notes give."""
    stored = notes.get(LABEL_NOTE)
    return str(stored) if stored else derived_label(notes)
