"""The bound flow's steps after the password, for one user: which plan runs (the flow a client policy picked,
else a client's override, else the realm's binding: AuthenticationFlowResolver), and the next gate whose
conditions hold (realms/flow_plan.py).

The conditions are Keycloak 26's ConditionalUserConfiguredAuthenticator, ConditionalRoleAuthenticator,
ConditionalUserAttributeValue, ConditionalCredentialAuthenticator and ConditionalLoaAuthenticator (whose state,
the login's level, oauth/loa.py keeps). The gates of a level sub-flow (``Gate.group``) run together: its
conditions are asked once, when the login reaches its first gate, and once its last gate is through its level is
recorded.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.admin import groups
from doorkeep.errors import OAuthError
from doorkeep.model import Client, Realm, User
from doorkeep.oauth import conditional_otp, roles
from doorkeep.oauth import scopes as scope_rules
from doorkeep.realms import flow_plan as fp
from doorkeep.realms import flow_support
from doorkeep.realms.flow_levels import LEVEL_CONDITION, Group
from doorkeep.realms.flow_model import AuthFlow, of
from doorkeep.users import admin_regex, otp, recovery_codes, webauthn

if TYPE_CHECKING:
    from doorkeep.oauth.loa import Tracker
    from doorkeep.store.tx import Tx

BROWSER, DIRECT_GRANT = "browser", "direct_grant"  # AuthenticationFlowBindings' override keys
_BINDINGS = {BROWSER: "browserFlow", DIRECT_GRANT: "directGrantFlow"}
DELIMITER = "##"  # Constants.CFG_DELIMITER
PASSWORD_USED = frozenset({"password"})  # PasswordCredentialModel.TYPE, validated before the gates
MAX_CLIENT_LOOKUPS = 4  # KeycloakModelUtils.MAX_CLIENT_LOOKUPS_DURING_ROLE_RESOLVE
PATTERN_SECONDS = 0.5  # what one condition's pattern may take over all the values; ordinary ones take microseconds
_log = logging.getLogger(__name__)


class CannotRun(Exception):
    """The bound flow is one Doorkeep cannot run (the admin API refuses to bind such a flow; this is the guard
    if one gets bound anyway): the login stops rather than skip a step."""


def bound(realm: Realm, client: Client, binding: str, requested: str | None = None) -> AuthFlow | None:
    """The flow that runs for ``client`` (AuthenticationFlowResolver): the one a client policy ``requested`` (by
    alias; None if it does not exist), else the client's override, else the realm's binding."""
    flows = of(realm)
    if requested is not None:
        return flows.by_alias(requested)
    return flows.flow(client.flow_overrides.get(binding)) or flows.flow(
        flow_support.bound_id(realm, _BINDINGS[binding])
    )


def plan(realm: Realm, client: Client, binding: str, requested: str | None = None, *, broker: bool = False) -> fp.Plan:
    """The plan of the flow that runs for ``client``: a requested one, else its override, else the realm's
    binding. ``broker``: of a login a broker login continues (``fp.after_broker``: the redirector's steps)."""
    flows = of(realm)
    flow = bound(realm, client, binding, requested)
    if requested is not None and flow is None:  # Keycloak's ModelException: the login ends on an error
        raise CannotRun(f"client {client.client_id} has requested browser flow {requested}, which does not exist")
    if flow is None:
        raise CannotRun(f"the realm has no {_BINDINGS[binding]}")
    try:
        found = fp.browser(flows, flow) if binding == BROWSER else fp.direct_grant(flows, flow)
    except fp.Unsupported as exc:
        raise CannotRun(str(exc)) from None
    return fp.after_broker(found) if broker else found


def username_first(realm: Realm, client: Client, requested: str | None = None) -> fp.Plan | None:
    """The plan of the browser flow that runs for ``client`` if it is identity-first (UsernameForm, then
    PasswordForm or a passkey), else None; a flow Doorkeep cannot run is not (its password step stops the login,
    oauth/login_gates.py)."""
    try:
        found = plan(realm, client, BROWSER, requested)
    except CannotRun:
        return None
    return found if found.username_first else None


def organization_step(realm: Realm, client: Client, requested: str | None = None) -> bool:
    """Whether the browser flow that runs for ``client`` reaches Keycloak's Organization sub-flow before its
    username and password form, in a realm with organizations on."""
    if not realm.organizations_enabled:
        return False
    try:
        return plan(realm, client, BROWSER, requested).organization
    except CannotRun:
        return False


def organization_members_only(realm: Realm, client: Client, requested: str | None = None) -> bool:
    """Whether that Organization step has ``requiresUserMembership`` set."""
    try:
        found = plan(realm, client, BROWSER, requested)
    except CannotRun:
        return False
    return found.organization and found.organization_members_only


def organization_fallthrough(realm: Realm, client: Client, requested: str | None = None) -> str | None:
    """The default provider of the Identity Provider Redirector the flow runs after its Organization step, if any."""
    try:
        found = plan(realm, client, BROWSER, requested)
    except CannotRun:
        return None
    return found.organization_fallthrough if found.organization else None


def usernameless(realm: Realm, client: Client, requested: str | None = None) -> bool:
    """Whether the browser flow that runs for ``client`` signs in with a passkey and no username step."""
    try:
        return plan(realm, client, BROWSER, requested).usernameless
    except CannotRun:
        return False


def password_choice(realm: Realm, client: Client, requested: str | None, index: int) -> bool:
    """Whether gate ``index`` of the browser flow is identity-first's choice of the password, the passkey or the OTP (so
    that the password page is one of its steps, with "Try Another Way")."""
    try:
        found = plan(realm, client, BROWSER, requested)
    except CannotRun:
        return False
    return found.passwordless and 0 <= index < len(found.gates) and fp.PASSWORD in found.gates[index].actions


@dataclass(frozen=True)
class Next:
    """The gate that applies: its index in the plan, and what it asks (``fp.OTP`` for a user with an OTP
    credential, ``fp.WEBAUTHN`` for one with a security key, ``fp.RECOVERY`` for one with recovery codes,
    ``fp.PASSKEY`` for one with a passkey, SETUP for a REQUIRED step the user has no credential for,
    ``fp.DENY_ACCESS``); ``options``: an ALTERNATIVE gate's choices the user may take, preferred first."""

    index: int
    gate: fp.Gate
    step: str
    options: tuple[fp.Choice, ...] = ()


# the credential type each credential-based step checks (its CredentialValidator's type)
CREDENTIAL_TYPES = {fp.OTP: otp.TYPE, fp.WEBAUTHN: webauthn.TYPE, fp.RECOVERY: recovery_codes.TYPE}
# and those of identity-first's first factor, a choice of the password and the passkey or the OTP
CHOICE_TYPES = {**CREDENTIAL_TYPES, fp.PASSWORD: "password", fp.PASSKEY: webauthn.PASSWORDLESS_TYPE}


def options(gate: fp.Gate, types: list[str], disabled: frozenset[str] = frozenset()) -> tuple[fp.Choice, ...]:
    """AuthenticationSelectionResolver.createAuthenticationSelectionList for an ALTERNATIVE gate: its choices whose
    credential the user holds, in the order of the user's credentials (their priority); ``types``: the user's
    credential types in that order; ``disabled``: the server's features turned off (recovery codes)."""
    by_type = {CHOICE_TYPES[c.action]: c for c in gate.choices}
    if recovery_codes.FEATURE in disabled:
        by_type.pop(recovery_codes.TYPE, None)
    return tuple(by_type[t] for t in dict.fromkeys(types) if t in by_type)


SETUP = "setup"
# an ALTERNATIVE credential step of a level sub-flow none of whose credentials the user holds: each alternative
# throws CREDENTIAL_SETUP_REQUIRED (DefaultAuthenticationFlow.processSingleFlowExecutionModel), the first one ends
# the login
UNCONFIGURED = "unconfigured"


async def next_gate(
    tx: Tx,
    realm: Realm,
    user: User,
    steps: fp.Plan,
    start: int = 0,
    levels: Tracker | None = None,
    running: Group | None = None,
    disabled: frozenset[str] = frozenset(),
    used: frozenset[str] = PASSWORD_USED,
    scopes: frozenset[str] = frozenset(),
    headers: conditional_otp.RequestHeaders = conditional_otp.NO_HEADERS,
) -> Next | None:
    """The first gate from ``start`` whose conditions hold and that asks something of the user; None when the
    flow is through. Allow Access passes; an ALTERNATIVE OTP form passes a user without OTP (its guard, the
    conditional-user-configured condition, already failed for them). ``running``: the level sub-flow whose step
    just finished (its conditions held when it began); a level sub-flow left behind is recorded in ``levels``;
    ``disabled``: the server's features turned off; ``used``: the credential types the login validated so far;
    ``headers``: the request's, which the Conditional OTP Form may ask."""
    types: list[str] | None = None  # the user's credential types, by priority: read once, when a gate asks
    index = start
    while index < len(steps.gates):
        gate = steps.gates[index]
        if running is not None and gate.group != running:
            _through(levels, running)
            running = None
        if types is None and _asks_credentials(gate):
            types = [c.type for c in await tx.users.credentials(user.id)]
        configured = frozenset(a for a, t in CREDENTIAL_TYPES.items() if t in (types or ()))
        if recovery_codes.FEATURE in disabled:  # the authenticator is not supported: never configured
            configured -= {fp.RECOVERY}
        ask = Asking(tx, realm, user, steps, index, levels, configured, used, scopes)
        if gate.group is not None and gate.group != running:
            if not await ask.holds(gate.group):
                index = _past(steps, index)
                continue
            running = gate.group
        elif gate.group is None and not await ask.holds(Group("", gate.conditions)):
            index += 1
            continue
        if gate.action in (fp.DENY_ACCESS, fp.LIMITS):  # Deny Access, or the session limiter's check
            return Next(index, gate, gate.action)
        if gate.choices:
            offered = options(gate, types or [], disabled)
            if offered:
                return Next(index, gate, offered[0].action, offered)
            password = next((c for c in gate.choices if c.action == fp.PASSWORD), None)
            if password is not None:  # a first factor to give: neither configured, the password page asks
                return Next(index, gate, fp.PASSWORD, (password,))
            if gate.group is not None:  # no conditional-user-configured passed over it: the level fails
                return Next(index, gate, UNCONFIGURED)
        elif gate.action == fp.PASSKEY:  # WebAuthnPasswordlessAuthenticator.configuredFor: the user has a passkey
            passkeys = any(c.type == webauthn.PASSWORDLESS_TYPE for c in await tx.users.credentials(user.id))
            return Next(index, gate, fp.PASSKEY if passkeys else SETUP)
        elif gate.otp_conditions is not None:  # the Conditional OTP Form
            if await _conditional_otp(ask, gate, headers):
                return Next(index, gate, fp.OTP if fp.OTP in configured else SETUP)
        elif gate.action in CREDENTIAL_TYPES and gate.action in configured:
            return Next(index, gate, gate.action)
        elif gate.action in CREDENTIAL_TYPES and gate.required:
            return Next(index, gate, SETUP)
        index += 1
    if running is not None:
        _through(levels, running)
    return None


@dataclass(frozen=True)
class Asking:
    """What the conditions of gate ``index`` are asked with, and whether a sub-flow ran through before it."""

    tx: Tx
    realm: Realm
    user: User
    steps: fp.Plan
    index: int
    levels: Tracker | None
    configured: frozenset[str]
    used: frozenset[str]
    scopes: frozenset[str]

    async def holds(self, group: Group) -> bool:
        return await group_holds(
            self.tx, self.realm, self.user, group, self.levels,
            configured=self.configured, used=self.used, scopes=self.scopes, executed=self.executed,
        )  # fmt: skip

    async def executed(self, alias: str) -> bool:
        """Whether the sub-flow ``alias`` ran through before this gate (its execution status SUCCESS): a gate of
        it comes earlier in the plan and its conditions held, so the login went past its step."""
        for earlier, gate in enumerate(self.steps.gates[: self.index]):
            if alias not in gate.path:
                continue
            conditions = gate.group.conditions if gate.group is not None else gate.conditions
            before = dataclasses.replace(self, index=earlier)
            if await before.holds(Group("", conditions)):
                return True
        return False


async def _conditional_otp(ask: Asking, gate: fp.Gate, headers: conditional_otp.RequestHeaders) -> bool:
    """Whether the Conditional OTP Form asks something: for a user with OTP, its decision to show the form; for
    one without, REQUIRED, its wish that they set OTP up (else the step is through: SETUP_REQUIRED with no
    action); ALTERNATIVE, nothing."""
    config = gate.otp_conditions or ()
    if fp.OTP in ask.configured:
        return await conditional_otp.runs(ask.tx, ask.realm, ask.user, config, headers)
    return gate.required and await conditional_otp.setup_wanted(ask.tx, ask.realm, ask.user, config, headers)


def _asks_credentials(gate: fp.Gate) -> bool:
    """Whether the gate's step or one of its conditions asks which credentials the user holds (conditional-sub-
    flow-executed may: it asks the conditions of the gates before)."""
    needs = any(c.needs_otp or c.needs_webauthn or c.needs_recovery or c.kind == fp.SUB_FLOW for c in gate.conditions)
    return needs or bool(gate.actions & CHOICE_TYPES.keys())


def _past(steps: fp.Plan, index: int) -> int:
    """The index of the first gate after the level sub-flow of gate ``index``."""
    group = steps.gates[index].group
    while index < len(steps.gates) and steps.gates[index].group == group:
        index += 1
    return index


def _through(levels: Tracker | None, group: Group) -> None:
    if levels is not None:
        levels.record(group)


async def group_holds(
    tx: Tx,
    realm: Realm,
    user: User | None,
    group: Group,
    levels: Tracker | None,
    *,
    configured: frozenset[str] = frozenset(),
    used: frozenset[str] = PASSWORD_USED,
    scopes: frozenset[str] = frozenset(),
    executed: Callable[[str], Awaitable[bool]] | None = None,
) -> bool:
    """Whether a level sub-flow runs: its conditions asked in order, up to the first that fails
    (DefaultAuthenticationFlow.conditionalNotMatched), as a level condition changes the login's level.
    ``executed``: whether the sub-flow of that alias ran through earlier in the login (conditional-sub-flow-
    executed; without it, none did)."""
    for condition in group.conditions:
        if condition.kind == LEVEL_CONDITION:
            if levels is None or not levels.matches(condition):
                return False
        elif condition.kind == fp.SUB_FLOW:
            if not await _sub_flow_matches(condition, executed):
                return False
        elif user is None or not await _holds(tx, realm, user, condition, configured, used, scopes):
            return False
    return True


async def _sub_flow_matches(condition: fp.Condition, executed: Callable[[str], Awaitable[bool]] | None) -> bool:
    """ConditionalSubFlowExecutedAuthenticator: whether the sub-flow ``flow_to_check`` names succeeded earlier in
    the login (``check_result`` ``executed``, the default) or did not (``not-executed``); a flow that is not there
    did not."""
    alias = condition.get("flow_to_check")
    wanted = condition.get("check_result") != "not-executed"
    ran = alias is not None and executed is not None and await executed(alias)
    return ran == wanted


async def _holds(
    tx: Tx,
    realm: Realm,
    user: User,
    condition: fp.Condition,
    configured: frozenset[str],
    used: frozenset[str],
    scopes: frozenset[str],
) -> bool:
    if condition.kind == fp.USER_CONFIGURED:  # the sub-flow's authenticators configured for the user
        needed = {
            a
            for a, flag in (
                (fp.OTP, condition.needs_otp),
                (fp.WEBAUTHN, condition.needs_webauthn),
                (fp.RECOVERY, condition.needs_recovery),
            )
            if flag
        }
        if condition.any_of:  # ALTERNATIVE steps: one configured is enough
            return bool(needed & configured) or not needed
        return needed <= configured
    if condition.kind == fp.USER_ROLE:
        return await _has_role(tx, realm, user, condition)
    if condition.kind == fp.USER_ATTRIBUTE:
        return await _attribute_matches(tx, user, condition)
    if condition.kind == fp.CREDENTIAL:
        return _credential_matches(condition, used)
    if condition.kind == fp.USER_GROUP:
        return await _in_group(tx, user, condition)
    if condition.kind == fp.CLIENT_SCOPE:
        return await _scope_requested(tx, realm, condition, scopes)
    return False


async def _scope_requested(tx: Tx, realm: Realm, condition: fp.Condition, scopes: frozenset[str]) -> bool:
    """ConditionalClientScopeAuthenticator: the client scope named ``client_scope`` is among the login's requested
    client scopes (TokenManager.getRequestedClientScopes: the client's default ones and the optional ones the
    ``scope`` parameter names; ``scopes``, their ids), unless ``negate``; a name no scope of the realm has
    matches nothing, negated or not."""
    name = condition.get("client_scope")
    found = next((c for c in await tx.config.realm_scopes(realm) if c.name == name), None) if name else None
    if found is None:
        _log.info("conditional-client-scope: no client scope %r in realm %s", name, realm.name)
        return False
    negate = (condition.get("negate") or "").lower() == "true"
    return (found.id in scopes) != negate


def asks_scopes(steps: fp.Plan) -> bool:
    """Whether a condition of the plan's gates asks which client scopes the login requested."""
    gates = (*steps.gates, *steps.before_password)
    return any(c.kind == fp.CLIENT_SCOPE for g in gates for c in g.conditions)


async def requested_scopes(tx: Tx, client: Client, scope_param: str | None) -> frozenset[str]:
    """The ids of the client scopes a login of ``client`` with ``scope_param`` requests (its default scopes and
    the optional ones named); none when the parameter names a scope the client lacks."""
    try:
        granted = await scope_rules.resolve(tx, client, scope_param)
    except OAuthError:
        return frozenset()
    return frozenset(s.id for s in granted.scopes)


async def _in_group(tx: Tx, user: User, condition: fp.Condition) -> bool:
    """ConditionalGroupAuthenticator: the user is a member of the group at ``condUserGroup`` (findGroupByPath),
    directly or through one of its subgroups (RoleUtils.isMember), unless ``negate``; a path that names no group
    matches nobody, negated or not. The user's own groups' paths answer membership; only a negated condition
    the user is outside of looks the path up."""
    path = condition.get("condUserGroup")
    if not path:
        return False
    wanted = groups.normalized_path(path)
    negate = (condition.get("negate") or "").lower() == "true"
    member = any(g.path == wanted or g.path.startswith(wanted + "/") for g in await tx.groups.of_user(user.id))
    if member or not negate:
        return member != negate
    return await groups.find_by_path(tx, user.realm_id, wanted) is not None


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


def _credential_matches(condition: fp.Condition, used: frozenset[str]) -> bool:
    """ConditionalCredentialAuthenticator: whether a credential type the login used so far (the password, then
    those of the steps after it: ``used``) is among ``credentials``, as ``included`` asks."""
    wanted = {c for c in (condition.get("credentials") or "").split(DELIMITER) if c}
    found = wanted & used
    included = (condition.get("included") or "").lower() == "true"
    return bool(found) if included else not found


def used_credentials(used: tuple[str, ...], *, passwordless: bool = False) -> frozenset[str]:
    """The credential types the login validated: the password (the step before these gates, unless the flow is
    a passwordless one, whose passkey is the first factor) and those of the gates passed (``used``)."""
    return frozenset(used) if passwordless else PASSWORD_USED | frozenset(used)
