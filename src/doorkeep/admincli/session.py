"""Logging in (``config credentials``) and keeping the access token fresh, as kcadm's ``AuthUtil`` does.

An access token with less than 5 s left is refreshed with the refresh token; when that has expired too,
the user is told to log in again. A service account (client credentials, no refresh token in Keycloak 26)
logs in again with its stored secret instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from doorkeep.admincli import config as cfg
from doorkeep.admincli.errors import AdminCliError
from doorkeep.admincli.http import parse, send, server_message

MARGIN_MS = 5000
EXPIRED = "Session has expired. Login again with 'doorkeep admin config credentials'"


def now_ms() -> int:
    return int(time.time() * 1000)


def token_url(server: str, realm: str) -> str:
    return f"{server.rstrip('/')}/realms/{realm}/protocol/openid-connect/token"


def log_in(
    http: httpx.Client,
    server: str,
    realm: str,
    client_id: str,
    *,
    user: str | None,
    password: str | None,
    secret: str | None,
) -> cfg.Login:
    """Password grant for a user (admin-cli, public), client credentials for a service account."""
    form = {"client_id": client_id}
    if user is not None:
        form.update(grant_type="password", username=user, password=password or "")
    else:
        form["grant_type"] = "client_credentials"
    auth = (client_id, secret) if secret is not None else None
    return _login_from(_token(http, server, realm, form, auth), client_id, secret)


def _token(
    http: httpx.Client, server: str, realm: str, form: dict[str, str], auth: tuple[str, str] | None
) -> dict[str, Any]:
    url = token_url(server, realm)
    response = send(http, "POST", url, data=form, auth=auth, headers={"Accept": "application/json"})
    if response.status_code == 404:
        raise AdminCliError(f"Resource not found for url: {url} (no realm '{realm}' on {server}?)")
    if not response.is_success:
        raise AdminCliError(server_message(response) or f"HTTP error - {response.status_code} {response.reason_phrase}")
    try:
        body = parse(response)
        if not isinstance(body, dict) or "access_token" not in body:
            raise ValueError
        return body
    except ValueError:
        raise AdminCliError(f"Error receiving response: {url} did not answer with a token") from None


def _login_from(body: dict[str, Any], client_id: str, secret: str | None) -> cfg.Login:
    now = now_ms()
    refresh = body.get("refresh_token")
    lifespan = int(body.get("refresh_expires_in") or 0)  # 0: an offline token, no expiry of its own
    return cfg.Login(
        client_id=client_id,
        token=str(body["access_token"]),
        expires_at=now + int(body.get("expires_in", 60)) * 1000,
        refresh_token=refresh,
        refresh_expires_at=now + lifespan * 1000 if refresh and lifespan else 0,
        secret=secret,
    )


def stored_token(http: httpx.Client, path: Path, server: str, realm: str) -> str | None:
    """The file's access token for ``server`` and ``realm``, refreshed and saved when needed; None without one.

    None is kcadm's ``credentialsAvailable`` false: the request then goes without ``Authorization``.
    """
    data = cfg.load(path).endpoints.get(server, {}).get(realm)
    if not data or not data.get("token"):
        return None
    login = cfg.Login.from_json(data)
    if login.expires_at - now_ms() >= MARGIN_MS:
        return login.token
    fresh = _renew(http, server, realm, login)
    config = cfg.load(path)  # another process may have written meanwhile; keep its other entries
    config.set_login(server, realm, fresh)
    cfg.save(path, config)
    return fresh.token


def _renew(http: httpx.Client, server: str, realm: str, login: cfg.Login) -> cfg.Login:
    auth = (login.client_id, login.secret) if login.secret is not None else None
    renew: Callable[[], dict[str, Any]]
    if login.refresh_token and (login.refresh_expires_at == 0 or login.refresh_expires_at - now_ms() >= MARGIN_MS):
        form = {"grant_type": "refresh_token", "refresh_token": login.refresh_token, "client_id": login.client_id}
        renew = lambda: _token(http, server, realm, form, auth)  # noqa: E731
    elif login.secret is not None and not login.refresh_token:  # a service account logs in again
        form = {"grant_type": "client_credentials", "client_id": login.client_id}
        renew = lambda: _token(http, server, realm, form, auth)  # noqa: E731
    else:
        raise AdminCliError(EXPIRED)
    try:
        return _login_from(renew(), login.client_id, login.secret)
    except AdminCliError as exc:
        raise AdminCliError(f"Failed to refresh access token - {exc.message}. {EXPIRED}") from None


def status(stored: cfg.Config, now: int) -> str:
    """kcadm's ``config credentials --status``: whether the stored access token has more than 5 s left.

    Like kcadm it looks at the access token only (one that a refresh would renew reads as not logged in) and
    needs a way to renew it: a refresh token, or a service account's secret.
    """
    login = stored.login()
    if login is not None and (login.refresh_token or login.secret) and now + MARGIN_MS < login.expires_at:
        left = (login.expires_at - now) // 1000
        where = f"server: {stored.server_url}, realm: {stored.realm}"
        return f"Logged in ({where}, expired: false, timeToExpiry: {left}s from now)"
    return "You are not logged in"
