"""The portal's configuration, from ``PORTAL_*`` environment variables (defaults match ``make demo``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    doorkeep_url: str = "http://127.0.0.1:8080"
    realm: str = "demo"
    client_id: str = "offline-access-portal"
    client_secret: str = "password"
    public_url: str = "http://127.0.0.1:8081"
    backup_url: str = "http://127.0.0.1:8082"
    store_dir: Path = Path(".demo/tokens")

    @property
    def issuer(self) -> str:
        return f"{self.doorkeep_url}/realms/{self.realm}"

    @property
    def oidc(self) -> str:
        return f"{self.issuer}/protocol/openid-connect"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/callback"

    @classmethod
    def from_environment(cls) -> Settings:
        env, default = os.environ, cls()
        return cls(
            doorkeep_url=env.get("PORTAL_DOORKEEP_URL", default.doorkeep_url).rstrip("/"),
            realm=env.get("PORTAL_REALM", default.realm),
            client_id=env.get("PORTAL_CLIENT_ID", default.client_id),
            client_secret=env.get("PORTAL_CLIENT_SECRET", default.client_secret),
            public_url=env.get("PORTAL_PUBLIC_URL", default.public_url).rstrip("/"),
            backup_url=env.get("PORTAL_BACKUP_URL", default.backup_url).rstrip("/"),
            store_dir=Path(env.get("PORTAL_STORE", str(default.store_dir))),
        )
