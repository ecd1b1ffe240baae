"""Sealed console cookies: a value opens only with its key and purpose, within its time-to-live, unforged."""

from __future__ import annotations

from doorkeep.console.sealing import Sealer

KEY, OTHER_KEY = b"k" * 64, b"o" * 64


def test_a_sealed_value_opens_again_with_the_same_key_and_purpose() -> None:
    sealer = Sealer([KEY], "session")
    sealed = sealer.seal({"access_token": "eyJabc", "csrf": "x"}, now=1000)
    assert "eyJabc" not in sealed and "." not in sealed  # encrypted, not just signed (and no JWT shape)
    assert sealer.open(sealed, ttl=60, now=1030) == {"access_token": "eyJabc", "csrf": "x"}


def test_a_value_sealed_for_one_purpose_does_not_open_for_another() -> None:
    sealed = Sealer([KEY], "flow").seal({"state": "s"}, now=1000)
    assert Sealer([KEY], "session").open(sealed, ttl=60, now=1000) is None


def test_a_value_older_than_its_time_to_live_does_not_open() -> None:
    sealer = Sealer([KEY], "flow")
    assert sealer.open(sealer.seal({"state": "s"}, now=1000), ttl=60, now=1061) is None


def test_a_tampered_or_foreign_value_does_not_open() -> None:
    sealed = Sealer([KEY], "session").seal({"a": 1}, now=1000)
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    assert Sealer([KEY], "session").open(tampered, ttl=60, now=1000) is None
    assert Sealer([OTHER_KEY], "session").open(sealed, ttl=60, now=1000) is None
    assert Sealer([KEY], "session").open("not a token", ttl=60, now=1000) is None
    assert Sealer([KEY], "session").open(None, ttl=60, now=1000) is None


def test_an_older_key_still_opens_what_it_sealed_when_listed_after_the_new_one() -> None:
    sealed = Sealer([OTHER_KEY], "session").seal({"a": 1}, now=1000)
    assert Sealer([KEY, OTHER_KEY], "session").open(sealed, ttl=60, now=1000) == {"a": 1}
