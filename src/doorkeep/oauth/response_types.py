"""``response_type`` and ``response_mode`` as Keycloak 26 reads them (OIDC Core §3, OAuth 2.0 Multiple
Response Type Encoding Practices, JARM): ``OIDCResponseType.parse`` and ``OIDCResponseMode.parse``.

A response type is a space-separated set of ``code``, ``token``, ``id_token`` and ``none`` (``none``
only alone). Keycloak splits on single spaces after Java's ``trim()``, so a doubled space leaves an
empty word and the whole value is unsupported, as is an empty value.
"""

from __future__ import annotations

from dataclasses import dataclass

CODE = "code"
TOKEN = "token"
ID_TOKEN = "id_token"
NONE = "none"
_ALLOWED = frozenset({CODE, TOKEN, ID_TOKEN, NONE})
_JAVA_TRIMMED = "".join(map(chr, range(0x21)))  # String.trim(): U+0000 to U+0020

QUERY = "query"
FRAGMENT = "fragment"
FORM_POST = "form_post"
QUERY_JWT = "query.jwt"
FRAGMENT_JWT = "fragment.jwt"
FORM_POST_JWT = "form_post.jwt"
JWT = "jwt"  # JARM's shorthand: query.jwt, or fragment.jwt when tokens are in the response
# A parsed mode is one of these; discovery lists them and ``jwt`` (OIDCWellKnownProvider's order).
MODES = (QUERY, FRAGMENT, FORM_POST, QUERY_JWT, FRAGMENT_JWT, FORM_POST_JWT)
ADVERTISED = (*MODES, JWT)
_JWT_SUFFIX = ".jwt"


@dataclass(frozen=True)
class ResponseType:
    """A parsed ``response_type``: the words in the order given."""

    words: tuple[str, ...]

    def has(self, word: str) -> bool:
        return word in self.words

    @property
    def implicit_or_hybrid(self) -> bool:
        """Tokens from the authorization endpoint (``isImplicitOrHybridFlow``)."""
        return self.has(TOKEN) or self.has(ID_TOKEN)

    @property
    def implicit(self) -> bool:
        """Tokens and no code (``isImplicitFlow``): no PKCE, the implicit access token lifespan."""
        return self.implicit_or_hybrid and not self.has(CODE)


def parse(raw: str) -> ResponseType | None:
    """The response type, or None when Keycloak answers ``unsupported_response_type``."""
    words = tuple(raw.strip(_JAVA_TRIMMED).split(" "))
    if any(w not in _ALLOWED for w in words):
        return None
    if NONE in words and len(words) > 1:  # "'None' not allowed with some other response_type"
        return None
    return ResponseType(words)


def default_mode(response_type: ResponseType) -> str:
    """``OIDCResponseMode.getDefaultResponseMode``: fragment when tokens are in the response."""
    return FRAGMENT if response_type.implicit_or_hybrid else QUERY


def mode(raw: str | None, response_type: ResponseType) -> str | None:
    """``OIDCResponseMode.parse``: the default when absent, ``jwt`` resolved by the response type, a known mode
    as asked; None for anything else (Keycloak's "Invalid parameter: response_mode")."""
    if raw is None:
        return default_mode(response_type)
    if raw == JWT:
        return FRAGMENT_JWT if response_type.implicit_or_hybrid else QUERY_JWT
    return raw if raw in MODES else None


def mode_for_invalid_type(raw: str | None) -> str:
    """``OIDCResponseMode.parseWhenInvalidResponseType``: ``jwt`` is query.jwt, a known mode as asked,
    anything else query."""
    if raw == JWT:
        return QUERY_JWT
    return raw if raw in MODES else QUERY


def is_jwt(mode: str) -> bool:
    """A JARM mode: the parameters travel as one signed ``response`` JWT."""
    return mode.endswith(_JWT_SUFFIX)


def carrier(mode: str) -> str:
    """Where a mode puts its parameters (or its ``response`` JWT): query, fragment or form_post."""
    return mode.removesuffix(_JWT_SUFFIX)


def event_name(mode: str) -> str:
    """The RESPONSE_MODE event detail: Keycloak's enum name lowercased (``query.jwt`` is ``query_jwt``)."""
    return mode.replace(".", "_")
