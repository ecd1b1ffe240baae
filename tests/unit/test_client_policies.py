"""Client policies without a server (src/doorkeep/clientpolicies/): how conditions vote on each event, how a
policy whose conditions all abstain stays unapplied, the executors' auto-configuration and refusals on a
proposed representation, and the validation of configurations the wire tests do not reach."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from doorkeep.clientpolicies import catalogue, conditions, engine, executors, validation
from doorkeep.clientpolicies.context import ClientFacts, ClientPolicyViolation, Event, PolicyContext
from doorkeep.model import Realm

PUBLIC = ClientFacts(public=True, bearer_only=False)
CONFIDENTIAL = ClientFacts(
    public=False,
    bearer_only=False,
    role_names=frozenset({"role-a"}),
    default_scopes=frozenset({"email"}),
    optional_scopes=frozenset({"phone", "address"}),
)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (PolicyContext(Event.REGISTER, proposed={"publicClient": True}), True),
        (PolicyContext(Event.REGISTER, proposed={}), False),  # absent publicClient: confidential
        (PolicyContext(Event.AUTHORIZATION_REQUEST, client=PUBLIC), True),
        (PolicyContext(Event.TOKEN_REFRESH, client=CONFIDENTIAL), False),
        # an update turning the client public is judged as public
        (PolicyContext(Event.UPDATE, client=CONFIDENTIAL, proposed={"publicClient": True}), True),
    ],
)
def test_client_access_type_votes_on_the_stored_or_proposed_client(context: PolicyContext, expected: bool) -> None:
    assert conditions.vote("client-access-type", {"type": ["public"]}, context) is expected


@pytest.mark.parametrize(
    ("kind", "scope", "expected"),
    [
        ("Default", None, False),  # email is a default scope, but not expected
        ("Optional", "openid phone", True),
        ("Optional", "openid", False),  # an optional scope must be asked for
        ("Any", "address", False),  # address is optional but not expected
        ("Any", "phone", True),
        ("Other", "phone", False),
    ],
)
def test_client_scopes_condition_types(kind: str, scope: str | None, expected: bool) -> None:
    context = PolicyContext(Event.AUTHORIZATION_REQUEST, client=CONFIDENTIAL, scope=scope)
    assert conditions.vote("client-scopes", {"type": kind, "scopes": ["phone", "profile"]}, context) is expected


def test_conditions_abstain_outside_their_events() -> None:
    register = PolicyContext(Event.REGISTER, proposed={}, updater="ByAuthenticatedUser")
    assert conditions.vote("client-roles", {"roles": ["role-a"]}, register) is None
    assert conditions.vote("client-scopes", {"type": "Any", "scopes": ["phone"]}, register) is None
    token = PolicyContext(Event.TOKEN_REQUEST, client=CONFIDENTIAL)
    assert conditions.vote("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]}, token) is None
    assert conditions.vote("client-roles", {"roles": ["role-a"]}, token) is True
    assert conditions.vote("no-such-condition", {}, token) is None


def _realm(profiles: list[dict[str, Any]], policies: list[dict[str, Any]]) -> Realm:
    attributes = {
        catalogue.PROFILES_ATTRIBUTE: json.dumps({"profiles": profiles}),
        catalogue.POLICIES_ATTRIBUTE: json.dumps({"policies": policies}),
    }
    return Realm(id="r", name="r", attributes=attributes)


REJECT_ROPC = {"name": "p", "executors": [{"executor": "reject-ropc-grant", "configuration": {}}]}


def test_a_policy_needs_one_yes_and_no_no() -> None:
    abstaining = {"condition": "client-updater-context", "configuration": {"update-client-source": ["ByAnonymous"]}}
    ropc = PolicyContext(Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST, client=CONFIDENTIAL)
    only_abstains = {"name": "x", "enabled": True, "conditions": [abstaining], "profiles": ["p"]}
    engine.run(_realm([REJECT_ROPC], [only_abstains]), ropc)  # not applied
    any_client = {"condition": "any-client"}
    applied = {**only_abstains, "conditions": [abstaining, any_client]}
    with pytest.raises(ClientPolicyViolation) as refused:
        engine.run(_realm([REJECT_ROPC], [applied]), ropc)
    assert refused.value.error == "invalid_grant"
    disabled = {**applied, "enabled": False}
    engine.run(_realm([REJECT_ROPC], [disabled]), ropc)
    assert not engine.has_policies(_realm([REJECT_ROPC], [disabled]))


def test_crud_executors_auto_configure_then_validate() -> None:
    rep: dict[str, Any] = {"implicitFlowEnabled": True, "directAccessGrantsEnabled": True}
    context = PolicyContext(Event.REGISTER, proposed=rep)
    for provider in ("pkce-enforcer", "dpop-bind-enforcer", "reject-implicit-grant", "reject-ropc-grant"):
        executors.execute(provider, {"auto-configure": "true"}, context)
    executors.execute("consent-required", {"auto-configure": True}, context)
    executors.execute("full-scope-disabled", {"auto-configure": True}, context)
    executors.execute(
        "secure-client-authenticator",
        {"allowed-client-authenticators": ["client-jwt"], "default-client-authenticator": "client-jwt"},
        context,
    )
    assert rep["attributes"] == {"pkce.code.challenge.method": "S256", "dpop.bound.access.tokens": "true"}
    assert (rep["implicitFlowEnabled"], rep["directAccessGrantsEnabled"]) == (False, False)
    assert (rep["consentRequired"], rep["fullScopeAllowed"], rep["clientAuthenticatorType"]) == (
        True,
        False,
        "client-jwt",
    )


def test_an_update_leaving_a_switch_out_keeps_the_stored_one() -> None:
    stored = dataclasses.replace(CONFIDENTIAL, consent_required=True, full_scope_allowed=False)
    update = PolicyContext(Event.UPDATE, client=stored, proposed={})
    executors.execute("consent-required", {}, update)
    executors.execute("full-scope-disabled", {}, update)
    with pytest.raises(ClientPolicyViolation) as refused:
        executors.execute("consent-required", {}, PolicyContext(Event.UPDATE, client=CONFIDENTIAL, proposed={}))
    assert (refused.value.error, refused.value.description) == (
        "invalid_registration",
        "Client is required to enable consentRequired",
    )


@pytest.mark.parametrize(
    "executor",
    [
        {"executor": "pkce-enforcer", "configuration": {"auto-configure": "maybe"}},
        {"executor": "pkce-enforcer", "configuration": "on"},
        {"executor": "secure-client-authenticator", "configuration": {"allowed-client-authenticators": "client-jwt"}},
        {"executor": "secure-client-authenticator", "configuration": {"allowed-client-authenticators": ["password"]}},
        {"executor": "dpop-bind-enforcer", "configuration": {"enforce-authorization-code-binding-to-dpop": 1}},
    ],
)
def test_an_executor_configuration_jackson_could_not_bind_is_refused(executor: dict[str, Any]) -> None:
    with pytest.raises(validation.ClientPolicyError, match="does not have valid provider"):
        validation.profiles_for_update({"profiles": [{"name": "p", "executors": [executor]}]})


def test_policy_shapes_refused() -> None:
    with pytest.raises(validation.ClientPolicyError, match="expected a list of objects"):
        validation.policies_for_update({"policies": "none"}, [])
    bad_profiles = {"policies": [{"name": "x", "profiles": "p"}]}
    with pytest.raises(validation.ClientPolicyError, match="contains invalid profile"):
        validation.policies_for_update(bad_profiles, [])
    bad_config = {"policies": [{"name": "x", "conditions": [{"condition": "any-client", "configuration": []}]}]}
    with pytest.raises(validation.ClientPolicyError, match="Invalid any-client configuration"):
        validation.policies_for_update(bad_config, [])
