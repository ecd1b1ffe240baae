"""A protocol mapper's effective configuration: what Keycloak's ProtocolMappersResource shows of a mapper
(``toEffectiveProtocolMapperRep``, ``ProtocolMapper.getEffectiveModel``), the stored config with the token
choices a mapper falls back to when a key is absent written out.

* Every OpenID Connect mapper (AbstractOIDCProtocolMapper): with ``id.token.claim`` set, ``userinfo.token.claim``
  becomes its effective value (absent: the ID token's choice); with ``access.token.claim`` set,
  ``introspection.token.claim`` does (absent: the access token's choice).
* Audience resolve and allowed web origins: both ``access.token.claim`` and ``introspection.token.claim``,
  absent meaning true (their backwards compatibility).
* Any other protocol's mapper: the stored config as it is.

The stored config and tokens are unchanged; the realm and client representations show the stored config, as
ModelToRepresentation does.
"""

from __future__ import annotations

from doorkeep.model import ProtocolMapper

ID, ACCESS = "id.token.claim", "access.token.claim"
USERINFO, INTROSPECTION = "userinfo.token.claim", "introspection.token.claim"
DEFAULT_TRUE = frozenset({"oidc-audience-resolve-mapper", "oidc-allowed-origins-mapper"})


def _true(value: str | None) -> str:
    return "true" if value == "true" else "false"


def effective_config(mapper: ProtocolMapper) -> dict[str, str]:
    """The config ``GET …/protocol-mappers/models[/{id}]`` answers for ``mapper``."""
    config = dict(mapper.config)
    if mapper.protocol != "openid-connect":
        return config
    if mapper.mapper in DEFAULT_TRUE:
        for key in (ACCESS, INTROSPECTION):
            config[key] = "true" if config.get(key) is None else _true(config[key])
        return config
    if config.get(ID) is not None:
        userinfo = config.get(USERINFO)
        config[USERINFO] = "true" if userinfo is None and config[ID] == "true" else _true(userinfo)
    if config.get(ACCESS) is not None:
        introspection = config.get(INTROSPECTION)
        config[INTROSPECTION] = "true" if introspection is None and config[ACCESS] == "true" else _true(introspection)
    return config
