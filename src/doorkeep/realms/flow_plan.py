"""What Doorkeep runs of a browser or direct-grant flow: the flow compiled into a ``Plan``.

Doorkeep's login is a fixed sequence of pages (the SSO cookie, the username and password form, the OTP form,
then required actions and consent). A flow an admin edits is compiled onto that sequence, following Keycloak's
DefaultAuthenticationFlow: in a flow, REQUIRED and CONDITIONAL executions run in order and ALTERNATIVE ones
are ignored beside them; without those, the first ALTERNATIVE that succeeds is enough; a CONDITIONAL sub-flow
runs only when every enabled condition in it holds. What the password step leaves to do becomes a list of
``Gate``s: each a set of conditions, then the OTP form, Deny Access or Allow Access.

What compiles: the SSO cookie (auth-cookie) ALTERNATIVE or DISABLED; auth-spnego DISABLED; the Identity Provider
Redirector ALTERNATIVE or DISABLED (its ``kc_idp_hint`` and ``defaultProvider``, oauth/login_broker.py), or in place of
the sign-in form (``Plan.broker_only``: ALTERNATIVE beside the cookie alone), or first in a sub-flow (REQUIRED, or alone
under conditional-user-configured) whose later steps are the gates run after the broker login (``Plan.broker_gates``),
that sub-flow in place of the sign-in form or ALTERNATIVE before it (KcOidcBrokerFlowContinuationTest's flows); the
inert Organization steps of Keycloak's default flow (``Plan.organization``); one username and password form, first,
or in its place identity-first login: UsernameForm then PasswordForm (two pages, ``Plan.username_first``), or then
the username and password form asking the password alone (``Plan.user_set_form``), or then
WebAuthnPasswordlessAuthenticator (the passkey is the first gate, ``Plan.passwordless``) or then a REQUIRED
sub-flow of PasswordForm and one or more of WebAuthnPasswordlessAuthenticator, the OTP form and
WebAuthnAuthenticator, all ALTERNATIVE (a first gate whose ``choices`` are the password and the others, "Try Another
Way" between them), or that passkey step
alone, REQUIRED, with no username step (``Plan.usernameless``); after it, the OTP
form (or the Conditional OTP Form, auth-conditional-otp-form, deciding first whether it runs: oauth/conditional_otp.py),
webauthn-authenticator, the Recovery Authentication Code Form, deny-access-authenticator and
allow-access-authenticator, directly or in REQUIRED or CONDITIONAL sub-flows (the credential steps also as the
ALTERNATIVE steps of one sub-flow: a gate whose ``choices`` the user picks from, "Try Another Way"), under the
conditions conditional-user-configured, conditional-user-role, conditional-user-attribute and
conditional-credential; and step-up authentication:
CONDITIONAL sub-flows with the condition conditional-level-of-authentication (realms/flow_levels.py), each
holding the username and password form or those steps, compiled into ``Group``s. The direct grant:
ValidateUsername, ValidatePassword, then the OTP check, Deny Access and Allow Access under such conditions.
Anything else raises ``Unsupported`` naming it, and the flow cannot be bound (realms/flow_support.py): Doorkeep
never ignores a step it was asked to run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from doorkeep.realms import auth_flows as af
from doorkeep.realms.flow_conditions import ALL_CONDITIONS as ALL_CONDITIONS
from doorkeep.realms.flow_conditions import CLIENT_SCOPE as CLIENT_SCOPE
from doorkeep.realms.flow_conditions import CONDITIONS as CONDITIONS
from doorkeep.realms.flow_conditions import CREDENTIAL as CREDENTIAL
from doorkeep.realms.flow_conditions import SUB_FLOW as SUB_FLOW
from doorkeep.realms.flow_conditions import USER_ATTRIBUTE as USER_ATTRIBUTE
from doorkeep.realms.flow_conditions import USER_CONFIGURED as USER_CONFIGURED
from doorkeep.realms.flow_conditions import USER_GROUP as USER_GROUP
from doorkeep.realms.flow_conditions import USER_ROLE as USER_ROLE
from doorkeep.realms.flow_conditions import Condition as Condition
from doorkeep.realms.flow_conditions import Unsupported as Unsupported
from doorkeep.realms.flow_conditions import config_of, enabled, resolved, split
from doorkeep.realms.flow_levels import LEVEL_CONDITION, Group
from doorkeep.realms.flow_model import AuthFlow, Execution, FlowSet

COOKIE, SPNEGO, IDP_REDIRECTOR = "auth-cookie", "auth-spnego", "identity-provider-redirector"
ORGANIZATION = "organization"
REQUIRES_MEMBERSHIP = "requiresUserMembership"
DEFAULT_PROVIDER = "defaultProvider"  # IdentityProviderAuthenticatorFactory.DEFAULT_PROVIDER
PASSWORD_FORM, OTP_FORM = "auth-username-password-form", "auth-otp-form"
CONDITIONAL_OTP_FORM = "auth-conditional-otp-form"  # ConditionalOtpFormAuthenticatorFactory.PROVIDER_ID
# identity-first login: UsernameFormFactory then PasswordFormFactory (oauth/login_username.py)
USERNAME_FORM, PASSWORD_ONLY_FORM = "auth-username-form", "auth-password-form"
PASSKEY_FORM = "webauthn-authenticator-passwordless"  # WebAuthnPasswordlessAuthenticatorFactory.PROVIDER_ID
DG_USERNAME, DG_PASSWORD, DG_OTP = (
    "direct-grant-validate-username",
    "direct-grant-validate-password",
    ("direct-grant-validate-otp"),
)
DENY, ALLOW = "deny-access-authenticator", "allow-access-authenticator"
SESSION_LIMITS = "user-session-limits"  # UserSessionLimitsAuthenticatorFactory.USER_SESSION_LIMITS
WEBAUTHN_FORM = "webauthn-authenticator"  # WebAuthnAuthenticatorFactory.PROVIDER_ID (oauth/login_webauthn.py)
RECOVERY_FORM = "auth-recovery-authn-code-form"  # RecoveryAuthnCodesFormAuthenticatorFactory.PROVIDER_ID
OTP, DENY_ACCESS, ALLOW_ACCESS = "otp", "deny", "allow"
LIMITS = "session-limits"  # the User Session Count Limiter's check (oauth/session_limits.py)
WEBAUTHN, PASSKEY, RECOVERY = "webauthn", "passkey", "recovery"
PASSWORD = "password"  # identity-first's password page as one choice of the first gate
# the credential-based steps after the password, each a CredentialValidator of one credential type
CREDENTIAL_STEPS = {OTP_FORM: OTP, WEBAUTHN_FORM: WEBAUTHN, RECOVERY_FORM: RECOVERY}
USERNAMELESS = "usernameless"  # the sign-in step of a forms sub-flow that starts with the passkey
PASSWORD_OR_PASSKEY = "password-or-passkey"  # identity-first's second step: the password or another first factor


@dataclass(frozen=True)
class Choice:
    """One ALTERNATIVE step of a sub-flow after the password (AuthenticationSelectionOption): its execution's id
    (what ``authenticationExecution`` names) and the action it runs."""

    execution: str
    action: str


DENY_MESSAGE = "denyErrorMessage"  # DenyAccessAuthenticatorFactory.ERROR_MESSAGE


@dataclass(frozen=True)
class Gate:
    """A step after the password: when every condition holds (none: always), the action runs. ``required``:
    the action's execution is REQUIRED, so a user without an OTP credential sets one up (SETUP_REQUIRED);
    otherwise the OTP form runs only for a user who has one."""

    conditions: tuple[Condition, ...]
    action: str
    required: bool
    message: str | None = None
    group: Group | None = None  # the level sub-flow the gate belongs to: its conditions are the group's
    # ALTERNATIVE steps of one sub-flow: the user's preferred one runs, "Try Another Way" offers the others
    choices: tuple[Choice, ...] = ()
    execution: str = ""  # the execution's id (a single step's)
    config: tuple[tuple[str, str], ...] | None = None  # the session limiter's config (None: it has none)
    path: tuple[str, ...] = ()  # the aliases of the sub-flows the step sits in, outermost first
    # the Conditional OTP Form's config (oauth/conditional_otp.py decides whether its OTP form runs); None: the
    # gate is not that authenticator's
    otp_conditions: tuple[tuple[str, str], ...] | None = None

    @property
    def actions(self) -> frozenset[str]:
        """What the gate may run: its choices' actions, or its own."""
        return frozenset(c.action for c in self.choices) if self.choices else frozenset({self.action})


@dataclass(frozen=True)
class Plan:
    """``cookie``: the SSO cookie signs the user in (auth-cookie runs); ``gates``: in order, after the password;
    ``password``: the level sub-flow the username and password form belongs to (None: it always runs);
    ``username_first``: the form is UsernameForm then PasswordForm, two pages (identity-first login);
    ``passwordless``: UsernameForm then WebAuthnPasswordlessAuthenticator, whose gate (``PASSKEY``) comes first;
    ``user_set_form``: UsernameForm then the username and password form, which asks the password alone of the user
    set before it (USER_SET_BEFORE_USERNAME_PASSWORD_AUTH)."""

    cookie: bool
    gates: tuple[Gate, ...]
    password: Group | None = None
    username_first: bool = False  # identity-first: the username page, then the password page
    passwordless: bool = False  # identity-first without a password: the passkey is the first gate
    user_set_form: bool = False  # identity-first whose password page is UsernamePasswordForm, not PasswordForm
    # WebAuthnPasswordlessAuthenticator first, no username step: the passkey's user handle names the user
    usernameless: bool = False
    # The Identity Provider Redirector (IdentityProviderAuthenticator) runs before the sign-in form: it follows
    # ``kc_idp_hint``, else its config's ``defaultProvider`` (None: no default).
    redirector: bool = False
    default_provider: str | None = None
    # Keycloak's Organization sub-flow (OrganizationAuthenticator under conditional-user-configured), ALTERNATIVE
    # before the sign-in form: identity-first login while the realm has organizations (oauth/login_organization.py)
    organization: bool = False
    # its authenticator's ``requiresUserMembership`` config: a user not a member of the resolved organization is refused
    organization_members_only: bool = False
    # the ``defaultProvider`` of an Identity Provider Redirector ALTERNATIVE after that sub-flow and before the sign-in
    # form: where a login the Organization step passes on (``attempted``) goes next
    organization_fallthrough: str | None = None
    # identity-first: the gates of the CONDITIONAL sub-flows between the username page and the password page
    # (Deny and Allow Access under conditions), asked once the username names a user
    before_password: tuple[Gate, ...] = ()
    # identity-first: the execution id of the password page's own step (PasswordForm, or the username and password
    # form of ``user_set_form``), what its form may post as ``authenticationExecution`` to be shown again
    password_execution: str = ""
    # No sign-in form: the Identity Provider Redirector is the way in (ALTERNATIVE beside the cookie alone, or first in
    # a sub-flow whose later steps are ``gates``, run once the broker login names the user; Keycloak's browser flow
    # continuation after the broker login).
    broker_only: bool = False
    # The steps after the redirector that a broker login continues with (``after_broker``): those of its sub-flow,
    # beside the sign-in form or in its place; () for the redirector alone; None: a broker login is not continued in
    # the flow (the provider's post broker login flow runs at once).
    broker_gates: tuple[Gate, ...] | None = None


def after_broker(plan: Plan) -> Plan:
    """The plan of a login a broker login continues: the gates of the redirector's sub-flow in place of the sign-in
    form's (Keycloak resumes the flow after the redirector, its user the provider's), no password step."""
    if plan.broker_gates is None:
        return plan
    return dataclasses.replace(
        plan,
        gates=plan.broker_gates,
        password=None,
        username_first=False,
        passwordless=False,
        user_set_form=False,
        usernameless=False,
        before_password=(),
        password_execution="",
    )


def _name(flows: FlowSet, e: Execution) -> str:
    sub = flows.flow(e.flow_id)
    return f"sub-flow '{sub.alias}'" if sub is not None else str(e.authenticator)


def _gates(flows: FlowSet, e: Execution, outer: tuple[Condition, ...], depth: int, otp: str) -> list[Gate]:
    """The gates one execution after the password stands for, under the conditions around it; ``otp``: the
    flow's OTP authenticator (the OTP form, or the direct grant's ValidateOTP)."""
    if depth > 8:
        raise Unsupported("the flow nests sub-flows too deeply")
    if e.flow_id is None:
        access = {DENY: DENY_ACCESS, ALLOW: ALLOW_ACCESS}
        actions = {**CREDENTIAL_STEPS, **access} if otp == OTP_FORM else {otp: OTP, **access}
        action = {**actions, SESSION_LIMITS: LIMITS}.get(str(e.authenticator))
        if e.authenticator == PASSKEY_FORM and otp == OTP_FORM and e.requirement == af.REQ and not outer:
            # WebAuthnPasswordlessAuthenticator REQUIRED after the password, the user known (Keycloak's
            # WebAuthnPwdLessPropertyTest realm): the user's passkey, or webauthn-register-passwordless without one
            return [Gate((), PASSKEY, True, execution=e.id)]
        if e.authenticator == CONDITIONAL_OTP_FORM and otp == OTP_FORM:  # an OTPFormAuthenticator deciding to run
            return [Gate(outer, OTP, e.requirement == af.REQ, execution=e.id, otp_conditions=config_of(flows, e))]
        if action is None:
            raise Unsupported(f"Doorkeep does not run {e.authenticator} there")
        message = dict(config_of(flows, e)).get(DENY_MESSAGE) if action == DENY_ACCESS else None
        limits = (config_of(flows, e) if flows.config(e.config_id) is not None else None) if action == LIMITS else None
        return [Gate(outer, action, e.requirement == af.REQ, message, execution=e.id, config=limits)]
    sub = flows.flow(e.flow_id)
    if sub is None:
        raise Unsupported("an execution names a sub-flow that does not exist")
    if sub.provider_id != af.BASIC:
        raise Unsupported(f"sub-flow '{sub.alias}' is a {sub.provider_id}")
    found, required, alternative = split(flows, sub.id)
    if e.requirement == af.COND and not found:
        return []  # a conditional sub-flow without a condition is disabled (isConditionalSubflowDisabled)
    if any(c.kind == LEVEL_CONDITION for c in found):
        if e.requirement != af.COND or outer:
            raise Unsupported(f"Doorkeep runs {LEVEL_CONDITION} only in a CONDITIONAL sub-flow of the sign-in steps")
        return _within(sub, _level_gates(flows, sub, found, required, alternative, otp))
    mine = tuple(found) if e.requirement == af.COND else ()  # elsewhere conditions are never evaluated
    inner = (*outer, *mine)
    gates: list[Gate] = []
    for child in required:
        gates.extend(_gates(flows, child, inner, depth + 1, otp))
    if alternative:
        gates.extend(_alternatives(flows, sub, alternative, inner, otp))
    kinds = frozenset().union(*(g.actions for g in gates))
    any_of = bool(alternative) and not required

    def told(c: Condition) -> Condition:
        if c.kind != USER_CONFIGURED:
            return c
        otp_, key, codes = OTP in kinds, WEBAUTHN in kinds, RECOVERY in kinds
        return dataclasses.replace(c, needs_otp=otp_, needs_webauthn=key, needs_recovery=codes, any_of=any_of)

    resolved = tuple(told(c) for c in mine)
    cut = len(outer)
    conditioned = [
        dataclasses.replace(g, conditions=(*outer, *resolved, *g.conditions[cut + len(mine) :])) for g in gates
    ]
    return _within(sub, conditioned)


def _within(sub: AuthFlow, gates: list[Gate]) -> list[Gate]:
    """The gates of sub-flow ``sub``, their path under its alias (conditional-sub-flow-executed asks by it)."""
    return [dataclasses.replace(g, path=(sub.alias, *g.path)) for g in gates]


def _alternatives(
    flows: FlowSet, sub: AuthFlow, alternative: list[Execution], inner: tuple[Condition, ...], otp: str
) -> list[Gate]:
    """A sub-flow of ALTERNATIVE executions after the password, as Keycloak's "Conditional 2FA" has them: the OTP
    form, the WebAuthn authenticator and the Recovery Authentication Code Form, each a credential the user may have
    set up. One gate stands for them all (``Gate.choices``, in the flow's order): the user's preferred configured
    one runs (AuthenticationSelectionResolver), "Try Another Way" offers the others. Without
    conditional-user-configured guarding them, a user with none would fail the whole flow, which Doorkeep does not
    run."""
    alone = CREDENTIAL_STEPS if otp == OTP_FORM else {otp: OTP}
    kinds = [str(e.authenticator) for e in alternative]
    if any(e.flow_id is not None or e.authenticator not in alone for e in alternative) or len(set(kinds)) != len(kinds):
        names = ", ".join(_name(flows, e) for e in alternative)
        raise Unsupported(f"Doorkeep runs no choice between {names} in sub-flow '{sub.alias}'")
    if not any(c.kind == USER_CONFIGURED for c in inner):
        raise Unsupported(f"an ALTERNATIVE {kinds[0]} in sub-flow '{sub.alias}' needs {USER_CONFIGURED} beside it")
    choices = tuple(Choice(e.id, alone[str(e.authenticator)]) for e in alternative)
    return [Gate(inner, choices[0].action, False, choices=choices, execution=choices[0].execution)]


def _level_gates(
    flows: FlowSet,
    sub: AuthFlow,
    found: list[Condition],
    steps: list[Execution],
    alternative: list[Execution],
    otp: str,
) -> list[Gate]:
    """A level sub-flow (realms/flow_levels.py) after the password: REQUIRED steps only, no sub-flow inside, so
    that its conditions decide once for all of its steps; or only ALTERNATIVE credential steps (the OTP form, the
    WebAuthn authenticator, the recovery code form: one gate with ``choices``, "Try Another Way" between them,
    LevelOfAssuranceFlowTest's ``configureFlowsWithRecoveryCodes``)."""
    if alternative and not steps:
        gates = _level_choice(flows, sub, alternative, otp)
    elif not steps or any(s.flow_id is not None or s.requirement != af.REQ for s in steps):
        raise Unsupported(f"level sub-flow '{sub.alias}' must hold REQUIRED steps and no sub-flow")
    else:
        gates = [g for s in steps for g in _gates(flows, s, (), 0, otp)]
    needs_otp = any(OTP in g.actions for g in gates)
    group = Group(sub.id, tuple(resolved(found, needs_otp)))
    return [dataclasses.replace(g, conditions=group.conditions, group=group) for g in gates]


def _level_choice(flows: FlowSet, sub: AuthFlow, alternative: list[Execution], otp: str) -> list[Gate]:
    """The ALTERNATIVE credential steps of a level sub-flow as one gate. A user with none of their credentials
    fails the level (each alternative throws CREDENTIAL_SETUP_REQUIRED: oauth/flow_gates.py), as Keycloak's."""
    kinds = [str(e.authenticator) for e in alternative]
    if (
        otp != OTP_FORM  # the browser flow's only
        or any(e.flow_id is not None or e.authenticator not in CREDENTIAL_STEPS for e in alternative)
        or len(set(kinds)) != len(kinds)
    ):
        names = ", ".join(_name(flows, e) for e in alternative)
        raise Unsupported(f"Doorkeep runs no choice between {names} in level sub-flow '{sub.alias}'")
    choices = tuple(Choice(e.id, CREDENTIAL_STEPS[str(e.authenticator)]) for e in alternative)
    return [Gate((), choices[0].action, False, choices=choices, execution=choices[0].execution)]


def _level_forms(
    flows: FlowSet, head: Execution, rest: list[Execution], first: str = PASSWORD_FORM
) -> tuple[Group, tuple[Gate, ...]] | None:
    """A sign-in sub-flow whose first step is a level sub-flow holding the password form (``first``: the username
    and password form, or identity-first's PasswordForm after UsernameForm) first (Keycloak's documented step-up
    flow): the password's group, then the gates of that sub-flow and of the ones after it."""
    sub = flows.flow(head.flow_id)
    if sub is None or head.requirement != af.COND or sub.provider_id != af.BASIC:
        return None
    found, steps, alternative = split(flows, sub.id)
    if not any(c.kind == LEVEL_CONDITION for c in found):
        return None
    head_step = steps[0] if steps else None
    if head_step is None or head_step.authenticator != first or head_step.requirement != af.REQ:
        raise Unsupported(f"level sub-flow '{sub.alias}' must start with a REQUIRED {first}")
    if any(c.kind != LEVEL_CONDITION for c in found):  # the others would be asked before the user is known
        raise Unsupported(f"Doorkeep asks no condition but {LEVEL_CONDITION} before the password in '{sub.alias}'")
    inner = _level_gates(flows, sub, found, steps[1:], alternative, OTP_FORM) if steps[1:] or alternative else []
    group = inner[0].group if inner else Group(sub.id, tuple(found))
    assert group is not None
    return group, (*inner, *_after_password(flows, rest, OTP_FORM))


def _after_password(flows: FlowSet, rest: list[Execution], otp: str) -> tuple[Gate, ...]:
    gates: list[Gate] = []
    for e in rest:
        gates.extend(_gates(flows, e, (), 0, otp))
    return tuple(gates)


Forms = tuple[Group | None, tuple[Gate, ...], str, tuple[Gate, ...]]


def _forms(flows: FlowSet, e: Execution, first: str, depth: int = 0) -> Forms:
    """A sub-flow whose first step is the password form (``first``), and the gates after it; with the level
    sub-flow the password belongs to, if it does, the identity-first step after the username page
    (``_username_first``; "" for the username and password form), and the gates between the two pages."""
    sub = flows.flow(e.flow_id)
    if sub is None or sub.provider_id != af.BASIC or depth > 8:
        raise Unsupported(f"Doorkeep does not run {_name(flows, e)} to sign users in")
    found, required, alternative = split(flows, sub.id)
    _no_level(found, sub)
    if alternative or not required:
        raise Unsupported(f"sub-flow '{sub.alias}' must start with a REQUIRED {first}")
    head = required[0]
    if head.flow_id is not None and (levels := _level_forms(flows, head, required[1:])) is not None:
        return (*levels, "", ())
    if head.flow_id is not None and head.requirement == af.REQ:
        group, gates, second, before = _forms(flows, head, first, depth + 1)
        return group, (*gates, *_after_password(flows, required[1:], OTP_FORM)), second, before
    after = required[1:]  # UsernameForm, then the level sub-flows, the first holding PasswordForm
    if (
        head.authenticator == USERNAME_FORM
        and first == PASSWORD_FORM
        and head.requirement == af.REQ
        and after
        and after[0].flow_id is not None
        and (levels := _level_forms(flows, after[0], after[1:], PASSWORD_ONLY_FORM)) is not None
    ):
        return (*levels, PASSWORD_ONLY_FORM, ())
    if head.authenticator == USERNAME_FORM and first == PASSWORD_FORM:
        second, rest, before = _username_first(flows, sub, head, required[1:])
        gates = _after_password(flows, rest, OTP_FORM)
        passkey = (Gate((), PASSKEY, True),) if second == PASSKEY_FORM else ()  # a REQUIRED step, user known
        if second == PASSWORD_OR_PASSKEY:  # the password and the passkey or the OTP: the preferred one asks first
            passkey = (_password_or_passkey(flows, required[1]),)
        return None, (*passkey, *gates), second, before
    if head.authenticator == PASSKEY_FORM and head.requirement == af.REQ and first == PASSWORD_FORM:
        # the user from the user handle
        return None, _after_password(flows, required[1:], OTP_FORM), USERNAMELESS, ()
    if head.authenticator != first or head.requirement != af.REQ:
        raise Unsupported(f"sub-flow '{sub.alias}' must start with a REQUIRED {first}, not {_name(flows, head)}")
    return None, _after_password(flows, required[1:], OTP_FORM), "", ()


def _username_first(
    flows: FlowSet, sub: AuthFlow, head: Execution, rest: list[Execution]
) -> tuple[str, list[Execution], tuple[Gate, ...]]:
    """Identity-first login, as Keycloak's documented flows have it: UsernameForm, then in the same sub-flow
    PasswordForm, or WebAuthnPasswordlessAuthenticator (a passkey instead of a password), both REQUIRED; that
    second step, the steps after it, and the gates of the CONDITIONAL sub-flows between UsernameForm and
    PasswordForm (``_between``)."""
    lead = 0
    while lead < len(rest) and rest[lead].flow_id is not None and rest[lead].requirement == af.COND:
        lead += 1
    before = _between(flows, rest[:lead])
    second, after = _second(sub, head, rest[lead:])
    if lead and second != PASSWORD_ONLY_FORM:
        raise Unsupported(f"Doorkeep runs CONDITIONAL sub-flows after {USERNAME_FORM} only before {PASSWORD_ONLY_FORM}")
    return second, after, before


def _between(flows: FlowSet, found: list[Execution]) -> tuple[Gate, ...]:
    """The gates of the CONDITIONAL sub-flows between UsernameForm and PasswordForm: the user is known, no
    credential checked yet. Deny Access and Allow Access under conditions run there; a credential step or a level
    does not."""
    gates = tuple(g for e in found for g in _gates(flows, e, (), 0, OTP_FORM))
    if any(g.action not in (DENY_ACCESS, ALLOW_ACCESS) or g.group is not None for g in gates):
        raise Unsupported(f"Doorkeep runs only Deny and Allow Access between {USERNAME_FORM} and {PASSWORD_ONLY_FORM}")
    return gates


def _second(sub: AuthFlow, head: Execution, rest: list[Execution]) -> tuple[str, list[Execution]]:
    """The step after UsernameForm (and the sub-flows before the password), and the steps after it."""
    second = rest[0] if rest else None
    wanted = f"a REQUIRED {PASSWORD_ONLY_FORM}, {PASSWORD_FORM} or {PASSKEY_FORM}"
    if (
        head.requirement == af.REQ
        and second is not None
        and second.flow_id is not None
        and second.requirement == af.REQ
    ):
        return PASSWORD_OR_PASSKEY, rest[1:]  # their sub-flow, checked by _password_or_passkey
    if head.requirement != af.REQ or second is None or second.flow_id is not None:
        raise Unsupported(f"Doorkeep runs {USERNAME_FORM} only REQUIRED, followed by {wanted}")
    if second.authenticator not in (PASSWORD_ONLY_FORM, PASSWORD_FORM, PASSKEY_FORM) or second.requirement != af.REQ:
        raise Unsupported(f"Doorkeep runs {USERNAME_FORM} only followed by {wanted} in '{sub.alias}'")
    return str(second.authenticator), rest[1:]


# identity-first's first factors, the ALTERNATIVE steps of the sub-flow after UsernameForm, and what each runs
FIRST_FACTORS = {PASSWORD_ONLY_FORM: PASSWORD, PASSKEY_FORM: PASSKEY, OTP_FORM: OTP, WEBAUTHN_FORM: WEBAUTHN}


def _password_or_passkey(flows: FlowSet, e: Execution) -> Gate:
    """The REQUIRED sub-flow after UsernameForm holding PasswordForm and WebAuthnPasswordlessAuthenticator, the OTP
    form or WebAuthnAuthenticator (as AppInitiatedActionWebAuthnTest's flow has it), or several, all ALTERNATIVE and
    nothing else (AuthenticationSelectionResolver picks the one of the user's first credential): one gate whose
    choices are those steps, in the flow's order."""
    sub = flows.flow(e.flow_id)
    if sub is None or sub.provider_id != af.BASIC:
        raise Unsupported(f"Doorkeep does not run {_name(flows, e)} after {USERNAME_FORM}")
    found, required, alternative = split(flows, sub.id)
    kinds = [str(x.authenticator) for x in alternative]
    if (
        found
        or required
        or any(x.flow_id is not None for x in alternative)
        or PASSWORD_ONLY_FORM not in kinds
        or len(kinds) < 2
        or len(set(kinds)) != len(kinds)
        or not set(kinds) <= set(FIRST_FACTORS)
    ):
        raise Unsupported(
            f"Doorkeep runs sub-flow '{sub.alias}' after {USERNAME_FORM} only as an ALTERNATIVE {PASSWORD_ONLY_FORM}"
            f" beside ALTERNATIVE steps among {PASSKEY_FORM}, {OTP_FORM} and {WEBAUTHN_FORM}"
        )
    choices = tuple(Choice(x.id, FIRST_FACTORS[str(x.authenticator)]) for x in alternative)
    return Gate((), choices[0].action, True, choices=choices, execution=choices[0].execution)


def _no_level(found: list[Condition], flow: AuthFlow) -> None:
    """A level condition outside a CONDITIONAL sub-flow is never asked, yet would record its level when its flow
    succeeds (onParentFlowSuccess): Doorkeep does not run that."""
    if any(c.kind == LEVEL_CONDITION for c in found):
        raise Unsupported(f"Doorkeep runs {LEVEL_CONDITION} only in a CONDITIONAL sub-flow, not in '{flow.alias}'")


def browser(flows: FlowSet, flow: AuthFlow) -> Plan:
    """The browser flow compiled (AuthenticationProcessor running it from the top)."""
    if flow.provider_id != af.BASIC:
        raise Unsupported(f"'{flow.alias}' is a {flow.provider_id}")
    found, required, alternative = split(flows, flow.id)  # conditions outside a CONDITIONAL sub-flow: never asked
    _no_level(found, flow)
    units = required or alternative
    cookie, redirector, default, organization = False, False, None, False
    members_only, fallthrough = False, None
    forms: Execution | None = None
    broker: tuple[str | None, tuple[Gate, ...]] | None = None  # the redirector's sub-flow: its provider, its gates
    trailing: list[Execution] = []  # REQUIRED steps after the sign-in step: gates once the user is known
    for e in units:
        if forms is not None and required:
            trailing.append(e)
        elif e.flow_id is None and e.authenticator == COOKIE and e.requirement == af.ALT:
            cookie = forms is None  # an alternative after the sign-in form is never reached first
        elif e.flow_id is None and e.authenticator == IDP_REDIRECTOR and e.requirement == af.ALT:
            configured = dict(config_of(flows, e)).get(DEFAULT_PROVIDER) or None
            if forms is None and organization and fallthrough is None:  # reached when the Organization step passes
                fallthrough = configured
            if forms is None and not redirector:  # no provider to redirect to: attempted, the next alternative runs
                redirector, default = True, configured
        elif forms is None and broker is None and (found_broker := _broker_flow(flows, e)) is not None:
            broker = found_broker
        elif e.flow_id is not None and _organization_step(flows, e):
            if forms is None and not organization:  # after the sign-in form it is never reached
                organization, members_only = True, _members_only(flows, e)
        elif forms is None:
            forms = e
        else:
            raise Unsupported(f"Doorkeep runs one sign-in step in '{flow.alias}', not also {_name(flows, e)}")
    if forms is None and (broker is not None or redirector):
        return _broker_only(flow, cookie, redirector, default, broker, trailing, organization)
    if forms is None:
        raise Unsupported(f"'{flow.alias}' has no username and password form Doorkeep can run")
    if broker is not None and (redirector or organization):
        raise Unsupported(f"Doorkeep runs the identity provider sub-flow of '{flow.alias}' beside the form only")
    if broker is not None:  # its redirector runs first; a login it sends nowhere goes on to the form
        redirector, default = True, broker[0]
    # ALTERNATIVE: the last alternative, as good as REQUIRED (testBrokerLoginWithIdpOtpSubflowAndBrowserForms)
    if forms.flow_id is None and (forms.authenticator != PASSWORD_FORM or forms.requirement not in (af.REQ, af.ALT)):
        raise Unsupported(f"Doorkeep does not run {forms.authenticator} to sign users in")
    password: Group | None
    gates: tuple[Gate, ...]
    before: tuple[Gate, ...] = ()
    if forms.flow_id is None:  # the username and password form REQUIRED in the flow itself
        password, gates, second = None, (), ""
    else:
        password, gates, second, before = _forms(flows, forms, PASSWORD_FORM)
    gates = (*gates, *_after_password(flows, trailing, OTP_FORM))
    identity_first = second not in ("", USERNAMELESS)
    return Plan(
        cookie,
        gates,
        password,
        username_first=identity_first,
        passwordless=second in (PASSKEY_FORM, PASSWORD_OR_PASSKEY),  # the first gate asks the first factor
        usernameless=second == USERNAMELESS,
        user_set_form=second == PASSWORD_FORM,
        redirector=redirector,
        default_provider=default,
        organization=organization and second == "",  # beside the username and password form only
        organization_members_only=members_only,
        organization_fallthrough=fallthrough if organization and second == "" else None,
        before_password=before,
        password_execution=_password_step(flows, forms) if identity_first else "",
        broker_gates=broker[1] if broker is not None else None,
    )


def _broker_flow(flows: FlowSet, e: Execution) -> tuple[str | None, tuple[Gate, ...]] | None:
    """A sub-flow whose first step is the Identity Provider Redirector: its ``defaultProvider`` and the gates of the
    steps after it (KcOidcBrokerFlowContinuationTest's "IDP + OTP" sub-flows); None for any other execution."""
    sub = flows.flow(e.flow_id)
    if sub is None or sub.provider_id != af.BASIC:
        return None
    found, required, alternative = split(flows, sub.id)
    redirector = _redirector_of(flows, required[0]) if required else None
    if redirector is None:
        return None
    if found or alternative:  # conditions here would be asked before any user is known
        raise Unsupported(f"Doorkeep runs sub-flow '{sub.alias}' only as the redirector then REQUIRED steps")
    gates = _after_password(flows, required[1:], OTP_FORM)
    if any(g.group is not None or g.action == PASSKEY for g in gates):
        raise Unsupported(f"Doorkeep runs no level or passkey step after the {IDP_REDIRECTOR} in '{sub.alias}'")
    return dict(config_of(flows, redirector)).get(DEFAULT_PROVIDER) or None, gates


def _redirector_of(flows: FlowSet, head: Execution) -> Execution | None:
    """The Identity Provider Redirector a sub-flow starts with: REQUIRED, or the one step of a CONDITIONAL sub-flow
    under conditional-user-configured alone (testBrokerLoginInConditionalSubflow). That condition asks whether the
    user is configured for the steps beside it, and IdentityProviderAuthenticator.configuredFor is true with no user
    (ConditionalUserConfiguredAuthenticator.matchConditionInFlow): it holds before the login knows anyone."""
    if head.flow_id is None:
        return head if head.authenticator == IDP_REDIRECTOR and head.requirement == af.REQ else None
    sub = flows.flow(head.flow_id)
    if sub is None or head.requirement != af.COND or sub.provider_id != af.BASIC:
        return None
    found, required, alternative = split(flows, sub.id)
    steps = required or alternative
    if len(steps) != 1 or steps[0].flow_id is not None or steps[0].authenticator != IDP_REDIRECTOR:
        return None
    if not found or any(c.kind != USER_CONFIGURED for c in found):  # none: the sub-flow never runs
        raise Unsupported(f"Doorkeep runs the {IDP_REDIRECTOR} in '{sub.alias}' under {USER_CONFIGURED} alone")
    return steps[0]


def _broker_only(
    flow: AuthFlow,
    cookie: bool,
    redirector: bool,
    default: str | None,
    broker: tuple[str | None, tuple[Gate, ...]] | None,
    trailing: list[Execution],
    organization: bool,
) -> Plan:
    """A browser flow without a sign-in form: the redirector alone (ALTERNATIVE), or its sub-flow. A login it
    cannot send to a provider ends on an error (no user: AuthenticationFlowError), never on a password form."""
    if trailing or organization or (redirector and broker is not None):
        raise Unsupported(f"Doorkeep runs '{flow.alias}' only as the cookie then one identity provider step")
    if broker is None:
        return Plan(cookie, (), redirector=True, default_provider=default, broker_only=True, broker_gates=())
    configured, gates = broker
    return Plan(cookie, gates, redirector=True, default_provider=configured, broker_only=True, broker_gates=gates)


def _password_step(flows: FlowSet, e: Execution, depth: int = 0) -> str:
    """The id of identity-first's password step under ``e``: the first enabled PasswordForm (or, after UsernameForm,
    the username and password form) in the flow's order; "" for none (the passkey is the first factor)."""
    if e.flow_id is None:
        return e.id if e.authenticator in (PASSWORD_ONLY_FORM, PASSWORD_FORM) and enabled(e) else ""
    if depth > 8 or not enabled(e):
        return ""
    return next((found for c in flows.children(e.flow_id) if (found := _password_step(flows, c, depth + 1))), "")


def _organization_step(flows: FlowSet, e: Execution) -> bool:
    """Keycloak's Organization sub-flow: ALTERNATIVE, holding one CONDITIONAL sub-flow of conditional-user-configured
    and the ``organization`` authenticator (the condition holds while the realm has organizations on, as
    OrganizationAuthenticator.configuredFor says)."""
    sub = flows.flow(e.flow_id)
    if sub is None or e.requirement != af.ALT:
        return False
    inner = [x for x in flows.children(sub.id) if enabled(x)]
    if len(inner) != 1 or inner[0].requirement != af.COND:
        return False
    leaf = flows.flow(inner[0].flow_id)
    kinds = {x.authenticator for x in flows.children(leaf.id) if enabled(x)} if leaf is not None else set()
    return kinds == {USER_CONFIGURED, ORGANIZATION}


def _members_only(flows: FlowSet, e: Execution) -> bool:
    """The Organization sub-flow's authenticator config ``requiresUserMembership`` (OrganizationAuthenticatorFactory),
    read as Boolean.parseBoolean reads it."""
    sub = flows.flow(e.flow_id)
    inner = [x for x in flows.children(sub.id) if enabled(x)] if sub is not None else []
    leaf = flows.flow(inner[0].flow_id) if inner else None
    steps = [x for x in flows.children(leaf.id) if enabled(x) and x.authenticator == ORGANIZATION] if leaf else []
    return bool(steps) and dict(config_of(flows, steps[0])).get(REQUIRES_MEMBERSHIP, "").lower() == "true"


def direct_grant(flows: FlowSet, flow: AuthFlow) -> Plan:
    """The direct grant flow compiled: ValidateUsername and ValidatePassword, REQUIRED and first, then gates of
    ValidateOTP, Deny Access and Allow Access (level sub-flows among them)."""
    if flow.provider_id != af.BASIC:
        raise Unsupported(f"'{flow.alias}' is a {flow.provider_id}")
    found, required, _ = split(flows, flow.id)
    _no_level(found, flow)
    heads = [e.authenticator if e.requirement == af.REQ else None for e in required[:2]]
    if heads != [DG_USERNAME, DG_PASSWORD]:
        raise Unsupported(f"'{flow.alias}' must start with REQUIRED {DG_USERNAME} and {DG_PASSWORD}")
    return Plan(False, _after_password(flows, required[2:], DG_OTP))
