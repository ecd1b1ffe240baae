"""An authenticated Admin REST session: the config's server, a fresh token, kcadm's paths and errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from doorkeep.admincli import auth, paths
from doorkeep.admincli import http as transport


class Api:
    """Requests against ``server``'s admin root as the logged-in user, ``realm`` being the target realm."""

    def __init__(
        self, http: httpx.Client, server: str, realm: str, token: str | None, headers: dict[str, str] | None = None
    ) -> None:
        self.http = http
        self.server = server
        self.realm = realm
        self._headers = {"Accept": "application/json", **(headers or {})}
        if token is not None:  # kcadm sends no Authorization when it has no credentials
            self._headers.setdefault("Authorization", f"Bearer {token}")

    def url(self, path: str, query: list[tuple[str, str]] | None = None) -> str:
        return paths.with_query(paths.resource_url(self.server, self.realm, path), query or [])

    def send(self, method: str, url: str, body: Any = None, *, check: bool = True) -> httpx.Response:
        """One request; a non-2xx answer becomes kcadm's one-line error (unless ``check`` is False)."""
        content = {} if body is None else {"content": body if isinstance(body, bytes) else _json_bytes(body)}
        headers = dict(self._headers)
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        response = transport.send(self.http, method, url, headers=headers, **content)
        if check:
            transport.check(url, response)
        return response

    def get(self, path: str, query: list[tuple[str, str]] | None = None) -> Any:
        url = self.url(path, query)
        return transport.json_body(url, self.send("GET", url))


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@contextmanager
def connect(opts: auth.AuthOptions, target_realm: str | None, headers: dict[str, str] | None = None) -> Iterator[Api]:
    """An :class:`Api` acting as ``opts`` say; ``target_realm`` defaults to the realm authenticated against."""
    with transport.client() as http:
        server, realm, token = auth.authenticate(http, opts)
        yield Api(http, server, target_realm or realm, token, headers)
