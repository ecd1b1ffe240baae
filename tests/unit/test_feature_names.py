"""doorkeep.features.parse: ``--features-disabled`` names, bare or with the feature's one version (Keycloak's
versioned keys: ``ciba:v1``, ``account:v3``); another version or an empty one is no known feature."""

from __future__ import annotations

import pytest

from doorkeep import features


@pytest.mark.parametrize(
    ("value", "known"),
    [
        ("account", {"account"}),
        ("account:v3", {"account"}),
        ("ciba:v1, par", {"ciba", "par"}),
        ("recovery-codes:v1,impersonation", {"recovery-codes", "impersonation"}),
    ],
)
def test_a_feature_is_named_bare_or_with_its_own_version(value: str, known: set[str]) -> None:
    assert features.parse(value) == (frozenset(known), [])


@pytest.mark.parametrize("name", ["account:v1", "ciba:v3", "ciba:", "account-v3", "ACCOUNT_V3"])
def test_another_version_or_spelling_is_unknown(name: str) -> None:
    assert features.parse(f"par,{name}") == (frozenset({"par"}), [name])


def test_account_v3_comes_first_in_profile_feature_order_with_its_dependency() -> None:
    assert features.enum_names(frozenset({"par", "account"})) == ["ACCOUNT_V3", "PAR"]
    reps = features.representations(frozenset({"account"}))
    assert reps[0] == {
        "name": "ACCOUNT_V3",
        "label": "Account Console version 3",
        "type": "DEFAULT",
        "enabled": False,
        "dependencies": ["ACCOUNT_API"],
    }
    assert all(r["dependencies"] == [] and r["enabled"] for r in reps[1:])
