"""``response_type`` and ``response_mode`` as Keycloak 26 reads them (OIDC Core §3, OAuth 2.0 Multiple
Response Type Encoding Practices): ``OIDCResponseType.parse`` and ``OIDCResponseMode.parse``.

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
MODES = (QUERY, FRAGMENT, FORM_POST)  # Doorkeep signs no JARM responses: the ``.jwt`` modes are unknown here


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


def mode_for_invalid_type(raw: str | None) -> str:
    """``OIDCResponseMode.parseWhenInvalidResponseType``: a known mode as asked, anything else query."""
    return raw if raw in MODES else QUERY
