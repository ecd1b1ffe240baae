"""The level of authentication a client asks for and the ``acr`` claim it gets (OIDC Core §3.1.2.1 ``acr_values``,
§5.5.1.1 the ``acr`` claim requested through ``claims``), as Keycloak's AcrUtils, AcrProtocolMapper.getAcr and
AuthorizationEndpoint.updateAuthenticationSession have them.

An ACR name maps to a level (LoA) through the client's ``acr.loa.map`` attribute, or, when the client has none,
the realm's attribute of the same name (both a JSON object of names to integers); a name that is not mapped may
be a number itself. ``default.acr.values`` (``##``-separated) stands in when the request asks for none, and
``minimum.acr.value`` drops every requested name below its level.

The level a login reached is the one its browser flow's Conditional - Level Of Authentication steps recorded, or
the level of the flow a client policy picked (step-up authentication: oauth/loa.py keeps it on the request, the
client session notes it); a direct grant's is its first level sub-flow's. A login whose flow recorded none
(Keycloak's default flow has no such step) gets Keycloak's fallback, 1 for a login with credentials and 0 for one
the SSO cookie answered (AcrProtocolMapper.getAcr). The claim names the highest requested ACR that level reaches,
else the highest mapped one it reaches, else the level itself.
"""

from __future__ import annotations

import json
from typing import Any

from doorkeep import errors as e
from doorkeep import numbers
from doorkeep.errors import FatalRequest
from doorkeep.model import Client, Realm
from doorkeep.numbers import loads, parse_int
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.realms import flow_levels

ACR_LOA_MAP = "acr.loa.map"  # Constants.ACR_LOA_MAP, a client and a realm attribute
DEFAULT_ACR_VALUES = "default.acr.values"  # Constants.DEFAULT_ACR_VALUES
MINIMUM_ACR_VALUE = "minimum.acr.value"  # OIDCConfigAttributes.MINIMUM_ACR_VALUE
# The client-session notes a refresh names the acr from again, as AcrProtocolMapper reads them off the client
# session: the level reached (Doorkeep's stand-in for LEVEL_OF_AUTHENTICATION and SSO_AUTH together) and the
# request's CLAIMS_PARAM and ACR_PARAM.
LEVEL_NOTE, CLAIMS_NOTE, ACR_NOTE = "level-of-authentication", "claims", "acr_values"
MINIMUM_LOA = 0  # Constants.MINIMUM_LOA: an SSO login, and an unknown non-essential ACR
# The LOGIN_ERROR reason of an essential acr that cannot be met (AuthorizationEndpoint)
INVALID_ESSENTIAL = "Invalid requested essential acr value"


def loa_map(client: Client, realm: Realm) -> dict[str, int]:
    """``AcrUtils.getAcrLoaMap``: the client's map, or the realm's when the client's is unset, empty or unreadable."""
    return _read_map(client.attributes.get(ACR_LOA_MAP)) or _read_map(realm.attributes.get(ACR_LOA_MAP))


DEFAULT_ACR_INVALID = (
    "Default ACR values need to contain values specified in the ACR-To-Loa mapping or number levels from set realm "
    "browser flow"
)


def default_acr_problems(client: Client, realm: Realm) -> list[str]:
    """DefaultClientValidationProvider.validateDefaultAcrValues: each default ACR value must be a name of the
    client's (else the realm's) ACR-to-LoA map or a level of the realm's browser flow."""
    names = loa_map(client, realm)
    levels = {str(level) for level in flow_levels.browser_levels(realm)}
    values = [v for v in (client.attributes.get(DEFAULT_ACR_VALUES) or "").split("##") if v]
    return [DEFAULT_ACR_INVALID for v in values if v not in names and v not in levels]


def supported(realm: Realm) -> list[str]:
    """OIDCWellKnownProvider's ``acr_values_supported``: the realm map's ACRs, then the levels of the realm's
    browser flow (LoAUtil.getLoAConfiguredInRealmBrowserFlow: 0 and its level conditions' levels, else 0 and 1)."""
    levels = [str(level) for level in flow_levels.browser_levels(realm)]
    return list(dict.fromkeys([*_read_map(realm.attributes.get(ACR_LOA_MAP)), *levels]))


def _read_map(raw: Any) -> dict[str, int]:
    """A map as Jackson reads ``Map<String, Integer>``: integers, numeric strings or (truncated) fractions; anything
    else spoils it all."""
    if not isinstance(raw, str) or not raw:
        return {}
    try:
        found = numbers.loads(raw)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    levels: dict[str, int] = {}
    for name, value in found.items():
        if value is None:
            continue  # a null level maps nothing: the name is read as a number, as one not in the map
        # Jackson's ACCEPT_FLOAT_AS_INT (on by default) truncates a fractional level
        level = int(value) if isinstance(value, float) and abs(value) < 2**31 else parse_int(value)
        if level is None:
            return {}
        levels[name] = level
    return levels


def _claim_values(claims_param: str | None, *, essential_only: bool) -> list[str]:
    """The values of ``claims``' ``id_token.acr`` (``values``, else ``value``); only an essential one if asked."""
    if not claims_param:
        return []
    try:
        claims = loads(claims_param)  # bounded nesting: deep input is invalid, never a RecursionError
    except ValueError:
        return []  # "Invalid claims parameter": logged and ignored
    context = claims.get("id_token") if isinstance(claims, dict) else None
    acr = context.get("acr") if isinstance(context, dict) else None
    if not isinstance(acr, dict):
        return []
    if essential_only and acr.get("essential") not in (True, "true"):
        return []
    values = acr.get("values")
    if isinstance(values, list):
        return [_text(v) for v in values if v is not None]
    value = acr.get("value")
    return [] if value is None or isinstance(value, dict | list) else [_text(value)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def required_values(claims_param: str | None) -> list[str]:
    """``AcrUtils.getRequiredAcrValues``: the essential ``acr`` claim's values."""
    return _claim_values(claims_param, essential_only=True)


def requested_values(claims_param: str | None, acr_param: str | None, client: Client, realm: Realm) -> list[str]:
    """``AcrUtils.getAcrValues``: ``acr_values`` then the ``claims`` ones, else the client's defaults; above
    the client's minimum."""
    values = _split_java(acr_param) if acr_param is not None else []
    values += _claim_values(claims_param, essential_only=False)
    if not values:
        values = [v for v in client.attr(DEFAULT_ACR_VALUES).split("##") if v]
    return enforce_minimum(values, client, realm)


def _split_java(text: str) -> list[str]:
    """Java's ``split(" ")``: empty strings inside are kept, trailing ones dropped."""
    parts = text.split(" ")
    while parts and not parts[-1]:
        parts.pop()
    return parts


def enforce_minimum(values: list[str], client: Client, realm: Realm) -> list[str]:
    """``AcrUtils.enforceMinimumAcr``: with ``minimum.acr.value`` naming a level, only the values naming a level
    at or above it, or the minimum itself when none is left. A value names a level through the map, else as one
    of the levels of the realm's browser flow (``getLoaForAcr``)."""
    minimum = client.attr(MINIMUM_ACR_VALUE) or None
    if minimum is None:
        return values
    levels = loa_map(client, realm)
    flow = {str(level): level for level in flow_levels.browser_levels(realm)}

    def level_of(value: str) -> int | None:
        return levels[value] if value in levels else flow.get(value)

    floor = level_of(minimum)
    if floor is None:
        return values  # "can not be mapped to a LoA value": logged, the values kept
    kept = [v for v in values if (level := level_of(v)) is not None and level >= floor]
    return kept or [minimum]


def check_request(client: Client, realm: Realm, claims_param: str | None) -> None:
    """``updateAuthenticationSession``'s refusals: an essential ``acr`` whose values fall below the client's
    minimum, or one that names no level, gets the "Invalid parameter: claims" page.

    Keycloak also notes the lowest requested level there, which the Conditional - Level Of Authentication
    steps read (oauth/loa.py computes it from the request again)."""
    essential = required_values(claims_param)
    if not essential:
        return  # a non-essential unknown ACR is read as level 0, never refused
    if enforce_minimum(essential, client, realm) != essential:
        raise _invalid_claims()
    levels = loa_map(client, realm)
    if any(value not in levels and parse_int(value) is None for value in essential):
        raise _invalid_claims()


def _invalid_claims() -> FatalRequest:
    err = FatalRequest(e.AUTHZ_INVALID_CLAIMS)
    err.event_details["reason"] = INVALID_ESSENTIAL
    return err


def effective_level(request: AuthRequest, fresh_login: bool) -> int:
    """AcrProtocolMapper.getAcr's level: the one the login reached (its LEVEL_OF_AUTHENTICATION), else, for a
    login that recorded none, 1 for a fresh one and 0 for an SSO one. A fresh login that ran the forms without
    recording a level (a flow without level conditions, after an SSO session whose old levels no longer hold) is
    the active login's level 1 at least, as ``loa.unfulfilled`` counts it (LevelOfAssuranceEssentialAcrTest#
    essentialAcrLevel1WithoutConditionsWithLevelsFromStepUpFlowReauthenticates)."""
    if request.loa_level >= MINIMUM_LOA and (request.loa_recorded or not fresh_login):
        return request.loa_level
    return max(request.loa_level, 1) if fresh_login else MINIMUM_LOA


def map_loa_to_acr(level: int, levels: dict[str, int], values: list[str]) -> str | None:
    """``AcrUtils.mapLoaToAcr``: the first of ``values`` with the highest level not above ``level``."""
    if not levels:
        return None
    chosen, best = None, -1
    for value in values:
        mapped = levels[value] if value in levels else parse_int(value)
        if mapped is not None and best < mapped <= level:
            chosen, best = value, mapped
    return chosen


def token_acr(level: int, client: Client, realm: Realm, claims_param: str | None, acr_param: str | None) -> str:
    """``AcrProtocolMapper.getAcr``: the essential ACR the level reaches, else a requested one, else any mapped
    one, else the level as a number."""
    levels = loa_map(client, realm)
    for values in (
        required_values(claims_param),
        requested_values(claims_param, acr_param, client, realm),
        list(levels),
    ):
        found = map_loa_to_acr(level, levels, values)
        if found is not None:
            return found
    return str(level)


def login_acr(client: Client, realm: Realm, request: AuthRequest, fresh_login: bool) -> str:
    """The ``acr`` of the tokens a login ends with: the level it reached, named."""
    return token_acr(effective_level(request, fresh_login), client, realm, request.claims, request.acr_values)


def session_notes(request: AuthRequest, fresh_login: bool) -> dict[str, str]:
    """What the client session keeps of this login for the ``acr`` of its refreshed tokens."""
    notes = {LEVEL_NOTE: str(effective_level(request, fresh_login))}
    if request.claims is not None:
        notes[CLAIMS_NOTE] = request.claims
    if request.acr_values is not None:
        notes[ACR_NOTE] = request.acr_values
    return notes


def refreshed_acr(client: Client, realm: Realm, notes: dict[str, Any]) -> str:
    """The ``acr`` of a refresh: named again from the client session's notes, under today's maps (a session
    from before these notes counts as a fresh login's level 1)."""
    level = parse_int(notes.get(LEVEL_NOTE))
    claims, acr_values = notes.get(CLAIMS_NOTE), notes.get(ACR_NOTE)
    return token_acr(
        1 if level is None else level,
        client,
        realm,
        claims if isinstance(claims, str) else None,
        acr_values if isinstance(acr_values, str) else None,
    )
