"""Keycloak 26's default user-profile validators (doorkeep.users.profile)."""

from __future__ import annotations

import pytest

from doorkeep.users.profile import ProfileError, require_valid, valid_email, validate


@pytest.mark.parametrize(
    "email",
    [
        "a@b.c",
        "user1@example.com",
        "first.last+tag@sub.example.org",
        "o'hara@example.ie",
        "x@[127.0.0.1]",
        "jürgen@example.de",
        "a@bücher.example",
        "a" * 64 + "@example.com",
    ],
)
def test_ordinary_addresses_are_valid(email: str) -> None:
    assert valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "<b>x</b>",
        "plain",
        "@example.com",
        "user@",
        "a@@b.c",
        "a..b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a b@example.com",
        "a@exa mple.com",
        "a@-example.com",
        "a@example-.com",
        "a@example..com",
        "a@[1.2.3]",
        "<script>@example.com",
        "a@exa<mple.com",
        "a" * 65 + "@example.com",
        "a@" + "b" * 64 + ".com",
        "a\n@example.com",
        "a@example.com\r\nBcc: x@y.z",
    ],
)
def test_malformed_addresses_are_invalid(email: str) -> None:
    assert not valid_email(email)


def test_valid_profile_values_give_no_errors() -> None:
    assert validate({"username": "jdoe", "email": "j@example.com", "firstName": "Jean-Luc", "lastName": "O'Neil"}) == []
    assert validate({"firstName": "José María", "lastName": "van der Berg", "email": ""}) == []
    assert validate({"firstName": None, "email": 5}) == []  # non-strings are the caller's business


@pytest.mark.parametrize(
    ("values", "error"),
    [
        (
            {"email": "<b>x</b>"},
            {"field": "email", "errorMessage": "error-invalid-email", "params": ["email", "<b>x</b>"]},
        ),
        (
            {"email": "a@" + ".".join([c * 60 for c in "bcde"]) + ".example.com"},
            {"field": "email", "errorMessage": "error-invalid-length-too-long", "params": ["email", None, 255]},
        ),
        (
            {"firstName": "A" * 256},
            {"field": "firstName", "errorMessage": "error-invalid-length-too-long", "params": ["firstName", None, 255]},
        ),
        (
            {"lastName": "A" * 100_000},
            {"field": "lastName", "errorMessage": "error-invalid-length-too-long", "params": ["lastName", None, 255]},
        ),
        (
            {"username": "ab"},
            {"field": "username", "errorMessage": "error-invalid-length", "params": ["username", 3, 255]},
        ),
        (
            {"username": "u" * 256},
            {"field": "username", "errorMessage": "error-invalid-length", "params": ["username", 3, 255]},
        ),
    ],
)
def test_length_and_format_errors_have_keycloaks_shape(values: dict[str, str], error: dict[str, object]) -> None:
    assert validate(values) == [error]


@pytest.mark.parametrize("char", [*list('<>&"$%!#?§;*~/\\|^=[]{}()'), "\x00", "\x1f", "\x7f", "\n", "\u2028"])
def test_person_names_refuse_keycloaks_prohibited_characters(char: str) -> None:
    for field in ("firstName", "lastName"):
        assert validate({field: f"Ann{char}e"}) == [
            {"field": field, "errorMessage": "error-person-name-invalid-character", "params": [field]}
        ]


@pytest.mark.parametrize("char", [*list("<>&\"'$%!#?§,;:*~/\\|^=[]{}()` \t"), "\x00", "\xa0", "\u3000", "\u2028"])
def test_usernames_refuse_keycloaks_prohibited_characters(char: str) -> None:
    assert validate({"username": f"ab{char}cd"}) == [
        {"field": "username", "errorMessage": "error-username-invalid-character", "params": ["username"]}
    ]


@pytest.mark.parametrize("username", ["abc", "john.doe", "j_d-1", "jd@example.com", "čeněk", "ηλίας"])
def test_usernames_with_letters_digits_and_dot_dash_underscore_at_are_valid(username: str) -> None:
    assert validate({"username": username}) == []


def test_one_error_is_inline_several_are_a_list() -> None:
    with pytest.raises(ProfileError) as one:
        require_valid({"email": "bad"}, shrink=True)
    assert one.value.status == 400 and one.value.body() == {
        "field": "email",
        "errorMessage": "error-invalid-email",
        "params": ["email", "bad"],
    }
    with pytest.raises(ProfileError) as unshrunk:
        require_valid({"email": "bad"}, shrink=False)
    assert unshrunk.value.body()["errors"] == [one.value.body()] and unshrunk.value.body()["field"] == "email"
    with pytest.raises(ProfileError) as several:
        require_valid({"email": "bad", "firstName": "<x>"}, shrink=True)
    assert [e["field"] for e in several.value.body()["errors"]] == ["email", "firstName"]
    assert set(several.value.body()) == {"errors"}


def test_custom_attributes_are_limited_to_2048_characters_once_trimmed() -> None:
    """DefaultAttributes' default length validator (min 0, max 2048) on attributes without their own."""
    fine = {"attr": ["x" * 2048, " " + "y" * 2048 + " "], "one": "z" * 2048, "email": None}
    assert validate({"attributes": fine}) == []
    long = {"attr": ["ok", "x" * 2049], "other": "y" * 2049, "fine": ["v"]}
    assert validate({"attributes": long}) == [
        {"field": "attr", "errorMessage": "error-invalid-length", "params": ["attr", 0, 2048]},
        {"field": "other", "errorMessage": "error-invalid-length", "params": ["other", 0, 2048]},
    ]
