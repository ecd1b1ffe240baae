"""Brute Force Detection rules (Keycloak's DefaultBruteForceProtector), driven by a fake clock."""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.clock import FakeClock
from doorkeep.model import LoginFailure, Realm, User
from doorkeep.users import brute_force as bf

IP = "203.0.113.9"


def realm(**settings: Any) -> Realm:
    base: dict[str, Any] = dict(
        brute_force_protected=True,
        failure_factor=3,
        wait_increment_seconds=60,
        max_failure_wait_seconds=900,
        quick_login_check_milli_seconds=1000,
        minimum_quick_login_wait_seconds=60,
        max_delta_time_seconds=43200,
    )
    return Realm(id="r", name="r", **{**base, **settings})


class Attacker:
    """Fails logins for one user, keeping the record as the database would."""

    def __init__(self, r: Realm, clock: FakeClock | None = None) -> None:
        self.realm, self.clock = r, clock or FakeClock()
        self.record = LoginFailure("r", "u")
        self.permanent = False

    def fail(self, after_seconds: int = 5) -> bf.FailureVerdict:
        self.clock.advance(after_seconds)
        verdict = bf.record_failure(self.realm, self.record, IP, self.clock.now_ms())
        self.record, self.permanent = verdict.failure, self.permanent or verdict.lock_permanently
        return verdict

    def locked(self) -> bool:
        return bf.temporarily_locked(self.record, self.clock.now())

    def wait(self) -> int:
        return self.record.failed_login_not_before - self.clock.now()


def test_the_defaults_are_keycloaks() -> None:
    r = Realm(id="r", name="r")
    assert (r.brute_force_protected, r.permanent_lockout, r.max_temporary_lockouts, r.brute_force_strategy) == (
        False,
        False,
        0,
        "MULTIPLE",
    )
    assert (
        r.failure_factor,
        r.wait_increment_seconds,
        r.max_failure_wait_seconds,
        r.quick_login_check_milli_seconds,
        r.minimum_quick_login_wait_seconds,
        r.max_delta_time_seconds,
    ) == (30, 60, 900, 1000, 60, 43200)


def test_failures_below_the_factor_do_not_lock() -> None:
    a = Attacker(realm())
    a.fail(), a.fail()
    assert a.record.num_failures == 2 and not a.locked() and a.record.num_temporary_lockouts == 0


def test_reaching_the_factor_locks_for_one_wait_increment() -> None:
    a = Attacker(realm())
    a.fail(), a.fail()
    verdict = a.fail()
    assert verdict.locked_temporarily and a.locked() and a.wait() == 60
    assert a.record.num_temporary_lockouts == 1 and a.record.last_ip_failure == IP
    assert a.record.last_failure == a.clock.now_ms()
    a.clock.advance(59)
    assert a.locked()
    a.clock.advance(1)
    assert not a.locked()


def test_multiple_strategy_waits_increment_times_failures_over_factor() -> None:
    a = Attacker(realm(failure_factor=2, wait_increment_seconds=30))
    waits = []
    for _ in range(7):
        a.fail(after_seconds=1000)
        waits.append(a.wait() if a.locked() else 0)
    assert waits == [0, 30, 30, 60, 60, 90, 90]


def test_linear_strategy_adds_one_increment_per_failure_from_the_factor() -> None:
    a = Attacker(realm(failure_factor=3, wait_increment_seconds=30, brute_force_strategy="LINEAR"))
    waits = []
    for _ in range(6):
        a.fail(after_seconds=1000)
        waits.append(a.wait() if a.locked() else 0)
    assert waits == [0, 0, 30, 60, 90, 120]


def waits(r: Realm, count: int) -> list[int]:
    a = Attacker(r)
    out = []
    for _ in range(count):
        a.fail(after_seconds=1000)
        out.append(a.wait() if a.locked() else 0)
    return out


def test_negative_settings_follow_keycloaks_java_arithmetic() -> None:
    # MULTIPLE: increment × (failures / factor), Java's division truncating toward zero.
    assert waits(realm(failure_factor=-1, wait_increment_seconds=60), 3) == [0, 0, 0]
    assert waits(realm(failure_factor=-1, wait_increment_seconds=-60), 3) == [60, 120, 180]
    assert waits(realm(failure_factor=-3, wait_increment_seconds=-60), 4) == [0, 0, 60, 60]  # floor would give 60 at 1
    assert waits(realm(failure_factor=3, wait_increment_seconds=-1), 6) == [0, 0, 0, 0, 0, 0]
    # LINEAR: increment × (1 + failures − factor), whatever the factor's sign.
    assert waits(realm(failure_factor=-1, wait_increment_seconds=30, brute_force_strategy="LINEAR"), 3) == [
        90,
        120,
        150,
    ]
    assert waits(realm(failure_factor=0, wait_increment_seconds=30, brute_force_strategy="LINEAR"), 2) == [60, 90]
    # A factor of 0 never divides: only the quick-login wait can lock.
    assert waits(realm(failure_factor=0), 3) == [0, 0, 0]


def test_the_wait_never_exceeds_the_maximum() -> None:
    a = Attacker(realm(failure_factor=1, wait_increment_seconds=400, max_failure_wait_seconds=900))
    for expected in (400, 800, 900, 900):
        a.fail(after_seconds=1000)
        assert a.wait() == expected


def test_a_quick_second_failure_locks_for_the_minimum_quick_login_wait() -> None:
    a = Attacker(realm(failure_factor=30))
    a.fail()
    verdict = bf.record_failure(a.realm, a.record, IP, a.clock.now_ms() + 999)
    assert verdict.failure.failed_login_not_before == a.clock.now() + 60
    assert verdict.locked_temporarily and verdict.failure.num_temporary_lockouts == 0  # quick: not a lockout


def test_failures_a_second_apart_are_not_quick() -> None:
    a = Attacker(realm(failure_factor=30))
    a.fail()
    a.clock.advance_ms(1000)
    verdict = bf.record_failure(a.realm, a.record, IP, a.clock.now_ms())
    assert verdict.failure.failed_login_not_before == 0 and not verdict.locked_temporarily


def test_the_first_failure_is_never_quick() -> None:
    a = Attacker(realm(failure_factor=30))
    assert not a.fail(after_seconds=0).locked_temporarily


def test_failures_older_than_max_delta_are_forgotten() -> None:
    a = Attacker(realm(max_delta_time_seconds=600))
    a.fail(), a.fail()
    a.fail(after_seconds=601)
    assert a.record.num_failures == 1 and not a.locked()


def test_failures_within_max_delta_still_count() -> None:
    a = Attacker(realm(max_delta_time_seconds=600))
    a.fail(), a.fail()
    a.fail(after_seconds=600)
    assert a.record.num_failures == 3 and a.locked()


def test_a_reset_after_max_delta_also_forgets_the_lockouts() -> None:
    a = Attacker(realm(failure_factor=1, max_delta_time_seconds=600))
    a.fail(after_seconds=1000)
    assert a.record.num_temporary_lockouts == 1
    a.fail(after_seconds=601)
    assert (a.record.num_failures, a.record.num_temporary_lockouts) == (1, 1)  # cleared, then this one


def test_permanent_lockout_disables_at_the_factor() -> None:
    a = Attacker(realm(permanent_lockout=True))
    assert not a.fail().lock_permanently
    assert not a.fail().lock_permanently
    assert a.fail().lock_permanently
    assert not a.locked()  # no temporary lockout when only permanent lockout is configured


def test_permanent_lockout_alone_keeps_old_failures() -> None:
    a = Attacker(realm(permanent_lockout=True, max_delta_time_seconds=10))
    a.fail(), a.fail()
    assert a.fail(after_seconds=10_000).lock_permanently  # maxDeltaTime does not apply


def test_permanent_lockout_alone_still_applies_the_quick_login_wait() -> None:
    a = Attacker(realm(permanent_lockout=True, failure_factor=5))
    a.fail()
    a.fail(after_seconds=0)
    assert a.locked() and a.wait() == 60 and not a.permanent


def test_max_temporary_lockouts_then_permanent() -> None:
    a = Attacker(realm(permanent_lockout=True, max_temporary_lockouts=2, failure_factor=2))
    a.fail(after_seconds=1000)
    assert a.fail(after_seconds=1000).locked_temporarily and a.record.num_temporary_lockouts == 1
    verdict = a.fail(after_seconds=1000)
    assert verdict.locked_temporarily and a.record.num_temporary_lockouts == 2 and not a.permanent
    verdict = a.fail(after_seconds=1000)
    assert a.record.num_temporary_lockouts == 3 and verdict.lock_permanently
    assert not verdict.locked_temporarily  # the third lockout is the permanent one


def test_max_temporary_lockouts_caps_the_wait_at_the_maximum() -> None:
    a = Attacker(
        realm(
            permanent_lockout=True,
            max_temporary_lockouts=5,
            failure_factor=1,
            wait_increment_seconds=600,
            max_failure_wait_seconds=900,
        )
    )
    a.fail(after_seconds=1000), a.fail(after_seconds=1000)
    assert a.wait() == 900


def test_a_zero_failure_factor_never_divides_by_zero() -> None:
    a = Attacker(realm(failure_factor=0))
    assert not a.fail(after_seconds=1000).locked_temporarily


def test_the_lock_time_fits_keycloaks_int() -> None:
    a = Attacker(realm(failure_factor=1, wait_increment_seconds=2**31, max_failure_wait_seconds=2**40))
    a.fail()
    assert a.record.failed_login_not_before == 2**31 - 1


def test_cleared_keeps_the_key_and_nothing_else() -> None:
    record = LoginFailure("r", "u", 5, 2, 123, IP, 456)
    assert bf.cleared(record) == LoginFailure("r", "u")


def test_lock_error_only_when_protected() -> None:
    now = 1_700_000_000
    locked = LoginFailure("r", "u", failed_login_not_before=now + 1)
    user = User(id="u", realm_id="r", username="alice")
    assert bf.lock_error(realm(), user, locked, now) == bf.USER_TEMPORARILY_DISABLED
    assert bf.lock_error(realm(), user, locked, now + 1) is None
    assert bf.lock_error(realm(), user, None, now) is None
    assert bf.lock_error(realm(brute_force_protected=False), user, locked, now) is None


def test_a_permanently_locked_user_is_refused_as_disabled() -> None:
    user = bf.locked_out_user(User(id="u", realm_id="r", username="alice", attributes={"dept": ["x"]}))
    assert not user.enabled and user.attributes == {"dept": ["x"], "disabledReason": ["permanentLockout"]}
    assert bf.permanently_locked(realm(), user, None)
    assert bf.lock_error(realm(), user, None, 0) == bf.USER_DISABLED


def test_an_admin_disabled_user_is_not_a_lockout() -> None:
    user = User(id="u", realm_id="r", username="alice", enabled=False)
    assert not bf.permanently_locked(realm(), user, None) and bf.lock_error(realm(), user, None, 0) is None
    enabled = dataclasses.replace(bf.locked_out_user(user), enabled=True)
    assert not bf.permanently_locked(realm(), enabled, None)


def test_past_temporary_lockouts_lock_permanently_once_the_realm_switches_to_permanent_lockout() -> None:
    user = User(id="u", realm_id="r", username="alice")
    record = LoginFailure("r", "u", num_failures=3, num_temporary_lockouts=1, last_failure=1_000_000_000)
    assert not bf.permanently_locked(realm(), user, record)
    assert bf.permanently_locked(realm(permanent_lockout=True), user, record)
    assert not bf.permanently_locked(realm(permanent_lockout=True, max_temporary_lockouts=1), user, record)
    assert bf.lock_error(realm(permanent_lockout=True), user, record, 1_000_000) == bf.USER_DISABLED


def test_the_status_of_a_user_locked_by_past_lockouts_is_disabled_for_ever() -> None:
    user = User(id="u", realm_id="r", username="alice")
    record = LoginFailure("r", "u", num_failures=3, num_temporary_lockouts=1, last_failure=1_000_000_000)
    status = bf.status_json(realm(permanent_lockout=True), user, record, 1_000_000 + 60)
    assert status["disabled"] is True and status["failedLoginNotBefore"] == bf.LOCKED_FOREVER
    assert bf.status_json(realm(), user, record, 1_000_000 + 60)["disabled"] is False


def test_without_lockout_reason_drops_only_that_attribute() -> None:
    user = bf.locked_out_user(User(id="u", realm_id="r", username="alice", attributes={"dept": ["x"]}))
    assert bf.without_lockout_reason(user).attributes == {"dept": ["x"]}
    plain = User(id="u", realm_id="r", username="alice")
    assert bf.without_lockout_reason(plain) is plain


def test_a_record_expires_max_delta_after_its_last_failure() -> None:
    r = realm(max_delta_time_seconds=600)
    record = LoginFailure("r", "u", num_failures=2, last_failure=1_000_000_000, failed_login_not_before=1_000_000_700)
    assert bf.live(r, record, 1_000_000 + 600) == record
    assert bf.live(r, record, 1_000_000 + 601) is None
    user = User(id="u", realm_id="r", username="alice")
    assert bf.lock_error(r, user, record, 1_000_000 + 599) == bf.USER_TEMPORARILY_DISABLED
    assert bf.lock_error(r, user, record, 1_000_000 + 601) is None  # the lock went with the record


def test_with_permanent_lockout_alone_records_never_expire() -> None:
    r = realm(permanent_lockout=True, max_delta_time_seconds=600)
    record = LoginFailure("r", "u", num_failures=2, last_failure=1_000_000_000)
    assert bf.live(r, record, 10_000_000) == record
    assert bf.live(r, None, 0) is None


def test_the_status_of_an_expired_record_is_empty() -> None:
    r = realm(max_delta_time_seconds=600)
    record = LoginFailure("r", "u", num_failures=2, last_failure=1_000_000_000, last_ip_failure=IP)
    assert bf.status_json(r, None, record, 1_000_000)["numFailures"] == 2
    assert bf.status_json(r, None, record, 1_000_601) == {
        "disabled": False,
        "numFailures": 0,
        "numSecondaryAuthFailures": 0,
        "numTemporaryLockouts": 0,
        "lastFailure": 0,
        "lastIPFailure": "n/a",
        "failedLoginNotBefore": 0,
    }
