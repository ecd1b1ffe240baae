"""The logout confirmation's session code: the form's must be the cookie's, and it lives for the realm's
user-action lifespan (then ``expired_code``) and login lifespan (then ``session_expired``)."""

from __future__ import annotations

import pytest

from doorkeep.model import Realm
from doorkeep.oauth import logout_confirm

REALM = Realm(id="r", name="r")  # accessCodeLifespanUserAction 300 s, accessCodeLifespanLogin 1800 s
NOW = 1_700_000_000


def test_the_code_it_issued_is_ok_until_the_user_action_lifespan() -> None:
    code = logout_confirm.issue(NOW)
    assert logout_confirm.check(REALM, code, code, NOW) == "ok"
    assert logout_confirm.check(REALM, code, code, NOW + REALM.access_code_lifespan_user_action) == "ok"
    late = NOW + REALM.access_code_lifespan_user_action + 1
    assert logout_confirm.check(REALM, code, code, late) == logout_confirm.EXPIRED_CODE
    later = NOW + REALM.access_code_lifespan_login + 1
    assert logout_confirm.check(REALM, code, code, later) == logout_confirm.SESSION_EXPIRED


@pytest.mark.parametrize(
    ("given", "cookie"),
    [
        (None, "1.x"),
        ("1.x", None),
        ("", ""),
        (f"{NOW}.a", f"{NOW}.b"),  # another page's code
        ("x.abc", "x.abc"),  # no issue time
        (f"{NOW + 3600}.abc", f"{NOW + 3600}.abc"),  # issued in the future: a cookie this server did not write
        (f"-{NOW}.abc", f"-{NOW}.abc"),
    ],
)
def test_a_missing_forged_or_foreign_code_is_session_expired(given: str | None, cookie: str | None) -> None:
    assert logout_confirm.check(REALM, given, cookie, NOW) == logout_confirm.SESSION_EXPIRED
