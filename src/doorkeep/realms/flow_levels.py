"""Step-up authentication in a flow: the Conditional - Level Of Authentication condition
(ConditionalLoaAuthenticator) and the levels a flow configures (LoAUtil).

A CONDITIONAL sub-flow with that condition is a level: its steps run only when the login has not reached the
level yet (or the SSO session reached it longer ago than its ``loa-max-age``) and the client asked for it, and
once they are through the level is reached (oauth/loa.py runs this). realms/flow_plan.py compiles such a
sub-flow into a ``Group``: the gates (and the username and password form) that run together under its
conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.numbers import parse_int
from doorkeep.realms import auth_flows as af
from doorkeep.realms.flow_model import FlowSet, of

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.realms.flow_conditions import Condition

LEVEL_CONDITION = "conditional-level-of-authentication"  # ConditionalLoaAuthenticatorFactory.PROVIDER_ID
LEVEL, MAX_AGE = "loa-condition-level", "loa-max-age"  # ConditionalLoaAuthenticator.LEVEL, MAX_AGE
STORE_IN_USER_SESSION = "loa-store-in-user-session"  # Keycloak 17's option, still read when no max age is set
DEFAULT_MAX_AGE = 36000  # ConditionalLoaAuthenticator.DEFAULT_MAX_AGE (10 hours)


@dataclass(frozen=True)
class Group:
    """A CONDITIONAL sub-flow with a level condition (``flow_id``): its ``conditions`` decide once, when the login
    reaches it, whether its steps run; when they are through, each level condition among them records its level
    (ConditionalLoaAuthenticator.onParentFlowSuccess)."""

    flow_id: str
    conditions: tuple[Condition, ...]

    def levels(self) -> list[tuple[int, int]]:
        """The (level, max age) of each level condition with a readable level."""
        found = [(level_of(c.config), max_age_of(c.config)) for c in self.conditions if c.kind == LEVEL_CONDITION]
        return [(level, age) for level, age in found if level is not None]


def level_of(config: tuple[tuple[str, str], ...] | dict[str, str]) -> int | None:
    """LoAUtil.getLevelFromLoaConditionConfiguration: ``loa-condition-level`` as a number, else None."""
    return parse_int(dict(config).get(LEVEL))


def max_age_of(config: tuple[tuple[str, str], ...] | dict[str, str]) -> int:
    """LoAUtil.getMaxAgeFromLoaConditionConfiguration: ``loa-max-age``; without a number there, Keycloak 17's
    ``loa-store-in-user-session`` (true: 36000 seconds, else 0); else 0."""
    values = dict(config)
    age = parse_int(values.get(MAX_AGE))
    if age is not None:
        return age
    stored = values.get(STORE_IN_USER_SESSION)
    if stored is not None:
        return DEFAULT_MAX_AGE if stored.lower() == "true" else 0
    return 0


def configured(flows: FlowSet, flow_id: str, depth: int = 0) -> dict[int, int]:
    """LoAUtil.getLoaMaxAgesConfiguredInRealmFlow: each level a level condition anywhere in the flow configures
    (disabled ones too, as AuthenticatorUtil.getExecutionsByType finds them), with its max age."""
    levels: dict[int, int] = {}
    for e in flows.children(flow_id):
        if e.flow_id is not None and depth < 16:
            for level, age in configured(flows, e.flow_id, depth + 1).items():
                levels.setdefault(level, age)
        elif e.authenticator == LEVEL_CONDITION:
            found = flows.config(e.config_id)
            named = level_of(found.config) if found is not None else None
            if found is not None and named is not None:
                levels.setdefault(named, max_age_of(found.config))
    return levels


# AuthenticatorFactory.getReferenceCategory of the authenticators whose category is a credential type
# (AuthenticatorUtil.getCredentialProviders' types)
CREDENTIAL_CATEGORIES = {
    "auth-username-password-form": "password",
    "auth-password-form": "password",
    "direct-grant-validate-password": "password",
    "auth-otp-form": "otp",
    "direct-grant-validate-otp": "otp",
    "webauthn-authenticator": "webauthn",
    "webauthn-authenticator-passwordless": "webauthn-passwordless",
    "auth-recovery-authn-code-form": "recovery-authn-codes",
}
NO_LOA = -1  # Constants.NO_LOA


def credential_levels(flows: FlowSet, flow_id: str) -> dict[str, int]:
    """LoAUtil.getCredentialTypesToLoAMap: each credential type an authenticator of the flow checks, with the level
    of the level condition before it in its sub-flow (or an enclosing one), -1 outside any; every execution counts,
    disabled or not, a later one overriding."""
    found: dict[str, int] = {}
    _fill_credential_levels(flows, flow_id, NO_LOA, found, 0)
    return found


def _fill_credential_levels(flows: FlowSet, flow_id: str, current: int, found: dict[str, int], depth: int) -> None:
    for e in flows.children(flow_id):
        if e.flow_id is not None:
            if depth < 16:
                _fill_credential_levels(flows, e.flow_id, current, found, depth + 1)  # the level resets after it
        elif e.authenticator == LEVEL_CONDITION:
            config = flows.config(e.config_id)
            level = level_of(config.config) if config is not None else None
            current = current if level is None else level
        elif e.authenticator in CREDENTIAL_CATEGORIES:
            found[CREDENTIAL_CATEGORIES[e.authenticator]] = current


def removal_level(realm: Realm, override: str | None, credential_type: str) -> int:
    """CredentialDeleteHelper.getRequestedLoaForCredential: the level at which the browser flow (the client's
    override ``override``, else the realm's) checks ``credential_type``; -1 where no level guards it."""
    flows = of(realm)
    flow_id = realm.flow_bindings.get("browserFlow") or af.flow_uuid(realm, af.BINDINGS["browserFlow"])
    if override and flows.flow(override) is not None:
        flow_id = override
    if flows.flow(flow_id) is None:
        return NO_LOA
    return credential_levels(flows, flow_id).get(credential_type, NO_LOA)


def browser_levels(realm: Realm) -> list[int]:
    """LoAUtil.getLoAConfiguredInRealmBrowserFlow: 0 (the SSO cookie's level) and the realm browser flow's levels,
    ascending; 0 and 1 when the flow configures none."""
    flows = of(realm)
    flow_id = realm.flow_bindings.get("browserFlow") or af.flow_uuid(realm, af.BINDINGS["browserFlow"])
    levels = sorted(configured(flows, flow_id)) if flows.flow(flow_id) is not None else []
    return [0, *levels] if levels else [0, 1]
