"""DefaultClientValidationProvider.validateProtocol: a client's protocol must be a login protocol that serves
clients. Keycloak's are openid-connect and saml (docker-v2 only with its feature on, which Doorkeep lacks);
oid4vc is a login protocol (the OID4VC_VCI feature's) that may not be a client's."""

from __future__ import annotations

from doorkeep.model import Client

CLIENT_PROTOCOLS = frozenset({"openid-connect", "saml"})
NOT_FOR_CLIENTS = frozenset({"oid4vc"})  # LoginProtocolFactory.allowAsClientProtocol() false


def problems(client: Client) -> list[str]:
    protocol = client.protocol
    if not protocol or protocol in CLIENT_PROTOCOLS:
        return []
    if protocol in NOT_FOR_CLIENTS:
        return [f"Protocol '{protocol}' cannot be used as a client protocol"]
    return [f"Invalid protocol: {protocol}"]
