"""web/content_type.py: which Content-Type headers are no media type (RESTEasy's MediaType.valueOf failing), so the
request is Keycloak 26.8's 400 invalid_request before any handler runs (MalformedContentTypeTest)."""

from __future__ import annotations

import pytest

from doorkeep.web import media_type
from doorkeep.web.content_type import malformed


@pytest.mark.parametrize(
    "value", [b"invalid/@@##", b"", b"   ", b'</>"alert(1)', b"application/jso@n", b"a/b/c", b"json", b"/json", b"a/"]
)
def test_no_media_type_is_malformed(value: bytes) -> None:
    assert malformed([(b"content-type", value)])


@pytest.mark.parametrize(
    "value",
    [
        b"application/json",
        b"*",
        b"*/*",
        b"application / json",
        b"application/x-www-form-urlencoded;charset=UTF-8",
        b'text/plain; a="b;c"',
        b"multipart/form-data; boundary=a:b?c",  # parameters are read leniently (HeaderParameterParser)
    ],
)
def test_a_media_type_is_left_to_the_handler(value: bytes) -> None:
    assert not malformed([(b"content-type", value)])


def test_without_a_content_type_nothing_is_malformed() -> None:
    assert not malformed([(b"accept", b"@@@"), (b"host", b"localhost")])


@pytest.mark.parametrize(
    "value",
    [
        "application/x-www-form-urlencoded",
        " application/x-www-form-urlencoded ",
        "Application / X-WWW-Form-Urlencoded ; charset=UTF-8",
        "*/*",
        "*",
    ],
)
def test_blanks_around_a_form_type_still_consume_a_form(value: str) -> None:
    """The device endpoint's requireValidContentType(FORM): blanks and case around the parts are no other type."""
    assert media_type.refusal(value, consumes_form=True) is None


@pytest.mark.parametrize("value", ["application/json", "text/plain; x=application/x-www-form-urlencoded"])
def test_another_type_is_refused_where_a_form_is_consumed(value: str) -> None:
    refused = media_type.refusal(value, consumes_form=True)
    assert refused is not None and refused.description == media_type.INCOMPATIBLE
