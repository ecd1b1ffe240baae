"""The record kept per (issuer, client, user/device): the offline token and what the application may show."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TokenKey:
    """Whose offline token this is. ``subject`` is the user id, optionally with a device suffix."""

    issuer: str
    client_id: str
    subject: str

    @property
    def id(self) -> str:
        """A file-name-safe, stable identifier of the key."""
        raw = "\n".join((self.issuer, self.client_id, self.subject)).encode()
        return hashlib.sha256(raw).hexdigest()[:40]


@dataclass(frozen=True)
class StoredGrant:
    """One stored offline grant. ``refreshing_since`` is set before a refresh is sent, cleared when stored."""

    key: TokenKey
    refresh_token: str
    scope: str
    obtained_at: int
    refresh_expires_at: int | None = None
    access_token: str | None = None
    access_expires_at: int = 0
    refreshed_at: int | None = None
    refresh_count: int = 0
    refreshing_since: int | None = None
    label: str = ""

    @property
    def offline(self) -> bool:
        return "offline_access" in self.scope.split()

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoredGrant:
        data: dict[str, Any] = json.loads(text)
        data["key"] = TokenKey(**data["key"])
        return cls(**data)

    @classmethod
    def from_token_response(cls, key: TokenKey, body: Mapping[str, Any], now: int, label: str = "") -> StoredGrant:
        """A new record from an authorization-code (or password) token response."""
        refresh = body.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            raise ValueError("the token response carries no refresh_token")
        return cls(
            key=key,
            refresh_token=refresh,
            scope=str(body.get("scope", "")),
            obtained_at=now,
            label=label,
            **_lifetimes(body, now),
        )

    def after_refresh(self, body: Mapping[str, Any], now: int) -> StoredGrant:
        """This record once the server answered a refresh: the new token replaces the old one."""
        refresh = body.get("refresh_token") or self.refresh_token  # no rotation: the same token goes on
        return dataclasses.replace(
            self,
            refresh_token=str(refresh),
            scope=str(body.get("scope", self.scope)),
            refreshed_at=now,
            refresh_count=self.refresh_count + 1,
            refreshing_since=None,
            **_lifetimes(body, now),
        )


def _lifetimes(body: Mapping[str, Any], now: int) -> dict[str, Any]:
    access = body.get("access_token")
    refresh_in = int(body.get("refresh_expires_in") or 0)  # 0: an offline token without a max lifespan
    return {
        "access_token": str(access) if access else None,
        "access_expires_at": now + int(body.get("expires_in") or 0) if access else 0,
        "refresh_expires_at": now + refresh_in if refresh_in > 0 else None,
    }
