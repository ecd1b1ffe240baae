"""The request Content-Type check of Keycloak's OAuth endpoints (ContentTypeValidationUtil, Keycloak 26.8: issues
49964 and 49785, MalformedContentTypeTest): a header JAX-RS's ``MediaType.valueOf`` cannot parse is 400
``invalid_request``, where RESTEasy Reactive answered 500; on an endpoint that consumes a form (the device
authorization endpoint), a parsable but incompatible type is the same 400 rather than RESTEasy's 415. No
Content-Type header at all is accepted (``requireValidOrNoContentType``).

The parse follows RESTEasy's MediaTypeHeaderDelegate: ``type/subtype`` (``*`` alone is the wildcard), each part
non-empty and free of ``/ \\ ? : < > ; ( ) @ , [ ] =``; the parameters after ``;`` are not checked here."""

from __future__ import annotations

from doorkeep.errors import InvalidRequest

FORM = "application/x-www-form-urlencoded"
MALFORMED = "The content-type header value did not correspond to a valid media type"
INCOMPATIBLE = f"The content-type header value does not match consumed media type {FORM}"
_TSPECIALS = frozenset("/\\?:<>;()@,[]=")


def parse(value: str) -> tuple[str, str] | None:
    """``(type, subtype)`` lower-cased, or None where ``MediaType.valueOf`` throws IllegalArgumentException."""
    head = value.split(";", 1)[0].strip()
    if "/" not in head:
        return ("*", "*") if head == "*" else None
    major, subtype = (part.strip(" \t") for part in head.split("/", 1))  # MediaTypeHeaderDelegate trims each
    if not _token(major) or not _token(subtype):
        return None
    return major.lower(), subtype.lower()


def _token(part: str) -> bool:
    return bool(part) and not any(char in _TSPECIALS for char in part)


def refusal(content_type: str | None, *, consumes_form: bool = False) -> InvalidRequest | None:
    """requireValidOrNoContentType, or with ``consumes_form`` requireValidContentType(headers, FORM)."""
    if content_type is None:
        return None
    media = parse(content_type)
    if media is None:
        return InvalidRequest(MALFORMED, status=400)
    major, subtype = media
    if consumes_form and not (major in ("*", "application") and subtype in ("*", "x-www-form-urlencoded")):
        return InvalidRequest(INCOMPATIBLE, status=400)
    return None
