"""Small rules on the domain dataclasses."""

from __future__ import annotations

from doorkeep.model import UPDATE_PASSWORD, User, with_password_update


def test_a_temporary_password_adds_update_password_once_and_a_permanent_one_removes_it() -> None:
    user = User("u", "r", "alice", required_actions=("VERIFY_EMAIL",))
    temporary = with_password_update(user, True)
    assert temporary.required_actions == ("VERIFY_EMAIL", UPDATE_PASSWORD)
    assert with_password_update(temporary, True) == temporary
    assert with_password_update(temporary, False).required_actions == ("VERIFY_EMAIL",)
    assert with_password_update(user, False) is user
