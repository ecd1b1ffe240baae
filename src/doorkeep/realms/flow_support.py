"""Which flows Doorkeep can run, and the realm's and clients' flow bindings.

Doorkeep's login runs a fixed sequence of pages. A browser or direct grant flow is compiled onto it
(realms/flow_plan.py: the SSO cookie on or off, then the OTP form, Deny and Allow Access under conditions); a first
broker login flow is the default's equal or an automatic linking flow (realms/broker_flow_plan.py, also for the
providers' own first and post broker login flows); the
registration, reset-credentials, client-authentication and other flows run only as Keycloak 26's built-in ones,
so such a flow may be bound only while it is equivalent to the built-in flow of that kind: the same executions
in the same order, with the same authenticators, requirements, configs and sub-flow structure (aliases,
descriptions, ids and config aliases may differ; a reset-credentials flow may add User Session Count Limiters
after its e-mail step, ``reset_limiters``, hold its steps in one lone sub-flow, leave out or disable its
Conditional OTP sub-flow, ``reset_otp_runs``, and leave out its Choose User, ``reset_chooses_user``; never its
e-mail or password step). ``why_not_runnable`` is the one place that decides; a binding (a realm binding such
as ``browserFlow``, or a client's ``authenticationFlowBindingOverrides``) to anything else, or an edit that
would make a bound flow unrunnable, is refused rather than silently ignored.
"""

from __future__ import annotations

import dataclasses

from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms import broker_flow_plan, flow_plan
from doorkeep.realms.flow_conditions import config_of
from doorkeep.realms.flow_model import AuthFlow, Execution, FlowSet, of

# The realm representation's bindings and the flow kind each runs; a client's overrides and the realm binding
# they stand in for (AuthenticationFlowBindings.BROWSER_BINDING, DIRECT_GRANT_BINDING).
BINDINGS = af.BINDINGS
OVERRIDES = {"browser": "browserFlow", "direct_grant": "directGrantFlow"}

Shape = tuple[object, ...]


def _stored_shape(flows: FlowSet, flow: AuthFlow, depth: int = 0) -> Shape:
    rows: list[object] = []
    for e in flows.children(flow.id):
        sub = flows.flow(e.flow_id)
        config = flows.config(e.config_id)
        inner = _stored_shape(flows, sub, depth + 1) if sub is not None and depth < 16 else None
        rows.append((e.authenticator, e.requirement, tuple(sorted(config.config.items())) if config else None, inner))
    return (flow.provider_id, tuple(rows))


# Steps Keycloak added to a built-in flow that realms made before it lack: federated-jwt (Keycloak 26.6's
# clients flow, DefaultAuthenticationFlows.clientAuthFlow with CLIENT_AUTH_FEDERATED on). A flow without it is
# still the built-in one.
NEWER_STEPS = frozenset({"federated-jwt"})


def _builtin_shape(alias: str, keycloaks: bool, organization: bool, newer: bool = True) -> Shape:
    by_alias = {f.alias: f for f in af.FLOWS}
    flow = by_alias[alias]
    rows: list[object] = []
    for s in flow.steps:
        if s.flow is not None and s.flow in af.ORGANIZATION_FLOWS and not organization:
            continue
        if s.authenticator in NEWER_STEPS and not newer:
            continue
        config = tuple(sorted(af.CONFIGS[s.config].items())) if s.config is not None else None
        inner = _builtin_shape(s.flow, keycloaks, organization, newer) if s.flow is not None else None
        requirement = (s.keycloak or s.requirement) if keycloaks else s.requirement
        rows.append((s.authenticator, requirement, config, inner))
    return (flow.provider_id, tuple(rows))


def _variants(alias: str) -> set[Shape]:
    return {_builtin_shape(alias, k, o, n) for k in (False, True) for o in (False, True) for n in (False, True)}


def _describe(stored: Shape, wanted: Shape, where: str) -> str:
    """The first difference between a flow and the built-in one, in words."""
    if stored[0] != wanted[0]:
        return f"'{where}' is a {stored[0]} where Doorkeep runs a {wanted[0]}"
    rows, expected = list(stored[1]), list(wanted[1])  # type: ignore[call-overload]
    for index, (got, want) in enumerate(zip(rows, expected, strict=False)):
        if got[0] != want[0] or (got[3] is None) != (want[3] is None):
            got_name, want_name = got[0] or "a sub-flow", want[0] or "a sub-flow"
            return f"execution {index + 1} of '{where}' is {got_name} where Doorkeep runs {want_name}"
        if got[1] != want[1]:
            name = got[0] or "its sub-flow"
            return f"{name} in '{where}' is {got[1]} where Doorkeep runs it {want[1]}"
        if got[2] != want[2]:
            return f"the config of {got[0]} in '{where}' differs from the one Doorkeep runs"
        if got[3] is not None and got[3] != want[3]:
            return _describe(got[3], want[3], f"{where}, step {index + 1}")
    if len(rows) > len(expected):
        extra = rows[len(expected)][0] or "a sub-flow"
        return f"execution {len(expected) + 1} of '{where}' is {extra}, more than the {len(expected)} Doorkeep runs"
    return f"'{where}' has {len(rows)} executions where Doorkeep runs {len(expected)}"


FIRST_BROKER_LOGIN = "firstBrokerLoginFlow"
REVIEW_PROFILE, REVIEW_MODE = "idp-review-profile", "update.profile.on.first.login"
EMAIL_VERIFICATION = "idp-email-verification"


def _review_free(shape: Shape) -> Shape:
    """The first broker login's Review Profile as the built-in one whatever its mode (``missing``, ``on``,
    ``off``) and whether it is REQUIRED or DISABLED, and its Verify Existing Account by Email ALTERNATIVE or
    DISABLED: oauth/login_broker_first.py and oauth/login_broker_email.py run each."""
    rows: list[object] = []
    for row in shape[1]:  # type: ignore[attr-defined]
        authenticator, requirement, config, inner = row
        if inner is not None:
            row = (authenticator, requirement, config, _review_free(inner))
        if authenticator == EMAIL_VERIFICATION and requirement in (af.ALT, af.DIS):
            row = (authenticator, af.ALT, config, inner)
        if authenticator == REVIEW_PROFILE and requirement in (af.REQ, af.DIS):
            settings = dict(config or ())
            if settings.get(REVIEW_MODE, "missing") in ("missing", "on", "off") and set(settings) <= {REVIEW_MODE}:
                row = (authenticator, af.REQ, ((REVIEW_MODE, "missing"),), inner)
        rows.append(row)
    return (shape[0], tuple(rows))


REGISTRATION_PASSWORD = "registration-password-action"  # RegistrationPassword.PROVIDER_ID
ALWAYS_SET_PASSWORD = "always_set_password_on_register_form"  # its ALWAYS_SET_PASSWORD_ON_REGISTER_FORM
REGISTRATION_TERMS = "registration-terms-and-conditions"  # RegistrationTermsAndConditions.PROVIDER_ID


def _registration_options_free(shape: Shape) -> Shape:
    """The registration flow as the built-in one whatever its Password Validation's one option says
    (``always_set_password_on_register_form``, Keycloak 26.7) and whether its Terms and conditions is REQUIRED or
    DISABLED (its two requirement choices): oauth/registration_password.py and oauth/registration_terms.py read
    them."""
    rows: list[object] = []
    for row in shape[1]:  # type: ignore[attr-defined]
        authenticator, requirement, config, inner = row
        if inner is not None:
            row = (authenticator, requirement, config, _registration_options_free(inner))
        elif (
            authenticator == REGISTRATION_PASSWORD
            and config is not None
            and {k for k, _ in config} <= {ALWAYS_SET_PASSWORD}
        ):
            row = (authenticator, requirement, None, inner)
        elif authenticator == REGISTRATION_TERMS and requirement == af.REQ and config is None:
            row = (authenticator, af.DIS, config, inner)
        rows.append(row)
    return (shape[0], tuple(rows))


def _registration_execution(realm: Realm, authenticator: str) -> tuple[FlowSet, Execution | None]:
    """The realm's flows, and the execution of ``authenticator`` in its bound registration flow if it has one."""
    flows = of(realm)
    flow = flows.flow(bound_id(realm, "registrationFlow"))
    if flow is None:
        return flows, None
    return flows, next((e for e in _tree(flows, flow.id) if e.authenticator == authenticator), None)


def registration_password_config(realm: Realm) -> dict[str, str]:
    """The config of the Password Validation execution of the realm's registration flow ({} for none)."""
    flows, found = _registration_execution(realm, REGISTRATION_PASSWORD)
    config = flows.config(found.config_id) if found is not None else None
    return dict(config.config) if config is not None else {}


def registration_terms_required(realm: Realm) -> bool:
    """Whether the realm's registration flow runs its Terms and conditions form action (REQUIRED)."""
    found = _registration_execution(realm, REGISTRATION_TERMS)[1]
    return found is not None and found.requirement == af.REQ


RESET_EMAIL = "reset-credential-email"  # ResetCredentialEmail.PROVIDER_ID
RESET_OTP = "reset-otp"  # ResetOTP.PROVIDER_ID
RESET_CHOOSE_USER = "reset-credentials-choose-user"  # ResetCredentialChooseUser.PROVIDER_ID
RESET_CREDENTIALS = "resetCredentialsFlow"


def _reset_limiters_free(shape: Shape) -> Shape:
    """The reset credentials flow as the built-in one without the User Session Count Limiters (REQUIRED or
    DISABLED) its top level holds after the e-mail step: oauth/reset_credentials.py runs them once the link is
    followed, where Keycloak's flow goes on after ResetCredentialEmail."""
    rows: list[object] = []
    mailed = False
    for row in shape[1]:  # type: ignore[attr-defined]
        authenticator, requirement = row[0], row[1]
        if mailed and authenticator == flow_plan.SESSION_LIMITS and requirement in (af.REQ, af.DIS):
            continue
        mailed = mailed or authenticator == RESET_EMAIL
        rows.append(row)
    return (shape[0], tuple(rows))


def _reset_unwrapped(shape: Shape) -> Shape:
    """A reset credentials flow whose top level is one basic sub-flow, ALTERNATIVE or REQUIRED
    (AltSubflowForCredentialResetTest's), as the flow of that sub-flow's steps: DefaultAuthenticationFlow runs a
    lone alternative as it runs a required step."""
    rows = shape[1]
    if len(rows) == 1:  # type: ignore[arg-type]
        authenticator, requirement, _config, inner = rows[0]  # type: ignore[index]
        if authenticator is None and requirement in (af.REQ, af.ALT) and inner is not None and inner[0] == shape[0]:
            return inner  # type: ignore[no-any-return]
    return shape


def _reset_otp_free(shape: Shape) -> Shape:
    """The reset credentials flow without its "Reset - Conditional OTP" sub-flow where that is DISABLED or left
    out (nothing of ResetOTP runs then); a CONDITIONAL one stays, compared with the built-in flow's."""
    rows: tuple[object, ...] = shape[1]  # type: ignore[assignment]
    if rows and _is_reset_otp(rows[-1]) and rows[-1][1] == af.DIS:  # type: ignore[index]
        return (shape[0], rows[:-1])
    return shape


def _is_reset_otp(row: object) -> bool:
    """Whether a shape's row is a sub-flow holding ResetOTP."""
    inner: Shape | None = row[3]  # type: ignore[index]
    return inner is not None and any(step[0] == RESET_OTP for step in inner[1])  # type: ignore[attr-defined]


def _reset_variants() -> set[Shape]:
    """The built-in reset credentials flow's shapes, each also without its last step (the OTP sub-flow), its first
    (Choose User: ResetCredentialsAlternativeFlowsTest's "resetcred - alternative"), or both."""
    found: set[Shape] = set()
    for shape in _variants(BINDINGS[RESET_CREDENTIALS]):
        rows: tuple[object, ...] = shape[1]  # type: ignore[assignment]
        found |= {(shape[0], r) for r in (rows, rows[:-1], rows[1:], rows[1:-1])}
    return found


def reset_chooses_user(realm: Realm) -> bool:
    """Whether the realm's reset credentials flow runs ResetCredentialChooseUser (the "Forgot Password?" form): a
    flow without it goes straight to ResetCredentialEmail with the user an earlier step of the tab identified."""
    flows = of(realm)
    flow = flows.flow(bound_id(realm, RESET_CREDENTIALS))
    return flow is None or any(e.authenticator == RESET_CHOOSE_USER for e in _reset_rows(flows, flow))


def _reset_rows(flows: FlowSet, flow: AuthFlow) -> list[Execution]:
    """The steps of a reset credentials flow: its top level, or its lone sub-flow's (``_reset_unwrapped``)."""
    rows = flows.children(flow.id)
    if len(rows) == 1 and rows[0].flow_id is not None and rows[0].requirement in (af.REQ, af.ALT):
        inner = flows.flow(rows[0].flow_id)
        if inner is not None and inner.provider_id == flow.provider_id:
            return flows.children(inner.id)
    return rows


def reset_otp_runs(realm: Realm) -> bool:
    """Whether the realm's reset credentials flow runs its "Reset - Conditional OTP" sub-flow (CONDITIONAL): a
    flow without it, or with it DISABLED, adds no CONFIGURE_TOTP once the link is followed."""
    flows = of(realm)
    flow = flows.flow(bound_id(realm, RESET_CREDENTIALS))
    if flow is None:
        return True
    return any(
        e.flow_id is not None
        and e.requirement == af.COND
        and any(s.authenticator == RESET_OTP for s in _tree(flows, e.flow_id))
        for e in _reset_rows(flows, flow)
    )


def reset_limiters(realm: Realm) -> list[tuple[tuple[str, str], ...] | None]:
    """The configs of the REQUIRED User Session Count Limiters after the e-mail step of the realm's reset
    credentials flow, in their order (None: one without a config)."""
    flows = of(realm)
    flow = flows.flow(bound_id(realm, RESET_CREDENTIALS))
    if flow is None:
        return []
    found: list[tuple[tuple[str, str], ...] | None] = []
    mailed = False
    for e in _reset_rows(flows, flow):
        if mailed and e.authenticator == flow_plan.SESSION_LIMITS and e.requirement == af.REQ:
            found.append(config_of(flows, e) if flows.config(e.config_id) is not None else None)
        mailed = mailed or e.authenticator == RESET_EMAIL
    return found


def why_not_runnable(flows: FlowSet, flow: AuthFlow, binding: str) -> str | None:
    """None if Doorkeep runs ``flow`` as the realm binding ``binding`` (``browserFlow`` …); else why not. A
    browser or direct grant flow runs when it compiles (realms/flow_plan.py); any other only as its built-in
    flow's equal."""
    kind = BINDINGS[binding]
    compiler = {"browserFlow": flow_plan.browser, "directGrantFlow": flow_plan.direct_grant}.get(binding)
    if compiler is not None:
        try:
            compiler(flows, flow)
        except flow_plan.Unsupported as exc:
            return f"Doorkeep cannot run flow '{flow.alias}' as the {kind} flow yet: {exc}"
        return None
    if binding == FIRST_BROKER_LOGIN:
        try:
            broker_plan(flows, flow)
        except flow_plan.Unsupported as exc:
            return f"Doorkeep cannot run flow '{flow.alias}' as the {kind} flow yet: {exc}"
        return None
    stored = _stored_shape(flows, flow)
    if binding == "registrationFlow":
        stored = _registration_options_free(stored)
    if binding == RESET_CREDENTIALS:
        stored = _reset_otp_free(_reset_limiters_free(_reset_unwrapped(stored)))
        if stored in _reset_variants():
            return None
    if stored in _variants(kind):
        return None
    detail = _describe(stored, _builtin_shape(kind, False, True), flow.alias)
    return f"Doorkeep cannot run flow '{flow.alias}' as the {kind} flow yet: {detail}"


def broker_plan(flows: FlowSet, flow: AuthFlow) -> broker_flow_plan.BrokerPlan:
    """What a first broker login flow runs: Keycloak's default flow when it is its equal (Review Profile's mode and
    the e-mail verification's requirement aside), else one of the automatic linking flows
    (realms/broker_flow_plan.py); ``Unsupported`` naming the step otherwise."""
    kind = BINDINGS[FIRST_BROKER_LOGIN]
    stored = _review_free(_stored_shape(flows, flow))
    if stored in _variants(kind):
        return broker_flow_plan.DEFAULT
    automatic = {broker_flow_plan.DETECT, broker_flow_plan.AUTO_LINK}
    if any(e.authenticator in automatic for e in _tree(flows, flow.id)):
        return broker_flow_plan.automatic_linking(flows, flow)
    raise flow_plan.Unsupported(_describe(stored, _builtin_shape(kind, False, True), flow.alias))


def _tree(flows: FlowSet, flow_id: str, depth: int = 0) -> list[Execution]:
    found: list[Execution] = []
    for e in flows.children(flow_id):
        found.append(e)
        if e.flow_id is not None and depth < 16:
            found.extend(_tree(flows, e.flow_id, depth + 1))
    return found


def bound_id(realm: Realm, binding: str) -> str:
    """The id of the flow a realm binding names: its own choice, else the built-in flow of that name."""
    return realm.flow_bindings.get(binding) or af.flow_uuid(realm, BINDINGS[binding])


def binding_aliases(realm: Realm, flows: FlowSet) -> dict[str, str | None]:
    """The realm representation's ``browserFlow`` … ``firstBrokerLoginFlow``: the bound flows' aliases."""
    out: dict[str, str | None] = {}
    for binding in BINDINGS:
        found = flows.flow(bound_id(realm, binding))
        out[binding] = found.alias if found is not None else None
    return out


def in_use(realm: Realm, clients: list[Client], flow_id: str) -> bool:
    """KeycloakModelUtils.isFlowUsed: a realm binding or a client override names it."""
    if any(bound_id(realm, b) == flow_id for b in BINDINGS):
        return True
    if any(f.id == flow_id for f in _provider_flows(realm, of(realm))):
        return True
    return any(flow_id in c.flow_overrides.values() for c in clients)


def check_all(realm: Realm, clients: list[Client], flows: FlowSet) -> str | None:
    """Why Doorkeep could not run a flow that stays bound after a change to ``flows``; None if it can run all."""
    for binding in BINDINGS:
        flow = flows.flow(bound_id(realm, binding))
        if flow is not None and (why := why_not_runnable(flows, flow, binding)):
            return why
    for client in clients:
        for key, flow_id in client.flow_overrides.items():
            flow = flows.flow(flow_id)
            if flow is not None and key in OVERRIDES and (why := why_not_runnable(flows, flow, OVERRIDES[key])):
                return f"{why} (client {client.client_id}'s {key} override)"
    for provider in realm.identity_providers:
        named = provider.get("firstBrokerLoginFlowAlias")
        flow = flows.by_alias(named) if isinstance(named, str) else None
        if isinstance(named, str) and flow is None:  # Keycloak keeps the flow's id; Doorkeep names it by alias
            return f"Identity provider '{provider.get('alias')}' runs flow '{named}' after a first broker login"
        if flow is not None and (why := why_not_runnable(flows, flow, FIRST_BROKER_LOGIN)):
            return f"{why} (identity provider '{provider.get('alias')}')"
        post = provider.get("postBrokerLoginFlowAlias")
        if isinstance(post, str) and post and (why := why_not_post_login(flows, post)):
            return f"{why} (identity provider '{provider.get('alias')}')"
    return None


def why_not_post_login(flows: FlowSet, alias: str) -> str | None:
    """None if Doorkeep runs the flow ``alias`` names as a post broker login flow; else why not."""
    flow = flows.by_alias(alias)
    if flow is None:
        return f"No available authentication flow with alias: {alias}"
    try:
        broker_flow_plan.post_login(flows, flow)
    except flow_plan.Unsupported as exc:
        return f"Doorkeep cannot run flow '{alias}' as a post broker login flow yet: {exc}"
    return None


def first_login_flow(realm: Realm, flows: FlowSet, alias: str) -> AuthFlow | None:
    """The first broker login flow for provider ``alias``: its ``firstBrokerLoginFlowAlias``, else the realm's
    binding (IdentityBrokerService.authenticated: the provider's flow, the realm's when it names none)."""
    provider = next((p for p in realm.identity_providers if p.get("alias") == alias), None)
    named = provider.get("firstBrokerLoginFlowAlias") if provider is not None else None
    own = flows.by_alias(named) if isinstance(named, str) else None
    return own if own is not None else flows.flow(bound_id(realm, FIRST_BROKER_LOGIN))


def _provider_flows(realm: Realm, flows: FlowSet) -> list[AuthFlow]:
    """The flows identity providers name as their ``firstBrokerLoginFlowAlias``."""
    named = {
        p.get(k) for p in realm.identity_providers for k in ("firstBrokerLoginFlowAlias", "postBrokerLoginFlowAlias")
    }
    return [f for f in flows.flows if f.alias in named]


def with_bindings(realm: Realm, rep: dict[str, object]) -> Realm:
    """The realm representation's flow bindings applied (RepresentationToModel.updateRealm: each given alias
    names the flow to bind). An alias no flow has, or a flow Doorkeep cannot run in that place, is a 400."""
    flows = of(realm)
    bindings = dict(realm.flow_bindings)
    for binding in BINDINGS:
        alias = rep.get(binding)
        if not isinstance(alias, str):
            continue
        flow = flows.by_alias(alias)
        if flow is None:
            raise AdminError(400, f"Flow {alias} not found")
        if why := why_not_runnable(flows, flow, binding):
            raise AdminError(400, why)
        bindings[binding] = flow.id
    return realm if bindings == realm.flow_bindings else dataclasses.replace(realm, flow_bindings=bindings)


def with_overrides(realm: Realm, client: Client, rep: dict[str, object]) -> Client:
    """A client representation's ``authenticationFlowBindingOverrides`` applied (RepresentationToModel:
    a null or blank value removes the override, any other must name a flow). Doorkeep runs a ``browser`` or
    ``direct_grant`` override only while it is its built-in flow's equal, and runs no other binding: both are
    refused with a 400 rather than kept and ignored."""
    given = rep.get("authenticationFlowBindingOverrides")
    if not isinstance(given, dict):
        return client
    flows = of(realm)
    overrides = dict(client.flow_overrides)
    for key, value in given.items():
        if not isinstance(value, str) or not value.strip():
            overrides.pop(str(key), None)
            continue
        flow = flows.flow(value)
        if flow is None:
            raise AdminError(400, f"Flow {value} does not exist")
        if key not in OVERRIDES:
            raise AdminError(400, f"Doorkeep does not run a '{key}' flow binding override")
        if why := why_not_runnable(flows, flow, OVERRIDES[key]):
            raise AdminError(400, why)
        overrides[str(key)] = value
    return client if overrides == client.flow_overrides else dataclasses.replace(client, flow_overrides=overrides)
