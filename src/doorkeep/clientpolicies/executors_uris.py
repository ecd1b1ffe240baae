"""The client-policy executors that judge a client's URIs: ``secure-redirect-uris-enforcer`` (Keycloak 26's
SecureRedirectUrisEnforcerExecutor) and ``secure-client-uris`` (SecureClientUrisExecutor), with Keycloak's
configuration keys, events and messages.

SecureRedirectUrisEnforcerExecutor parses each URI as ``java.net.URI`` does (here oauth/uri_syntax.py, which
is at least as strict) and sorts it into a loopback address, a private-use scheme or a normal (http/https)
URI. Java resolves a host name with ``InetAddress.getByName``; Doorkeep reads an IP literal, and takes the name
``localhost`` for the IPv4 loopback address, without asking the DNS: another name is never a loopback address.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from doorkeep.clientpolicies.config_values import flag, flag_or_none, string_list, strings
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.pattern_budget import PatternBudget, compiled
from doorkeep.oauth import uri_syntax
from doorkeep.oauth.redirect_uris import server_origin

INVALID_REQUEST, INVALID_CLIENT_METADATA = "invalid_request", "invalid_client_metadata"
CRUD = (Event.REGISTER, Event.UPDATE)

# SecureRedirectUrisEnforcerExecutor's messages and its factory's configuration keys
ERR_GENERAL = "Invalid Redirect Uri: invalid uri"
ERR_LOOPBACK = "Invalid Redirect Uri: invalid loopback address"
ERR_PRIVATESCHEME = "Invalid Redirect Uri: invalid private use scheme"
ERR_CLIENT_ID = "Invalid parameter: clientId"
ALLOW_IPV4_LOOPBACK = "allow-ipv4-loopback-address"
ALLOW_IPV6_LOOPBACK = "allow-ipv6-loopback-address"
ALLOW_PRIVATE_USE_URI_SCHEME = "allow-private-use-uri-scheme"
ALLOW_HTTP_SCHEME = "allow-http-scheme"
ALLOW_WILDCARD_CONTEXT_PATH = "allow-wildcard-context-path"
ALLOW_PERMITTED_DOMAINS = "allow-permitted-domains"
OAUTH_2_1_COMPLIANT = "oauth-2-1-compliant"
ALLOW_OPEN_REDIRECT = "allow-open-redirect"
REDIRECT_FLAGS = (
    ALLOW_IPV4_LOOPBACK,
    ALLOW_IPV6_LOOPBACK,
    ALLOW_PRIVATE_USE_URI_SCHEME,
    ALLOW_HTTP_SCHEME,
    ALLOW_WILDCARD_CONTEXT_PATH,
    OAUTH_2_1_COMPLIANT,
    ALLOW_OPEN_REDIRECT,
)
ALLOW_HTTP_ON_LOCALHOST = "allow-http-on-localhost"  # SecureClientUrisExecutor.Configuration

POST_LOGOUT_REDIRECT_URIS = "post.logout.redirect.uris"  # OIDCConfigAttributes.POST_LOGOUT_REDIRECT_URIS
DELIMITER = re.compile(r"##")  # Constants.CFG_DELIMITER_PATTERN


def invalid_request(detail: str) -> ClientPolicyViolation:
    return ClientPolicyViolation(INVALID_REQUEST, detail)


def proposed_rep(context: PolicyContext) -> dict[str, Any]:
    assert context.proposed is not None, "REGISTER and UPDATE carry the proposed representation"
    return context.proposed


def rep_attributes(rep: dict[str, Any]) -> dict[str, Any]:
    attributes = rep.get("attributes")
    return attributes if isinstance(attributes, dict) else {}


def multivalued(rep: dict[str, Any], key: str) -> list[str]:
    """An attribute holding several values joined by ``##`` (getAttributeMultivalued); empty when absent."""
    value = rep_attributes(rep).get(key)
    return DELIMITER.split(value) if isinstance(value, str) else []


def uri_list(rep: dict[str, Any], key: str) -> list[str] | None:
    value = rep.get(key)
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, str)]


def _redirect_flow(rep: dict[str, Any]) -> bool:
    """isAuthFlowWithRedirectEnabled of a representation: the standard flow unless switched off, or implicit."""
    return rep.get("standardFlowEnabled") in (None, True) or rep.get("implicitFlowEnabled") is True


def resolved_uris(root_url: str | None, base_url: str | None, uris: list[str]) -> list[str]:
    """RedirectUtils.resolveValidRedirects: a relative URI (``/...``) after the root URL, else the server's origin."""
    out: list[str] = []
    for uri in uris:
        if uri.startswith("/"):
            root = root_url.replace("${authBaseUrl}", base_url or "") if root_url else None
            uri = (root or (server_origin(base_url) if base_url else "")) + uri
        if uri not in out:
            out.append(uri)
    return out


def _post_logout_uris(rep: dict[str, Any]) -> list[str]:
    """OIDCAdvancedConfigWrapper.getPostLogoutRedirectUris: ``+`` first stands for the redirect URIs."""
    uris = multivalued(rep, POST_LOGOUT_REDIRECT_URIS)
    if not uris:
        return []
    if uris[0] == "+":
        return uri_list(rep, "redirectUris") or []
    return uris


_PORT = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*:)([0-9]+)((?:[/?#].*)?)", re.DOTALL)


def _parsed(raw: str) -> tuple[uri_syntax.Uri | None, int]:
    """The URI and its port (-1 without one). java.net.URI takes any number of digits for a port, which
    getPort then gives (the executor judges it); uri_syntax refuses a port past 65535, so such a URI is read with
    port 0 in its place."""
    uri = uri_syntax.parse(raw)
    if uri is not None:
        return uri, int(uri.port) if uri.port else -1
    big = _PORT.fullmatch(raw)
    if big is None or len(big.group(2)) > 9 or int(big.group(2)) <= 65535:
        return None, -1
    return uri_syntax.parse(big.group(1) + "0" + big.group(3)), int(big.group(2))


class _UriValidation:
    """SecureRedirectUrisEnforcerExecutor.UriValidation: one URI judged by the executor's configuration."""

    def __init__(self, raw: str, parameter: bool, config: dict[str, Any], budget: PatternBudget) -> None:
        uri, port = _parsed(raw)
        # java.net.URI refuses a scheme without anything after it ("com.example:")
        if uri is None or (uri.scheme is not None and uri.authority is None and not uri.path and uri.query is None):
            raise invalid_request(ERR_GENERAL)
        self.raw, self.uri, self.parameter, self.config, self.port = raw, uri, parameter, config, port
        self.budget = budget

    def _on(self, key: str) -> bool:
        return flag(self.config, key)

    def validate(self) -> None:
        loopback = self._loopback_version()
        if loopback == 4:
            if not self._on(ALLOW_IPV4_LOOPBACK) or not self._valid_loopback(ipv6=False):
                raise invalid_request(ERR_LOOPBACK)
        elif loopback == 6:
            if not self._on(ALLOW_IPV6_LOOPBACK) or not self._valid_loopback(ipv6=True):
                raise invalid_request(ERR_LOOPBACK)
        elif self.uri.scheme is not None and not self._http() and not self._https():
            if not self._on(ALLOW_PRIVATE_USE_URI_SCHEME) or not self._valid_private_use_scheme():
                raise invalid_request(ERR_PRIVATESCHEME)
        elif self._http() or self._https():
            if not self._valid_normal_uri():
                raise invalid_request(ERR_GENERAL)
        else:
            raise invalid_request(ERR_GENERAL)

    def _loopback_version(self) -> int | None:
        host = self.uri.host
        if not host:
            return None
        if host == "localhost":  # InetAddress.getByName("localhost"): 127.0.0.1 first
            return 4
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # Java reads ::ffff:a.b.c.d as an Inet4Address
        return address.version if address.is_loopback else None

    def _http(self) -> bool:
        return self.uri.scheme == "http"

    def _https(self) -> bool:
        return self.uri.scheme == "https"

    def _wildcard(self) -> bool:
        return "*" in self.raw

    def _fragment(self) -> bool:
        return "#" in self.raw

    def _invalid_wildcard(self) -> bool:
        """isIncludeInvalidWildcard: a wildcard context path (``/*`` first) with more than one ``*``."""
        if not (self.uri.path.startswith("/*") or self.uri.path.startswith("*")):
            return False
        return self.raw.count("*") != 1

    def _wildcards_ok(self) -> bool:
        if self._on(ALLOW_WILDCARD_CONTEXT_PATH):
            return not self._invalid_wildcard()
        return not self._wildcard()

    def _valid_loopback(self, *, ipv6: bool) -> bool:
        if not self._on(ALLOW_HTTP_SCHEME) and self._http():
            return False
        if not self._wildcards_ok():
            return False
        if self._on(OAUTH_2_1_COMPLIANT):
            if self._fragment() or self._wildcard() or self.uri.host == "localhost":
                return False
            if self.parameter and not 0 <= self.port <= 65535:  # the parameter must name its port
                return False
            if not self.parameter and self.port > -1:  # a registered one must not
                return False
            if ipv6 and self.uri.host != "[::1]":  # only this form of the IPv6 loopback address
                return False
        return True

    def _valid_private_use_scheme(self) -> bool:
        if not self._wildcards_ok():
            return False
        if self._on(OAUTH_2_1_COMPLIANT):
            scheme = self.uri.scheme or ""
            return not self._fragment() and not self._wildcard() and "." in scheme
        return True

    def _valid_normal_uri(self) -> bool:
        if not self._on(ALLOW_HTTP_SCHEME) and self._http():
            return False
        if not self._wildcards_ok():
            return False
        domains = strings(self.config, ALLOW_PERMITTED_DOMAINS)
        if domains and not any(_host_matches(self.uri.host, d, self.budget) for d in domains):
            return False
        if self._on(OAUTH_2_1_COMPLIANT):
            return self._https() and not self._fragment() and not self._wildcard()
        return True


def _host_matches(host: str | None, pattern: str, budget: PatternBudget) -> bool:
    """``host.matches(pattern)``: the whole host; a pattern that does not compile matches nothing, nor one that
    runs past the run's time budget (``pattern_budget``: the host may come from an anonymous request)."""
    if host is None:
        return False
    compiled_pattern = compiled(pattern)
    return compiled_pattern is not None and budget.fullmatch(compiled_pattern, host)


def verify_redirect_uri(config: dict[str, Any], uri: str, parameter: bool, budget: PatternBudget | None = None) -> None:
    """verifyRedirectUri: one URI (``parameter``: an authorization request's ``redirect_uri``, which must name its
    port in OAuth 2.1 mode, where a registered one must not); ClientPolicyViolation when refused."""
    _UriValidation(uri, parameter, config, budget or PatternBudget()).validate()


def _verify_all(config: dict[str, Any], root_url: str | None, base_url: str | None, uris: list[str]) -> None:
    if flag(config, ALLOW_OPEN_REDIRECT):  # an open redirect allows any value
        return
    budget = PatternBudget()
    for uri in resolved_uris(root_url, base_url, uris):
        verify_redirect_uri(config, uri, False, budget)


def secure_redirect_uris_enforcer(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureRedirectUrisEnforcerExecutor: on REGISTER and UPDATE the redirect URIs (and post-logout redirect
    URIs) of a client with a redirecting flow; before the authorization request, its ``redirect_uri``."""
    if context.event in CRUD:
        rep = proposed_rep(context)
        if not _redirect_flow(rep):
            return
        redirect_uris = uri_list(rep, "redirectUris")
        if not redirect_uris:
            raise invalid_request(ERR_GENERAL)
        root_url = rep.get("rootUrl") if isinstance(rep.get("rootUrl"), str) else None
        _verify_all(config, root_url, context.base_url, redirect_uris)
        post_logout = _post_logout_uris(rep)
        if post_logout:
            _verify_all(config, root_url, context.base_url, post_logout)
    elif context.event is Event.PRE_AUTHORIZATION_REQUEST:
        client = context.client  # the client the request's client_id names
        if client is None:
            raise invalid_request(ERR_CLIENT_ID)
        requested = context.params.get("redirect_uri")
        # Keycloak reads the parameter as sent; without one (a request object or a pushed request carries it)
        # there is nothing to judge here: the registered URIs were judged when written.
        if (client.standard_flow or client.implicit_flow) and requested is not None:
            verify_redirect_uri(config, requested, True)


def valid_redirect_config(config: dict[str, Any]) -> None:
    """ValueError when Jackson could not bind the configuration (a flag that is no boolean, domains no list)."""
    for key in REDIRECT_FLAGS:
        flag_or_none(config, key)
    string_list(config.get(ALLOW_PERMITTED_DOMAINS))
