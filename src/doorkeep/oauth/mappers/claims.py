"""Applying protocol mappers to a token (Keycloak's ``OIDCAttributeMapperHelper`` and the mappers).

Each mapper says which tokens it feeds (``access.token.claim``, ``id.token.claim``,
``userinfo.token.claim``, ``introspection.token.claim``; userinfo defaults to the ID token's choice and
introspection to the access token's, as Keycloak's backwards compatibility does). A claim name with
dots becomes nested objects (``\\.`` is a literal dot); ``jsonType.label`` converts values;
``multivalued`` keeps a list. Pure: everything a mapper reads is in ``MapperInput``.

Mappers run in Keycloak's priority order (``ProtocolMapperUtils.getSortedProtocolMappers``). The
role-name and hardcoded-role mappers come first and change the role names the role mappers and audience
resolve read; they ignore the token flags. Keycloak keeps those names for the whole request
(``RoleResolveUtil``), so the ID token minted after the access token sees what the access token's ran.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.model import ProtocolMapper
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.mappers.helper import (
    ACCESS,
    AUDIENCE,
    FLAGS,
    ID,
    INTROSPECTION,
    RESPONSE,
    USERINFO,
    MapperInput,
    access_subject,
    map_claim,
    map_value,
    split_claim_path,
    subject,
)
from doorkeep.oauth.mappers.pairwise import PAIRWISE_MAPPER
from doorkeep.oauth.mappers.types import (
    HANDLERS,
    PRIORITIES,
    TRANSFORMS,
    Handler,
    RoleTransform,
    step,
    user_attribute,
    user_property,
)

__all__ = [
    "ACCESS",
    "AUDIENCE",
    "ID",
    "INTROSPECTION",
    "RESPONSE",
    "USERINFO",
    "MapperInput",
    "access_subject",
    "applies",
    "apply",
    "map_claim",
    "map_value",
    "split_claim_path",
    "subject",
    "user_attribute",
    "user_property",
]

ONLY = {
    "oidc-acr-mapper": {ACCESS, ID, INTROSPECTION},
    "oidc-amr-mapper": {ACCESS, ID},  # AmrProtocolMapper: an access and ID token mapper only
    "oidc-sub-mapper": {ACCESS, INTROSPECTION},
    "oidc-allowed-origins-mapper": {ACCESS, INTROSPECTION},
    "oidc-audience-resolve-mapper": {ACCESS, INTROSPECTION},
    "oidc-audience-mapper": {ACCESS, ID, INTROSPECTION},
    # Neither role transform has an ID token interface (the ID token shares the access token's role names);
    # HardcodedRole runs for userinfo and introspection too since Keycloak 21 / 25 (#15624, #17271).
    "oidc-hardcoded-role-mapper": {ACCESS, USERINFO, INTROSPECTION},
    "oidc-role-name-mapper": {ACCESS, USERINFO, INTROSPECTION},
    # AbstractPairwiseSubMapper (Keycloak 26): access and ID tokens, userinfo and introspection (and the
    # backchannel logout token: pairwise.logout_subject); never the refresh token.
    PAIRWISE_MAPPER: {ACCESS, ID, USERINFO, INTROSPECTION},
}
# Mappers that run for every token they feed, whatever their token flags (they have none).
UNFLAGGED = frozenset({PAIRWISE_MAPPER})
# The mappers that implement OIDCAccessTokenResponseMapper and so may add claims to the token response (their
# ``access.tokenResponse.claim``): HardcodedClaim (AccessTokenResponseTest) and UserSessionNoteMapper. The user
# attribute mapper does not (keycloak/keycloak#7773, closed unmerged).
# ClientSessionNoteMapper is one too (ClientSessionNoteMapperTest).
RESPONSE_MAPPERS = frozenset(
    {"oidc-hardcoded-claim-mapper", "oidc-usersessionmodel-note-mapper", "oidc-clientsessionmodel-note-mapper"}
)
# The ID token's role names are those the same request's access token left (RoleResolveUtil's cache).
TRANSFORMS_OF = {
    ACCESS: ACCESS,
    ID: ACCESS,
    USERINFO: USERINFO,
    INTROSPECTION: INTROSPECTION,
    RESPONSE: ACCESS,
    lightweight.LIGHTWEIGHT: ACCESS,
}


def applies(mapper: ProtocolMapper, token: str) -> bool:
    if token == lightweight.LIGHTWEIGHT:  # an access token's mappers, chosen by their own flag
        # The pairwise mapper overrides transformAccessToken, so the lightweight check never runs for it.
        unflagged = mapper.mapper in UNFLAGGED
        return ACCESS in ONLY.get(mapper.mapper, {ACCESS}) and (unflagged or lightweight.feeds(mapper.config))
    if token not in ONLY.get(mapper.mapper, {token}):
        return False
    if token == RESPONSE and mapper.mapper not in RESPONSE_MAPPERS:
        return False
    if mapper.mapper in UNFLAGGED:
        return True
    value = mapper.config.get(FLAGS[token])
    if value is None and token == USERINFO:
        return mapper.config.get(FLAGS[ID]) == "true"
    if value is None and token == INTROSPECTION:
        return mapper.config.get(FLAGS[ACCESS]) == "true"
    return value == "true"


def apply(mappers: list[ProtocolMapper], data: MapperInput, token: str) -> dict[str, Any]:
    """The claims the mappers that feed ``token`` produce, in Keycloak's mapper order."""
    transforms, steps = _plan(mappers, token)
    if transforms:
        roles = data.role_names
        for transform, mapper in transforms:
            roles = transform(roles, mapper)
        # a role a mapper adds does not bring a disabled client back (AudienceDisabledClientTest)
        disabled = frozenset(c for c, enabled in data.named_clients.items() if not enabled)
        data = dataclasses.replace(data, renamed=roles.without(disabled))
    claims: dict[str, Any] = {}
    for handler, mapper in steps:
        handler(claims, mapper, data)
    return claims


Plan = tuple[tuple[tuple[RoleTransform, ProtocolMapper], ...], tuple[tuple[Handler, ProtocolMapper], ...]]
# The mappers of a token come from the cached configuration (the same objects until it changes), and
# which of them feed a token depends on nothing else: worked out once per list and token (issue #8).
# Keyed by the mappers' identities; the entry keeps the mappers alive, so an id is never reused while
# its entry exists.
_PLANS: dict[tuple[str, tuple[int, ...]], tuple[tuple[ProtocolMapper, ...], Plan]] = {}
PLANS_KEPT = 512


def _plan(mappers: list[ProtocolMapper], token: str) -> Plan:
    key = (token, tuple(map(id, mappers)))
    found = _PLANS.get(key)
    if found is not None:
        return found[1]
    oidc = sorted((m for m in mappers if m.protocol == "openid-connect"), key=lambda m: PRIORITIES.get(m.mapper, 0))
    transforms = tuple(
        (transform, mapper)
        for mapper in oidc
        if (transform := TRANSFORMS.get(mapper.mapper)) is not None
        and TRANSFORMS_OF[token] in ONLY[mapper.mapper]  # always executed: no token flag
    )
    steps = tuple(
        (step(handler, mapper), mapper)
        for mapper in oidc
        if (handler := HANDLERS.get(mapper.mapper)) is not None and applies(mapper, token)
    )
    if len(_PLANS) >= PLANS_KEPT:
        del _PLANS[next(iter(_PLANS))]  # the oldest entry
    _PLANS[key] = (tuple(mappers), (transforms, steps))
    return transforms, steps
