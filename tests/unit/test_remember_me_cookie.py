"""The KEYCLOAK_REMEMBER_ME value as AuthenticationManager writes and reads it."""

from __future__ import annotations

from doorkeep.sessions import remember_me


def test_the_value_is_the_username_url_encoded_as_javas_urlencoder_does() -> None:
    assert remember_me.cookie_value("user1") == "username:user1"
    assert remember_me.cookie_value("a b~c*d:é") == "username:a+b%7Ec*d%3A%C3%A9"


def test_reading_round_trips_and_refuses_other_shapes() -> None:
    assert remember_me.remembered_username(remember_me.cookie_value("a b~c:é")) == "a b~c:é"
    assert remember_me.remembered_username("username:x:") == "x"  # Java's split drops trailing empties
    for value in (None, "", "username:", "user:x", "username:x:y"):
        assert remember_me.remembered_username(value) is None
