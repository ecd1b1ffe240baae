"""The UserInfo endpoint (OIDC Core §5.3).

The access token comes from the ``Authorization`` header or, on POST only, the form body (RFC 6750 §2.1-2.2),
never from a query string, where it would land in access logs and ``Referer`` headers. As Keycloak's
``UserInfoEndpoint``: one method at a time, and one ``access_token`` parameter. Refusals are
``BearerError``s, answered as Keycloak's ``OAuth2Error.json(false)``: in the ``WWW-Authenticate``
challenge, with an empty body (web/http.py ``bearer_error``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.errors import BearerError, InsufficientScope, InvalidRequest, InvalidToken
from doorkeep.oauth import access, scopes
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers.context import session_input

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


def presented_token(req: OAuthRequest) -> str | None:
    """The token from the header, or from a POST body; both at once, or two in the body, are refused."""
    header = access.bearer_token(req.authorization)
    if req.method != "POST":
        return header
    body = req.form.all("access_token")
    if len(body) > 1:  # checked before Keycloak's issueUserInfo opens CORS to every origin
        raise BearerError(InvalidRequest(e.DUPLICATE_PARAMETER))
    req.cors.allow_all()
    if body and header:
        raise BearerError(InvalidRequest(e.TOKEN_METHODS))
    return header or (body[0] if body else None)


async def userinfo(tx: Tx, services: Services, req: OAuthRequest) -> dict[str, Any]:
    """The claims of the token's user, or Keycloak's refusal in ``issueUserInfo``'s order."""
    valid = await _valid(tx, services, req)
    await events.record(
        tx,
        req.realm,
        "USER_INFO_REQUEST",
        now=services.clock.now(),
        client_id=valid.client.client_id,
        user_id=valid.user.id,
        session_id=valid.claims.get("sid"),
        ip=req.ip_address,
        details={"auth_method": "validate_access_token"},
    )
    # Keycloak rebuilds the client session context from the token's scope, then runs the userinfo mappers.
    mappers, data = await session_input(
        tx,
        valid.client,
        valid.user,
        valid.session,
        str(valid.claims.get("scope", "")),
        str(valid.claims.get("acr", "1")),
        base_url=req.base_url,
    )
    mapped = mappings.apply(mappers, data, mappings.USERINFO)
    mapped.pop(mappings.AUDIENCE, None)
    # generateUserInfoClaims: the subject a mapper set, else the user's id.
    out: dict[str, Any] = {"sub": mappings.subject(mapped.pop("sub", valid.user.id))}
    out.update(mapped)
    return out


async def _valid(tx: Tx, services: Services, req: OAuthRequest) -> access.ValidAccess:
    """No token is a bare 401; a token without ``openid`` is 403 ``insufficient_scope`` (userinfo is an OIDC
    resource, OIDC Core §5.3), checked after the signature but before the client; then ``invalid_token``."""
    token = presented_token(req)
    req.cors.allow_all()  # refusals before the token's client is known are readable from any origin
    if not token:
        raise BearerError()  # OAuth2Error.unauthorized()
    try:
        claims = await access.verified_claims(tx, services, req.realm, req.issuer, token)
        if scopes.OPENID not in scopes.split(str(claims.get("scope", ""))):
            raise BearerError(InsufficientScope(e.MISSING_OPENID_SCOPE, event_error="access_denied"))
        client = await tx.config.client(req.realm.id, str(claims.get("azp", "")))
        if client is not None:  # from here on only the client's web origins may read the answer
            req.cors.allow_client(client)
        return await access.holder(tx, services, req.realm, claims)
    except access.InvalidAccess as exc:
        raise BearerError(InvalidToken(exc.description, detail=str(exc))) from exc
