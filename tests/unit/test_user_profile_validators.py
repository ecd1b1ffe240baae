"""Keycloak's attribute validators (users/validators.py) and UPConfigUtils.validate (admin/user_profile_checks.py)
value by value; the wire behaviour is tests/wire/test_keycloak_user_profile.py."""

from __future__ import annotations

from doorkeep.admin import user_profile, user_profile_checks
from doorkeep.users import declared, validators


def messages(validator: str, values: list[str], config: dict[str, object]) -> list[str]:
    return [e["errorMessage"] for e in validators.check(validator, "a", values, dict(config))]


def test_each_failing_value_is_one_error_and_empty_values_are_skipped() -> None:
    assert messages("length", ["x", "", "yy", "toolong"], {"min": 2, "max": 3}) == [
        "error-invalid-length",
        "error-invalid-length",
    ]
    assert messages("length", ["  a  "], {"min": 2}) == ["error-invalid-length-too-short"]
    assert messages("length", ["  a  "], {"min": 2, "trim-disabled": True}) == []
    assert messages("integer", ["12", " ", "1.5", "x"], {}) == ["error-invalid-number", "error-invalid-number"]
    assert messages("double", ["1e3"], {"max": "100"}) == ["error-number-out-of-range"]
    assert messages("options", ["b"], {"options": ["a"]}) == ["error-invalid-value"]
    assert messages("pattern", ["abc"], {"pattern": "[a-z]+"}) == []
    assert messages("pattern", ["ab1"], {"pattern": "[a-z]+", "error-message": "nope"}) == ["nope"]
    assert messages("email", ["not-an-email"], {}) == ["error-invalid-email"]
    sixteen, seventeen = "abcdef0123456789@bar.com", "abcdefg0123456789@bar.com"  # EmailValidator's max-local-length
    assert messages("email", [sixteen, seventeen], {"max-local-length": "16"}) == ["error-invalid-email"]
    assert messages("email", [seventeen], {"max-local-length": "x"}) == []  # not a number: the default 64
    assert messages("uri", ["https://x.org/#f"], {"allowFragment": False}) == ["error-invalid-uri-fragment"]
    assert messages("uri", ["/relative"], {}) == ["error-invalid-uri"]
    assert messages("local-date", ["12/31/2024", "31/12/2024"], {}) == ["error-invalid-date"]
    assert messages("iso-date", ["2024-02-30"], {}) == ["error-invalid-date"]
    assert messages("person-name-prohibited-characters", ["J<ane"], {}) == ["error-person-name-invalid-character"]


def test_multivalued_counts_the_non_blank_values() -> None:
    assert validators.multivalued("a", ["x", "y"], {"max": 1}, required=False)[0]["params"] == ["a", 0, 1]
    assert validators.multivalued("a", [], {"max": 1}, required=True) == []
    assert validators.multivalued("a", ["x", " "], {"max": 1}, required=False) == []


def test_config_errors_are_validation_errors_in_javas_words() -> None:
    assert validators.config_errors("length", {}) == [
        "ValidationError{validatorId='length', inputHint='min', message='error-validator-config-missing-value', "
        "messageParameters=[]}",
        "ValidationError{validatorId='length', inputHint='max', message='error-validator-config-missing-value', "
        "messageParameters=[]}",
    ]
    assert validators.config_errors("pattern", {"pattern": "("})[0].startswith(
        "ValidationError{validatorId='pattern', inputHint='pattern', message='error-validator-config-invalid-value'"
    )
    assert validators.config_errors("options", {"options": "a"}) != []
    assert validators.config_errors("integer", {"min": 5, "max": 1}) != []
    assert validators.config_errors("email", {}) == []


def test_groups_without_name_and_annotations_of_the_wrong_shape_are_refused() -> None:
    config = user_profile.normalized(
        {
            **user_profile.default_config(),
            "groups": [{"displayHeader": "x"}],
        }
    )
    config["attributes"].append({"name": "a", "annotations": {"inputOptions": "x"}, "multivalued": False})
    assert user_profile_checks.errors(config, set()) == [
        "Annotation 'inputOptions' configured for attribute 'a' must be an array of values!'",
        "Name is mandatory for groups, found 1 group(s) without name.",
    ]


def test_permissions_decide_view_edit_and_required_per_context() -> None:
    attribute = {"name": "a", "permissions": {"view": ["admin"], "edit": ["user"]}, "required": {}}
    assert declared.can_edit(attribute, declared.ACCOUNT) and not declared.can_edit(attribute, declared.USER_API)
    assert declared.can_view(attribute, declared.USER_API)
    assert declared.is_required(attribute, declared.USER_API)
    assert not declared.is_required(attribute, declared.ACCOUNT, service_account=True)
    assert not declared.can_view({"name": "b"}, declared.USER_API)  # no permissions: nobody
    assert not declared.is_required({"name": "c", "required": {"scopes": ["x"]}}, declared.REGISTRATION)


def test_not_blank_is_a_known_validator_refusing_a_value_of_only_whitespace() -> None:
    """NotBlankValidator (``not-blank``, UPConfigParserTest's test-OK.json names it): whitespace alone, as
    String.trim sees it, is ``error-invalid-blank``; anything else passes."""
    assert "not-blank" in validators.KNOWN
    assert validators.check("not-blank", "phone", [" \t", "x"], {}) == [
        {"field": "phone", "errorMessage": "error-invalid-blank", "params": ["phone", " \t"]}
    ]
