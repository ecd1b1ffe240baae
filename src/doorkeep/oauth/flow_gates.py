"""The bound flow's steps after the password, for one user: which plan runs (a client's override, else the
realm's binding: AuthenticationFlowResolver), and the next gate whose conditions hold (realms/flow_plan.py).

The conditions are Keycloak 26's ConditionalUserConfiguredAuthenticator, ConditionalRoleAuthenticator,
ConditionalUserAttributeValue and ConditionalCredentialAuthenticator.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, User
from doorkeep.oauth import roles
from doorkeep.realms import flow_plan as fp
from doorkeep.realms import flow_support
from doorkeep.realms.flow_model import of
from doorkeep.users import admin_regex, otp

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BROWSER, DIRECT_GRANT = "browser", "direct_grant"  # AuthenticationFlowBindings' override keys
_BINDINGS = {BROWSER: "browserFlow", DIRECT_GRANT: "directGrantFlow"}
DELIMITER = "##"  # Constants.CFG_DELIMITER
MAX_CLIENT_LOOKUPS = 4  # KeycloakModelUtils.MAX_CLIENT_LOOKUPS_DURING_ROLE_RESOLVE
PATTERN_SECONDS = 0.5  # what one condition's pattern may take over all the values; ordinary ones take microseconds
_log = logging.getLogger(__name__)


class CannotRun(Exception):
    """The bound flow is one Doorkeep cannot run (the admin API refuses to bind such a flow; this is the guard
    if one gets bound anyway): the login stops rather than skip a step."""


def plan(realm: Realm, client: Client, binding: str) -> fp.Plan:
    """The plan of the flow that runs for ``client``: its override, else the realm's binding."""
    flows = of(realm)
    flow = flows.flow(client.flow_overrides.get(binding)) or flows.flow(
        flow_support.bound_id(realm, _BINDINGS[binding])
    )
    if flow is None:
        raise CannotRun(f"the realm has no {_BINDINGS[binding]}")
    try:
        return fp.browser(flows, flow) if binding == BROWSER else fp.direct_grant(flows, flow)
    except fp.Unsupported as exc:
        raise CannotRun(str(exc)) from None


@dataclass(frozen=True)
class Next:
    """The gate that applies: its index in the plan, and what it asks (``fp.OTP`` for a user with an OTP
    credential, SETUP for a REQUIRED OTP form the user has none for, ``fp.DENY_ACCESS``)."""

    index: int
    gate: fp.Gate
    step: str


SETUP = "setup"


async def next_gate(tx: Tx, realm: Realm, user: User, steps: fp.Plan, start: int = 0) -> Next | None:
    """The first gate from ``start`` whose conditions hold and that asks something of the user; None when the
    flow is through. Allow Access passes; an ALTERNATIVE OTP form passes a user without OTP (its guard, the
    conditional-user-configured condition, already failed for them)."""
    has_otp: bool | None = None
    for index in range(start, len(steps.gates)):
        gate = steps.gates[index]
        if has_otp is None and (gate.action == fp.OTP or any(c.needs_otp for c in gate.conditions)):
            has_otp = bool(await otp.stored(tx, user.id))
        if not await _all_hold(tx, realm, user, gate.conditions, bool(has_otp)):
            continue
        if gate.action == fp.DENY_ACCESS:
            return Next(index, gate, fp.DENY_ACCESS)
        if gate.action == fp.OTP and has_otp:
            return Next(index, gate, fp.OTP)
        if gate.action == fp.OTP and gate.required:
            return Next(index, gate, SETUP)
    return None


async def _all_hold(tx: Tx, realm: Realm, user: User, conditions: tuple[fp.Condition, ...], has_otp: bool) -> bool:
    for condition in conditions:
        if not await _holds(tx, realm, user, condition, has_otp):
            return False
    return True


async def _holds(tx: Tx, realm: Realm, user: User, condition: fp.Condition, has_otp: bool) -> bool:
    if condition.kind == fp.USER_CONFIGURED:
        return has_otp or not condition.needs_otp
    if condition.kind == fp.USER_ROLE:
        return await _has_role(tx, realm, user, condition)
    if condition.kind == fp.USER_ATTRIBUTE:
        return await _attribute_matches(tx, user, condition)
    if condition.kind == fp.CREDENTIAL:
        return _credential_matches(condition)
    return False


async def _has_role(tx: Tx, realm: Realm, user: User, condition: fp.Condition) -> bool:
    """ConditionalRoleAuthenticator: the user has the role ``condUserRole`` (KeycloakModelUtils.getRoleFromString:
    ``clientId.role`` tried at each dot from the left, else a realm role), directly, through a group or a
    composite, unless ``negate``; a role that does not exist matches nobody, negated or not."""
    name = condition.get("condUserRole")
    if not name:
        return False
    negate = (condition.get("negate") or "").lower() == "true"
    role = None
    dot, lookups = name.find("."), 0
    while dot >= 0 and lookups < MAX_CLIENT_LOOKUPS and role is None:
        lookups += 1
        client = await tx.config.client(realm.id, name[:dot])
        if client is not None:
            role = await tx.roles.get_client_role(client.id, name[dot + 1 :])
            if role is None:
                return False
            break
        dot = name.find(".", dot + 1)
    if role is None:
        role = await tx.roles.get_realm_role(realm.id, name)
    if role is None:
        return False
    return (role.id in await roles.user_roles(tx, user)) != negate


async def _attribute_matches(tx: Tx, user: User, condition: fp.Condition) -> bool:
    """ConditionalUserAttributeValue: a value of ``attribute_name`` equal to ``attribute_expected_value`` (a
    Java regular expression matching the whole value with ``regex``), among the user's attributes and, with
    ``include_group_attributes``, their groups' and the groups above them; ``not`` negates."""
    name, expected = condition.get("attribute_name") or "", condition.get("attribute_expected_value")
    regex = (condition.get("regex") or "").lower() == "true"
    negate = (condition.get("not") or "").lower() == "true"
    values = list(user.attributes.get(name) or [])
    values += [v for v in (_builtin(user, name),) if v is not None]
    if (condition.get("include_group_attributes") or "").lower() == "true":
        groups = await tx.groups.of_user(user.id)
        for group in [*groups, *(await tx.groups.ancestors(groups)).values()]:
            values += list(group.attributes.get(name) or [])
    if expected is None:
        return negate
    if regex:
        found = _any_matches(expected, values)
    else:
        found = expected in values
    return found != negate


def _any_matches(expected: str, values: list[str]) -> bool:
    """Whether the administrator's pattern matches one of the values (which the user may have set) whole: on the
    ``regex`` engine within PATTERN_SECONDS in all, where Keycloak's ``String.matches`` has no limit. A pattern
    that does not compile, or would take hours to (users.admin_regex), matches nothing, as does one that runs
    past the time limit."""
    try:
        pattern = admin_regex.compiled(expected)
    except admin_regex.UnsafePattern:
        return False
    deadline = time.monotonic() + PATTERN_SECONDS
    try:
        for value in values:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if pattern.fullmatch(value, timeout=left) is not None:
                return True
    except TimeoutError:
        _log.warning("conditional-user-attribute pattern ran past %s s; no match", PATTERN_SECONDS)
    return False


def _builtin(user: User, name: str) -> str | None:
    """UserModel.getAttributeStream of a root attribute (the username, e-mail and names live on the user)."""
    return {
        "username": user.username,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
    }.get(name)


def _credential_matches(condition: fp.Condition) -> bool:
    """ConditionalCredentialAuthenticator: whether a credential type the login used so far (the password, the
    only one before these gates) is among ``credentials``, as ``included`` asks."""
    wanted = {c for c in (condition.get("credentials") or "").split(DELIMITER) if c}
    used = wanted & {"password"}
    included = (condition.get("included") or "").lower() == "true"
    return bool(used) if included else not used
