"""Step-up authentication while a browser login runs: the level the client asks for, the level the login has
reached, and the levels the SSO session reached before, as Keycloak 26's AcrStore keeps them in the
authentication session (here: on the ``AuthRequest``) and ConditionalLoaAuthenticator reads and writes them.

* The requested level (the REQUESTED_LEVEL_OF_AUTHENTICATION client note, AuthorizationEndpoint
  .updateAuthenticationSession): the lowest level of the essential ``acr`` values of ``claims``, else of the
  requested ones (``acr_values``, ``claims``, the client's defaults, above its minimum: oauth/acr.py); an ACR that
  names no level counts as 0; none asked: -1 (NO_LOA). Essential values force the level (FORCE_LEVEL_OF_
  AUTHENTICATION): a flow that ends below it fails with "Authentication requirements not fulfilled".
* The level reached (the LEVEL_OF_AUTHENTICATION auth note): -1 until a level sub-flow is through or the SSO
  cookie brings the session's level; it becomes the client session's level, which names the tokens' ``acr``.
* The levels map (the LOA_MAP note, ``{"level": auth time}``): copied from the user session by the cookie step,
  a level added when its sub-flow is through (unless its ``loa-max-age`` is 0), and saved to the user session when
  the flow ends after a level sub-flow ran (ConditionalLoaAuthenticator.onTopFlowSuccess).
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from doorkeep import numbers
from doorkeep.model import Client, Realm, User
from doorkeep.numbers import parse_int
from doorkeep.oauth import acr, flow_gates
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.realms import flow_levels
from doorkeep.realms.flow_model import of

if TYPE_CHECKING:
    from doorkeep.realms.flow_conditions import Condition
    from doorkeep.store.tx import Tx

NO_LOA, MINIMUM_LOA = -1, 0  # Constants.NO_LOA, Constants.MINIMUM_LOA
LOA_MAP_NOTE = "loa-map"  # Constants.LOA_MAP: an auth note and a user session note
ACR_NOT_FULFILLED = "Authentication requirements not fulfilled"  # Messages.ACR_NOT_FULFILLED
NOT_FULFILLED_DETAIL = (
    "Forced level of authentication did not meet the requirements. Requested level: {}, Fulfilled level: {}"
)


def requested_level(client: Client, realm: Realm, request: AuthRequest) -> int:
    """The REQUESTED_LEVEL_OF_AUTHENTICATION client note: the lowest level the request's ACRs name. The device
    verification's login asks for none (DeviceEndpoint sets no such note, whatever the client's defaults)."""
    if request.device_user_code is not None:
        return NO_LOA
    values = acr.required_values(request.claims) or acr.requested_values(
        request.claims, request.acr_values, client, realm
    )
    levels = acr.loa_map(client, realm)
    found = []
    for value in values:
        level = levels[value] if value in levels else parse_int(value)
        found.append(MINIMUM_LOA if level is None else level)  # an unknown optional ACR: the minimum level
    return min(found) if found else NO_LOA


# CredentialAction.getCredentialType of the required actions a client may ask for with ``kc_action``
KC_ACTION_CREDENTIALS = {
    "CONFIGURE_TOTP": "otp",
    "UPDATE_PASSWORD": "password",
    "CONFIGURE_RECOVERY_AUTHN_CODES": "recovery-authn-codes",  # RecoveryAuthnCodesAction, a CredentialRegistrator
}
DELETE_CREDENTIAL = "delete_credential"


async def kc_action_level(tx: Tx, realm: Realm, client: Client, request: AuthRequest, user: User) -> int:
    """AcrStore.getRequestedLevelOfAuthenticationByKcAction: a ``kc_action`` for a credential (CONFIGURE_TOTP,
    UPDATE_PASSWORD, CONFIGURE_RECOVERY_AUTHN_CODES, delete_credential of one of the user's) asks for the level at
    which the browser flow checks that credential type, or the highest level below it the user has a credential for
    (getHighestLevelAvailableForUser); anything else asks for none."""
    if request.kc_action is None or request.device_user_code is not None:
        return NO_LOA
    stored = await tx.users.credentials(user.id)
    kind = KC_ACTION_CREDENTIALS.get(request.kc_action)
    if request.kc_action == DELETE_CREDENTIAL:
        kind = next((c.type for c in stored if c.id == request.kc_action_parameter), None)
    flow = flow_gates.bound(realm, client, flow_gates.BROWSER, request.requested_flow)
    by_type = flow_levels.credential_levels(of(realm), flow.id) if flow is not None and kind is not None else {}
    level = by_type.get(kind) if kind is not None else None
    if level is None:
        return NO_LOA
    held = {c.type for c in stored}
    while level > NO_LOA:
        types = {t for t, at in by_type.items() if at == level}
        if not types or types & held:
            return level
        level -= 1  # no credential of this level: the level below
    return level


async def tracker(tx: Tx, client: Client, realm: Realm, request: AuthRequest, user: User | None, now: int) -> Tracker:
    """The login's step-up state, its requested level the higher of the client's and the ``kc_action``'s (known
    once the user is: AcrStore.getRequestedLevelOfAuthentication)."""
    found = Tracker.of(client, realm, request, now)
    if user is not None:
        found.requested = max(found.requested, await kc_action_level(tx, realm, client, request, user))
    return found


def forced(request: AuthRequest) -> bool:
    """FORCE_LEVEL_OF_AUTHENTICATION: the request asks for an essential ``acr`` (never a device verification)."""
    return request.device_user_code is None and bool(acr.required_values(request.claims))


def read_map(raw: object) -> dict[int, int] | None:
    """A LOA_MAP note: level to the time it was reached; None when there is none (or it is unreadable)."""
    if not isinstance(raw, str):
        return None
    try:
        found = numbers.loads(raw)
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    levels: dict[int, int] = {}
    for key, value in found.items():
        level, at = parse_int(key), parse_int(value)
        if level is not None and at is not None:
            levels[level] = at
    return levels


def write_map(levels: dict[int, int]) -> str:
    """The LOA_MAP note as Jackson writes ``Map<Integer, Integer>``: string keys, ascending."""
    return json.dumps({str(k): levels[k] for k in sorted(levels)}, separators=(",", ":"))


def previous_level(levels: dict[int, int] | None, max_ages: dict[int, int], now: int) -> int:
    """AcrStore.getHighestAuthenticatedLevelFromPreviousAuthentication: -1 without a map; else the highest level,
    from the lowest up, reached no longer ago than the flow's max age for it (a level the flow no longer
    configures: 0), stopping at the first expired one; at least 0 (the SSO session itself)."""
    if not levels:
        return NO_LOA
    highest = MINIMUM_LOA
    for level in sorted(levels):
        if now <= levels[level] + max_ages.get(level, 0):
            highest = level
        else:
            break
    return highest


@dataclasses.dataclass
class Tracker:
    """The login's step-up state for one request (AcrStore over the authentication session), written back to the
    request with ``into``."""

    requested: int
    level: int
    levels: dict[int, int] | None
    forced_reauthentication: bool
    now: int
    recorded: bool = False

    @classmethod
    def of(cls, client: Client, realm: Realm, request: AuthRequest, now: int) -> Tracker:
        return cls(
            requested_level(client, realm, request),
            request.loa_level,
            read_map(request.loa_map),
            request.loa_forced_reauthentication,
            now,
            request.loa_recorded,
        )

    def into(self, request: AuthRequest) -> AuthRequest:
        noted = write_map(self.levels) if self.levels is not None else None
        return dataclasses.replace(request, loa_level=self.level, loa_map=noted, loa_recorded=self.recorded)

    def matches(self, condition: Condition) -> bool:
        """ConditionalLoaAuthenticator.matchCondition: true until the login reached a level; false when the client
        asked for less than this level, or (raising the login's level to it) the session reached it within its
        max age and no re-authentication is forced; else true."""
        configured = flow_levels.level_of(condition.config)
        level = MINIMUM_LOA if configured is None else configured
        if self.level < MINIMUM_LOA:
            return True
        if self.requested < level:
            return False
        if self._reached_before(level, flow_levels.max_age_of(condition.config)):
            self.level = max(self.level, level)
            return False
        return True

    def _reached_before(self, level: int, max_age: int) -> bool:
        """AcrStore.isLevelAuthenticatedInPreviousAuth."""
        if self.forced_reauthentication or self.levels is None or level not in self.levels:
            return False
        return self.levels[level] + max_age >= self.now

    def record(self, group: flow_levels.Group) -> None:
        """ConditionalLoaAuthenticator.onParentFlowSuccess for each level condition of a sub-flow that is through:
        the login reaches the level, and so does the session (for later logins) unless its max age is 0."""
        for level, max_age in group.levels():
            self.level = level
            if max_age != 0:
                self.levels = {**(self.levels or {}), level: self.now}
        self.recorded = True


def unfulfilled(request: AuthRequest, wanted: int) -> str | None:
    """The event detail of a forced level the login fell short of (``wanted``: the requested level), else None.
    After a level sub-flow ran, the level it recorded (ConditionalLoaAuthenticator.onTopFlowSuccess); without one,
    as Keycloak's AcrNotFulfilledException (LevelOfAssuranceEssentialAcrTest: "the active login is level 1"), the
    level the token's ``acr`` names for this active login: 1, or the one the flow auth-flow-enforcer picked grants."""
    if not forced(request):
        return None
    level = request.loa_level
    if not request.loa_recorded:
        level = max(level, 1, request.flow_loa if request.flow_loa is not None else NO_LOA)
    if wanted <= level:
        return None
    return NOT_FULFILLED_DETAIL.format(wanted, level)


def with_flow_level(request: AuthRequest) -> AuthRequest:
    """AuthenticationProcessor.authenticationComplete (AcrStore.setAuthFlowLevelAuthenticatedToCurrentRequest):
    a login through the flow auth-flow-enforcer picked reaches at least the level it grants."""
    if request.flow_loa is None or request.loa_level >= request.flow_loa:
        return request
    return dataclasses.replace(request, loa_level=request.flow_loa)


def restarted(request: AuthRequest) -> AuthRequest:
    """AuthenticationProcessor.resetFlow clears the auth notes: the login begun again has reached no level."""
    return dataclasses.replace(
        request, loa_level=NO_LOA, loa_map=None, loa_forced_reauthentication=False, loa_recorded=False
    )


def session_note(request: AuthRequest) -> str | None:
    """The user session's LOA_MAP note this login leaves (onTopFlowSuccess), or None when it leaves it as it is."""
    return request.loa_map if request.loa_recorded else None
