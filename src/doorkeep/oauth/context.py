"""What every protocol function receives: injected services and the parsed request."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from doorkeep.clock import Clock
from doorkeep.keys.ring import KeyRing
from doorkeep.model import Realm
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.tokens import TokenCodec


@dataclass(frozen=True)
class Services:
    """Per-process dependencies, built once in the composition root."""

    clock: Clock
    keyring: KeyRing
    codec: TokenCodec
    client_keys: ClientKeys | None = None  # JWK sets of clients' jwks.url (oauth/client_keys.py)


class Form:
    """Form parameters with repeated keys kept, so duplicates can be refused."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in pairs:
            self._values.setdefault(key, []).append(value)

    @classmethod
    def parse(cls, body: bytes) -> Form:
        """Parse ``application/x-www-form-urlencoded`` (invalid UTF-8 raises ValueError)."""
        text = body.decode("utf-8")
        return cls(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))

    def get(self, key: str) -> str | None:
        values = self._values.get(key)
        return values[0] if values else None

    def all(self, key: str) -> list[str]:
        return list(self._values.get(key, ()))

    def non_empty(self, key: str) -> str | None:
        value = self.get(key)
        return value if value else None

    def has_duplicates(self) -> bool:
        return any(len(v) > 1 for v in self._values.values())

    def keys(self) -> list[str]:
        return list(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values


@dataclass(frozen=True)
class OAuthRequest:
    """A protocol request as the core sees it."""

    realm: Realm
    issuer: str
    form: Form
    authorization: str | None = None
    method: str = "POST"  # GET carries its parameters in the query string, POST in the form body
    ip_address: str = "127.0.0.1"
    user_agent: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # (credential id, matches) from checking the password before the writing transaction began;
    # argon2 then runs outside SQLite's write lock. Re-checked against the credential id inside.
    password_verdict: tuple[str, bool] | None = None
    # Clients' public keys and the clock for JWT client authentication (the process's, from Services).
    client_keys: ClientKeys | None = None
