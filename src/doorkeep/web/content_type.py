"""A request's Content-Type that is no media type at all, as Keycloak 26.8 refuses it (ContentTypeValidationUtil,
MalformedContentTypeTest, MalformedContentTypeHeaderTest): RESTEasy's ``MediaType.valueOf`` fails on it, and
Keycloak answers ``400`` ``invalid_request`` rather than the ``500`` its security-headers filter used to raise
on any endpoint. A well-formed type a handler does not consume is left to the handler (its own 415)."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse

# RESTEasy's MediaTypeHeaderDelegate.internalParse: before the first ";", type "/" subtype (blanks around each
# trimmed), each a non-empty token (RFC 9110 tchar); a lone "*" is */*. The parameters after it are read
# leniently (HeaderParameterParser), so nothing after the ";" makes the header malformed here.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
MEDIA_TYPE = re.compile(rf"[ \t]*(?:\*|{_TOKEN}[ \t]*/[ \t]*{_TOKEN})[ \t]*(?:;.*)?", re.DOTALL)
DESCRIPTION = "The content-type header value did not correspond to a valid media type"


def malformed(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request carries a Content-Type header that is not a media type (an empty one included)."""
    for key, value in headers:
        if key == b"content-type":
            return MEDIA_TYPE.fullmatch(value.decode("latin-1")) is None
    return False


def refusal() -> JSONResponse:
    """ErrorResponseException(Errors.INVALID_REQUEST, DESCRIPTION, BAD_REQUEST)."""
    return JSONResponse({"error": "invalid_request", "error_description": DESCRIPTION}, status_code=400)
