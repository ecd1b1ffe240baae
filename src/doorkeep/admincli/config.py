"""The per-user credentials file (kcadm's ``~/.keycloak/kcadm.config``; ours is ``~/.doorkeep/admin.config``).

Same shape as kcadm's: the current ``serverUrl`` and ``realm``, and under ``endpoints[server][realm]`` the
tokens with their expiry times in epoch milliseconds. The file holds bearer tokens (and a service
account's secret), so it is created 0600 in a 0700 directory and replaced atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doorkeep.admincli.errors import AdminCliError

DEFAULT_PATH = Path("~/.doorkeep/admin.config")
CONFIG_ENV = "DOORKEEP_ADMIN_CONFIG"


LOGIN_KEYS = frozenset({"clientId", "token", "expiresAt", "refreshToken", "refreshExpiresAt", "secret"})


def default_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_PATH).expanduser()


@dataclass
class Login:
    """What ``config credentials`` obtained for one server and realm."""

    client_id: str
    token: str
    expires_at: int  # epoch ms
    refresh_token: str | None = None
    refresh_expires_at: int = 0  # epoch ms; 0 with no refresh token
    secret: str | None = None  # a confidential client's secret, to refresh or log in again

    def to_json(self) -> dict[str, Any]:
        out = {
            "clientId": self.client_id,
            "token": self.token,
            "expiresAt": self.expires_at,
            "refreshToken": self.refresh_token,
            "refreshExpiresAt": self.refresh_expires_at,
            "secret": self.secret,
        }
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Login:
        return cls(
            client_id=str(data.get("clientId", "admin-cli")),
            token=str(data["token"]),
            expires_at=int(data.get("expiresAt", 0)),
            refresh_token=data.get("refreshToken"),
            refresh_expires_at=int(data.get("refreshExpiresAt", 0)),
            secret=data.get("secret"),
        )


@dataclass
class Config:
    server_url: str | None = None
    realm: str | None = None
    endpoints: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    truststore: str | None = None  # kcreg's ``config truststore``; kept as the file has it
    trustpass: str | None = None

    def login(self) -> Login | None:
        """The login of the current server and realm, if any."""
        if not self.server_url or not self.realm:
            return None
        data = self.endpoints.get(self.server_url, {}).get(self.realm)
        return Login.from_json(data) if data and data.get("token") else None

    def set_login(self, server: str, realm: str, login: Login) -> None:
        """Store a login; the entry's other keys (kcreg's ``initialToken`` and ``clients``) stay."""
        self.server_url, self.realm = server, realm
        kept = {k: v for k, v in self.realm_data(server, realm).items() if k not in LOGIN_KEYS}
        self.endpoints[server][realm] = {**kept, **login.to_json()}

    def realm_data(self, server: str, realm: str) -> dict[str, Any]:
        """The entry of ``server`` and ``realm``, made empty when there is none (kcadm's ensureRealmConfigData)."""
        return self.endpoints.setdefault(server, {}).setdefault(realm, {})


def load(path: Path) -> Config:
    """The config at ``path``; an empty one when the file does not exist."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise AdminCliError(f"Failed to load configuration from {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if text.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return Config(
            server_url=data.get("serverUrl"),
            realm=data.get("realm"),
            endpoints=dict(data.get("endpoints") or {}),
            truststore=data.get("truststore"),
            trustpass=data.get("trustpass"),
        )
    except (ValueError, TypeError) as exc:
        raise AdminCliError(f"Failed to load configuration from {path}: {exc}") from None


def save(path: Path, config: Config) -> None:
    """Write atomically, readable by its owner only (0600), creating a private (0700) directory if needed."""
    data: dict[str, Any] = {"serverUrl": config.server_url, "realm": config.realm, "endpoints": config.endpoints}
    data.update({k: v for k, v in (("truststore", config.truststore), ("trustpass", config.trustpass)) if v})
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".admin-config-")  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(data, out, indent=2)
            os.chmod(temp, 0o600)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise AdminCliError(f"Failed to save configuration to {path}: {exc.strerror}") from None
