"""kcreg's config file (``~/.keycloak/kcreg.config``; ours is ``~/.doorkeep/reg.config``).

The admin CLI's file (:mod:`doorkeep.admincli.config`) with two more keys in each ``endpoints[server][realm]``
entry, as kcreg's ``RealmConfigData`` has them: ``initialToken`` (``config initial-token``) and ``clients``,
the registration access token of each clientId. Every create, get and update stores the token the server
returned, as that replaces the one used (the registration access token rotates); a delete removes it. Each
change reads the file again first, so that another process's entries stay (kcreg's ``saveMergeConfig``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from doorkeep.admincli import config as cfg

DEFAULT_PATH = Path("~/.doorkeep/reg.config")
CONFIG_ENV = "DOORKEEP_REG_CONFIG"


def path(given: Path | None) -> Path:
    """``--config``, else ``$DOORKEEP_REG_CONFIG``, else ``~/.doorkeep/reg.config``."""
    if given is not None:
        return given.expanduser()
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_PATH).expanduser()


class Store:
    """Where a command reads and writes: the file, or (``--no-config``) one Config kept in memory."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._memory = cfg.Config()

    def load(self) -> cfg.Config:
        return cfg.load(self.file) if self.file is not None else self._memory

    def update(self, change: Callable[[cfg.Config], None]) -> None:
        """Read, change, save (kcreg's ``saveMergeConfig``)."""
        config = self.load()
        change(config)
        if self.file is not None:
            cfg.save(self.file, config)

    def registration_token(self, server: str, realm: str, client_id: str) -> str | None:
        """``ConfigUtil.getRegistrationToken``: an empty stored token counts as none."""
        entry = self.load().endpoints.get(server, {}).get(realm) or {}
        return clients(entry).get(client_id) or None

    def initial_token(self, server: str, realm: str) -> str | None:
        entry = self.load().endpoints.get(server, {}).get(realm) or {}
        token = entry.get("initialToken")
        return str(token) if token else None

    def set_registration_token(self, server: str, realm: str, client_id: str, token: str | None) -> None:
        """``setRegistrationToken``: the token the server just returned (kcreg stores a missing one as "")."""
        self.update(lambda c: _clients_of(c, server, realm).__setitem__(client_id, token or ""))

    def forget_registration_token(self, server: str, realm: str, client_id: str) -> None:
        def forget(config: cfg.Config) -> None:  # kcreg leaves a realm it has no entry for as it is
            entry = config.endpoints.get(server, {}).get(realm)
            if isinstance(entry, dict):
                clients(entry).pop(client_id, None)

        self.update(forget)


def clients(entry: dict[str, Any]) -> dict[str, str]:
    found = entry.get("clients")
    return found if isinstance(found, dict) else {}


def _clients_of(config: cfg.Config, server: str, realm: str) -> dict[str, str]:
    entry = config.realm_data(server, realm)
    if not isinstance(entry.get("clients"), dict):
        entry["clients"] = {}
    found: dict[str, str] = entry["clients"]
    return found
