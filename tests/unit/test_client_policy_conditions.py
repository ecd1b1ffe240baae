"""The newer client policy conditions without a server (conditions.py, updater_conditions.py): how each votes on
every event Doorkeep fires, which the wire tests reach only a few of."""

from __future__ import annotations

import json
from typing import Any

import pytest

from doorkeep.clientpolicies import conditions
from doorkeep.clientpolicies.context import ClientFacts, Event, PolicyContext, UpdaterFacts

GOLD = ClientFacts(public=False, bearer_only=False, attributes={"tier": "gold", "zone": "eu"})
SAML = ClientFacts(public=False, bearer_only=False, protocol="saml")


def attributes(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"attributes": json.dumps([{"key": k, "value": v} for k, v in pairs])}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (attributes(("tier", "gold")), True),
        (attributes(("tier", "gold"), ("zone", "eu")), True),
        (attributes(("tier", "gold"), ("zone", "us")), False),  # every pair must hold
        (attributes(("tier", "gold"), ("tier", "tin")), False),  # a key configured twice matches no client
        (attributes(("missing", "x")), False),
        ({}, False),  # no attributes configured
        ({"attributes": "not json"}, False),
        ({"attributes": [{"key": "tier", "value": "gold"}]}, False),  # a list is not the string Jackson binds
    ],
)
def test_client_attributes_matches_every_pair(config: dict[str, Any], expected: bool) -> None:
    assert conditions.vote("client-attributes", config, PolicyContext(Event.TOKEN_REQUEST, client=GOLD)) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Event.REGISTER, None),
        (Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST, None),
        (Event.UPDATE, True),
        (Event.UPDATED, True),
        (Event.REGISTERED, True),
        (Event.PUSHED_AUTHORIZATION_REQUEST, True),
    ],
)
def test_client_attributes_events(event: Event, expected: bool | None) -> None:
    context = PolicyContext(event, client=GOLD, proposed={})
    assert conditions.vote("client-attributes", attributes(("tier", "gold")), context) is expected


@pytest.mark.parametrize(
    ("response_type", "grants", "expected"),
    [
        ("code", ["authorization_code"], True),
        ("code id_token", ["authorization_code"], True),  # any code is the code grant
        ("code token", ["implicit"], False),
        ("id_token token", ["implicit"], True),
        ("id_token", ["implicit"], True),
        ("none", ["authorization_code", "implicit"], False),
        ("bogus", ["authorization_code", "implicit"], False),
        (None, ["authorization_code"], False),
    ],
)
def test_grant_type_reads_the_response_type(response_type: str | None, grants: list[str], expected: bool) -> None:
    params = {} if response_type is None else {"response_type": response_type}
    context = PolicyContext(Event.AUTHORIZATION_REQUEST, params=params)
    assert conditions.vote("grant-type", {"grantTypes": grants}, context) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Event.TOKEN_REFRESH, True),
        (Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST, False),
        (Event.SERVICE_ACCOUNT_TOKEN_REQUEST, False),
        (Event.TOKEN_REQUEST, None),  # the code exchange is not judged
        (Event.REGISTER, None),
    ],
)
def test_grant_type_on_token_events(event: Event, expected: bool | None) -> None:
    # ``grant_types`` is the configuration's @JsonAlias
    assert conditions.vote("grant-type", {"grant_types": ["refresh_token"]}, PolicyContext(event)) is expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (PolicyContext(Event.REGISTER, proposed={"protocol": "saml"}), True),
        (PolicyContext(Event.REGISTER, proposed={}), False),
        (PolicyContext(Event.AUTHORIZATION_REQUEST, client=SAML), True),
        (PolicyContext(Event.UPDATED, client=SAML), True),
        (PolicyContext(Event.TOKEN_REQUEST, client=GOLD), False),  # openid-connect
        (PolicyContext(Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST, client=SAML), None),
        (PolicyContext(Event.PUSHED_AUTHORIZATION_REQUEST, client=SAML), None),
    ],
)
def test_client_type_votes_on_the_protocol(context: PolicyContext, expected: bool | None) -> None:
    assert conditions.vote("client-type", {"protocol": "saml"}, context) is expected


def test_acr_condition_votes_on_authorization_requests_only() -> None:
    asked = PolicyContext(Event.AUTHORIZATION_REQUEST, requested_acr=("silver", "gold"))
    assert conditions.vote("acr-condition", {"acr-property": "gold"}, asked) is True
    assert conditions.vote("acr-condition", {"acr-property": "bronze"}, asked) is False
    assert conditions.vote("acr-condition", {}, asked) is False
    token = PolicyContext(Event.TOKEN_REQUEST, requested_acr=("gold",))
    assert conditions.vote("acr-condition", {"acr-property": "gold"}, token) is None


HOSTS = UpdaterFacts(
    remote_addr="10.0.0.7",
    resolved_hosts={"trusted.test": frozenset({"10.0.0.7"}), "other.test": frozenset({"10.0.0.8"})},
    remote_hostname="build-7.ci.example.org",
)


@pytest.mark.parametrize(
    ("hosts", "facts", "expected"),
    [
        (["trusted.test"], HOSTS, True),
        (["other.test"], HOSTS, False),
        (["unresolved.test"], HOSTS, False),  # a host that does not resolve matches nothing
        (["*.example.org"], HOSTS, True),  # a domain, by the address's host name
        (["*.example.com"], HOSTS, False),
        (["*.example.org"], UpdaterFacts(remote_addr="10.0.0.7"), False),  # no host name known
        (["trusted.test"], UpdaterFacts(), False),  # no address
    ],
)
def test_updater_source_host(hosts: list[str], facts: UpdaterFacts, expected: bool) -> None:
    context = PolicyContext(Event.REGISTER, updater_facts=facts)
    assert conditions.vote("client-updater-source-host", {"trusted-hosts": hosts}, context) is expected


def test_updater_source_host_judges_register_and_update_only() -> None:
    for event, expected in ((Event.UPDATE, True), (Event.REGISTERED, None), (Event.TOKEN_REQUEST, None)):
        context = PolicyContext(event, updater_facts=HOSTS)
        assert conditions.vote("client-updater-source-host", {"trusted-hosts": ["trusted.test"]}, context) is expected


MEMBER = UpdaterFacts(
    group_paths=frozenset({"/top/sub"}), role_names=frozenset({"admin", "realm-management.create-client"})
)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        (["/top/sub"], True),
        (["/top"], False),  # the parent group is not the user's own
        (["sub"], False),  # a bare name is a top-level group
        (["top", "/top/sub"], True),
        ([], False),
    ],
)
def test_updater_source_groups(groups: list[str], expected: bool) -> None:
    context = PolicyContext(Event.UPDATED, updater_facts=MEMBER)
    assert conditions.vote("client-updater-source-groups", {"groups": groups}, context) is expected


def test_updater_source_groups_and_roles_without_a_user_or_configuration_vote_no() -> None:
    nobody = PolicyContext(Event.REGISTER, updater_facts=UpdaterFacts())
    assert conditions.vote("client-updater-source-groups", {"groups": ["/top/sub"]}, nobody) is False
    assert conditions.vote("client-updater-source-roles", {"roles": ["admin"]}, nobody) is False
    member = PolicyContext(Event.REGISTER, updater_facts=MEMBER)
    assert conditions.vote("client-updater-source-groups", {}, member) is False
    assert conditions.vote("client-updater-source-roles", {}, member) is False
    assert (
        conditions.vote("client-updater-source-roles", {"roles": ["admin"]}, PolicyContext(Event.TOKEN_REQUEST)) is None
    )


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["admin"], True),
        (["realm-management.create-client"], True),
        (["create-client"], False),  # a client role needs its client's id
        (["realm-management.manage-clients"], False),
    ],
)
def test_updater_source_roles(roles: list[str], expected: bool) -> None:
    context = PolicyContext(Event.REGISTERED, updater_facts=MEMBER)
    assert conditions.vote("client-updater-source-roles", {"roles": roles}, context) is expected
