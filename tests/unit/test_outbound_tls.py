"""The one TLS context of outbound calls: made once, made again when the environment's trust store changes."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from doorkeep import outbound_tls


def test_every_call_gets_the_same_verifying_context() -> None:
    first = outbound_tls.context()
    assert first is outbound_tls.context()
    assert first.verify_mode == ssl.CERT_REQUIRED
    assert first.check_hostname


def test_a_new_trust_store_in_the_environment_gets_a_new_context(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = outbound_tls.context()
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    after = outbound_tls.context()
    assert after is not before
    assert after is outbound_tls.context()
    monkeypatch.undo()
    assert outbound_tls.context() is before
