"""An authenticated Admin REST session: the config's server, a fresh token, kcadm's paths and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from doorkeep.admincli import http as transport
from doorkeep.admincli import paths, session


class Api:
    """Requests against ``server``'s admin root as the logged-in user, ``realm`` being the target realm."""

    def __init__(self, http: httpx.Client, server: str, realm: str, token: str) -> None:
        self.http = http
        self.server = server
        self.realm = realm
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def url(self, path: str, query: list[tuple[str, str]] | None = None) -> str:
        return paths.with_query(paths.resource_url(self.server, self.realm, path), query or [])

    def send(self, method: str, url: str, body: Any = None) -> httpx.Response:
        """One request; a non-2xx answer becomes kcadm's one-line error."""
        response = transport.send(
            self.http, method, url, headers=self._headers, **({} if body is None else {"json": body})
        )
        transport.check(url.split("?", 1)[0], response)
        return response

    def get(self, path: str, query: list[tuple[str, str]] | None = None) -> Any:
        url = self.url(path, query)
        return transport.json_body(url, self.send("GET", url))


@contextmanager
def connect(config_path: Path, target_realm: str | None) -> Iterator[Api]:
    """An :class:`Api` for the logged-in server; ``target_realm`` defaults to the realm logged into."""
    with transport.client() as http:
        server, realm, token = session.access_token(http, config_path)
        yield Api(http, server, target_realm or realm, token)
