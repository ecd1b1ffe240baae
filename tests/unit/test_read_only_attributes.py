"""``users.read_only``: Keycloak's read-only attribute patterns, as Java's regex would match them."""

from __future__ import annotations

import pytest

from doorkeep.users import read_only

PATTERNS = read_only.configured(("deniedFoo", "deniedBar*", "deniedSome/thing", "deniedsome*thing"), ("x.y",))


@pytest.mark.parametrize(
    ("name", "matched"),
    [
        ("LDAP_ID", True),
        ("ldap_id", True),  # (?i:…): ASCII case ignored
        ("LDAP_IDx", False),
        ("xLDAP_ID", False),
        ("LDAP_ID\n", True),  # Java's $ matches before one final line terminator
        ("LDAP_ID\u2028", True),
        ("LDAP_ID\r\n", True),
        ("LDAP_ID\n\n", False),
        ("\u212aERBEROS_PRINCIPAL", False),  # the Kelvin sign is no ASCII K: Java's (?i) leaves it alone
        ("saml.persistent.name.id.for.anything", True),
        ("saml.persistent.name.idafor.x", False),  # Pattern.quote: "." is literal
        ("saml.persistent.name.id.for.a\nb", False),  # the prefix's .* does not cross a line terminator
        ("deniedBarrier", True),
        ("deniedsome*thing", True),
        ("deniedsomeithing", False),  # a * inside a name is literal
        ("DENIEDSOME/THING", True),
        ("disabledReason", True),
        ("x.y", False),  # an admin pattern only
    ],
)
def test_the_users_patterns_match_as_keycloaks_regex_does(name: str, matched: bool) -> None:
    assert PATTERNS.user.match(name) is matched


def test_the_admin_patterns_are_the_admins_built_in_ones_and_its_option() -> None:
    admin = PATTERNS.admin
    assert [admin.match(n) for n in ("createTimestamp", "X.Y", "xzy", "userCertificate", "deniedFoo")] == [
        True,
        True,
        False,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("existing", "given", "same"),
    [
        ([], [], True),
        ([], ["  "], True),  # no value before: a blank one is no change
        ([], ["x"], False),
        (["a"], [], False),  # removing it is a change
        (["a"], [""], False),
        (["a"], ["a"], True),
        (["a"], ["a", " "], True),
        (["a"], ["a", "b"], False),  # Doorkeep's stricter rule: Keycloak compares first values only
        (["a", "b"], ["a"], False),
        (["a", "b"], ["b", "a"], False),
    ],
)
def test_a_change_is_any_change_of_the_non_blank_values(existing: list[str], given: list[str], same: bool) -> None:
    assert read_only.unchanged(existing, given) is same


def test_pinned_keeps_the_users_read_only_attributes_and_adds_none() -> None:
    names = read_only.BUILT_IN.user
    current = {"LDAP_ID": ["1"], "free": ["a"]}
    written = {"free": ["b"], "ldap_id": ["2"], "other": ["c"]}
    assert read_only.pinned(names, written, current) == {"free": ["b"], "other": ["c"], "LDAP_ID": ["1"]}
