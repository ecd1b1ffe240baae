"""A realm's stored password policy that this version would refuse still reads: the refused entries are left
out (users/password_policy.stored), so an upgrade does not turn every login of the realm into an error."""

from __future__ import annotations

import pytest

from doorkeep.users import password_policy


@pytest.mark.parametrize("entry", ["hashAlgorithm", "hashIterations(0)", "hashIterations(-7)"])
def test_an_entry_an_earlier_version_accepted_is_left_out_of_the_stored_policy(
    entry: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(password_policy.PolicyConfigError):
        password_policy.parse(f"length(10) and {entry}")
    policy = password_policy.stored(f"length(10) and {entry}")
    assert policy.as_string() == "length(10)" and policy.parsed == {"length": 10}
    assert (policy.hash_algorithm, policy.hash_iterations) == (None, -1)
    assert entry.split("(")[0] in caplog.text


def test_a_valid_stored_policy_reads_as_parse_reads_it() -> None:
    policy = password_policy.stored("hashAlgorithm(pbkdf2-sha512) and hashIterations(7)")
    assert (policy.hash_algorithm, policy.hash_iterations) == ("pbkdf2-sha512", 7)
    assert policy == password_policy.parse("hashAlgorithm(pbkdf2-sha512) and hashIterations(7)")
