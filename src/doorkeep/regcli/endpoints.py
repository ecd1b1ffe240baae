"""kcreg's endpoint types (``EndpointType``): the ``-e`` names, the provider each one is, and what it can do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    provider: str  # the path segment under clients-registrations/
    name: str  # kcreg's preferred name, used in its messages
    aliases: tuple[str, ...] = ()


DEFAULT = Endpoint("default", "default")
OIDC = Endpoint("openid-connect", "oidc", ("oidc",))
INSTALL = Endpoint("install", "install", ("adapter",))
SAML2 = Endpoint("saml2-entity-descriptor", "saml2", ("saml2",))
ALL = (DEFAULT, OIDC, INSTALL, SAML2)


class UnknownEndpoint(ValueError):
    pass


def of(name: str) -> Endpoint:
    """``EndpointType.of``: the provider's path segment or one of its names."""
    for endpoint in ALL:
        if name == endpoint.provider or name in endpoint.aliases:
            return endpoint
    raise UnknownEndpoint(f"Endpoint not supported: {name}")
