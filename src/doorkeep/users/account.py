"""Keycloak's Account REST API (KEYCLOAK.md §10): where users see their applications, consents and
sessions, and revoke offline tokens.

Keycloak's AccountLoader, AccountRestService and account/SessionResource. The caller is a bearer
access token of the realm that is valid (``oauth.access.validate``), carries the ``account``
audience (else 401, "Invalid audience for client account") and is not a service account; each
operation then requires one of the ``account`` client roles the token carries (403).
Operations take a ``Tx`` and return Keycloak's JSON (nulls omitted, times in seconds).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import events, policy
from doorkeep.admin import user_profile as up_config
from doorkeep.console.pages import CONSENT_TEXTS
from doorkeep.errors import AdminError
from doorkeep.model import Client, Consent, Realm, User, UserSession
from doorkeep.oauth import access, introspection, redirect_uris
from doorkeep.oauth import consent as consent_screen
from doorkeep.sessions import revocation_triggers, service, triggered
from doorkeep.sessions.liveness import realm_filter
from doorkeep.users import account_profile, declared, locale_attribute, read_only, unmanaged
from doorkeep.users import profile as user_profile

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

ACCOUNT_CLIENT = "account"
MANAGE_ACCOUNT, VIEW_PROFILE = "manage-account", "view-profile"
VIEW_APPLICATIONS, VIEW_CONSENT, MANAGE_CONSENT = "view-applications", "view-consent", "manage-consent"
UNAUTHORIZED = AdminError(401, "HTTP 401 Unauthorized", key="error")
FORBIDDEN = AdminError(403, "HTTP 403 Forbidden", key="error")
UNKNOWN, OTHER = "Unknown", "Other"


@dataclass(frozen=True)
class Caller:
    """The authenticated account user: realm, user, the token's ``sid`` and effective account roles."""

    realm: Realm
    user: User
    session_id: str | None
    roles: frozenset[str]
    base_url: str
    now: int
    origins: frozenset[str] = frozenset()  # the token's allowed-origins (CORS)
    ip: str | None = None  # the caller's address, which its events record (EventBuilder's ipAddress)
    scopes: frozenset[str] = frozenset()  # the token's client scopes (its ``scope``), for the user profile
    client: Client | None = None  # the client the token was issued to (its ``azp``)
    acr: str | None = None  # the token's ``acr``: the level of authentication it stands for

    def require_one_of(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise FORBIDDEN


async def authenticate(
    tx: Tx,
    services: Services,
    realm_name: str,
    base_url: str,
    token: str | None,
    ip: str | None = None,
    *,
    presented: access.Presentation | None = None,
) -> Caller:
    """The realm (404), its enabled ``account`` client (404), then the bearer token (401); ``presented``: how the
    request's Authorization header carried it (a DPoP token needs its proof, oauth/access.py). A service account's
    token is accepted here and refused by ``refuse_service_account``."""
    realm = await tx.realms.get_by_name(realm_name)
    if realm is None:
        raise AdminError(404, "Realm does not exist", key="error")
    account = await tx.clients.get_by_client_id(realm.id, ACCOUNT_CLIENT)
    if account is None or not account.enabled:
        raise AdminError(404, "account management not enabled", key="error")
    if token is None or not realm.enabled:
        raise UNAUTHORIZED
    previous = tx.config.bind(realm)  # the realm's cached keys: a token naming an unknown kid reads none again
    try:
        claims = await access.verified_claims(tx, services, realm, f"{base_url}/realms/{realm.name}", token, presented)
    except access.InvalidAccess:
        raise UNAUTHORIZED from None
    finally:
        tx.config.bind(previous)
    try:
        valid = await access.holder(tx, services, realm, claims)
    except access.InvalidAccess:
        raise Unauthenticated(allowed_origins(claims)) from None  # its session ended, say: a token still signed
    claims = valid.claims
    access_of = claims.get("resource_access")
    if claims.get("aud") is None or not isinstance(access_of, dict) or access_of.get(ACCOUNT_CLIENT) is None:
        # a lightweight token, say: its claims filled in as introspection shows them (AccountLoader)
        claims = await introspection.transform_access_token(
            tx, claims, valid.client, valid.user, valid.session, base_url, realm.name
        )
    aud = claims.get("aud")
    if ACCOUNT_CLIENT not in (aud if isinstance(aud, list) else [aud]):
        raise Unauthenticated(allowed_origins(claims))
    sid = claims.get("sid")
    roles, allowed = token_roles(claims), allowed_origins(claims)
    scope = claims.get("scope")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
    now = services.clock.now()
    acr = claims.get("acr")
    return Caller(
        realm, valid.user, str(sid) if sid else None, roles, base_url, now, allowed, ip, scopes,
        valid.client, str(acr) if acr is not None else None,
    )  # fmt: skip


class Unauthenticated(AdminError):
    """The 401 for a token whose signature holds but which the API refuses (its session ended, no ``account``
    audience): the token's ``allowed-origins`` go with it, so the refusal carries their CORS (AccountEndpointCorsTest)
    and a JavaScript app sees the 401 instead of a CORS failure."""

    def __init__(self, origins: frozenset[str]) -> None:
        super().__init__(UNAUTHORIZED.status, UNAUTHORIZED.message, key=UNAUTHORIZED.key)
        self.origins = origins


def allowed_origins(claims: dict[str, Any]) -> frozenset[str]:
    origins = claims.get("allowed-origins")
    return frozenset(str(o) for o in origins) if isinstance(origins, list) else frozenset()


def origin_refused(origin: str | None, caller: Caller) -> bool:
    """``Cors.failOnInvalidOrigin()``: a request with an ``Origin`` its token does not allow (nor ``*``) is refused
    before the resource runs; one without an ``Origin`` is not a CORS request."""
    return origin is not None and origin not in caller.origins and "*" not in caller.origins


def refuse_service_account(caller: Caller) -> None:
    """AccountLoader's "Service accounts are not allowed to access this service" (401), checked once the token's
    CORS is decided, so the refusal carries it."""
    if caller.user.service_account_client_id is not None:
        raise UNAUTHORIZED


def token_roles(claims: dict[str, Any]) -> frozenset[str]:
    """The ``account`` roles the token carries (``resource_access.account.roles``), not the user's: Keycloak's
    Auth.hasClientRole reads the token, so a client without those roles in its scope gets 403."""
    access = claims.get("resource_access")
    entry = access.get(ACCOUNT_CLIENT) if isinstance(access, dict) else None
    roles = entry.get("roles") if isinstance(entry, dict) else None
    return frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset()


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """Jackson's NON_NULL: null fields are left out."""
    return {k: v for k, v in body.items() if v is not None}


# --- the profile -------------------------------------------------------------------------------
def profile(caller: Caller, *, with_metadata: bool = True) -> dict[str, Any]:
    """``GET /account``: the account UserRepresentation with ``userProfileMetadata`` (left out only for
    ``?userProfileMetadata=false``), as UserProfile.toRepresentation builds it (view-profile or manage-account);
    ``attributes`` holds the declared attributes the user may view (unmanaged ones are not shown) and, while
    internationalization is on, the user's ``locale`` (``users.locale_attribute``); a root attribute is left out where
    its configured permissions keep the user from viewing it, and ``emailVerified`` comes only with a readable,
    non-empty e-mail (DefaultUserProfile.toRepresentation sets the root fields from the readable attributes)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    u = caller.user
    config = up_config.config_of(caller.realm)
    shown = {
        name: list(declared.as_values(u.attributes[name]))
        for attribute in declared.custom(config)
        if (name := attribute["name"]) in u.attributes and declared.can_view(attribute, declared.ACCOUNT)
    }
    policy = up_config.unmanaged_policy(caller.realm)
    if up_config.enforced(caller.realm) and unmanaged.can_view(policy, declared.ACCOUNT):  # ENABLED only
        shown.update({k: list(declared.as_values(v)) for k, v in unmanaged.only(config, u.attributes).items()})
    shown.update(locale_attribute.shown(caller.realm, config, u.attributes))
    seen = account_profile.readable(caller.realm, declared.ACCOUNT)
    email = u.email if "email" in seen and u.email else None
    return _compact(
        {
            "id": u.id,
            "username": u.username if "username" in seen else None,
            "firstName": u.first_name if "firstName" in seen else None,
            "lastName": u.last_name if "lastName" in seen else None,
            "email": email,
            "emailVerified": u.email_verified if email is not None else None,  # set with a readable e-mail only
            "attributes": shown or None,  # the declared attributes the user may view
            "userProfileMetadata": (
                account_profile.metadata(caller.realm, scopes=caller.scopes) if with_metadata else None
            ),
        }
    )


PROFILE_FIELDS = account_profile.ATTRIBUTES
CANNOT_PARSE = AdminError(400, "invalid_request", key="error", description="Cannot parse the JSON")
# The properties Jackson binds on a UserRepresentation (its own and AbstractUserRepresentation's setters, and
# the deprecated ``applicationRoles`` through its getter); ``rawAttributes`` is @JsonIgnore'd, so skipped.
USER_REPRESENTATION = frozenset(
    [
        "id",
        "username",
        "firstName",
        "lastName",
        "email",
        "emailVerified",
        "attributes",
        "userProfileMetadata",
        "enabled",
        "self",
        "origin",
        "createdTimestamp",
        "totp",
        "federationLink",
        "serviceAccountClientId",
        "credentials",
        "disableableCredentialTypes",
        "requiredActions",
        "federatedIdentities",
        "realmRoles",
        "clientRoles",
        "clientConsents",
        "notBefore",
        "applicationRoles",
        "socialLinks",
        "groups",
        "access",
        "rawAttributes",
    ]
)


def _attributes(value: Any) -> dict[str, Any] | None:
    """The body's ``attributes`` as StringListMapDeserializer reads them: an object as it is, null as none, and
    anything else (a string, number, boolean, array) as an empty map, never refused: the update then goes on as
    for ``{}``, which under the ENABLED policy removes the user's unmanaged attributes."""
    if value is None or isinstance(value, dict):
        return value
    return {}


async def update_profile(tx: Tx, caller: Caller, body: Any, fixed: read_only.Names) -> None:
    """``POST /account``: the user profile's ACCOUNT context (``users.account_profile``); a new e-mail is
    unverified. Every error is answered at once, its first parameter the attribute's display name.

    The body is a UserRepresentation, read before the method runs (so before the role check): anything but
    an object, or a profile field that is neither a string nor null, is refused as the admin API refuses it
    ("Cannot parse the JSON"), never ignored; a property UserRepresentation does not have is refused by the
    handler, which has the raw body (``admin.unknown_properties``). A change records UPDATE_PROFILE with the
    ACCOUNT context and, per changed attribute, EventAuditingAttributeChangeListener's details. Unmanaged
    ``attributes`` are validated (DefaultAttributes' length ≤ 2048) only under the ENABLED policy, the one that
    keeps them in this context, and written (those the body leaves out removed) in a realm given a
    configuration (``users.unmanaged``); a realm never given one keeps the user's. The attributes the realm's
    user profile declares are validated and written as ``users.declared`` says for the ACCOUNT context (the
    ``user`` role's permissions and requirements; one the body leaves out is emptied where the user may edit it, as
    Keycloak's rawAttributes leave it out), their errors named by their display names. An attribute ``fixed``
    names (the server's read-only attributes, ``users.read_only``) is refused if changed and otherwise stays the
    user's, sent or not. While internationalization is on, ``attributes.locale`` is written, and removed when
    left out (``users.locale_attribute``); while it is off, a sent one is ignored.
    """
    if not isinstance(body, dict) or any(not isinstance(body.get(k), (str, type(None))) for k in PROFILE_FIELDS):
        raise CANNOT_PARSE
    caller.require_one_of(MANAGE_ACCOUNT)
    user, realm = caller.user, caller.realm
    config, current = up_config.config_of(realm), dict(user.attributes)
    sent = _attributes(body.get("attributes"))
    values = account_profile.normalize(realm, user, body)
    found = await account_profile.errors(tx, realm, user, body, values)
    chosen = declared.values(config, declared.ACCOUNT, sent, current)
    found.extend(declared.errors(config, declared.ACCOUNT, chosen, current))
    taken = up_config.enforced(realm) and unmanaged.can_view(up_config.unmanaged_policy(realm), declared.ACCOUNT)
    others = {k: v for k, v in (sent or {}).items() if unmanaged.is_unmanaged(config, k)}
    found.extend(
        read_only.refused(fixed, {**chosen, **read_only.held(fixed, others, current, unmanaged=taken)}, current)
    )
    if up_config.unmanaged_policy(realm) == "ENABLED" and sent is not None:
        # Only then does DefaultAttributes keep unmanaged attributes in the ACCOUNT context, and validate them
        # with the default length validator (max 2048); any other policy drops them before validation.
        known = declared.names(config)
        found.extend(user_profile.check_attributes({k: v for k, v in sent.items() if k not in known}))
    if found:
        names = {  # the metadata's display names: the configured ones, the root attributes' built-in ones
            a["name"]: declared.display_name(a, account_profile.DISPLAY_NAMES.get(a["name"]))
            for a in config.get("attributes") or []
        }
        shown = [account_profile.display_params(e, names) for e in found]
        raise user_profile.ProfileError(shown, shrink=False, status=account_profile.status(found))
    attributes = declared.written(config, declared.ACCOUNT, chosen, user.attributes, current)
    if up_config.enforced(realm):  # ENABLED: the body's unmanaged attributes replace the user's
        policy = up_config.unmanaged_policy(realm)
        kept = unmanaged.kept(config, policy, declared.ACCOUNT, sent, current, absent_removes=True)
        attributes = unmanaged.replaced(config, attributes, kept)
    attributes = locale_attribute.written(realm, config, attributes, sent)
    attributes = read_only.pinned(fixed, attributes, current)
    updated = dataclasses.replace(user, **account_profile.changes(realm, user, values), attributes=attributes)
    await tx.users.update(updated)
    details = {"context": "ACCOUNT", **account_profile.change_details(user, updated)}
    await _record(tx, caller, "UPDATE_PROFILE", details=details)


# --- applications and consents -----------------------------------------------------------------
def effective_url(client: Client, base_url: str) -> str | None:
    """Keycloak's ResolveRelative: a relative base URL joins the root URL (or the server's origin)."""
    url = client.base_url
    if url is None or not url.startswith("/"):
        return url
    root = client.root_url
    if not root:  # UriBuilder.fromUri(frontendUrl).replacePath(url): the server's origin, not its path
        return redirect_uris.server_origin(base_url) + url
    for placeholder in ("${authBaseUrl}", "${authAdminUrl}"):
        if root.startswith(placeholder):
            root = base_url + root[len(placeholder) :]
    return root.rstrip("/") + url


def _scope_json(scope_id: str, consent_text: str, full: dict[str, str | None] | None = None) -> dict[str, Any]:
    """ConsentScopeRepresentation as Keycloak 26's AccountRestService.modelToRepresentation builds it:
    ``name`` is the raw consent-screen text (``${addressScopeConsentText}``; issue #13109),
    ``displayText`` that text with its message resolved in English (also echoed as the deprecated
    ``displayTest``); ``full`` (not brief): the scope's ``description`` and ``protocol`` too."""
    text = CONSENT_TEXTS.get(consent_text, consent_text)
    return _compact({"id": scope_id, "name": consent_text, **(full or {}), "displayText": text, "displayTest": text})


async def _consent_json(tx: Tx, client: Client, consent: Consent, *, brief: bool = True) -> dict[str, Any]:
    """ConsentRepresentation: granted scopes, created and last-updated dates (ms); not ``brief``
    (``briefRepresentation=false``), each scope with its description and protocol."""
    scopes: list[dict[str, Any]] = []
    for scope_id in consent.granted_scopes:
        if scope_id == client.id:  # a consent-required client is itself a grantable "scope"
            full = None if brief else {"description": client.description, "protocol": client.protocol}
            scopes.append(_scope_json(client.id, consent_screen.client_text(client), full))
            continue
        scope = await tx.scopes.get(scope_id)
        if scope is not None:
            full = None if brief else {"description": scope.description, "protocol": scope.protocol}
            scopes.append(_scope_json(scope.id, consent_screen.scope_text(scope), full))
    return {"grantedScopes": scopes, "createdDate": consent.created_date, "lastUpdatedDate": consent.last_updated_date}


async def applications(tx: Tx, caller: Caller, name: str | None) -> list[dict[str, Any]]:
    """Clients with an online session (inUse), an offline one (offlineAccess) or a consent, plus the
    always-displayed ones; bearer-only clients left out; ``name`` filters on the client's name."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_APPLICATIONS)
    user, realm = caller.user, caller.realm
    online_live = await realm_filter(tx, realm, False, caller.now)
    offline_live = await realm_filter(tx, realm, True, caller.now)
    in_use = {cid for _, cid in await tx.sessions.user_client_pairs(user.id, False, online_live)}
    offline = {cid for _, cid in await tx.sessions.user_client_pairs(user.id, True, offline_live)}
    consents = {c.client_id: c for c in await tx.sessions.consents_of(user.id)}
    found: dict[str, Client] = {}
    for client_uuid in in_use | offline | set(consents):
        client = await tx.clients.get(client_uuid)
        if client is not None and client.realm_id == realm.id:
            found[client.id] = client
    for client in await tx.clients.list(realm.id):
        if client.always_display_in_console:
            found[client.id] = client
    out = []
    for client in sorted(found.values(), key=lambda c: c.client_id):
        if client.bearer_only or not client.client_id:
            continue
        if name is not None and (client.name is None or name.lower() not in client.name.lower()):
            continue
        item: dict[str, Any] = {
            "clientId": client.client_id,
            "clientName": client.name,
            "description": client.description,
            "userConsentRequired": client.consent_required,
            "inUse": client.id in in_use,
            "offlineAccess": client.id in offline,
            "rootUrl": client.root_url,
            "baseUrl": client.base_url,
            "effectiveUrl": effective_url(client, caller.base_url),
        }
        consent = consents.get(client.id)
        if consent is not None:
            item["consent"] = await _consent_json(tx, client, consent)
            item.update(
                logoUri=client.attributes.get("logoUri"),
                policyUri=client.attributes.get("policyUri"),
                tosUri=client.attributes.get("tosUri"),
            )
        out.append(_compact(item))
    return out


async def _client(tx: Tx, caller: Caller, client_id: str) -> Client:
    client = await tx.clients.get_by_client_id(caller.realm.id, client_id)
    if client is None:
        raise AdminError(404, f"No client with clientId: {client_id} found.")
    return client


async def get_consent(tx: Tx, caller: Caller, client_id: str, *, brief: bool = True) -> dict[str, Any] | None:
    """The user's consent to this client, or None (the route answers 204)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_CONSENT, MANAGE_CONSENT)
    client = await _client(tx, caller, client_id)
    consent = await tx.sessions.get_consent(caller.user.id, client.id)
    return None if consent is None else await _consent_json(tx, client, consent, brief=brief)


async def upsert_consent(tx: Tx, caller: Caller, client_id: str, body: Any) -> dict[str, Any]:
    """Create or replace the consent with the given scopes (each ``{"id": …}``, or ``{"name": …}``)."""
    caller.require_one_of(MANAGE_ACCOUNT, MANAGE_CONSENT)
    client = await _client(tx, caller, client_id)
    requested = body.get("grantedScopes") if isinstance(body, dict) else None
    if not isinstance(requested, list):
        requested = []
    realm_scopes = await tx.scopes.list(caller.realm.id)
    available = {s.id for s in realm_scopes} | ({client.id} if client.consent_required else set())
    by_name = {s.name: s.id for s in realm_scopes}
    granted: list[str] = []
    for item in requested:
        fields = item if isinstance(item, dict) else {}
        if fields.get("id") is not None:
            ident = str(fields["id"])
            scope_id = ident if ident in available else None
        else:
            ident = str(fields.get("name"))
            scope_id = by_name.get(ident)
        if scope_id is None:
            raise AdminError(400, f"Scope id {ident} does not exist for client {client.name or client.client_id}.")
        if scope_id not in granted:
            granted.append(scope_id)
    now_ms = caller.now * 1000
    existing = await tx.sessions.get_consent(caller.user.id, client.id)
    consent = Consent(caller.user.id, client.id, tuple(granted), existing.created_date if existing else now_ms, now_ms)
    await tx.sessions.save_consent(consent)
    # AccountRestService.upsert: GRANT_CONSENT for a new consent, UPDATE_CONSENT for a changed one, the scope
    # detail the granted scopes' names joined by spaces (a consent-required client's own "scope" is its name)
    names = [await _scope_name(tx, client, scope_id) for scope_id in granted]
    details = {"granted_client": client.client_id, "scope": " ".join(names)}
    await _record(tx, caller, "UPDATE_CONSENT" if existing else "GRANT_CONSENT", details=details)
    return await _consent_json(tx, client, consent)


async def _scope_name(tx: Tx, client: Client, scope_id: str) -> str:
    if scope_id == client.id:
        return str(client.name)  # ClientModel.getName(); Java's join writes a missing one as "null"
    scope = await tx.scopes.get(scope_id)
    return scope.name if scope is not None else ""


async def _record(
    tx: Tx, caller: Caller, type: str, *, session_id: str | None = None, details: dict[str, str] | None = None
) -> None:
    """An event of the account REST API: AccountRestService's builder names the ``account`` client and the
    user, and a session only where the resource names one (SessionResource's LOGOUT)."""
    await events.record(
        tx,
        caller.realm,
        type,
        now=caller.now,
        client_id=ACCOUNT_CLIENT,
        user_id=caller.user.id,
        session_id=session_id,
        ip=caller.ip,
        details=details,
    )


async def revoke_consent(tx: Tx, caller: Caller, client_id: str) -> None:
    """``DELETE /account/applications/{clientId}/consent``: ``service.revoke_grant``, then REVOKE_GRANT."""
    caller.require_one_of(MANAGE_ACCOUNT, MANAGE_CONSENT)
    client = await _client(tx, caller, client_id)
    await triggered.revoke_grant(tx, caller.realm, caller.user.id, client)
    await _record(tx, caller, "REVOKE_GRANT", details={"revoked_client": client.client_id})


# --- sessions and devices ----------------------------------------------------------------------
async def _live_sessions(tx: Tx, caller: Caller, offline: bool) -> list[UserSession]:
    """The user's live online (or offline) sessions (expired rows awaiting the cleaner are not shown)."""
    live = await realm_filter(tx, caller.realm, offline, caller.now)
    return await tx.sessions.user_sessions_of(caller.user.id, offline, live)


def _device(session: UserSession) -> dict[str, str]:
    """What the session's notes say about the device; Keycloak's "unknown device" otherwise."""
    notes = session.notes

    def note(key: str, default: str) -> str:
        value = notes.get(key)
        return str(value) if value else default

    return {
        "os": note("os", OTHER),
        "osVersion": note("os.version", UNKNOWN),
        "device": note("device", OTHER),
        "browser": note("browser", f"{OTHER}/{UNKNOWN}"),
    }


async def _session_json(tx: Tx, caller: Caller, session: UserSession, offline: bool = False) -> dict[str, Any]:
    """SessionRepresentation: times in seconds; ``expires`` = started + SSO Session Max."""
    clients, live = [], await realm_filter(tx, caller.realm, offline, caller.now)
    for cs in await tx.sessions.client_sessions(session.id, offline, live):
        client = await tx.clients.get(cs.client_id)
        if client is not None:
            clients.append(
                _compact(
                    {
                        "clientId": client.client_id,
                        "clientName": client.name,
                        "userConsentRequired": False,
                        "inUse": False,
                        "offlineAccess": False,
                    }
                )
            )
    return _compact(
        {
            "id": session.id,
            "ipAddress": session.ip_address,
            "started": session.started,
            "lastAccess": session.last_session_refresh,
            "expires": session.started + policy.sso_max(caller.realm, session.remember_me),
            "clients": clients,
            "browser": session.notes.get("browser") or None,  # DeviceRepresentation.unknown(): no browser
            "current": True if session.id == caller.session_id else None,
        }
    )


async def sessions(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """``GET /account/sessions``: online sessions only (Keycloak issue #50936: the devices list the offline
    ones, this older resource does not)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    return [await _session_json(tx, caller, s) for s in await _live_sessions(tx, caller, False)]


async def _signed_in(tx: Tx, caller: Caller) -> list[tuple[UserSession, bool]]:
    """The online sessions, then the offline ones (Keycloak 26.5, PR #45112 "delete offline sessions via
    account console"), an offline session of the same id as an online one shown once, as the online one."""
    online = await _live_sessions(tx, caller, False)
    ids = {s.id for s in online}
    offline = [s for s in await _live_sessions(tx, caller, True) if s.id not in ids]
    return [(s, False) for s in online] + [(s, True) for s in offline]


async def devices(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """``GET /account/sessions/devices``: the online and offline sessions grouped by operating system and
    version (AccountRestServiceTest.testListingAllSignedInDevicesEvenOfflineSessionsThenTerminatingAllSessions)."""
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    grouped: dict[str, dict[str, Any]] = {}
    for session, offline in await _signed_in(tx, caller):
        device = _device(session)
        rep = grouped.setdefault(
            device["os"] + device["osVersion"],
            {
                "os": device["os"],
                "osVersion": device["osVersion"],
                "device": device["device"],
                "lastAccess": 0,
                "mobile": session.notes.get("mobile") == "true",  # DeviceRepresentation.isMobile
                "sessions": [],
            },
        )
        if session.id == caller.session_id:
            rep["current"] = True
        rep["lastAccess"] = max(rep["lastAccess"], session.last_session_refresh)
        rep["sessions"].append(await _session_json(tx, caller, session, offline))
    return list(grouped.values())


async def logout_sessions(tx: Tx, caller: Caller, *, include_current: bool) -> None:
    """``DELETE /account/sessions``: every session, online and offline (the current one only if asked), as
    the revocation-trigger policy ``account-logout`` says (by default both, as Keycloak 26.5+ does); a
    LOGOUT event for each session id that is gone."""
    caller.require_one_of(MANAGE_ACCOUNT)
    keep = None if include_current else caller.session_id
    listed: list[str] = []
    for offline in (False, True):
        for session in await tx.sessions.user_sessions_of(caller.user.id, offline):
            if session.id != keep and session.id not in listed:
                listed.append(session.id)
    trigger = revocation_triggers.ACCOUNT_LOGOUT
    await triggered.end_for_user(tx, caller.realm, caller.user.id, trigger, now=caller.now, keep_session=keep)
    left = await tx.session_ends.present(listed)
    gone = [session_id for session_id in listed if session_id not in left]
    # SessionResource.logout: a LOGOUT event for each session logged out, all of them stored in one statement
    each = [
        {"client_id": ACCOUNT_CLIENT, "user_id": caller.user.id, "session_id": sid, "ip": caller.ip} for sid in gone
    ]
    await events.record_many(tx, caller.realm, "LOGOUT", now=caller.now, each=each)


async def logout_session(tx: Tx, caller: Caller, session_id: str) -> None:
    """``DELETE /account/sessions/{id}``: that session, online or offline (both when they share the id), if
    it is the caller's; one LOGOUT event; 204 either way."""
    caller.require_one_of(MANAGE_ACCOUNT)
    if "\x00" in session_id:  # no session has one (PostgreSQL refuses a NUL in text): unknown on both engines
        return
    ended = False
    for offline in (False, True):
        session = await tx.sessions.get_user_session(session_id, offline)
        if session is not None and session.user_id == caller.user.id:
            await service.end(tx, session.id, offline)
            ended = True
    if ended:
        await _record(tx, caller, "LOGOUT", session_id=session_id)
