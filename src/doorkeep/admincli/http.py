"""HTTP for the admin CLI: one httpx client, and kcadm's one-line messages for every failure."""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx

from doorkeep.admincli.errors import AdminCliError

TIMEOUT = 30.0


def client(verify: ssl.SSLContext | str | bool = True, agent: str = "doorkeep-admin") -> httpx.Client:
    """``verify``: a CA bundle (PEM) or context to trust instead of the system's, or False (kcreg's ``--insecure``)."""
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": agent}, verify=verify)


def send(http: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """The response, or one line naming why no response came (the server down, a bad URL, a timeout)."""
    try:
        return http.request(method, url, **kwargs)
    except httpx.InvalidURL as exc:
        raise AdminCliError(f"Invalid URL: {url} ({exc})") from None
    except httpx.UnsupportedProtocol:
        raise AdminCliError(f"Invalid URL: {url} (expected http:// or https://)") from None
    except httpx.TimeoutException:
        raise AdminCliError(f"Failed to send request - timed out after {TIMEOUT:g} s: {method} {url}") from None
    except httpx.HTTPError as exc:
        raise AdminCliError(f"Failed to send request - {_reason(exc)}: {method} {url}") from None


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text


def parse(response: httpx.Response) -> Any:
    """The body as JSON. A server's body nested past Python's recursion limit is not JSON to us: ValueError,
    which every reader turns into its one-line message, never a traceback (Jackson refuses such nesting too)."""
    try:
        return response.json()
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def server_message(response: httpx.Response) -> str | None:
    """kcadm's reading of an error body (``HeadersBodyStatus.checkSuccess``): ``errorMessage``, else
    ``error_description [error]`` (Java prints a missing description as ``null``)."""
    try:
        body = parse(response)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    if body.get("errorMessage") is not None:
        return str(body["errorMessage"])
    if body.get("error") is not None:
        return f"{body.get('error_description')} [{body['error']}]".replace("None [", "null [", 1)
    return None


def check(url: str, response: httpx.Response) -> None:
    """kcadm's ``HttpUtil.checkSuccess``: a 404 names the URL only; else the server's words or the status."""
    if response.is_success:
        return
    if response.status_code == 404:
        raise AdminCliError(f"Resource not found for url: {url}")
    raise AdminCliError(server_message(response) or f"HTTP error - {response.status_code} {response.reason_phrase}")


def check_extension(url: str, response: httpx.Response) -> None:
    """:func:`check` for Doorkeep's own commands (no kcadm to match): a 404 keeps the server's words."""
    message = server_message(response) if response.status_code == 404 else None
    if message:
        raise AdminCliError(message)
    check(url, response)


def json_body(url: str, response: httpx.Response) -> Any:
    check(url, response)
    if not response.content:
        return None
    try:
        return parse(response)
    except ValueError:
        raise AdminCliError(f"The server answered {url} with something that is not JSON") from None


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
