"""The ``secure-client-uris`` client-policy executor (Keycloak 26's SecureClientUrisExecutor, in its latest 26.x
form): a client's URIs are ``https://`` without wildcards; an authorization request's redirect URI is too."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import flag
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_uris import (
    ALLOW_HTTP_ON_LOCALHOST,
    CRUD,
    INVALID_CLIENT_METADATA,
    POST_LOGOUT_REDIRECT_URIS,
    invalid_request,
    multivalued,
    proposed_rep,
    rep_attributes,
    resolved_uris,
    uri_list,
)
from doorkeep.oauth import uri_syntax

# SecureClientUrisExecutor: the representation's URIs, each with the name its message gives
_URI_FIELDS = (("rootUrl", "rootUrl"), ("adminUrl", "adminUrl"), ("baseUrl", "baseUrl"))
_URI_ATTRIBUTES = (
    ("backchannel.logout.url", "logoutUrl"),
    ("frontchannel.logout.url", "frontChannelLogoutUrl"),
)
_LATER_ATTRIBUTES = (("jwks.url", "jwksUri"),)
_CIBA_ENDPOINT = ("ciba.backchannel.client.notification.endpoint", "cibaClientNotificationEndpoint")
_PAGE_ATTRIBUTES = (("logoUri", "logoUri"), ("tosUri", "tosUri"), ("policyUri", "policyUri"))


def _confirm(uris: list[str], name: str) -> None:
    """confirmSecureUris: every non-empty URI is ``https://`` and has no wildcard."""
    for uri in uris:
        if uri and (not uri.startswith("https://") or "*" in uri):
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, f"Invalid {name}")


def _origin(uri: str) -> str | None:
    parsed = uri_syntax.parse(uri)
    if parsed is None or parsed.scheme is None or parsed.authority is None:
        return None
    return f"{parsed.scheme}://{parsed.authority}"


def _with_redirects(
    urls: list[str], redirects: list[str], root_url: str | None, base_url: str | None, *, as_origins: bool
) -> list[str]:
    """RedirectUtils.resolveUrlsWithRedirects: ``+`` stands for the redirect URIs (as origins for web origins)."""
    out: list[str] = []
    for url in urls:
        if url != "+":
            out.append(url)
            continue
        for redirect in resolved_uris(root_url, base_url, redirects):
            resolved = _origin(redirect) if as_origins else redirect
            if resolved is not None:
                out.append(resolved)
    return out


def _confirm_client(rep: dict[str, Any], base_url: str | None) -> None:
    attributes = rep_attributes(rep)
    for key, name in _URI_FIELDS:
        if isinstance(rep.get(key), str):
            _confirm([rep[key]], name)
    for key, name in _URI_ATTRIBUTES:
        if isinstance(attributes.get(key), str):
            _confirm([attributes[key]], name)
    redirects = uri_list(rep, "redirectUris")
    if redirects is not None:
        _confirm(redirects, "redirectUris")
    root_url = rep.get("rootUrl") if isinstance(rep.get("rootUrl"), str) else None
    origins = uri_list(rep, "webOrigins")
    if origins is not None:
        _confirm(_with_redirects(origins, redirects or [], root_url, base_url, as_origins=True), "webOrigins")
    for key, name in _LATER_ATTRIBUTES:
        if isinstance(attributes.get(key), str):
            _confirm([attributes[key]], name)
    _confirm(multivalued(rep, "request.uris"), "requestUris")
    key, name = _CIBA_ENDPOINT
    if isinstance(attributes.get(key), str):
        _confirm([attributes[key]], name)
    post_logout = multivalued(rep, POST_LOGOUT_REDIRECT_URIS)
    if post_logout:
        resolved = _with_redirects(post_logout, redirects or [], root_url, base_url, as_origins=False)
        _confirm(resolved, "postLogoutUris")
    for key, name in _PAGE_ATTRIBUTES:
        if isinstance(attributes.get(key), str):
            _confirm([attributes[key]], name)


def secure_client_uris(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureClientUrisExecutor: a client's URIs are ``https://`` without wildcards (a new client with a root URL
    and no redirect URIs gets the root URL as its one redirect URI); an authorization request's redirect URI is
    ``https://`` too (``http://localhost`` and ``http://127.0.0.1`` with ``allow-http-on-localhost``)."""
    if context.event in CRUD:
        rep = proposed_rep(context)
        _confirm_client(rep, context.base_url)
        root_url = rep.get("rootUrl")
        if context.event is Event.REGISTER and isinstance(root_url, str) and not uri_list(rep, "redirectUris"):
            rep["redirectUris"] = [root_url]
    elif context.event is Event.AUTHORIZATION_REQUEST:
        redirect_uri = context.redirect_uri
        if not redirect_uri:
            raise invalid_request("no redirect_uri specified.")
        if "*" in redirect_uri:
            raise invalid_request("Invalid redirect_uri")
        if not redirect_uri.startswith("https://"):
            local = redirect_uri.startswith("http://localhost") or redirect_uri.startswith("http://127.0.0.1")
            if not flag(config, ALLOW_HTTP_ON_LOCALHOST) or not local:
                raise invalid_request("Invalid redirect_uri")
