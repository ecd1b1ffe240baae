"""Request and response plumbing shared by every route: bodies, issuer, errors, the unit of work."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import features, fetch_outside, hostname, json_bytes, numbers
from doorkeep.email import smtp
from doorkeep.email.event_mail import EventMailer
from doorkeep.email.smtp import Mail
from doorkeep.email.smtp_tokens import SmtpTokens
from doorkeep.errors import AdminError, BearerError, InvalidRequest, OAuthError
from doorkeep.hostname import Hostname
from doorkeep.model import Realm
from doorkeep.oauth import access, certificate_lookup, dpop
from doorkeep.oauth.context import Form, OAuthRequest, Services
from doorkeep.settings import Settings
from doorkeep.vault import RealmVault
from doorkeep.web import host_header

if TYPE_CHECKING:
    from cryptography import x509

    from doorkeep.store.database import Database
    from doorkeep.store.tx import Tx
    from doorkeep.web.backchannel import Notifier

log = logging.getLogger("doorkeep.web")
T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_CACHE = {"Cache-Control": "no-cache"}  # what RESTEasy's @NoCache writes on a GET answer


@dataclass
class AppState:
    """What the composition root hands every route."""

    settings: Settings
    db: Database
    services: Services
    notifier: Notifier
    started: int = 0  # when this process started serving, epoch seconds (serverinfo's uptime)
    hostname: Hostname = field(default_factory=Hostname)  # the URLs' rules (doorkeep.hostname)
    smtp_tokens: SmtpTokens | None = None  # the realms' SMTP XOAUTH2 tokens (email/smtp_tokens.py)
    event_mailer: EventMailer | None = None  # the realms' ``email`` event listener (email/event_mail.py)

    def smtp_login(self, realm: Realm) -> tuple[SmtpTokens, str] | None:
        """What ``smtp.send`` needs for a realm whose SMTP server takes a token."""
        return None if self.smtp_tokens is None else (self.smtp_tokens, realm.id)

    def smtp_secrets(self, realm: Realm) -> RealmVault:
        """The server's vault bound to ``realm``: what ``smtp.send`` reads a ``${vault.<key>}`` password from."""
        return RealmVault(self.services.vault, realm.name)

    async def send_mail(self, realm: Realm, settings: dict[str, str], mail: Mail) -> None:
        """``smtp.send`` for ``realm`` with these SMTP settings: its token login, its vault, and the server's
        ``--spi-email-sender-default-enabled``."""
        login, secrets = self.smtp_login(realm), self.smtp_secrets(realm)
        await smtp.send(settings, mail, login, secrets, enabled=self.settings.email_sender_enabled)


_STATE = "doorkeep.state"


def state(request: Request) -> AppState:
    """The app's Doorkeep state, kept in the request's scope after the first look (a request asks often)."""
    scope = request.scope
    st: AppState | None = scope.get(_STATE)
    if st is None:
        st = scope[_STATE] = request.app.state.doorkeep
    return st


class BodyTooLarge(Exception):
    pass


# RESTEasy's Encode.encodePath, as a Location's UriBuilder.path(name) writes a name: RFC 3986's pchar (the
# sub-delims, ":" and "@") and "/" kept, an existing %XX escape kept (encodeNonCodes), every other byte of
# the UTF-8 percent-encoded.
_PATH_KEPT = "!$&'()*+,;=:@/"
_ESCAPE = re.compile(r"(%[0-9A-Fa-f]{2})")


def jaxrs_path(name: str) -> str:
    """``name`` as JAX-RS's ``UriBuilder.path(name)`` encodes it (so ``app:read`` stays ``app:read``)."""
    parts = _ESCAPE.split(name)
    return "".join(part if i % 2 else quote(part, safe=_PATH_KEPT) for i, part in enumerate(parts))


# RESTEasy's Encode.encodePathSegmentAsIs: the pchar set without "/", and every "%" encoded, escape or not.
_SEGMENT_KEPT = "!$&'()*+,;=:@"


def jaxrs_segment(name: str) -> str:
    """``name`` as ``Encode.encodePathSegmentAsIs`` encodes it: one path segment, ``/`` and ``%`` included.
    ``UriBuilder.path`` then keeps it as it is (it keeps ``%XX``), so ``jaxrs_path`` of the result is the same."""
    return quote(name, safe=_SEGMENT_KEPT)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json_bytes.dumps(body), status_code=status, headers=headers, media_type="application/json")


def oauth_error(err: OAuthError, *, no_store: bool = False) -> Response:
    return json_response(err.body(), err.status, NO_STORE if no_store else None)


def admin_error(err: AdminError) -> Response:
    return json_response(err.body(), err.status, err.headers)


def challenge(scheme: str, attributes: dict[str, str | None]) -> str:
    """OAuth2Error's WWWAuthenticate.Challenge: the scheme, then ``name="value"`` for each attribute set, in
    order, unescaped as Keycloak writes them; none set is the bare scheme. A control character in a value (a
    realm's name) is left out, so that the challenge stays one header, and the rest is sent as UTF-8."""
    pairs = [f'{name}="{_header_safe(value)}"' for name, value in attributes.items() if value is not None]
    return f"{scheme} {', '.join(pairs)}" if pairs else scheme


def _header_safe(value: str) -> str:
    kept = "".join(c for c in value if c == "\t" or (c >= " " and c != "\x7f"))
    return kept.encode().decode("latin-1")  # Starlette writes a header as latin-1: these are the UTF-8 bytes


def bearer_error(err: BearerError, realm: str) -> Response:
    """Keycloak's ``OAuth2Error.json(false)``: the error rides in the ``WWW-Authenticate`` challenge only
    (RFC 6750 §3), the body is empty text. Attributes absent from the error are left out of the challenge,
    so a request without a token gets just ``Bearer realm="…"``."""
    attributes = {"realm": realm, "error": err.error, "error_description": err.description}
    if err.dpop:  # OAuth2Error's DPoPChallenge: the proof algorithms first (RFC 9449 §7.1)
        attributes = {"algs": " ".join(dpop.ALGS), **attributes}
    headers = {"WWW-Authenticate": challenge(dpop.SCHEME if err.dpop else "Bearer", attributes)}
    return Response(b"", err.status, headers, media_type="text/plain;charset=utf-8")


async def read_body(request: Request) -> bytes:
    limit = state(request).settings.max_body_bytes
    declared = request.headers.get("content-length")
    size_hint = numbers.parse_int(declared, 0, numbers.LONG_MAX) if declared is not None else None
    if size_hint is not None and size_hint > limit:
        raise BodyTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette replays a cached body to later readers of the same request
    return body


async def read_admin_body(request: Request) -> bytes:
    """The raw body of a REST call, held to the body limit: over it is the REST APIs' 413."""
    try:
        return await read_body(request)
    except BodyTooLarge:
        raise AdminError(413, "Request entity too large", key="error") from None


async def read_form(request: Request) -> Form:
    """The form body (or, for GET and HEAD, the query string: JAX-RS runs a GET resource for HEAD). Malformed
    input raises OAuthError."""
    if request.method in ("GET", "HEAD"):
        return Form(list(request.query_params.multi_items()))
    try:
        body = await read_body(request)
    except BodyTooLarge:
        raise InvalidRequest("Request entity too large", status=413) from None
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and ctype != "application/x-www-form-urlencoded":
        raise InvalidRequest("Unsupported Media Type", status=415)
    try:
        return Form.parse(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest("Malformed form body") from None


# A body a JSON method cannot consume (@Consumes(APPLICATION_JSON)): RESTEasy's NotSupportedException, answered
# by KeycloakErrorHandler with its message as the error.
UNSUPPORTED_MEDIA_TYPE = AdminError(
    415,
    "HTTP 415 Unsupported Media Type",
    key="error",
    description="For more on this error consult the server log at the debug level.",
)


def json_media(content_type: str | None) -> bool:
    """Whether a body of this Content-Type is JSON to a JAX-RS method consuming ``application/json``; a body
    sent without one is read as JSON, as Doorkeep always has."""
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("application/json", "*/*", "application/*", "")


async def read_json(request: Request) -> Any:
    """A JSON body for the REST APIs; malformed or oversized input is an AdminError."""
    body = await read_admin_body(request)
    if not body.strip():
        return None
    if not json_media(request.headers.get("content-type")):
        raise UNSUPPORTED_MEDIA_TYPE
    try:
        return numbers.loads(body)  # bounded nesting: deep input is a 400, never a RecursionError
    except (UnicodeDecodeError, ValueError):
        raise AdminError(400, "invalid_request", key="error", description="Cannot parse the JSON") from None


_BASE_URL = "doorkeep.base_url"  # the request's base URL, once worked out (its scope lives as long as it)


def base_url(request: Request) -> str:
    """The frontend base URL (doorkeep.hostname): ``scheme://host[:port][/prefix][/relative-path]`` from --hostname,
    trusted proxy headers (X-Forwarded-Prefix included), or the request, and --http-relative-path.

    Worked out once per request (the settings and the request's headers do not change while it
    runs); a request asks for it several times (HTTPS rule, issuer, token claims)."""
    known: str | None = request.scope.get(_BASE_URL)
    if known is None:
        known = request.scope[_BASE_URL] = state(request).hostname.frontend(
            origin(request), prefix=forwarded_prefix(request)
        )
    return known


def backend_url(request: Request) -> str:
    """The backchannel base URL: the request's own under --hostname-backchannel-dynamic, else the frontend's."""
    return state(request).hostname.backend(origin(request), request.scope.get(_REALM_URL), forwarded_prefix(request))


def admin_url(request: Request) -> str:
    """The admin console's base URL: --hostname-admin, else the frontend's."""
    return state(request).hostname.admin(origin(request), request.scope.get(_REALM_URL), forwarded_prefix(request))


_REALM_URL = "doorkeep.realm_frontend_url"  # the path's realm's frontendUrl, once that realm was read
FRONTEND_URL = hostname.FRONTEND_URL


def adopt_realm(request: Request, realm: Realm) -> None:
    """The realm the path names was read: its ``frontendUrl`` attribute, if any, is from now on the request's
    frontend base URL (HostnameV2Provider takes the session context's realm's before --hostname). Nothing to do
    for a realm without it, the common case, so the token endpoint pays one dictionary lookup (and one more: the
    process's JWK sets are dropped when the realm says clear-keys-cache ran since, ``ClientKeys.observe``)."""
    keys = state(request).services.client_keys
    if keys is not None:
        keys.observe(realm)
    value = realm.attributes.get(FRONTEND_URL)
    if value and realm.name == request.path_params.get("realm"):
        _take(request, realm, value)


def adopt_token_realm(request: Request, realm: Realm) -> None:
    """The admin token's realm is the context realm of an admin route whose path names no realm (``/admin/realms``,
    ``/admin/serverinfo``): AdminRoot sets it before the bearer check, and only getRealmAdmin replaces it."""
    value = realm.attributes.get(FRONTEND_URL)
    if value and "realm" not in request.path_params:
        _take(request, realm, value)


def _take(request: Request, realm: Realm, value: object) -> None:
    url = _realm_url(realm, value)
    if url is not None:
        request.scope[_REALM_URL] = request.scope[_BASE_URL] = url


def _realm_url(realm: Realm, value: object) -> str | None:
    url = hostname.realm_frontend(str(value))
    if url is None:  # Keycloak logs it and falls back to the options
        log.warning("realm %s: frontendUrl is not a valid URL; the server's hostname is used", realm.name)
    return url


def realm_base_url(request: Request, realm: Realm) -> str:
    """The frontend base URL while ``realm`` is the context realm, whichever realm the path names: its own
    ``frontendUrl``, else the options'."""
    realm_url = hostname.realm_url_of(realm.attributes)
    return state(request).hostname.frontend(origin(request), realm_url, forwarded_prefix(request))


def realm_issuer(request: Request, realm: Realm) -> str:
    """The issuer of ``realm`` as the context realm. AdminRoot makes the admin token's realm the context realm
    before the bearer check, so a master token is checked against master's URL on ``/admin/realms/test/…``."""
    return f"{realm_base_url(request, realm)}/realms/{realm.name}"


def browser_path(request: Request, path: str) -> str:
    """A server-absolute path (``/resources/…``, a cookie's ``/realms/x/``) under the frontend URL's own path
    (``/auth`` with --http-relative-path or a --hostname URL with a path), as the browser must ask for it."""
    return urlsplit(base_url(request)).path + path


def origin(request: Request) -> str:
    """``scheme://host[:port]`` this request came to, as trusted proxy headers say or else the request itself."""
    settings = state(request).settings
    scheme = request.scope.get("scheme", "http")  # what request.url.scheme says, without building the URL
    given = (request.headers.get("host") or "").strip(host_header.OWS)
    host = host_header.canonical(given or f"{settings.http_host}:{settings.http_port}")
    proxy = settings.proxy_headers if _from_trusted_proxy(request, settings) else None
    if proxy is None:
        return f"{scheme}://{host}"
    proto = forwarded_host = port = None
    if proxy == "xforwarded":
        proto = host_header.forwarded_scheme(request.headers.get("x-forwarded-proto", "").split(",")[0])
        proto = host_header.forwarded_ssl(request.headers.get("x-forwarded-ssl")) or proto
        forwarded_host = host_header.forwarded_authority(request.headers.get("x-forwarded-host", "").split(",")[0])
        port = request.headers.get("x-forwarded-port", "").split(",")[0] or None
    else:
        for part in request.headers.get("forwarded", "").split(",")[0].split(";"):
            key, _, value = part.strip().partition("=")
            if key.lower() == "proto" and value:
                proto = host_header.forwarded_scheme(value) or proto
            elif key.lower() == "host" and value:
                forwarded_host = host_header.forwarded_authority(value) or forwarded_host
    return host_header.proxied_origin(scheme, host, proto=proto, forwarded_host=forwarded_host, port=port)


def forwarded_prefix(request: Request) -> str:
    """The path a trusted proxy says it took off before the request's (``X-Forwarded-Prefix``), which goes before the
    request's own base path: only under ``--proxy-headers xforwarded`` (Keycloak maps it to Quarkus's
    ``enable-forwarded-prefix``, keycloak#45699; ``forwarded`` has no such parameter). ``""`` when there is none."""
    settings = state(request).settings
    if settings.proxy_headers != "xforwarded" or not _from_trusted_proxy(request, settings):
        return ""
    return hostname.forwarded_prefix(request.headers.get("x-forwarded-prefix"))


def issuer(request: Request, realm_name: str) -> str:
    return f"{base_url(request)}/realms/{realm_name}"


@functools.lru_cache(maxsize=16)
def _networks(addresses: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(a, strict=False) for a in addresses)


def proxy_trusted(request: Request) -> bool:
    """Whether this request's proxy headers count (Keycloak's HttpRequest.isProxyTrusted)."""
    return _from_trusted_proxy(request, state(request).settings)


def _from_trusted_proxy(request: Request, settings: Settings) -> bool:
    """Proxy headers count only with --proxy-headers, and only from --proxy-trusted-addresses when given."""
    if not settings.proxy_headers:
        return False
    if not settings.proxy_trusted_addresses:
        return True
    return _peer_in(request, tuple(settings.proxy_trusted_addresses))


def client_ip(request: Request) -> str:
    settings = state(request).settings
    if _from_trusted_proxy(request, settings):
        if settings.proxy_headers == "xforwarded" and request.headers.get("x-forwarded-for"):
            return request.headers["x-forwarded-for"].split(",")[0].strip()
        forwarded_for = _forwarded_for(request.headers.get("forwarded", ""))
        if settings.proxy_headers == "forwarded" and forwarded_for:
            return forwarded_for
    return request.client.host if request.client else "127.0.0.1"


def _forwarded_for(header: str) -> str | None:
    """The ``for=`` of the first ``Forwarded`` element (RFC 7239): ``1.2.3.4``, ``"[2001:db8::1]:4711"``."""
    for part in header.split(",")[0].split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "for" and value:
            value = value.strip().strip('"')
            if value.startswith("["):
                return value[1:].split("]")[0]
            return value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    return None


def is_secure(request: Request, realm: Realm) -> bool:
    """Keycloak's sslRequired: none, external (loopback and private addresses exempt), all."""
    if base_url(request).startswith("https://") or realm.ssl_required == "none":
        return True
    if realm.ssl_required == "all":
        return False
    return local_address(client_ip(request))


SITE_LOCAL = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def peer_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A peer's address as given (brackets allowed), an IPv4-mapped IPv6 one as its IPv4; None if it is none."""
    try:
        address = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.lru_cache(maxsize=1024)  # a pure function of the address; bounded
def local_address(ip: str) -> bool:
    """Keycloak's ``SslRequired.isLocal``: any-local, loopback or site-local (not every non-global range)."""
    address = peer_address(ip)
    if address is None:
        return False
    if address.is_loopback or address.is_unspecified:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return address.is_site_local
    return any(address in net for net in SITE_LOCAL)


def oauth_request(request: Request, realm: Realm, form: Form) -> OAuthRequest:
    return OAuthRequest(
        realm=realm,
        issuer=issuer(request, realm.name),
        form=form,
        authorization=request.headers.get("authorization"),
        method=request.method,
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        origin=request.headers.get("origin"),
        client_keys=state(request).services.client_keys,
        dpop_header=dpop_header(request),
        url=request_url(request),
        client_certificates=client_certificates(request),
        query_client_id=request.query_params.get("client_id") if request.scope.get("query_string") else None,
        oidc=state(request).services.oidc,
        vault=state(request).services.vault,
        rotated_secrets=features.CLIENT_SECRET_ROTATION not in state(request).services.disabled_features,
    )


def client_certificates(request: Request) -> tuple[x509.Certificate, ...]:
    """The client's certificate chain the configured lookup provider reads from the proxy's headers (none by
    default); the headers count only from a trusted peer (HttpRequest.isProxyTrusted)."""
    settings = state(request).settings
    if settings.x509cert_lookup_provider == "default":
        return ()
    lookup = certificate_lookup.Lookup(settings.x509cert_lookup_provider, settings.x509cert_lookup_options)
    trusted = not settings.proxy_trusted_addresses or _peer_in(request, tuple(settings.proxy_trusted_addresses))
    return certificate_lookup.certificate_chain(lookup, request.headers, trusted=trusted)


def _peer_in(request: Request, addresses: tuple[str, ...]) -> bool:
    try:
        peer = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(peer in network for network in _networks(addresses))


def dpop_header(request: Request) -> str | None:
    """The ``DPoP`` header; repeated, its values joined by a comma (as JAX-RS getHeaderString joins them)."""
    values = request.headers.getlist(dpop.HEADER)
    return ",".join(values) if values else None


def resource_presentation(request: Request) -> access.Presentation | None:
    """How a REST request (account, admin) presented its access token: ``Bearer`` or ``DPoP`` with its proof."""
    return access.presentation(
        request.headers.get("authorization"), dpop_header(request), request_url(request), request.method
    )


def request_url(request: Request) -> str:
    """This request's absolute URL without its query (JAX-RS ``getAbsolutePath``), as a DPoP proof names it."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) and raw else request.url.path
    return f"{base_url(request)}{path}"


@contextlib.asynccontextmanager
async def transaction(request: Request, *, write: bool = True) -> AsyncIterator[Tx]:
    """The one way a request opens a transaction: the path's realm, whenever read in it, becomes the request's
    context realm (``adopt_realm``), as Keycloak's ``session.getContext().setRealm`` does wherever a resource
    resolves the realm (RealmsResource, RealmsAdminResource.getRealmAdmin, AdminRoot's console). So every URL
    built afterwards, whatever the handler (login pages, e-mail links, account and admin REST, the consoles),
    follows that realm's ``frontendUrl``. A mail its work left due (web/email_links.py) is sent once committed, as
    ``in_transaction`` sends it, though here its failure cannot change the answer."""
    async with state(request).db.transaction(write=write) as tx:
        tx.realms.on_load = functools.partial(adopt_realm, request)
        yield tx
    for send in tx.mails_due:
        await send()


async def in_transaction(request: Request, work: Callable[[Tx], Awaitable[T]], *, write: bool = True) -> T:
    """Run ``work`` in one transaction. OAuth and admin errors are answers: they commit too. A writing one that finds
    it needs a call to another host is rolled back, the call made outside it, and ``work`` run again
    (fetch_outside.py). The mails ``work`` left due (web/email_links.py) go out once it has committed, and one that
    fails answers instead (its error page)."""

    async def attempt() -> tuple[Tx, T | None, Exception | None]:
        answer: Exception | None = None
        result: T | None = None
        async with state(request).db.transaction(write=write) as tx:
            tx.realms.on_load = functools.partial(adopt_realm, request)  # ``transaction``'s hook, without its frame
            try:
                result = await work(tx)
            except (OAuthError, AdminError, BearerError) as err:
                answer = err
        return tx, result, answer

    tx, result, answer = await (fetch_outside.run_outside(attempt) if write else attempt())
    finish(request, tx)
    for send in tx.mails_due:  # no lock held now: a slow mail server holds up this answer only
        instead = await send()
        if instead is not None and answer is None:
            result = cast(T, instead)  # the failure's page, in place of the page that said it was sent
    if answer is not None:
        raise answer
    return result  # type: ignore[return-value]


# Where a request's scope keeps the browser security headers of the realm it read (web/headers.py).
REALM_HEADERS = "doorkeep.browser_security_headers"
# Where it keeps the delivery of the logout tokens its transaction's ended sessions owe their clients, for a
# handler that answers by its outcome (web/backchannel.py Notifier.delivered).
DELIVERY = "doorkeep.logout_delivery"


def finish(request: Request, tx: Tx) -> None:
    """After a commit: run the transaction's after-commit actions and announce the sessions it ended."""
    for action in tx.after_commit:
        action()
    if (loaded := tx.realms.loaded) is not None:  # the security headers middleware answers with its headers
        request.scope.setdefault("state", {})[REALM_HEADERS] = loaded.browser_security_headers
    if tx.ended:
        delivery = state(request).notifier.sessions_ended(base_url(request), tx.ended)
        request.scope.setdefault("state", {})[DELIVERY] = delivery


def wants_html(request: Request) -> bool:
    """``MediaTypeMatcher.isHtmlRequest``: one of the Accept header's types is ``text/html`` or ``text/*`` (a
    browser's navigation; ``*/*`` alone is not), so an error is drawn as a page (web/error_pages.py)."""
    for header in request.headers.getlist("accept"):
        for item in header.split(","):
            if item.split(";", 1)[0].strip().lower() in ("text/html", "text/*"):
                return True
    return False


def wants_json(request: Request) -> bool:
    """``MediaTypeMatcher.isJsonRequest``: one of the Accept header's types, not a wildcard type, is compatible
    with ``application/json`` (``application/json``, ``application/*``; ``*/*`` alone is not)."""
    for header in request.headers.getlist("accept"):
        for item in header.split(","):
            kind = item.split(";", 1)[0].strip().lower()
            if kind in ("application/json", "application/*"):
                return True
    return False


class RealmNotFound(Exception):
    """Keycloak's ``NotFoundException("Realm does not exist")``, thrown where a path names no realm: JSON for a REST
    client, the error page for a browser (web/server_errors.py answers it, as KeycloakErrorHandler does)."""


def realm_not_found_json() -> Response:
    return json_response({"error": "Realm does not exist"}, 404)
