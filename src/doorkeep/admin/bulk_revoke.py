"""Criteria of the bulk offline-session revocation (a Doorkeep extension, issue #13 3(b)).

``POST /admin/realms/{realm}/offline-sessions/revoke`` takes ``clientId``, ``userId`` or ``username``,
``startedBefore`` and ``lastAccessBefore`` (epoch seconds), ``ipAddress`` (an address or a CIDR range),
``deviceLabel`` (the session's device label, exact but case-insensitive: docs/offline-devices.md)
and ``dryRun``. The store matches the stored columns in SQL; an IP range is narrowed in SQL by the
text prefix its fixed octets share (``ip_prefix``) and checked exactly here (``ip_matches``).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from doorkeep.sessions import device

BATCH = 500  # offline sessions ended per transaction
SAMPLE = 20  # sessions shown by a dry run
MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: larger is no time, and would overflow a BIGINT
MAX_TEXT = 255

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class CriteriaError(ValueError):
    """The body is not usable criteria; the message is the admin error answered with 400."""


@dataclasses.dataclass(frozen=True)
class Criteria:
    client_id: str | None = None
    user_id: str | None = None
    username: str | None = None
    started_before: int | None = None
    last_access_before: int | None = None
    ip: Network | None = None
    device_label: str | None = None
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        """The criteria as the request named them (for the CLI and the docs' examples)."""
        out: dict[str, Any] = {
            "clientId": self.client_id,
            "userId": self.user_id,
            "username": self.username,
            "startedBefore": self.started_before,
            "lastAccessBefore": self.last_access_before,
            "ipAddress": None if self.ip is None else _ip_text(self.ip),
            "deviceLabel": self.device_label,
        }
        return {k: v for k, v in out.items() if v is not None} | {"dryRun": self.dry_run}


FIELDS = (
    "clientId",
    "userId",
    "username",
    "startedBefore",
    "lastAccessBefore",
    "ipAddress",
    "deviceLabel",
    "dryRun",
)


def _ip_text(network: Network) -> str:
    return str(network.network_address) if network.prefixlen == network.max_prefixlen else str(network)


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT or "\x00" in value:
        raise CriteriaError(f"{key} must be a non-empty string")
    return value.strip()


def _label(body: dict[str, Any]) -> str | None:
    """The label as stored labels are cleaned (so a pasted label matches), lower-cased for the comparison."""
    raw = _text(body, "deviceLabel")
    try:
        label = None if raw is None else device.clean_label(raw)
    except device.LabelError:
        label = None
    if raw is not None and label is None:
        raise CriteriaError("deviceLabel must be a non-empty string")
    return None if label is None else label.lower()


def _epoch(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_EPOCH:
        raise CriteriaError(f"{key} must be epoch seconds")
    return value


def parse(body: object) -> Criteria:
    """The criteria of a request body; at least one criterion besides ``dryRun``."""
    if not isinstance(body, dict):
        raise CriteriaError("Cannot parse the JSON")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise CriteriaError(f"Unknown criterion: {unknown[0]}")
    dry_run = body.get("dryRun", False)
    if not isinstance(dry_run, bool):
        raise CriteriaError("dryRun must be a boolean")
    if body.get("userId") is not None and body.get("username") is not None:
        raise CriteriaError("Give userId or username, not both")
    raw_ip = _text(body, "ipAddress")
    try:
        network = None if raw_ip is None else ipaddress.ip_network(raw_ip, strict=False)
    except ValueError:
        raise CriteriaError("ipAddress must be an IP address or a CIDR range") from None
    criteria = Criteria(
        client_id=_text(body, "clientId"),
        user_id=_text(body, "userId"),
        username=_text(body, "username"),
        started_before=_epoch(body, "startedBefore"),
        last_access_before=_epoch(body, "lastAccessBefore"),
        ip=network,
        device_label=_label(body),
        dry_run=dry_run,
    )
    if dataclasses.replace(criteria, dry_run=False) == Criteria():
        raise CriteriaError("At least one criterion is required")
    return criteria


def ip_exact(network: Network) -> str | None:
    """The single address a /32 (or /128) names, matched by equality; None for a range."""
    return str(network.network_address) if network.prefixlen == network.max_prefixlen else None


def ip_prefix(network: Network) -> str:
    """A text prefix every address of an IPv4 range starts with (``10.1.`` for 10.1.0.0/16), so the SQL
    can narrow with an index-friendly ``LIKE 'prefix%'``; empty for IPv6 (its text forms vary)."""
    if not isinstance(network, ipaddress.IPv4Network):
        return ""
    whole = network.prefixlen // 8
    octets = str(network.network_address).split(".")[:whole]
    return "".join(f"{octet}." for octet in octets)


def ip_matches(network: Network, text: str | None) -> bool:
    """The stored address lies in the range (an unparsable or missing address never does)."""
    if not text:
        return False
    try:
        return ipaddress.ip_address(text) in network
    except ValueError:
        return False
