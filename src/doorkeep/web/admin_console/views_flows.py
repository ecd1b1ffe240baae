"""Authentication → Flows, what the console reads, as Keycloak's console shows it (AuthenticationSection.tsx,
UsedBy.tsx, FlowDetails.tsx, FlowRow.tsx, AddStepModal.tsx).

The list is ``GET ui-ext/authentication-management/flows`` (admin-ui-ext AuthenticationMapper): the top-level
flows but ``saml ecp`` with what uses each, a realm binding ("DEFAULT") before a client's override
("SPECIFIC_CLIENTS") before an identity provider ("SPECIFIC_PROVIDERS"; Doorkeep has none). The overriding
clients are shown only to an administrator who may view clients (view-clients or manage-clients, Keycloak's
``auth.clients().canView()``), as Keycloak filters them since issue #50983: view-realm alone lists no client id
that client permissions hide. A flow's page is ``GET flows/{alias}/executions``, the rows the REST API answers
(realms/auth_executions.py). Whether Doorkeep runs a flow in a binding is realms/flow_support.py's answer.
Everything here needs view-realm.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.model import JSON, Client, Realm
from doorkeep.oauth.context import Form
from doorkeep.realms import auth_executions, flow_edits, flow_model, flow_support
from doorkeep.realms import auth_flows as af
from doorkeep.realms.auth_providers import BOOLEAN, MULTIVALUED_LIST, Prop, properties_of
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, FlowSet
from doorkeep.web.admin_console.context import Console, Missing, Page, page_of

# AuthenticationSection's REALM_FLOWS with the console's ``flow.*`` texts, in its order.
BINDING_LABELS = {
    "browserFlow": "Browser flow",
    "registrationFlow": "Registration flow",
    "directGrantFlow": "Direct grant flow",
    "resetCredentialsFlow": "Reset credentials flow",
    "clientAuthenticationFlow": "Client authentication flow",
    "dockerAuthenticationFlow": "Docker authentication flow",
    "firstBrokerLoginFlow": "First broker login flow",
}
BINDABLE = tuple(b for b in BINDING_LABELS if b != "dockerAuthenticationFlow")  # BindFlowDialog leaves docker out
REQUIREMENTS = {af.REQ: "Required", af.ALT: "Alternative", af.DIS: "Disabled", af.COND: "Conditional"}
TOP_LEVEL_TYPES = {af.BASIC: "Basic flow", af.CLIENT: "Client flow"}  # CreateFlow: top-level-flow-type.*
SUB_FLOW_TYPES = {af.BASIC: "Generic", af.FORM: "Form"}  # AddSubFlowModal: flow-type.*
FORM_PROVIDER = "registration-page-form"  # the one form provider, which AddSubFlowModal always sends
USED = {"DEFAULT": "Default", "SPECIFIC_CLIENTS": "Specific clients", "SPECIFIC_PROVIDERS": "Specific providers"}
NOT_IN_USE = "Not in use"
KINDS = {"execution": "Add step", "condition": "Add condition", "flow": "Add sub-flow"}


@dataclass(frozen=True)
class UsedBy:
    """What uses a flow: ``kind`` is Keycloak's UsedByType (None: not in use), with the realm bindings that name
    it and the clients (id, clientId) whose browser or direct grant override does."""

    kind: str | None
    bindings: tuple[str, ...] = ()
    clients: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return USED[self.kind] if self.kind else NOT_IN_USE

    @property
    def binding_labels(self) -> tuple[str, ...]:
        return tuple(BINDING_LABELS[b] for b in self.bindings)


@dataclass(frozen=True)
class Listed:
    flow: AuthFlow
    used_by: UsedBy


@dataclass(frozen=True)
class Step:
    """One row of a flow's execution tree: the REST row (``GET flows/{alias}/executions``) and what the page
    needs besides: whether it is the last of its parent, and its sub-flow."""

    row: JSON
    last: bool
    sub_flow: AuthFlow | None

    @property
    def level(self) -> int:
        return int(self.row["level"])


@dataclass(frozen=True)
class Choice:
    """A binding the flow may be given, and why Doorkeep could not run it there (None: it can)."""

    binding: str
    label: str
    refused: str | None


def used_by(realm: Realm, clients: list[Client], flow: AuthFlow) -> UsedBy:
    """AuthenticationMapper.convertToModel: a realm binding wins over a client's override; ``clients`` are those
    the caller may see."""
    bindings = tuple(b for b in flow_support.BINDINGS if flow_support.bound_id(realm, b) == flow.id)
    if bindings:
        return UsedBy("DEFAULT", bindings=bindings)
    overriding = tuple(
        (c.id, c.client_id)
        for c in sorted(clients, key=lambda c: c.client_id)
        if any(c.flow_overrides.get(key) == flow.id for key in flow_support.OVERRIDES)
    )
    return UsedBy("SPECIFIC_CLIENTS", clients=overriding) if overriding else UsedBy(None)


async def _clients(c: Console) -> list[Client]:
    """The clients whose overrides the caller may see: all of them with view-clients, else none."""
    return await c.tx.clients.list(c.realm.id) if c.can("view-clients") else []


async def listing(c: Console, search: str, first: int, size: int) -> Page[Listed]:
    """The flows tab: in use first (bound, then overridden), each group by alias, as the console sorts them;
    ``search`` keeps the aliases containing it, case aside."""
    c.require("view-realm")
    clients = await _clients(c)
    rows = [Listed(f, used_by(c.realm, clients, f)) for f in flow_model.top_level(flow_model.of(c.realm))]
    rank = {"DEFAULT": 0, "SPECIFIC_CLIENTS": 1, "SPECIFIC_PROVIDERS": 2, None: 3}
    rows.sort(key=lambda r: (rank[r.used_by.kind], r.flow.alias.casefold(), r.flow.alias))
    if search:
        rows = [r for r in rows if search.casefold() in r.flow.alias.casefold()]
    return page_of(rows[first : first + size + 1], first, size, len(rows))


def top_flow(c: Console, flow_id: str) -> tuple[FlowSet, AuthFlow]:
    """A flow the list shows, by id (FlowDetails finds it among ``GET flows``)."""
    c.require("view-realm")
    flows = flow_model.of(c.realm)
    flow = next((f for f in flow_model.top_level(flows) if f.id == flow_id), None)
    if flow is None:
        raise Missing("Could not find flow with id")
    return flows, flow


async def flow_used_by(c: Console, flow: AuthFlow) -> UsedBy:
    return used_by(c.realm, await _clients(c), flow)


def steps(flows: FlowSet, flow: AuthFlow) -> list[Step]:
    out = []
    for row in auth_executions.executions(flows, flow):
        e = flows.execution(str(row["id"]))
        siblings = flows.children(e.parent_id) if e is not None else []
        out.append(Step(row, int(row["index"]) == len(siblings) - 1, flows.flow(e.flow_id if e else None)))
    return out


def choices(flows: FlowSet, flow: AuthFlow) -> list[Choice]:
    """The binding types the Bind flow dialog offers, each with flow_support's reason where Doorkeep could not
    run the flow there."""
    return [Choice(b, BINDING_LABELS[b], flow_support.why_not_runnable(flows, flow, b)) for b in BINDABLE]


def bind_note(flows: FlowSet, flow: AuthFlow) -> str:
    """What the flow page says beside Bind flow: the bindings Doorkeep runs the flow as, else why not in the
    binding of its kind (the client authentication flow for a client flow, else the browser flow)."""
    found = choices(flows, flow)
    runnable = [c.label for c in found if c.refused is None]
    if runnable:
        return f"Doorkeep can run it as: {', '.join(runnable)}."
    kind = "clientAuthenticationFlow" if flow.provider_id == af.CLIENT else "browserFlow"
    return f"Doorkeep cannot bind it yet: {next(c.refused for c in found if c.binding == kind)}"


def target(flows: FlowSet, flow: AuthFlow, alias: str) -> AuthFlow:
    """The flow a step is added to: ``flow`` itself or one of its sub-flows, at any depth."""
    if alias == flow.alias:
        return flow
    for row in auth_executions.executions(flows, flow):
        sub = flows.flow(row.get("flowId") if row.get("authenticationFlow") else None)
        if sub is not None and sub.alias == alias:
            return sub
    raise Missing("Parent flow doesn't exist")


def providers(parent: AuthFlow, kind: str) -> list[tuple[str, str]]:
    """AddStepModal's list, (id, display name) by name: what ``add_execution`` accepts in ``parent``; for "Add
    condition" the authenticators whose name starts with "Condition " (providerConditionFilter)."""
    found = [(p, auth_executions.FACTORIES[p][0]) for p in flow_edits.providers_for(parent)]
    if kind == "condition":
        found = [(p, name) for p, name in found if name.startswith("Condition ")]
    return sorted(found, key=lambda item: item[1].casefold())


@dataclass(frozen=True)
class StepConfig:
    """ExecutionConfigModal: a configurable step, its config (None: none yet) and its factory's properties."""

    step: Step
    config: AuthConfig | None
    props: tuple[Prop, ...]

    def value(self, prop: Prop) -> str:
        """What the form shows: the stored value, else (no config yet) the property's default."""
        if self.config is not None:
            return self.config.config.get(prop.name, "")
        return default_text(prop)

    def shown(self, typed: dict[str, object]) -> dict[str, object]:
        """Each property's field: what was typed (a form shown again), else ``value``."""
        return {p.name: typed.get(f"config.{p.name}", self.value(p)) for p in self.props}


def default_text(prop: Prop) -> str:
    """A property's default as DynamicComponents fills the field: none is empty, a switch "true" or "false"."""
    return "" if prop.default is None else str(prop.default).lower() if prop.type == BOOLEAN else str(prop.default)


def step_config(flows: FlowSet, flow: AuthFlow, execution_id: str) -> StepConfig:
    """A configurable step of ``flow`` (at any depth) with its config, or Keycloak's "Illegal execution"."""
    step = next((s for s in steps(flows, flow) if s.row["id"] == execution_id and s.row.get("configurable")), None)
    e = flows.execution(execution_id)
    if step is None or e is None:
        raise Missing("Illegal execution")
    return StepConfig(step, flows.config(e.config_id), properties_of(e.authenticator or ""))


def typed_config(props: tuple[Prop, ...], form: Form) -> dict[str, str]:
    """The config as DynamicComponents sends it (``stringify``): a switch "true" or "false", a multivalued list
    joined with ``##``, any other value as typed; ``flow_edits.config_values`` leaves the empty ones out."""
    out: dict[str, str] = {}
    for prop in props:
        field = f"config.{prop.name}"
        if prop.type == BOOLEAN:
            out[prop.name] = "true" if form.get(field) is not None else "false"
        elif prop.type == MULTIVALUED_LIST:
            out[prop.name] = "##".join(v for v in form.all(field) if v)
        else:
            out[prop.name] = form.get(field) or ""
    return out
