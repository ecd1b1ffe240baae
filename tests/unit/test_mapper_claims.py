"""Keycloak's claim mapping rules (OIDCAttributeMapperHelper), applied without a server."""

from __future__ import annotations

import dataclasses

from doorkeep.model import Client, Group, ProtocolMapper, Role, User
from doorkeep.oauth.mappers import claims as m
from doorkeep.oauth.mappers.defaults import builtin_mappers


def _input(*, last_name: str | None = None, email: str | None = None) -> m.MapperInput:
    parent = Group(id="p", realm_id="r", name="org", path="/org", attributes={"site": ["paris"], "tier": ["a"]})
    child = Group(id="c", realm_id="r", name="team", parent_id="p", path="/org/team", attributes={"tier": ["b"]})
    return m.MapperInput(
        client=Client(id="cid", realm_id="r", client_id="app"),
        user=User(
            id="u",
            realm_id="r",
            username="ann",
            first_name="Ann",
            email_verified=True,
            attributes={"tier": ["own"]},
            last_name=last_name,
            email=email,
        ),
        session=None,
        roles=[Role(id="1", realm_id="r", name="reader", client_id="api-uuid")],
        role_clients={"api-uuid": "api"},
        groups=(child,),
        ancestors={"p": parent},
    )


def _mapper(kind: str, **config: str) -> ProtocolMapper:
    return ProtocolMapper(id=kind, name=kind, mapper=kind, config=config)


def test_dotted_claim_names_nest_and_escaped_dots_stay_in_the_name() -> None:
    claims: dict[str, object] = {}
    m.map_claim(claims, {"claim.name": "a.b.c"}, "x")
    m.map_claim(claims, {"claim.name": "a.b.d"}, "y")
    m.map_claim(claims, {"claim.name": r"k\.v"}, "z")
    assert claims == {"a": {"b": {"c": "x", "d": "y"}}, "k.v": "z"}


def test_json_types_convert_and_a_value_that_does_not_convert_is_kept() -> None:
    assert m.map_value({"jsonType.label": "long"}, "42") == 42
    assert m.map_value({"jsonType.label": "boolean"}, "TRUE") is True
    assert m.map_value({"jsonType.label": "int"}, "forty") == "forty"
    assert m.map_value({"jsonType.label": "JSON"}, '{"a": [1]}') == {"a": [1]}
    assert m.map_value({}, []) is None
    assert m.map_value({"multivalued": "true"}, ["a", "b"]) == ["a", "b"]
    assert m.map_value({}, ["a", "b"]) == "a"


def test_multivalued_claims_merge_into_an_existing_list() -> None:
    claims: dict[str, object] = {"roles": ["a"]}
    m.map_claim(claims, {"claim.name": "roles", "multivalued": "true"}, ["a", "b"])
    assert claims == {"roles": ["a", "b"]}


def test_multivalued_single_values_stay_alone_then_gather_into_a_list() -> None:
    """mapClaim: a multivalued mapper's lone value is a string until another writes the same claim; a
    single-valued mapper replaces whatever is there."""
    multi = {"claim.name": "names", "multivalued": "true"}
    claims: dict[str, object] = {}
    m.map_claim(claims, multi, "Ann")
    assert claims == {"names": "Ann"}
    m.map_claim(claims, multi, "Smith")
    m.map_claim(claims, multi, "Ann")
    assert claims == {"names": ["Ann", "Smith"]}
    m.map_claim(claims, multi, ["x", "Smith"])
    assert claims == {"names": ["Ann", "Smith", "x"]}
    m.map_claim(claims, {"claim.name": "names"}, "only")
    assert claims == {"names": "only"}


def test_a_role_mapper_adds_to_a_list_and_replaces_a_lone_value() -> None:
    """AbstractUserRoleMappingMapper.mapClaim: Collection.addAll onto a collection, else put."""
    claims: dict[str, object] = {"r": "lone"}
    m.map_claim(claims, {"multivalued": "true"}, ["a"], "r", roles=True)
    m.map_claim(claims, {"multivalued": "true"}, ["b", "a"], "r", roles=True)
    assert claims == {"r": ["a", "b"]}


def test_user_attributes_fall_back_to_groups_and_their_parents_or_aggregate_them() -> None:
    data = _input()
    assert m.user_attribute(data, "site") == ["paris"]
    assert m.user_attribute(data, "tier") == ["own"]
    # aggregated, a group's values and its parents' (KeycloakModelUtils.resolveAttribute(group, name, true))
    assert m.user_attribute(data, "tier", aggregate=True) == ["own", "b", "a"]
    assert m.user_attribute(data, "firstName") == ["Ann"]
    no_own = dataclasses.replace(data, user=dataclasses.replace(data.user, attributes={}))
    assert m.user_attribute(no_own, "tier") == ["b"]  # not aggregated, the group's own values hide its parent's


def test_userinfo_follows_the_id_token_flag_and_introspection_the_access_token_flag_when_unset() -> None:
    hard = _mapper("oidc-hardcoded-claim-mapper", **{"claim.name": "x", "claim.value": "1", "id.token.claim": "true"})
    data = _input()
    assert m.apply([hard], data, m.USERINFO) == {"x": "1"}
    assert m.apply([hard], data, m.ACCESS) == {}
    acr = _mapper("oidc-acr-mapper", **{"userinfo.token.claim": "true"})
    assert m.apply([acr], data, m.USERINFO) == {}  # Keycloak's acr mapper never feeds userinfo


def test_keycloaks_default_scopes_produce_the_standard_claims() -> None:
    mappers = [*builtin_mappers("profile"), *builtin_mappers("email"), *builtin_mappers("roles")]
    out = m.apply(mappers, _input(last_name="Lee", email="ann@example.com"), m.ACCESS)
    assert out == {
        "name": "Ann Lee",
        "given_name": "Ann",
        "family_name": "Lee",
        "preferred_username": "ann",
        "email": "ann@example.com",
        "email_verified": True,
        "resource_access": {"api": {"roles": ["reader"]}},
        "aud": ["api"],
    }


def test_group_membership_gives_full_paths_or_names() -> None:
    """Full paths only with ``full.path`` "true" (GroupMembershipMapper.useFullPath): without it, the names."""
    data = _input()
    assert m.apply(
        [_mapper("oidc-group-membership-mapper", **{"claim.name": "g", "access.token.claim": "true"})], data, m.ACCESS
    ) == {"g": ["team"]}
    full = _mapper(
        "oidc-group-membership-mapper", **{"claim.name": "g", "full.path": "true", "access.token.claim": "true"}
    )
    assert m.apply([full], data, m.ACCESS) == {"g": ["/org/team"]}
    short = _mapper(
        "oidc-group-membership-mapper", **{"claim.name": "g", "full.path": "false", "access.token.claim": "true"}
    )
    assert m.apply([short], data, m.ACCESS) == {"g": ["team"]}


def test_attribute_mappers_through_the_cached_plan_read_the_user_then_the_groups() -> None:
    """The plan answers "no such attribute, no group" without lookups (types.step); every other case is
    the full rule: the user's own value, else the groups', aggregated on request."""

    def attribute(name: str, claim: str, **config: str) -> ProtocolMapper:
        return _mapper(
            "oidc-usermodel-attribute-mapper",
            **{"user.attribute": name, "claim.name": claim, "access.token.claim": "true", **config},
        )

    mappers = [
        attribute("site", "site"),
        attribute("tier", "tier"),
        attribute("tier", "tiers", **{"aggregate.attrs": "true", "multivalued": "true"}),
        attribute("firstName", "fn"),
    ]
    member = _input()
    assert m.apply(mappers, member, m.ACCESS) == {
        "site": "paris",
        "tier": "own",
        "tiers": ["own", "b", "a"],
        "fn": "Ann",
    }
    alone = dataclasses.replace(member, groups=(), ancestors={})
    assert m.apply(mappers, alone, m.ACCESS) == {"tier": "own", "tiers": ["own"], "fn": "Ann"}
    bare = dataclasses.replace(alone, user=dataclasses.replace(member.user, attributes={}))
    assert m.apply(mappers, bare, m.ACCESS) == {"fn": "Ann"}
    inherits = dataclasses.replace(member, user=bare.user)
    assert m.apply(mappers, inherits, m.ACCESS) == {"site": "paris", "tier": "b", "tiers": ["b", "a"], "fn": "Ann"}


def test_a_role_mapper_not_multivalued_gives_one_role_name() -> None:
    """Keycloak 23+ (#20218): mapAttributeValue takes one value, no longer the list's Java toString."""
    data = dataclasses.replace(
        _input(), roles=[*_input().roles, Role(id="2", realm_id="r", name="writer", client_id="api-uuid")]
    )
    config = {"claim.name": "r", "access.token.claim": "true", "usermodel.clientRoleMapping.clientId": "api"}
    single = _mapper("oidc-usermodel-client-role-mapper", **config)
    assert m.apply([single], data, m.ACCESS) == {"r": "reader"}
    multi = _mapper("oidc-usermodel-client-role-mapper", **config, multivalued="true")
    assert m.apply([multi], data, m.ACCESS) == {"r": ["reader", "writer"]}


def test_the_address_reads_the_users_own_attributes_only_and_is_there_even_empty() -> None:
    """AddressMapper: user.getFirstAttribute, no group fallback; an empty AddressClaimSet is ``{}``."""
    address = _mapper("oidc-address-mapper", **{"access.token.claim": "true", "user.attribute.locality": "site"})
    data = _input()  # the group /org has "site", the user none
    assert m.apply([address], data, m.ACCESS) == {"address": {}}
    user = dataclasses.replace(data.user, attributes={"site": ["Lyon", "Paris"], "country": ["FR"]})
    assert m.apply([address], dataclasses.replace(data, user=user), m.ACCESS) == {
        "address": {"locality": "Lyon", "country": "FR"}
    }
