"""Applying protocol mappers to a token (Keycloak's ``OIDCAttributeMapperHelper`` and the mappers).

Each mapper says which tokens it feeds (``access.token.claim``, ``id.token.claim``,
``userinfo.token.claim``, ``introspection.token.claim``; userinfo defaults to the ID token's choice and
introspection to the access token's, as Keycloak's backwards compatibility does). A claim name with
dots becomes nested objects (``\\.`` is a literal dot); ``jsonType.label`` converts values;
``multivalued`` keeps a list. Pure: everything a mapper reads is in ``MapperInput``.
"""

from __future__ import annotations

from typing import Any

from doorkeep.model import ProtocolMapper
from doorkeep.oauth.mappers.helper import (
    ACCESS,
    AUDIENCE,
    FLAGS,
    ID,
    INTROSPECTION,
    USERINFO,
    MapperInput,
    map_claim,
    map_value,
    split_claim_path,
)
from doorkeep.oauth.mappers.types import HANDLERS, user_attribute, user_property

__all__ = [
    "ACCESS",
    "AUDIENCE",
    "ID",
    "INTROSPECTION",
    "USERINFO",
    "MapperInput",
    "applies",
    "apply",
    "map_claim",
    "map_value",
    "split_claim_path",
    "user_attribute",
    "user_property",
]

ONLY = {
    "oidc-acr-mapper": {ACCESS, ID, INTROSPECTION},
    "oidc-sub-mapper": {ACCESS, INTROSPECTION},
    "oidc-allowed-origins-mapper": {ACCESS, INTROSPECTION},
    "oidc-audience-resolve-mapper": {ACCESS, INTROSPECTION},
    "oidc-audience-mapper": {ACCESS, ID, INTROSPECTION},
}


def applies(mapper: ProtocolMapper, token: str) -> bool:
    if token not in ONLY.get(mapper.mapper, {token}):
        return False
    value = mapper.config.get(FLAGS[token])
    if value is None and token == USERINFO:
        return mapper.config.get(FLAGS[ID]) == "true"
    if value is None and token == INTROSPECTION:
        return mapper.config.get(FLAGS[ACCESS]) == "true"
    return value == "true"


def apply(mappers: list[ProtocolMapper], data: MapperInput, token: str) -> dict[str, Any]:
    """The claims the mappers that feed ``token`` produce, in mapper order."""
    claims: dict[str, Any] = {}
    for mapper in mappers:
        handler = HANDLERS.get(mapper.mapper)
        if handler is not None and mapper.protocol == "openid-connect" and applies(mapper, token):
            handler(claims, mapper, data)
    return claims
