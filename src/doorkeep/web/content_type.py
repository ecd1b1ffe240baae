"""A request's Content-Type that is no media type at all, refused on every path as Keycloak 26.8 does
(MalformedContentTypeTest, MalformedContentTypeHeaderTest: the token endpoint, userinfo and the discovery document
alike): RESTEasy's ``MediaType.valueOf`` fails on it, and Keycloak answers ``400`` ``invalid_request`` rather than
the ``500`` its security-headers filter used to raise. The parse is web/media_type.py's (RESTEasy's
MediaTypeHeaderDelegate); a well-formed type a handler does not consume is left to the handler (its own 415)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from doorkeep.web import media_type


def malformed(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request carries a Content-Type header that is not a media type (an empty one included)."""
    for key, value in headers:
        if key == b"content-type":
            return media_type.parse(value.decode("latin-1")) is None
    return False


def refusal() -> JSONResponse:
    """ErrorResponseException(Errors.INVALID_REQUEST, MALFORMED, BAD_REQUEST)."""
    return JSONResponse({"error": "invalid_request", "error_description": media_type.MALFORMED}, status_code=400)
