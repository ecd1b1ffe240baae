"""The Keeper: hands out access tokens from a stored offline token, refreshing it safely.

Order of a refresh, under the key's lock (one refresher per token across threads and processes):

1. load the record; if its access token is still good, hand it out (no refresh at all);
2. write ahead ``refreshing_since`` so a crash leaves a trace that an answer may have been lost;
3. POST ``grant_type=refresh_token``; on a transport error or 5xx/429, present the *same* token again
   until ``retry_window`` seconds have passed since the first attempt;
4. store the new offline token (atomically) *before* returning the access token.

A retry after a lost answer presents the token the server has just rotated. A server with a refresh grace
window (Doorkeep issue #13 item 1, Okta, Auth0, Hydra) answers it with the same successor, and the retry
succeeds. Without one (Keycloak, Doorkeep today, max reuse 0) the server calls it reuse and ends the grant:
the Keeper raises ``RefreshAnswerLost`` (a ``ConsentRequired``) and forgets the dead token.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from doorkeep_keeper.errors import ConsentRequired, RefreshAnswerLost, RefreshRejected, ServerUnavailable
from doorkeep_keeper.grant import StoredGrant, TokenKey
from doorkeep_keeper.locking import exclusive
from doorkeep_keeper.stores import TokenStore

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)  # the request never reached the server


class Keeper:
    """Offline tokens of one client at one token endpoint, kept in ``store``."""

    def __init__(
        self,
        store: TokenStore,
        *,
        token_endpoint: str,
        client_id: str,
        client_secret: str | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
        retry_window: float = 20.0,
        retry_delays: Sequence[float] = (0.2, 0.5, 1.0, 2.0, 4.0),
        min_validity: int = 30,
        revocation_endpoint: str | None = None,
    ) -> None:
        self.store = store
        self.token_endpoint = token_endpoint
        self.revocation_endpoint = revocation_endpoint or token_endpoint.removesuffix("/token") + "/revoke"
        self.client_id = client_id
        self.client_secret = client_secret
        self._owns_http = http is None
        self.http = http or httpx.Client(timeout=10.0)
        self.clock = clock
        self.retry_window = retry_window
        self.retry_delays = tuple(retry_delays)
        self.min_validity = min_validity

    def close(self) -> None:
        """Close the HTTP client if the Keeper created it."""
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> Keeper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def keep(self, key: TokenKey, token_response: Mapping[str, Any], label: str = "") -> StoredGrant:
        """Store the offline token of a fresh token response (after the code exchange), replacing any other."""
        grant = StoredGrant.from_token_response(key, token_response, int(self.clock()), label)
        with exclusive(self.store.lock_path(key)):
            self.store.save(grant)
        return grant

    def holding(self, key: TokenKey) -> StoredGrant | None:
        """What is stored for ``key`` (for display: never render its tokens)."""
        return self.store.load(key)

    def forget(self, key: TokenKey) -> None:
        """Drop the stored record without telling the server (the offline session lives on there)."""
        with exclusive(self.store.lock_path(key)):
            self.store.delete(key)

    def revoke(self, key: TokenKey) -> bool:
        """End the offline grant at the server (RFC 7009) and drop the record; False if nothing was stored.

        The record is dropped only once the server has answered 200, so a failed call can be repeated.
        """
        with exclusive(self.store.lock_path(key)):
            grant = self.store.load(key)
            if grant is None:
                return False
            data = {"token": grant.refresh_token, "token_type_hint": "refresh_token", **self._client()}
            try:
                response = self.http.post(self.revocation_endpoint, data=data)
            except httpx.TransportError as exc:
                raise ServerUnavailable(f"revocation endpoint unreachable ({type(exc).__name__})") from None
            if response.status_code != 200:
                raise RefreshRejected(*_error_of(response), response.status_code)
            self.store.delete(key)
            return True

    def _client(self) -> dict[str, str]:
        client = {"client_id": self.client_id}
        if self.client_secret is not None:
            client["client_secret"] = self.client_secret
        return client

    def access_token(self, key: TokenKey, *, fresh: bool = False) -> str:
        """A valid access token: the stored one if it lives ``min_validity`` more seconds, else a refreshed one.

        ``fresh=True`` always refreshes: a job that must know the grant is still alive (not revoked) before
        it acts, since an access token already issued stays valid until it expires.
        """
        with exclusive(self.store.lock_path(key)):
            grant = self.store.load(key)
            if grant is None:
                raise ConsentRequired("no offline token is stored: the user must log in with offline access")
            now = int(self.clock())
            if not fresh and grant.access_token and grant.access_expires_at - self.min_validity > now:
                return grant.access_token
            if grant.refresh_expires_at is not None and grant.refresh_expires_at <= now:
                self.store.delete(key)
                raise ConsentRequired("the stored token has expired: the user must log in again")
            answer_lost = grant.refreshing_since is not None  # a previous refresh died before storing
            grant = dataclasses.replace(grant, refreshing_since=now)
            self.store.save(grant)  # write-ahead: a crash from here on is visible to the next caller
            try:
                body = self._refresh(key, grant.refresh_token, answer_lost)
            except RefreshRejected:
                if not answer_lost:  # a definite answer: the token was not consumed
                    self.store.save(dataclasses.replace(grant, refreshing_since=None))
                raise
            renewed = grant.after_refresh(body, int(self.clock()))
            self.store.save(renewed)  # persisted before the access token leaves this function
            assert renewed.access_token is not None
            return renewed.access_token

    def _refresh(self, key: TokenKey, token: str, answer_lost: bool) -> dict[str, Any]:
        data = {"grant_type": "refresh_token", "refresh_token": token, **self._client()}
        started = time.monotonic()
        delays = iter(self.retry_delays)
        while True:
            try:
                response = self.http.post(self.token_endpoint, data=data)
            except httpx.TransportError as exc:
                answer_lost = answer_lost or not isinstance(exc, NOT_SENT)
                problem = f"the token endpoint could not be reached ({type(exc).__name__})"
            else:
                if response.status_code == 200:
                    body: dict[str, Any] = response.json()
                    return body
                if response.status_code < 500 and response.status_code != 429:
                    self._refused(key, response, answer_lost)
                problem = f"the token endpoint answered {response.status_code}"
            delay = next(delays, None)
            if delay is None or time.monotonic() - started + delay > self.retry_window:
                raise ServerUnavailable(problem + "; the stored offline token is unchanged, try again later")
            time.sleep(delay)

    def _refused(self, key: TokenKey, response: httpx.Response, answer_lost: bool) -> None:
        error, description = _error_of(response)
        if error != "invalid_grant":
            raise RefreshRejected(error, description, response.status_code)
        self.store.delete(key)  # the grant is gone: nothing left to refresh
        if answer_lost:
            raise RefreshAnswerLost(
                "a refresh answer was lost and the server no longer accepts the previous offline token "
                f"({description}): the user must log in again",
                error=error,
                description=description,
            )
        raise ConsentRequired(
            f"the offline grant is gone ({description}): the user must log in again",
            error=error,
            description=description,
        )


def _error_of(response: httpx.Response) -> tuple[str, str | None]:
    """The OAuth ``error`` and ``error_description`` of a refusal (RFC 6749 §5.2), whatever its body."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    description = body.get("error_description")
    return str(body.get("error") or "unknown_error"), str(description) if description is not None else None
