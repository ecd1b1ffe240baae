"""The metrics observer's label parsing: bounded label values, token types read from the refresh token."""

from __future__ import annotations

import base64
import json

from doorkeep import observe
from doorkeep.web.metrics import PrometheusObserver, _grant, _typ


def _jwt(claims: dict[str, str]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"e30.{body}.sig"


def test_grant_label_is_a_known_grant_or_other() -> None:
    assert _grant(b"grant_type=password&username=u") == "password"
    assert _grant(b"client_id=a&grant_type=refresh_token") == "refresh_token"
    assert _grant(b"grant_type=evil%0Alabel") == "other"
    assert _grant(b"client_id=a") == "none"
    assert _grant(b"\xff\xfe=\xff") == "none"


def test_refresh_token_type_from_typ_claim() -> None:
    assert _typ(_jwt({"typ": "Offline"})) == "offline"
    assert _typ(_jwt({"typ": "Refresh"})) == "refresh"
    assert _typ("garbage") == "refresh"
    assert _typ("a.!!!.c") == "refresh"


def test_refresh_failure_reason_is_bounded() -> None:
    obs = PrometheusObserver()
    body = json.dumps({"error": "invalid_scope", "error_description": "Invalid scopes: " + "z" * 500}).encode()
    obs.token_answer(b"grant_type=refresh_token", 400, body)
    obs.token_answer(b"grant_type=refresh_token", 400, b"not json")
    text = obs.exposition().decode()
    assert 'reason="Invalid scopes"' in text and "z" * 50 not in text
    assert 'error="400"' in text


def test_default_observer_does_nothing() -> None:
    base = observe.Observer()
    base.password_hashed("argon2", 0.1)
    base.transaction(True, 0.1)
    base.token_answer(b"", 200, b"{}")
