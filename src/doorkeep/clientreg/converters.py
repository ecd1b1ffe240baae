"""Keycloak's ClientDescriptionConverter providers, behind ``POST /admin/realms/{realm}/client-description-converter``:
a client description pasted into the admin console's import page becomes a ClientRepresentation, nothing stored.

``keycloak`` (KeycloakClientDescriptionConverter) takes a JSON object naming ``"clientId"`` as the
representation itself; ``openid-connect`` (OIDCClientDescriptionConverterFactory) takes a JSON object naming
``"redirect_uris"`` as OIDC registration metadata (DescriptionConverter.toInternal). The test is Keycloak's:
on the trimmed text, not on parsed JSON. SAML entity descriptors are not read (Doorkeep is OIDC only); they
and anything else are "Unsupported format".
"""

from __future__ import annotations

from typing import Any

from doorkeep.clientreg import description
from doorkeep.numbers import loads

UNSUPPORTED = "Unsupported format"


class UnsupportedDescription(ValueError):
    """No converter takes the text, or the one that does cannot read it."""


def convert(text: str) -> dict[str, Any]:
    """The ClientRepresentation of ``text``, its null fields left out as Keycloak's JSON writer leaves them."""
    trimmed = text.strip()
    is_object = trimmed.startswith("{") and trimmed.endswith("}")
    if is_object and '"clientId"' in trimmed:
        rep = _object(trimmed)
    elif is_object and '"redirect_uris"' in trimmed:
        try:
            rep = description.to_internal(_object(trimmed))
        except (TypeError, description.ConversionError):
            raise UnsupportedDescription(UNSUPPORTED) from None
    else:
        raise UnsupportedDescription(UNSUPPORTED)
    return {key: value for key, value in rep.items() if value is not None}


def _object(text: str) -> dict[str, Any]:
    try:
        parsed = loads(text)  # bounded nesting: never a RecursionError
    except ValueError:
        raise UnsupportedDescription(UNSUPPORTED) from None
    if not isinstance(parsed, dict):
        raise UnsupportedDescription(UNSUPPORTED)
    return parsed
