"""The admin console's client scope evaluation (Keycloak's ClientScopeEvaluateResource and
ClientScopeEvaluateScopeMappingsResource), under ``/admin/realms/{realm}/clients/{id}/evaluate-scopes``.

What a token for the client would hold for a ``scope`` parameter: the protocol mappers that would run (the client's
own, then those of its default client scopes and of the optional ones the parameter names; unknown names are
ignored, as TokenManager.getRequestedClientScopes does), the roles of a container the client may have in its
tokens, and example access token, ID token and userinfo claims for a user. The examples come from the same
mappers as real tokens, for a session that exists only for the answer (its ``sid`` a fresh id, nothing stored,
nothing signed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.model import Client, ClientScope, Role, User
from doorkeep.numbers import INT_MAX
from doorkeep.oauth import scopes as scopeset
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers.context import session_input
from doorkeep.policy import client_attr_timeout
from doorkeep.tokens import TYPE_BEARER, TYPE_ID, access_jti, new_id

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx


async def requested_scopes(tx: Tx, client: Client, scope_param: str | None) -> list[ClientScope]:
    """The client's default client scopes and the optional ones ``scope_param`` names, of the client's protocol."""
    names = set(scopeset.split(scope_param))
    linked = await scopeset.client_scopes(tx, client)
    return [s for s, default in linked if (default or s.name in names) and s.protocol == client.protocol]


async def protocol_mappers(tx: Tx, client: Client, scope_param: str | None) -> list[dict[str, str]]:
    """getGrantedProtocolMappers: a ProtocolMapperEvaluationRepresentation per mapper of the client's protocol,
    the client's own first ("client", no container name), then each client scope's ("client-scope")."""
    out = [
        _evaluated(m.id, m.name, m.mapper, client.id, "", "client")
        for m in client.protocol_mappers
        if m.protocol == client.protocol
    ]
    for scope in await requested_scopes(tx, client, scope_param):
        out += [
            _evaluated(m.id, m.name, m.mapper, scope.id, scope.name, "client-scope")
            for m in scope.protocol_mappers
            if m.protocol == client.protocol
        ]
    return out


def _evaluated(mapper_id: str, name: str, kind: str, container: str, container_name: str, type_: str) -> dict[str, str]:
    return {
        "mapperId": mapper_id,
        "mapperName": name,
        "containerId": container,
        "containerName": container_name,
        "containerType": type_,
        "protocolMapper": kind,
    }


async def granted_roles(tx: Tx, client: Client, scope_param: str | None, container_roles: list[Role]) -> list[Role]:
    """ClientScopeEvaluateScopeMappingsResource.getGrantedRoles: every role of the container for a full-scope client,
    else those the client or one of the requested client scopes has in scope (its mappings, the client's own roles,
    with their composites)."""
    if client.full_scope_allowed:
        return container_roles
    owners = [client.id, *(s.id for s in await requested_scopes(tx, client, scope_param))]
    in_scope = await tx.config.client_role_ids(client.realm_id, client.id)
    in_scope |= await tx.config.scope_role_ids(client.realm_id, owners)
    expanded = await tx.config.expand(client.realm_id, in_scope)
    return [r for r in container_roles if r.id in expanded]


async def example_claims(
    tx: Tx, realm: Realm, client: Client, user: User, scope_param: str | None, token: str, *, now: int, base_url: str
) -> dict[str, Any]:
    """generateExampleAccessToken / generateExampleIdToken / generateExampleUserinfo: the claims ``token``
    (mappings.ACCESS, ID or USERINFO) would carry for ``user`` with ``scope_param``."""
    scope = " ".join(scopeset.split(scope_param))
    mappers, data = await session_input(tx, client, user, None, scope, "1", base_url=base_url)
    mapped = mappings.apply(mappers, data, token)
    audience: list[str] = mapped.pop(mappings.AUDIENCE, [])
    if token == mappings.USERINFO:
        return {"sub": mappings.subject(mapped.pop("sub", user.id)), **mapped}
    lifespan = client_attr_timeout(client, "access.token.lifespan", INT_MAX)
    claims: dict[str, Any] = {"exp": now + (lifespan if lifespan > 0 else realm.access_token_lifespan), "iat": now}
    issuer = f"{base_url}/realms/{realm.name}"
    if token == mappings.ID:
        sub = mappings.subject(mapped.pop("sub", user.id))
        claims.update(jti=new_id(), iss=issuer, aud=_one_or_many([client.client_id, *audience]), sub=sub, typ=TYPE_ID)
        claims.update(azp=client.client_id, sid=new_id())
    else:
        claims.update(jti=access_jti(False, ""), iss=issuer)
        if audience:
            claims["aud"] = _one_or_many(audience)
        # The example's session is a persistent one (sessionAware), so only a mapper gives the subject.
        subject = mappings.access_subject(mapped, user.id, transient=False)
        claims.update({"sub": subject} if subject is not None else {})
        claims.update(typ=TYPE_BEARER, azp=client.client_id, sid=new_id())
        requested = scopeset.GrantedScopes(
            tuple(await requested_scopes(tx, client, scope)), scopeset.OPENID in scopeset.split(scope)
        )
        claims["scope"] = (await scopeset.permitted(tx, user, requested)).token_scope()
    claims.update({k: v for k, v in mapped.items() if k not in claims})
    return claims


def _one_or_many(values: list[str]) -> str | list[str]:
    unique = list(dict.fromkeys(values))
    return unique[0] if len(unique) == 1 else unique
