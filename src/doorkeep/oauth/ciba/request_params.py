"""The backchannel authentication request's parameters, as Keycloak's
BackchannelAuthenticationEndpointRequestParserProcessor reads them: the form, then a signed request object
(``request``, or fetched from a registered ``request_uri``) whose claims replace what the form said. Parameters
no one knows become the request's additional parameters (at most 5, each at most 200 characters), which the
authentication device receives.

Keycloak answers any failure here ``invalid_request`` with the failure's message; a malformed number is Java's
``Integer.parseInt`` message. A form that repeats a parameter keeps its first values and its request object is
not read (the parser returns early and its caller never looks at why)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt

from doorkeep import errors as e
from doorkeep import fetch_outside
from doorkeep.model import Client
from doorkeep.oauth.ciba import config
from doorkeep.oauth.client_assertion import ASYMMETRIC, Malformed, parse
from doorkeep.oauth.request_parser import allowed_request_uri

if TYPE_CHECKING:
    from doorkeep.oauth.client_keys import ClientKeys
    from doorkeep.oauth.context import Form

MAX_ADDITIONAL = 5  # ADDITIONAL_REQ_PARAMS_MAX_MUMBER
MAX_ADDITIONAL_SIZE = 200  # ADDITIONAL_REQ_PARAMS_MAX_SIZE
# KNOWN_REQ_PARAMS: never passed on as additional parameters (client_id and client_secret: client_secret_post)
KNOWN = frozenset(
    {
        "request",
        "request_uri",
        "scope",
        "client_notification_token",
        "acr_values",
        "login_hint_token",
        "id_token_hint",
        "login_hint",
        "binding_message",
        "user_code",
        "requested_expiry",
        "prompt",
        "nonce",
        "max_age",
        "ui_locales",
        "claims",
        "client_id",
        "client_secret",
    }
)
_TEXT: tuple[str, ...] = ("scope", "client_notification_token", "acr_values", "login_hint_token", "id_token_hint")
_TEXT += ("login_hint", "binding_message", "user_code", "prompt", "nonce", "ui_locales", "claims")


@dataclass
class BackchannelRequest:
    """BackchannelAuthenticationEndpointRequest: what the client asked for; ``signed`` the request object's
    claims when one was read (the secure-ciba-signed-authn-req executor looks at them)."""

    values: dict[str, str] = field(default_factory=dict)
    requested_expiry: int | None = None
    max_age: int | None = None
    additional: dict[str, str] = field(default_factory=dict)
    signed: dict[str, Any] | None = None

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def _java_int(value: str) -> int:
    """Integer.parseInt, its NumberFormatException's message as the refusal."""
    text = value[1:] if value[:1] in "+-" else value
    if text.isascii() and text.isdigit() and -(2**31) <= int(value) < 2**31:
        return int(value)
    raise e.InvalidRequest(f'For input string: "{value}"', event_error="")


class _Source:
    """One place parameters come from: the form (first values) or the request object's claims."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, (dict, list)):  # a JSON node that is no value node: its JSON text
            return json.dumps(value, separators=(",", ":"))
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def number(self, name: str) -> int | None:
        text = self.text(name)
        return None if text is None else _java_int(text)

    def names(self) -> list[str]:
        return list(self._values)


def _read(request: BackchannelRequest, source: _Source) -> None:
    """BackchannelAuthenticationEndpointRequestParser.parseRequest: a value replaces the one read before."""
    for name in _TEXT:
        value = source.text(name)
        if value is not None:
            request.values[name] = value
    expiry, max_age = source.number("requested_expiry"), source.number("max_age")
    request.requested_expiry = expiry if expiry is not None else request.requested_expiry
    request.max_age = max_age if max_age is not None else request.max_age
    for name in source.names():
        if name in KNOWN:
            continue
        value = source.text(name)
        if value is not None and not value.strip():
            value = None
        if value is not None and len(value) <= MAX_ADDITIONAL_SIZE:
            if len(request.additional) >= MAX_ADDITIONAL:
                break
            request.additional[name] = value


async def parse_request(form: Form, client: Client, keys: ClientKeys, base_url: str) -> BackchannelRequest:
    """The request's parameters, or ``invalid_request`` (400, no event) with Keycloak's message."""
    request = BackchannelRequest()
    _read(request, _Source({name: form.get(name) for name in form.keys()}))  # noqa: SIM118
    if form.has_duplicates():
        return request
    signed_text, signed_uri = form.get("request"), form.get("request_uri")
    if signed_text is not None and signed_uri is not None:
        raise e.InvalidRequest("Illegal to use both 'request' and 'request_uri' parameters together", event_error="")
    if signed_text is None and signed_uri is not None:
        allowed = allowed_request_uri(client, signed_uri, base_url)
        if allowed is None:
            raise e.InvalidRequest("Specified 'request_uri' not allowed for this client.", event_error="")
        try:
            signed_text = (await fetch_outside.once(allowed, keys.fetch_request)).decode("utf-8").strip()
        except (OSError, ValueError) as err:
            raise e.InvalidRequest(str(err), event_error="") from None
    if signed_text is not None:
        claims = await _signed_claims(signed_text, client, keys)
        request.signed = claims
        _read(request, _Source(claims))
    return request


async def _signed_claims(text: str, client: Client, keys: ClientKeys) -> dict[str, Any]:
    """BackchannelAuthenticationEndpointSignedRequestParser: a JWS (never a JWE) signed with the asymmetric
    algorithm the client registered in ``ciba.backchannel.auth.request.signing.alg``, verified with its keys."""
    try:
        token = parse(text, token_class=False)  # decodeClientJWT(signedAuthReq, client, JsonNode.class)
    except Malformed:
        if text.count(".") == 4:
            raise e.InvalidRequest("Encrypted request object is not allowed", event_error="") from None
        raise e.InvalidRequest("Failed to verify signature", event_error="") from None
    alg = token.header.get("alg")
    if not isinstance(alg, str):
        raise e.InvalidRequest("Signed algorithm not specified", event_error="")
    if alg == "none":
        raise e.InvalidRequest("None signed algorithm is not allowed", event_error="")
    if alg in ("HS256", "HS384", "HS512"):
        raise e.InvalidRequest("Signed algorithm is not allowed", event_error="")
    if alg not in ASYMMETRIC:
        raise e.InvalidRequest(f"Not found provider for the algorithm {alg}", event_error="")
    if client.attr(config.SIGNING_ALG) != alg:
        raise e.InvalidRequest(
            "Client requested algorithm not registered in advance or request signed with different algorithm "
            "other than client requested algorithm",
            event_error="",
        )
    kid = token.header.get("kid")
    key = await keys.find(client, kid if isinstance(kid, str) else None, alg)
    try:
        verifier = jwt.get_algorithm_by_name(alg)
        valid = key is not None and bool(verifier.verify(token.signing_input, key, token.signature))
    except (ValueError, TypeError, NotImplementedError, jwt.InvalidKeyError):
        valid = False
    if not valid:
        raise e.InvalidRequest("Failed to verify signature", event_error="")
    return dict(token.claims)
