"""Keycloak's CibaClientValidation, part of validating a client on every create and update (admin API, dynamic
registration): the delivery mode is poll or ping, ping needs a notification endpoint, that endpoint is an
http(s) URL the realm's SSL rule allows, and a request signing algorithm is asymmetric (or ``none``)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from doorkeep.keys.material import ASYMMETRIC
from doorkeep.model import Client, Realm
from doorkeep.oauth.ciba import config

ENDPOINT_NAME = "backchannel_client_notification_endpoint"


def _local(host: str) -> bool:
    """SslRequired.EXTERNAL's exemption: localhost and the private and loopback addresses."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def _url_problem(realm: Realm, url: str) -> str | None:
    """UriUtils.checkUrl: a URL Java's URL class reads, of the http(s) scheme, https where the realm asks."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"The url [{ENDPOINT_NAME}] is malformed"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"The url [{ENDPOINT_NAME}] is malformed"
    if scheme not in ("http", "https"):
        return f"Invalid protocol/scheme for url [{ENDPOINT_NAME}]"
    required = realm.ssl_required == "all" or (realm.ssl_required == "external" and not _local(parts.hostname or ""))
    if scheme != "https" and required:
        return f"The url [{ENDPOINT_NAME}] requires secure connections"
    return None


def client_problems(realm: Realm, client: Client) -> list[str]:
    """The client's CIBA settings' errors, in Keycloak's order and words."""
    problems: list[str] = []
    mode = config.delivery_mode(realm, client)
    if mode not in (config.POLL, config.PING):
        problems.append("Unsupported requested CIBA Backchannel Token Delivery Mode")
    endpoint = client.attributes.get(config.NOTIFICATION_ENDPOINT)
    if mode == config.PING and endpoint is None:
        problems.append("CIBA Backchannel Client Notification Endpoint must be set for the CIBA ping mode")
    if endpoint is not None and (problem := _url_problem(realm, str(endpoint))) is not None:
        problems.append(problem)
    alg = client.attributes.get(config.SIGNING_ALG)
    if alg is not None and alg != "none" and alg not in ASYMMETRIC:
        problems.append("Unsupported requested CIBA Backchannel Authentication Request Signing Algorithm")
    return problems
