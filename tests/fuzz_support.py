"""Bounded, reproducible fuzzing of the in-process app with hypothesis (security review L1).

The app and its database live on the test's event loop, so the hypothesis loop runs in a worker
thread and sends each generated request back to that loop (``anyio.from_thread``). Every run is
derandomised (the same examples on every machine) and bounded by ``max_examples``; no example
database is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doorkeep.admin.representations import CLIENT_FIELDS, REALM_FIELDS, USER_FIELDS

T = TypeVar("T")

NASTY_STRINGS = [
    "",
    " ",
    "0",
    "-1",
    "+1",
    "²",
    "٣",
    "१२",
    "１２",
    "1e3",
    "1.5",
    "0x10",
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "null",
    "true",
    "false",
    "*",
    "**",
    "%",
    "_",
    "a*b*c*d*e",
    '"x"',
    '"',
    "id:",
    "id:x",
    "../..",
    "%2e%2e",
    "%00",
    "\x00",
    "\n",
    "\r\n",
    "<b>x</b>",
    "javascript:alert(1)",
    "a" * 300,
    "é",
    "😀",
    "\ud7ff",
    "x:y",
    'a:"b',
    "\\",
    "[]",
    "{}",
    "[[[[",
    "app",
    "account",
    "admin-cli",
    "test",
    "master",
    "user1",
    "openid",
    "offline_access",
    "S256",
    "plain",
    "code",
    "form_post",
    "fragment",
    "none",
    "login",
]
NASTY_INTS = [0, 1, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63, -(2**63) - 1, 10**23, 10**300]
REP_KEYS = sorted(
    {
        *REALM_FIELDS,
        *CLIENT_FIELDS,
        *USER_FIELDS,
        "realm",
        "id",
        "name",
        "type",
        "value",
        "temporary",
        "credentials",
        "composite",
        "composites",
        "clientRole",
        "containerId",
        "defaultClientScopes",
        "optionalClientScopes",
        "protocolMappers",
        "config",
        "grantedScopes",
        "realmRoles",
        "clientRoles",
        "clients",
        "users",
        "roles",
        "clientScopes",
        "defaultRole",
        "serviceAccountClientId",
        "q",
        "access.token.lifespan",
        "client.session.idle.timeout",
        "refresh.token.max.reuse",
    }
)

text = st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(NASTY_INTS), st.floats(), text)
keys = st.one_of(st.sampled_from(REP_KEYS), st.text(max_size=8))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=12
)
RAW_BODIES = [
    b"",
    b"{",
    b"[",
    b"\xff\xfe",
    b"[" * 5000,
    b"[" * 2000 + b"]" * 2000,
    b'{"a":' * 100 + b"1" + b"}" * 100,
    b"1" * 5000,
    b'{"realm": ' + b"9" * 4400 + b"}",
    b"NaN",
    b'"x"',
    b"null",
    b"[{}]",
    b"[null]",
]


def json_body() -> st.SearchStrategy[bytes]:
    """A request body: a JSON object of representation fields, a list of them, any JSON, or raw bytes."""
    objects = st.dictionaries(keys, json_values, max_size=6)
    return st.one_of(
        objects.map(_dump),
        st.lists(objects, max_size=3).map(_dump),
        json_values.map(_dump),
        st.sampled_from(RAW_BODIES),
        st.binary(max_size=40),
    )


def _dump(value: Any) -> bytes:
    return json.dumps(value).encode()


def params(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Query or form parameters: mostly names the endpoint knows, with hostile or plausible values."""
    return st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=6)), text, max_size=6)


def segment(real: list[str]) -> st.SearchStrategy[str]:
    """A path segment: mostly one of the real ids (to get past the 404s), else hostile text (percent-encoded)."""
    hostile = text.filter(lambda s: s != "")
    chosen = st.integers(0, 4).flatmap(lambda n: hostile if n == 4 else st.sampled_from(real))
    return chosen.map(lambda s: quote(s, safe=""))


def headers(raw: dict[str, str]) -> dict[bytes, bytes]:
    """Header values as a server would pass them on: UTF-8 bytes, without the control characters that
    uvicorn's parsers refuse before the app sees the request (names in ASCII, as httpx encodes them)."""
    return {k.encode("ascii"): "".join(c for c in v if c >= " " and c != "\x7f").encode() for k, v in raw.items()}


# Keycloak answers 500 on purpose when the realm's mail server cannot be reached (RealmAdminResource
# .testSMTPConnection, UserResource.executeActionsEmail / resetPasswordEmail / sendVerifyEmail): the only 5xx a
# fuzzer may see.
MAIL_PATHS = ("/testSMTPConnection", "/execute-actions-email", "/reset-password-email", "/send-verify-email")


def keycloaks_mail_failure(response: httpx.Response) -> bool:
    if response.status_code != 500 or not response.request.url.path.endswith(MAIL_PATHS):
        return False
    try:
        message = response.json().get("errorMessage", "")
    except ValueError:
        return False
    return isinstance(message, str) and message.startswith("Failed to send")


def assert_no_server_error(response: httpx.Response, what: object) -> None:
    if keycloaks_mail_failure(response):
        return
    assert response.status_code < 500, (what, response.status_code, response.text[:300])


async def fuzz(
    strategy: st.SearchStrategy[T], check: Callable[[T], Coroutine[Any, Any, None]], *, examples: int
) -> None:
    """Run ``check`` on ``examples`` generated values (shrinking any failure), on the caller's event loop."""

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def property_holds(value: T) -> None:
        anyio.from_thread.run(check, value)

    await anyio.to_thread.run_sync(property_holds)
