"""A realm of an interop module's ``DoorkeepProcess``, driven through the admin REST API with ``requests``: the
part the relying-party modules share (a fresh realm, admin calls with a master token renewed before it expires,
a user's online or offline session ids)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests

from interop.server import DoorkeepProcess


class AdminRealm:
    """A new enabled realm named ``{prefix}-<random>`` on ``server``."""

    def __init__(self, server: DoorkeepProcess, prefix: str) -> None:
        self.server = server
        self.name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.issuer = f"{server.base_url}/realms/{self.name}"
        self._token = (time.monotonic(), server.admin_token())
        self.admin("POST", "", {"realm": self.name, "enabled": True})

    def admin(self, method: str, path: str, body: Any = None) -> requests.Response:
        if time.monotonic() - self._token[0] > 30:  # master's tokens live 60 s
            self._token = (time.monotonic(), self.server.admin_token())
        response = requests.request(
            method,
            f"{self.server.base_url}/admin/realms{path}",
            json=body,
            headers={"Authorization": f"Bearer {self._token[1]}"},
            timeout=20,
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response

    def session_ids(self, username: str, offline_client: str | None = None) -> set[str]:
        """The user's online session ids, or those of their offline sessions with ``offline_client``."""
        user_id = self.admin("GET", f"/{self.name}/users?username={username}&exact=true").json()[0]["id"]
        if offline_client is None:
            return {session["id"] for session in self.admin("GET", f"/{self.name}/users/{user_id}/sessions").json()}
        client_uuid = self.admin("GET", f"/{self.name}/clients?clientId={offline_client}").json()[0]["id"]
        found = self.admin("GET", f"/{self.name}/users/{user_id}/offline-sessions/{client_uuid}").json()
        return {session["id"] for session in found}
