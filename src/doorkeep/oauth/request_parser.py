"""The authorization request's parameters: the query (or form), then a request object (``request``, or one
fetched from a registered ``request_uri``), as Keycloak 26's ``AuthorizationEndpointRequestParserProcessor``
reads them with ``AuthzEndpointQueryStringParser`` and ``AuthzEndpointRequestObjectParser``.

* A duplicated parameter, or an OpenID request without ``response_type`` in the query, is an invalid request
  the endpoint sends back to the client later (``checkInvalidRequestMessage``); no request object is read then.
* ``request`` and ``request_uri`` together, the client's ``request.object.required`` unmet, a ``request_uri``
  outside the client's ``request.uris`` (matched as redirect URIs are, oauth/redirect_uris.py; none
  registered allows none), a fetch that fails, or a request object refused (oauth/request_object.py): the
  "Invalid Request" page (``ErrorPageException``), never a redirect.
* A request object's parameter replaces the query's when it is present (``replaceIfNotNull``); a
  ``response_type`` in both must agree ("Parameter response_type does not match", sent back later).
* A parameter the parser reads that is longer than its limit (4000 characters, 255 for ``login_hint``;
  ``getAndValidateParameter``) is ignored, as if never sent: an over-long ``scope`` is not validated.

A ``request_uri`` of a pushed request (``urn:ietf:params:oauth:request_uri:``) names what the client pushed
(``AuthzEndpointParParser``): unknown, used, another client's or expired, it is the "Invalid Request" page; its
parameters replace the query's when present (all of them, when it was pushed as a request object). It is used
up by the authorization endpoint's write transaction (oauth/authorize.py), whatever follows.

Fetching and verifying need no database: this runs before the request's write transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep import errors as e
from doorkeep import fetch_outside
from doorkeep.errors import FatalRequest
from doorkeep.model import Client
from doorkeep.numbers import parse_int
from doorkeep.oauth import parameter_limits, provider_config, redirect_uris
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.context import Form
from doorkeep.oauth.provider_config import ProviderConfig
from doorkeep.oauth.request_object import Decryption, RequestObjectError, decode, is_encrypted, text_value
from doorkeep.oauth.scopes import split

REQUIRED = "request.object.required"
REQUEST_OR_URI, REQUEST_ONLY, URI_ONLY = "request or request_uri", "request only", "request_uri only"
REQUEST_URIS = "request.uris"
PAR_PREFIX = "urn:ietf:params:oauth:request_uri:"
# ParEndpoint.PAR_DPOP_PROOF_JKT: the key of the proof a push came with, kept beside what was pushed; it is the
# request's ``dpop_jkt`` whatever the pushed form, its request object or the authorization request say.
PAR_PROOF_JKT = "par.dpop.proof.jkt"
RESPONSE_TYPE_MISMATCH = "Parameter response_type does not match"
# What AuthzEndpointRequestParser.parseRequest reads (the ones Doorkeep uses); client_id is checked, not read.
READ = (
    "response_type",
    "response_mode",
    "redirect_uri",
    "state",
    "scope",
    "login_hint",
    "prompt",
    "nonce",
    "max_age",
    "ui_locales",
    "kc_action",
    "code_challenge",
    "code_challenge_method",
    "dpop_jkt",
    "claims",
    "acr_values",
)
# AuthzEndpointRequestParser.KNOWN_REQ_PARAMS: never kept as additional parameters (``additional``); every parameter
# Doorkeep reads is one of them.
KNOWN_PARAMS = frozenset(
    {
        *READ,
        "client_id",
        "kc_idp_hint",
        "request",
        "request_uri",
        "client_assertion_type",
        "client_assertion",
        "client_secret",
        "resource",
    }
)
# Parameters the request parser never reads as plain parameters, so never "duplicated"
# (AuthzEndpointRequestParser: request objects, client authentication).
NOT_PARSED = frozenset({"request", "request_uri", "client_assertion_type", "client_assertion", "client_secret"})


@dataclass(frozen=True)
class Parsed:
    """The parameters the endpoint goes on with, and the invalid-request message it sends back later."""

    params: Form
    invalid: str | None = None
    pushed_key: str | None = None  # the pushed request this came from, used up when its login ends
    # for the client policies (clientpolicies/executors_request_object.py): the request object's claims, whether it came
    # encrypted (AUTHZ_REQUEST_OBJECT, AUTHZ_REQUEST_OBJECT_ENCRYPTED), and the names of the pushed parameters
    request_object: dict[str, Any] | None = None
    encrypted: bool = False
    pushed_names: frozenset[str] | None = None


@dataclass(frozen=True)
class Pushed:
    """A pushed request as the authorization endpoint found it: its parameters (None: not issued, used, or
    another client's) and its age against the realm's ``parRequestUriLifespan``."""

    params: dict[str, str] | None
    age: int
    lifespan: int


def is_par(request_uri: str | None) -> bool:
    """``getRequestUriType``: a pushed request's URN, compared case-insensitively."""
    return request_uri is not None and request_uri.lower().startswith(PAR_PREFIX)


def pushed_key(request_uri: str) -> str:
    """``requestUri.substring(REQUEST_URI_PREFIX_LENGTH)``: the id after the URN prefix."""
    return request_uri[len(PAR_PREFIX) :]


def refused(detail: str) -> FatalRequest:
    """The parser's catch-all: the "Invalid Request" page, the reason kept for the logs."""
    return FatalRequest(e.AUTHZ_INVALID_REQUEST, detail=detail)


def read(name: str, value: str | None, oidc: ProviderConfig = provider_config.DEFAULT) -> str | None:
    """``getAndValidateParameter``: a parameter the parser reads is ignored when over its length limit, or refused
    with ``add-req-params-fail-fast`` (oauth/parameter_limits.py); ``max_age`` is read as an int
    (``getIntParameter``), with no limit."""
    return value if name == "max_age" or name not in READ else parameter_limits.within_limit(name, value, oidc)


def first_values(params: Form, oidc: ProviderConfig = provider_config.DEFAULT) -> Form:
    """Each parameter's first value, those the parser reads within their length limits."""
    names = params.keys()
    return Form([(name, value) for name in names if (value := read(name, params.get(name), oidc)) is not None])


def additional(
    params: Mapping[str, str], max_number: int, max_size: int, max_overall: int
) -> tuple[tuple[str, str], ...]:
    """extractAdditionalReqParams: the unknown parameters in the order sent, blank ones skipped, stopping at the
    first that would pass the number, the overall size or its own size (Keycloak's ``break``)."""
    kept: list[tuple[str, str]] = []
    overall = 0
    for name, value in params.items():
        if name in KNOWN_PARAMS or not value.strip():
            continue
        if len(kept) >= max_number or len(value) + overall > max_overall or len(value) > max_size:
            break
        overall += len(value)
        kept.append((name, value))
    return tuple(kept)


def query_problem(params: Form, *, response_type_required: bool) -> str | None:
    """AuthzEndpointQueryStringParser's invalid-request message: a duplicate, or a missing response_type."""
    if params.has_duplicates(ignoring=NOT_PARSED):
        return e.DUPLICATED_PARAMETER
    if response_type_required and read("response_type", params.get("response_type")) is None:
        return e.AUTHZ_MISSING_RESPONSE_TYPE
    return None


def required_problem(
    client: Client, request: str | None, request_uri: str | None, *, pushing: bool = False
) -> str | None:
    """``request.object.required`` unmet, in Keycloak's words, or None. A push (``pushing``) is not held to
    "request_uri only": the pushed request's ``request_uri`` is what the authorization request then sends (RFC 9126
    §2.1 forbids one in the push; Keycloak 26.8, PR 46930, ParTest.testSuccessfulParWithRequiredRequestUri)."""
    if request is not None and request_uri is not None:
        return "Illegal to use both 'request' and 'request_uri' parameters together"
    required = client.attr(REQUIRED)
    if required == REQUEST_OR_URI and request is None and request_uri is None:
        return "Client is required to use 'request' or 'request_uri' parameter."
    if required == REQUEST_ONLY and request is None:
        return "Client is required to use 'request' parameter."
    if required == URI_ONLY and request_uri is None and not pushing:
        return "Client is required to use 'request_uri' parameter."
    return None


def allowed_request_uri(client: Client, request_uri: str, base_url: str) -> str | None:
    """RedirectUtils.verifyRedirectUri against the client's ``request.uris`` (``##``-separated)."""
    patterns = [p for p in client.attr(REQUEST_URIS).split("##") if p]
    return redirect_uris.verify(request_uri, patterns, client.root_url, base_url) if patterns else None


def merged(
    base: Form, claims: dict[str, Any], *, replace_all: bool = False, oidc: ProviderConfig = provider_config.DEFAULT
) -> Parsed:
    """``parseRequest`` over a request object: its parameters replace the earlier ones when present (or always,
    for a request object pushed to the PAR endpoint: ``ParEndpointRequestObjectParser``)."""
    values = {name: read(name, base.get(name), oidc) for name in READ}
    invalid = None
    given = claims.get("response_type")
    sent = values["response_type"]
    if not replace_all and given is not None and sent is not None and text_value(given) != sent:
        invalid = RESPONSE_TYPE_MISMATCH
    for name in READ:
        if name in claims or replace_all:
            value = text_value(claims[name]) if name in claims else None
            if value is not None and read(name, value, oidc) is None and not replace_all:
                continue  # over-long: replaceIfNotNull keeps the earlier value
            values[name] = read(name, value, oidc)
    if claims.get("max_age") is not None:
        _int(values["max_age"])
    pairs = [("client_id", base.get("client_id") or "")]
    pairs += [(name, value) for name, value in values.items() if value is not None]
    return Parsed(Form(pairs), invalid)


def _int(value: str | None) -> None:
    """``getIntParameter``: ``Integer.parseInt`` of the parameter's text, or the parser's catch-all."""
    if value is not None and parse_int(value) is None:
        raise refused(f"max_age is not an integer: {value!r}")


async def parse(
    client: Client,
    params: Form,
    keys: ClientKeys,
    base_url: str,
    pushed: Pushed | None = None,
    decryption: Decryption | None = None,
    oidc: ProviderConfig = provider_config.DEFAULT,
) -> Parsed:
    """The authorization endpoint's parameters (``EndpointType.OIDC_AUTH_ENDPOINT``), the request object (or the
    pushed request ``pushed``, looked up by the caller) read."""
    request, request_uri = params.get("request"), params.get("request_uri")
    openid = "openid" in split(params.get("scope") or "")
    problem = query_problem(params, response_type_required=openid and not is_par(request_uri))
    if problem is not None:
        return Parsed(first_values(params, oidc), problem)
    _int(params.get("max_age"))  # the query is parsed first: its max_age fails even if a request object has one
    problem = required_problem(client, request, request_uri)
    if problem is not None:
        raise refused(problem)
    if request is None and request_uri is None:
        return Parsed(first_values(params, oidc))
    if request is None and is_par(request_uri):
        assert request_uri is not None
        return await from_pushed(client, params, keys, pushed_key(request_uri), pushed, decryption, oidc)
    if request is None:
        assert request_uri is not None
        request = await fetched(client, request_uri, keys, base_url)
    try:
        claims = await decode(request, client, keys, decryption)
    except RequestObjectError as err:
        raise refused(str(err)) from None
    return dataclasses.replace(
        merged(params, claims, oidc=oidc), request_object=claims, encrypted=is_encrypted(request)
    )


async def fetched(client: Client, request_uri: str, keys: ClientKeys, base_url: str) -> str:
    """The request object at a ``request_uri`` the client registered (SSRF: nothing else is fetched)."""
    allowed = allowed_request_uri(client, request_uri, base_url)
    if allowed is None:
        raise refused("Specified 'request_uri' not allowed for this client.")
    try:
        return (await fetch_outside.once(allowed, keys.fetch_request)).decode("utf-8").strip()
    except (OSError, ValueError) as err:
        raise refused(f"request_uri could not be fetched: {err}") from None


async def from_pushed(
    client: Client,
    params: Form,
    keys: ClientKeys,
    key: str,
    pushed: Pushed | None,
    decryption: Decryption | None,
    oidc: ProviderConfig = provider_config.DEFAULT,
) -> Parsed:
    """AuthzEndpointParParser: the pushed parameters, or the request object pushed (ParEndpointRequestObjectParser:
    its parameters only, none of the query's)."""
    if pushed is None or pushed.params is None:
        raise refused("PAR not found. not issued or used multiple times.")
    if pushed.age >= pushed.lifespan:
        raise refused("PAR expired.")
    stored = pushed.params
    proof_jkt = stored.get(PAR_PROOF_JKT)
    bound = {} if proof_jkt is None else {"dpop_jkt": proof_jkt}  # AuthorizationEndpoint's request.setDpopJkt
    if "request" in stored:
        try:
            claims = await decode(stored["request"], client, keys, decryption)
        except RequestObjectError as err:
            raise refused(str(err)) from None
        found = merged(params, {**claims, **bound}, replace_all=True, oidc=oidc)
        # SecureParContentsExecutor.getParRetrievedRequestParameters: the pushed names and the object's parameters
        names = (stored.keys() - {"request"}) | {name for name, value in claims.items() if value is not None}
        return Parsed(found.params, found.invalid, key, claims, is_encrypted(stored["request"]), frozenset(names))
    if stored.get("client_id") not in (None, params.get("client_id")):
        raise refused("The client_id parameter doesn't match the one from OIDC 'request' or 'request_uri'")
    found = merged(params, {**stored, **bound}, oidc=oidc)
    return Parsed(found.params, found.invalid, key, pushed_names=frozenset(stored))


async def parse_pushed(
    client: Client,
    params: Form,
    keys: ClientKeys,
    decryption: Decryption | None = None,
    oidc: ProviderConfig = provider_config.DEFAULT,
) -> Parsed:
    """ParEndpointRequestParserProcessor: the pushed form (``response_type`` not required by the parser), its
    request object's parameters taking the place of the form's."""
    problem = query_problem(params, response_type_required=False)
    if problem is not None:
        return Parsed(first_values(params, oidc), problem)
    _int(params.get("max_age"))
    request = params.get("request")
    problem = required_problem(client, request, None, pushing=True)
    if problem is not None:
        raise refused(problem)
    if request is None:
        return Parsed(first_values(params, oidc))
    try:
        claims = await decode(request, client, keys, decryption)
    except RequestObjectError as err:
        raise refused(str(err)) from None
    return merged(params, claims, replace_all=True, oidc=oidc)
