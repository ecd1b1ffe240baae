"""Refresh-token rotation (KEYCLOAK.md §6.3) through doorkeep.policy.reuse_verdict."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from doorkeep.clock import FakeClock
from doorkeep.policy import ReuseVerdict, reuse_verdict
from policy_values import family

STALE = "Stale token"
MAX_REUSE_EXCEEDED = "Maximum allowed refresh token reuse exceeded"
T0 = 1_700_000_000


@dataclass(frozen=True)
class Token:
    """The refresh-token claims rotation looks at. ``reuse_id`` "" stands for a token without the claim."""

    jti: str
    iat: int
    reuse_id: str


@dataclass
class Family:
    """The per-key bookkeeping of §6.3: refreshToken, useCount, lastRefresh and latestGenerated."""

    current_jti: str | None = None
    use_count: int = 0
    last_refresh: int = 0
    latest_jti: str | None = None


@dataclass
class RotatingClientSession:
    """The caller's side of §6.3 around the pure verdict: state per reuse key, minting after success."""

    clock: FakeClock
    max_reuse: int
    rotation: bool = True
    families: dict[str, Family] = field(default_factory=dict)
    minted: int = 0

    def _mint(self, reuse_id: str) -> Token:
        self.minted += 1
        token = Token(f"rt{self.minted}", self.clock.now(), reuse_id)
        if self.rotation:
            family = self.families.setdefault(reuse_id, Family())
            family.last_refresh, family.latest_jti = token.iat, token.jti
        return token

    def login(self) -> Token:
        """A new family (code, password, client_credentials): a fresh reuse_id only while rotation is on."""
        return self._mint(f"family-{self.minted + 1}" if self.rotation else "")

    def check(self, token: Token) -> ReuseVerdict:
        """What presenting the token now would yield, without committing anything."""
        kept = self.families.get(token.reuse_id, Family())
        stored = family(kept.current_jti, kept.latest_jti, kept.last_refresh, kept.use_count)
        return reuse_verdict(token.jti, token.iat, stored, self.max_reuse)

    def refresh(self, token: Token) -> Token | str:
        """The refresh grant: a new token of the same family, or the error description."""
        if not self.rotation:
            return self._mint(token.reuse_id)
        verdict = self.check(token)
        family = self.families.setdefault(token.reuse_id, Family())
        family.current_jti, family.use_count = verdict.current_jti, verdict.use_count
        if verdict.error is not None:
            return verdict.error
        return self._mint(token.reuse_id)


def refreshed(result: Token | str) -> Token:
    assert isinstance(result, Token), f"expected a new refresh token, got {result!r}"
    return result


# --------------------------------------------------------------------------------------------------
# the pure function, branch by branch


@pytest.mark.parametrize(
    ("token_jti", "token_iat", "current", "latest", "last", "count", "max_reuse", "expected"),
    [
        # first use of a family with no bookkeeping at all
        ("a", T0, None, None, 0, 0, 0, ReuseVerdict(None, "a", 1)),
        # first use of the token minted at login
        ("a", T0, None, "a", T0, 0, 0, ReuseVerdict(None, "a", 1)),
        # no current token yet: no stale check, even for an old token
        ("a", T0, None, "z", T0 + 100, 0, 0, ReuseVerdict(None, "a", 1)),
        # reuse of the current token: allowed while use_count <= max_reuse
        ("a", T0, "a", "b", T0 + 1, 1, 0, ReuseVerdict(MAX_REUSE_EXCEEDED, "a", 1)),
        ("a", T0, "a", "b", T0 + 1, 1, 1, ReuseVerdict(None, "a", 2)),
        ("a", T0, "a", "c", T0 + 2, 2, 1, ReuseVerdict(MAX_REUSE_EXCEEDED, "a", 2)),
        ("a", T0, "a", "c", T0 + 2, 2, 2, ReuseVerdict(None, "a", 3)),
        ("a", T0, "a", "d", T0 + 3, 3, 2, ReuseVerdict(MAX_REUSE_EXCEEDED, "a", 3)),
        # the current token is never stale, however old
        ("a", T0, "a", "c", T0 + 5, 0, 0, ReuseVerdict(None, "a", 1)),
        # the newest minted token takes over and its count starts afresh
        ("b", T0 + 1, "a", "b", T0 + 1, 1, 0, ReuseVerdict(None, "b", 1)),
        ("b", T0 + 1, "a", "b", T0 + 1, 7, 0, ReuseVerdict(None, "b", 1)),
        # neither current nor latest, issued at or before the latest: stale
        ("a", T0, "b", "c", T0 + 2, 1, 0, ReuseVerdict(STALE, "b", 1)),
        ("b", T0 + 2, "a", "c", T0 + 2, 1, 5, ReuseVerdict(STALE, "a", 1)),
        # neither current nor latest but issued after the latest: accepted, a new current token
        ("x", T0 + 3, "b", "c", T0 + 2, 1, 0, ReuseVerdict(None, "x", 1)),
        # no latest recorded: stale only when strictly older than the last refresh
        ("a", T0, "b", None, T0 + 1, 1, 0, ReuseVerdict(STALE, "b", 1)),
        ("a", T0 + 1, "b", None, T0 + 1, 1, 0, ReuseVerdict(None, "a", 1)),
        ("a", T0 + 2, "b", None, T0 + 1, 1, 0, ReuseVerdict(None, "a", 1)),
    ],
)
def test_reuse_verdict_follows_validate_token_reuse(
    token_jti: str,
    token_iat: int,
    current: str | None,
    latest: str | None,
    last: int,
    count: int,
    max_reuse: int,
    expected: ReuseVerdict,
) -> None:
    assert reuse_verdict(token_jti, token_iat, family(current, latest, last, count), max_reuse) == expected


def test_a_stale_verdict_leaves_the_family_state_as_it_was() -> None:
    verdict = reuse_verdict("old", T0, family("current", "newest", T0 + 10, 1), 3)
    assert verdict == ReuseVerdict(STALE, "current", 1)


def test_a_verdict_is_an_immutable_value() -> None:
    verdict = reuse_verdict("a", T0, family(None, None, 0, 0), 0)
    with pytest.raises(AttributeError):
        verdict.use_count = 5  # type: ignore[misc]


# --------------------------------------------------------------------------------------------------
# sequences of refreshes


def test_with_max_reuse_0_each_refresh_token_can_be_used_exactly_once() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0)
    rt1 = session.login()
    clock.advance(10)
    rt2 = refreshed(session.refresh(rt1))
    assert session.check(rt1).error == MAX_REUSE_EXCEEDED
    clock.advance(10)
    rt3 = refreshed(session.refresh(rt2))
    assert session.refresh(rt2) == MAX_REUSE_EXCEEDED
    assert rt3.reuse_id == rt2.reuse_id == rt1.reuse_id


def test_with_max_reuse_0_a_superseded_older_token_is_stale() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0)
    rt1 = session.login()
    clock.advance(1)
    rt2 = refreshed(session.refresh(rt1))
    clock.advance(1)
    rt3 = refreshed(session.refresh(rt2))
    assert session.check(rt1).error == STALE
    assert session.check(rt2).error == MAX_REUSE_EXCEEDED
    assert session.check(rt3).error is None
    assert session.refresh(rt1) == STALE


def test_superseded_tokens_are_stale_even_when_minted_in_the_same_second() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0)
    rt1 = session.login()
    rt2 = refreshed(session.refresh(rt1))
    rt3 = refreshed(session.refresh(rt2))
    assert rt1.iat == rt2.iat == rt3.iat
    assert session.check(rt1).error == STALE
    assert session.check(rt3).error is None


@pytest.mark.parametrize("seconds_between_refreshes", [0, 1, 300])
def test_always_presenting_the_newest_token_never_fails_even_with_max_reuse_0(
    seconds_between_refreshes: int,
) -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0)
    token = session.login()
    for _ in range(50):
        clock.advance(seconds_between_refreshes)
        token = refreshed(session.refresh(token))


def test_with_max_reuse_1_the_third_use_fails_and_tokens_minted_earlier_become_stale() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=1)
    rt1 = session.login()
    clock.advance(1)
    rt2 = refreshed(session.refresh(rt1))  # first use
    clock.advance(1)
    rt3 = refreshed(session.refresh(rt1))  # the one allowed reuse
    assert session.check(rt2).error == STALE
    assert session.check(rt3).error is None
    clock.advance(1)
    assert session.refresh(rt1) == MAX_REUSE_EXCEEDED  # third use
    assert session.check(rt2).error == STALE


def test_with_max_reuse_1_the_newest_token_takes_over_and_the_first_becomes_stale() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=1)
    rt1 = session.login()
    clock.advance(1)
    rt2 = refreshed(session.refresh(rt1))
    clock.advance(1)
    rt3 = refreshed(session.refresh(rt2))
    clock.advance(1)
    refreshed(session.refresh(rt3))  # first use of rt3
    assert session.check(rt1).error == STALE
    assert session.check(rt2).error == STALE
    clock.advance(1)
    rt5 = refreshed(session.refresh(rt3))  # its one allowed reuse
    assert session.refresh(rt3) == MAX_REUSE_EXCEEDED
    assert session.check(rt5).error is None


def test_with_max_reuse_2_a_token_works_three_times() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=2)
    rt1 = session.login()
    minted = []
    for _ in range(3):
        clock.advance(1)
        minted.append(refreshed(session.refresh(rt1)))
    clock.advance(1)
    assert session.refresh(rt1) == MAX_REUSE_EXCEEDED
    older, newest = minted[:-1], minted[-1]
    assert [session.check(t).error for t in older] == [STALE, STALE]
    assert session.check(newest).error is None


def test_with_max_reuse_2_the_reuse_budget_restarts_for_each_new_token() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=2)
    token = session.login()
    for _ in range(4):
        clock.advance(1)
        for _ in range(3):
            next_token = refreshed(session.refresh(token))
        assert session.check(token).error == MAX_REUSE_EXCEEDED
        token = next_token


@pytest.mark.parametrize(("max_reuse", "successes"), [(0, 1), (1, 2), (2, 3), (5, 6)])
def test_serialized_refreshes_of_one_token_succeed_max_reuse_plus_one_times(max_reuse: int, successes: int) -> None:
    # five parallel refreshes serialised by the refresh lock (§6.1 #8): 1 success with 0, 3 with 2
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=max_reuse)
    token = session.login()
    results = [session.refresh(token) for _ in range(max(5, successes + 2))]
    assert sum(isinstance(r, Token) for r in results) == successes
    assert all(isinstance(r, Token) for r in results[:successes])
    assert results[successes:] == [MAX_REUSE_EXCEEDED] * (len(results) - successes)


def test_different_reuse_ids_are_tracked_independently() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0)
    tab_a = session.login()
    clock.advance(5)
    tab_b = session.login()
    assert tab_a.reuse_id != tab_b.reuse_id
    clock.advance(5)
    a2 = refreshed(session.refresh(tab_a))
    clock.advance(5)
    b2 = refreshed(session.refresh(tab_b))
    clock.advance(5)
    a3 = refreshed(session.refresh(a2))
    # activity in tab a neither makes tab b's tokens stale nor uses up their budget, and vice versa
    assert session.check(b2).error is None
    assert session.check(a3).error is None
    assert session.check(tab_a).error == STALE
    assert session.check(tab_b).error == MAX_REUSE_EXCEEDED


def test_turning_rotation_on_later_starts_tracking_tokens_without_reuse_id_at_their_first_use() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0, rotation=False)
    rt1 = session.login()
    assert rt1.reuse_id == ""
    clock.advance(1)
    rt2 = refreshed(session.refresh(rt1))
    clock.advance(1)
    rt3 = refreshed(session.refresh(rt1))  # plain reuse is fine without rotation (§6.2)
    assert rt2.reuse_id == rt3.reuse_id == ""
    assert session.families == {}

    session.rotation = True
    clock.advance(10)
    # every pre-change token is still usable: nothing is tracked for key "" yet
    assert [session.check(t).error for t in (rt1, rt2, rt3)] == [None, None, None]
    rt4 = refreshed(session.refresh(rt1))
    assert rt4.reuse_id == ""
    assert session.refresh(rt1) == MAX_REUSE_EXCEEDED
    assert session.check(rt2).error == STALE
    assert session.check(rt3).error == STALE
    assert session.check(rt4).error is None


def test_after_turning_rotation_on_the_newest_pre_change_token_makes_the_older_ones_stale() -> None:
    clock = FakeClock(T0)
    session = RotatingClientSession(clock, max_reuse=0, rotation=False)
    rt1 = session.login()
    clock.advance(1)
    rt2 = refreshed(session.refresh(rt1))
    session.rotation = True
    clock.advance(1)
    rt3 = refreshed(session.refresh(rt2))
    assert session.check(rt1).error == STALE
    assert session.check(rt3).error is None
    # a login after the change opens a family of its own
    fresh = session.login()
    assert fresh.reuse_id != ""
    assert session.check(fresh).error is None
    assert session.check(rt3).error is None
