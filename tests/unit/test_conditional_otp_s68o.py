"""oauth/conditional_otp.py's two questions, for configs without roles (no store asked): ``runs``
(ConditionalOtpFormAuthenticator.authenticate, a user with OTP) and ``setup_wanted`` (isOTPRequired, a user
without), whose answers differ where the first vote that does not abstain skips but a later one shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest

from doorkeep.model import Realm, User
from doorkeep.oauth.conditional_otp import RequestHeaders, runs, setup_wanted

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

pytestmark = pytest.mark.anyio
TX, REALM = cast("Tx", None), cast("Realm", None)
HOSTED = RequestHeaders((("host", "localhost"),), proxy_trusted=False)
TRUSTED = RequestHeaders((("host", "localhost"),), proxy_trusted=True)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def user(**attributes: list[str]) -> User:
    return User("u", "r", "skip", attributes=dict(attributes))


CASES = [
    # config, user attributes, headers, runs, setup_wanted
    ({}, {}, HOSTED, True, True),
    ({"defaultOtpOutcome": "skip"}, {}, HOSTED, False, False),
    ({"defaultOtpOutcome": "force"}, {}, HOSTED, True, True),
    ({"defaultOtpOutcome": "other"}, {}, HOSTED, True, True),
    ({"otpControlAttribute": "a", "defaultOtpOutcome": "force"}, {"a": [" skip "]}, HOSTED, False, False),
    ({"otpControlAttribute": "a", "defaultOtpOutcome": "skip"}, {"a": ["force"]}, HOSTED, True, True),
    ({"otpControlAttribute": "a", "defaultOtpOutcome": "skip"}, {"a": ["maybe", "force"]}, HOSTED, False, False),
    # the attribute skips, the header forces: authenticate skips, isOTPRequired still asks for the set-up
    (
        {"otpControlAttribute": "a", "forceOtpForHeaderPattern": "host: .*"},
        {"a": ["skip"]},
        HOSTED,
        False,
        True,
    ),
    ({"noOtpRequiredForHeaderPattern": "Host: localhost", "defaultOtpOutcome": "force"}, {}, HOSTED, True, True),
    ({"noOtpRequiredForHeaderPattern": "Host: localhost", "defaultOtpOutcome": "force"}, {}, TRUSTED, False, False),
    ({"noOtpRequiredForHeaderPattern": "Host: local", "defaultOtpOutcome": "force"}, {}, TRUSTED, True, True),
    ({"forceOtpForHeaderPattern": "HOST: LOCALHOST", "defaultOtpOutcome": "skip"}, {}, HOSTED, True, True),
    # a root attribute (the username here) is an attribute too
    ({"otpControlAttribute": "username", "defaultOtpOutcome": "force"}, {}, HOSTED, False, False),
    ({"otpControlAttribute": "lastName", "defaultOtpOutcome": "force"}, {}, HOSTED, True, True),
]


@pytest.mark.parametrize(("config", "attributes", "headers", "shown", "wanted"), CASES)
async def test_decisions(
    config: dict[str, str], attributes: dict[str, list[str]], headers: RequestHeaders, shown: bool, wanted: bool
) -> None:
    found = tuple(sorted(config.items()))
    assert await runs(TX, REALM, user(**attributes), found, headers) is shown
    assert await setup_wanted(TX, REALM, user(**attributes), found, headers) is wanted
