"""CIBA's client metadata in dynamic client registration (Keycloak's DescriptionConverter): the CIBA grant in
``grant_types`` switches ``oidc.ciba.grant.enabled``; ``backchannel_token_delivery_mode`` (poll or ping),
``backchannel_client_notification_endpoint`` and ``backchannel_authentication_request_signing_alg`` are the
client's attributes when given, and answered back when set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doorkeep.model import Client
from doorkeep.oauth.ciba import config

FIELDS = {
    "backchannel_token_delivery_mode": config.CLIENT_DELIVERY_MODE,
    "backchannel_client_notification_endpoint": config.NOTIFICATION_ENDPOINT,
    "backchannel_authentication_request_signing_alg": config.SIGNING_ALG,
}
UNSUPPORTED_MODE = "Unsupported requested backchannel_token_delivery_mode"


def to_internal(oidc: Mapping[str, Any], grants: list[str] | None, attributes: dict[str, str | None]) -> str | None:
    """The attributes the metadata sets; Keycloak's refusal text for a delivery mode it does not support."""
    if grants is not None:
        attributes[config.GRANT_ENABLED] = "true" if config.GRANT_TYPE in grants else "false"
    for name, attribute in FIELDS.items():
        value = oidc.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(name)
        if name == "backchannel_token_delivery_mode" and value not in (config.POLL, config.PING):
            return UNSUPPORTED_MODE
        attributes[attribute] = value
    return None


def to_external(client: Client, out: dict[str, Any]) -> None:
    """The CIBA fields of the registration response, those the client has."""
    for name, attribute in FIELDS.items():
        if client.attr(attribute):
            out[name] = client.attr(attribute)
