"""The Username Template Importer's rendering and the Advanced Claim to Role's claim matching (UsernameTemplateMapper,
AdvancedClaimToRoleMapper, RegexUtils.valueMatchesRegex), case by case."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.broker import idp_mappers, username_template
from doorkeep.broker.oidc import Identity

CLAIMS: dict[str, Any] = {
    "sub": "ABC-123",
    "email": "Alice@Example.org",
    "preferred_username": "Alice",
    "groups": ["admins"],
    "roles": ["a", "b"],
    "address": {"locality": "Paris"},
    "a.b": "dotted",
    "markup": "<script>alert(1)</script>/../$1\\g<0>${ALIAS}",
    "n": 7,
    "flag": True,
}


def _claim(name: str) -> Any:
    return idp_mappers.claim_value(Identity("id", "u", None, None, None, None, CLAIMS), name)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${ALIAS}.${CLAIM.preferred_username}", "kc.Alice"),
        ("${CLAIM.email | lowercase}", "alice@example.org"),
        ("${CLAIM.email|uppercase}", "ALICE@EXAMPLE.ORG"),
        ("${CLAIM.email | localpart}", "Alice"),
        ("${CLAIM.email | localpart }-${ALIAS | uppercase}", "Alice-KC"),
        ("${CLAIM.sub | nosuch}", "ABC-123"),
        ("${CLAIM.groups}", "admins"),
        ("${CLAIM.roles}", "[a, b]"),
        ("${CLAIM.address.locality}", "Paris"),
        ("${CLAIM.a\\.b}", "dotted"),
        ("${CLAIM.n}.${CLAIM.flag}", "7.true"),
        ("${OTHER}", "OTHER"),
        ("plain", "plain"),
        ("${CLAIM.missing}.${ALIAS}", ""),
        ("${CLAIM.markup}", "<script>alert(1)</script>/../$1\\g<0>${ALIAS}"),
    ],
)
def test_templates_render_as_keycloak_renders_them(template: str, expected: str) -> None:
    assert username_template.render(template, "kc", _claim) == expected


def test_uuid_is_fresh_each_time() -> None:
    one, two = (username_template.render("${UUID}", "kc", _claim) for _ in range(2))
    assert len(one) == 36 and one != two


@pytest.mark.parametrize(
    ("target", "field", "value"),
    [
        ("LOCAL", "model_username", "kc.alice"),
        (None, "model_username", "kc.alice"),
        ("nope", "model_username", "kc.alice"),
        ("BROKER_ID", "id", "kc.alice"),
        ("BROKER_USERNAME", "username", "kc.alice"),
    ],
)
def test_the_target_picks_the_field(target: str | None, field: str, value: str) -> None:
    identity = Identity("id", "u", None, None, None, None, {"preferred_username": "alice"})
    config = {"template": "${ALIAS}.${CLAIM.preferred_username}", **({"target": target} if target else {})}
    changed = username_template.apply(identity, "kc", config, lambda n: identity.claims.get(n))
    assert getattr(changed, field) == value


@pytest.mark.parametrize(
    ("claims", "regex", "applies"),
    [
        ('[{"key": "email", "value": "Alice@Example.org"}]', False, True),
        ('[{"key": "email", "value": "Alice@Example.org"}, {"key": "groups", "value": "admins"}]', False, True),
        ('[{"key": "email", "value": "Alice@Example.org"}, {"key": "groups", "value": "users"}]', False, False),
        ('[{"key": "email", "value": ".*@example\\\\.org"}]', True, False),
        ('[{"key": "email", "value": ".*@Example\\\\.org"}]', True, True),
        ('[{"key": "email", "value": "Alice"}]', True, False),
        ('[{"key": "roles", "value": "b"}]', True, True),
        ('[{"key": "email", "value": "("}]', True, False),
        ('[{"key": "missing", "value": ".*"}]', True, False),
        ("not json", False, False),
        ('{"key": "email"}', False, False),
        ('[{"key": "email", "value": "x"}, {"key": "email", "value": "y"}]', False, False),
        ('[{"key": "roles", "value": "a"}, {"key": "roles", "value": "b"}]', False, True),  # a key twice: both
        ('[{"key": "roles", "value": "a"}, {"key": "roles", "value": "z"}]', False, False),
        ("[]", False, True),
        (None, False, True),  # MapperTypeSerializer.deserialize(null): no claims to match
    ],
)
@pytest.mark.parametrize("kind", ["oidc-advanced-role-idp-mapper", "oidc-advanced-group-idp-mapper"])
def test_advanced_claims_all_match(claims: str | None, regex: bool, applies: bool, kind: str) -> None:
    identity = Identity("id", "u", None, None, None, None, CLAIMS)
    config = {"are.claim.values.regex": str(regex).lower(), "role": "r", "group": "/g"}
    if claims is not None:
        config["claims"] = claims
    mapper = {"name": "m", "identityProviderMapper": kind, "config": config}
    assert idp_mappers.applies(mapper, identity) is applies
