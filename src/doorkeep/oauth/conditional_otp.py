"""Keycloak's Conditional OTP Form (``auth-conditional-otp-form``, ConditionalOtpFormAuthenticator): the OTP form,
run or skipped as its config decides (realms/flow_plan.py compiles it into an OTP gate carrying that config).

Each condition votes skip, show or abstain, asked in order, the first that does not abstain deciding: the user's
attribute named by ``otpControlAttribute`` (its first value, trimmed: ``skip`` or ``force``), the user's role
``skipOtpRole`` then ``forceOtpRole`` (KeycloakModelUtils.getRoleFromString; held directly, through a group or
a composite), a request header matching ``noOtpRequiredForHeaderPattern`` then ``forceOtpForHeaderPattern``
(``Name: value``, the whole entry, case-insensitive, ``.`` matching newlines), then ``defaultOtpOutcome``
(``skip`` or ``force``); when every one abstains the OTP form runs.

A user without an OTP credential never reaches that decision: the REQUIRED authenticator is not configured for
them (DefaultAuthenticationFlow: SETUP_REQUIRED), and its setRequiredActions adds Configure OTP only when
isOTPRequired says so (``setup_wanted``).

Where Doorkeep is stricter, on purpose:

- A header pattern that would skip the OTP form counts only when the request's proxy headers count
  (``--proxy-headers``, and the peer among ``--proxy-trusted-addresses`` when given: HttpRequest.isProxyTrusted),
  as Keycloak 26's tests CustomAuthFlowOTPTest.conditionalOTPRequestHeaderSkipIgnoredWithoutProxy and
  CustomAuthFlowOTPProxyTrustedAllowTest/DenyTest have it: a client talking to the server directly writes its
  own headers. The pattern that forces the OTP form counts always.
- The patterns are the administrator's, the headers the client's: they run on the ``regex`` engine within
  PATTERN_SECONDS in all (Java's Pattern has no limit), an unsafe or invalid pattern matches nothing (Keycloak
  fails the login with a PatternSyntaxException), and at most MAX_ENTRIES header lines of MAX_ENTRY characters
  each are looked at (a longer one matches nothing).
- isOTPRequired reads every authenticator config of the realm holding one of these keys (one config anywhere
  saying "show" asks every user without OTP to set it up, whichever flow runs); Doorkeep asks the config of the
  execution that runs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from doorkeep.broker.idp_mappers import role_of
from doorkeep.model import Realm, User
from doorkeep.oauth import roles
from doorkeep.users import admin_regex

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

SKIP, FORCE = "skip", "force"  # ConditionalOtpFormAuthenticator.SKIP, FORCE
ATTRIBUTE = "otpControlAttribute"  # OTP_CONTROL_USER_ATTRIBUTE
SKIP_ROLE, FORCE_ROLE = "skipOtpRole", "forceOtpRole"
SKIP_HEADER, FORCE_HEADER = "noOtpRequiredForHeaderPattern", "forceOtpForHeaderPattern"
DEFAULT = "defaultOtpOutcome"  # DEFAULT_OTP_OUTCOME
KEYS = frozenset({ATTRIBUTE, SKIP_ROLE, FORCE_ROLE, SKIP_HEADER, FORCE_HEADER, DEFAULT})
SKIP_OTP, SHOW_OTP, ABSTAIN = "skip", "show", "abstain"  # OtpDecision
PATTERN_SECONDS = 0.5  # what one pattern may take over all the header lines
MAX_ENTRIES, MAX_ENTRY = 100, 8192
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestHeaders:
    """The login request's headers (name, value; a name once per value) and whether its proxy headers count."""

    entries: tuple[tuple[str, str], ...] = ()
    proxy_trusted: bool = False


NO_HEADERS = RequestHeaders()


async def runs(tx: Tx, realm: Realm, user: User, config: tuple[tuple[str, str], ...], headers: RequestHeaders) -> bool:
    """ConditionalOtpFormAuthenticator.authenticate for a user with OTP: whether the OTP form shows."""
    for vote in await _votes(tx, realm, user, dict(config), headers):
        if vote != ABSTAIN:
            return vote == SHOW_OTP
    return True


async def setup_wanted(
    tx: Tx, realm: Realm, user: User, config: tuple[tuple[str, str], ...], headers: RequestHeaders
) -> bool:
    """isOTPRequired, for a user without OTP: whether Configure OTP is added to the login's actions. A config
    holding none of the keys asks for it; else any of the user's votes saying show, or the default alone saying
    force, or every vote abstaining but the default not saying skip."""
    found = dict(config)
    if not KEYS & found.keys():
        return True
    attribute, role, header, default = await _votes(tx, realm, user, found, headers)
    if SHOW_OTP in (attribute, role, header):
        return True
    if found.get(DEFAULT) == FORCE and len(found) <= 1:
        return True
    return (attribute, role, header) == (ABSTAIN, ABSTAIN, ABSTAIN) and default != SKIP_OTP


async def _votes(tx: Tx, realm: Realm, user: User, config: dict[str, str], headers: RequestHeaders) -> list[str]:
    return [
        _attribute_vote(user, config),
        await _role_vote(tx, realm, user, config),
        _header_vote(headers, config),
        {SKIP: SKIP_OTP, FORCE: SHOW_OTP}.get(config.get(DEFAULT, ""), ABSTAIN),
    ]


def _attribute_vote(user: User, config: dict[str, str]) -> str:
    """voteForUserOtpControlAttribute: the attribute's first value (UserModel.getAttributeStream: the root
    attributes live on the user), trimmed."""
    name = config.get(ATTRIBUTE)
    root = {"username": user.username, "email": user.email, "firstName": user.first_name, "lastName": user.last_name}
    values = (user.attributes.get(name) or [v for v in (root.get(name),) if v is not None]) if name else None
    if not values:
        return ABSTAIN
    return {SKIP: SKIP_OTP, FORCE: SHOW_OTP}.get(values[0].strip(), ABSTAIN)


async def _role_vote(tx: Tx, realm: Realm, user: User, config: dict[str, str]) -> str:
    """voteForUserRole: the skip role first; a role that does not exist is held by nobody."""
    if SKIP_ROLE not in config and FORCE_ROLE not in config:
        return ABSTAIN
    held: set[str] | None = None
    for key, vote in ((SKIP_ROLE, SKIP_OTP), (FORCE_ROLE, SHOW_OTP)):
        role = await role_of(tx, realm, config.get(key))
        if role is None:
            continue
        held = held if held is not None else await roles.user_roles(tx, user)
        if role.id in held:
            return vote
    return ABSTAIN


def _header_vote(headers: RequestHeaders, config: dict[str, str]) -> str:
    """voteForHttpHeaderMatchesPattern: the skip pattern first (only when the proxy headers count), then the
    force pattern."""
    skip, force = config.get(SKIP_HEADER), config.get(FORCE_HEADER)
    if skip and headers.proxy_trusted and _any_header_matches(skip, headers):
        return SKIP_OTP
    if force and _any_header_matches(force, headers):
        return SHOW_OTP
    return ABSTAIN


def _any_header_matches(pattern: str, headers: RequestHeaders) -> bool:
    """containsMatchingRequestHeader: the pattern matching a whole ``Name: value`` line of the request."""
    try:
        admin_regex.compiled(pattern)  # refuses what would take too long to compile
        compiled = regex.compile(pattern, regex.DOTALL | regex.IGNORECASE)
    except (admin_regex.UnsafePattern, regex.error, RecursionError):
        _log.warning("%s: a header pattern that does not compile matches nothing", "auth-conditional-otp-form")
        return False
    deadline = time.monotonic() + PATTERN_SECONDS
    try:
        for name, value in headers.entries[:MAX_ENTRIES]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            line = f"{name.strip()}: {value.strip()}"
            if len(line) <= MAX_ENTRY and compiled.fullmatch(line, timeout=left) is not None:
                return True
    except TimeoutError:
        _log.warning("auth-conditional-otp-form header pattern ran past %s s; no match", PATTERN_SECONDS)
    return False
