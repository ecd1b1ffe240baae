"""The fake clock keeps milliseconds for rules that need them (Brute Force Detection's quick-login check)."""

from __future__ import annotations

from doorkeep.clock import FakeClock, SystemClock


def test_the_fake_clock_moves_in_seconds_and_milliseconds() -> None:
    clock = FakeClock(1_700_000_000)
    assert (clock.now(), clock.now_ms()) == (1_700_000_000, 1_700_000_000_000)
    clock.advance_ms(999)
    assert (clock.now(), clock.now_ms()) == (1_700_000_000, 1_700_000_000_999)
    clock.advance_ms(1)
    clock.advance(2)
    assert (clock.now(), clock.now_ms()) == (1_700_000_003, 1_700_000_003_000)
    clock.set(5)
    assert (clock.now(), clock.now_ms()) == (5, 5000)


def test_the_system_clock_agrees_with_itself() -> None:
    clock = SystemClock()
    assert abs(clock.now_ms() // 1000 - clock.now()) <= 1
