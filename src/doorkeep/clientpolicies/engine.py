"""Running a realm's client policies on one event (Keycloak's DefaultClientPolicyManager.triggerOnEvent):
every enabled policy whose conditions all vote yes (an abstaining condition is skipped; a policy needs at
least one yes) runs the executors of its profiles, realm ones and global ones, in order. The first executor
that refuses ends the request with a ClientPolicyViolation: Keycloak's ClientPolicyException (error, detail).

Pure: the caller gathers what the conditions and executors look at into a ``PolicyContext``."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies import catalogue, conditions, executors, realm_config
from doorkeep.clientpolicies.config_values import flag
from doorkeep.clientpolicies.context import PolicyContext
from doorkeep.model import Realm


def _enabled_policies(realm: Realm) -> list[dict[str, Any]]:
    stored = realm_config.stored_items(realm, catalogue.POLICIES_ATTRIBUTE, "policies")
    policies = [*catalogue.global_policies(), *stored]
    return [p for p in policies if p.get("enabled") is True]


def has_policies(realm: Realm) -> bool:
    """Whether any policy is enabled: callers skip gathering facts otherwise."""
    return bool(_enabled_policies(realm))


def condition_configs(realm: Realm, provider: str) -> list[dict[str, Any]]:
    """The configurations of the ``provider`` conditions of the realm's enabled policies: what the caller must
    look up before a run (the trusted hosts' addresses, the updater's groups and roles)."""
    return [
        condition.get("configuration") or {}
        for policy in _enabled_policies(realm)
        for condition in policy.get("conditions") or []
        if condition.get("condition") == provider
    ]


def _satisfied(policy: dict[str, Any], context: PolicyContext) -> bool:
    voted_yes = False
    for condition in policy.get("conditions") or []:
        config = condition.get("configuration") or {}
        vote = conditions.vote(str(condition.get("condition")), config, context)
        if vote is not None and flag(config, "is-negative-logic"):
            vote = not vote
        if vote is None:  # ABSTAIN
            continue
        if not vote:
            return False
        voted_yes = True
    return voted_yes


def run(realm: Realm, context: PolicyContext) -> None:
    """Run the realm's enabled policies on ``context``; ClientPolicyViolation when an executor refuses."""
    policies = _enabled_policies(realm)
    if not policies:
        return
    stored = realm_config.stored_items(realm, catalogue.PROFILES_ATTRIBUTE, "profiles")
    profiles = {p.get("name"): p for p in [*stored, *catalogue.global_profiles_read_only()]}
    for policy in policies:
        if not _satisfied(policy, context):
            continue
        for name in policy.get("profiles") or []:
            for executor in (profiles.get(name) or {}).get("executors") or []:
                executors.execute(str(executor.get("executor")), executor.get("configuration") or {}, context)
