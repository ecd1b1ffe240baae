"""The authorization request as the login keeps it (Keycloak's authentication session notes), from the
authorization endpoint (oauth/authorize.py) to the code or tokens it ends with."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class AuthRequest:
    """A validated authorization request, kept in the authentication session while the user logs in."""

    client_id: str
    redirect_uri: str
    response_type: str
    response_mode: str
    scope: str
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    dpop_jkt: str | None = None  # the key the code's token request must prove (RFC 9449 §10)
    prompt: str | None = None
    login_hint: str | None = None
    max_age: int | None = None
    # Set when the login approves a device authorization (RFC 8628 §3.3): the user code it was started with,
    # normalised; there is then no redirect URI, and the end is the device verification status page.
    device_user_code: str | None = None
    issuer: str | None = None  # where the request came in; None in authentication sessions from before
    # The SSO session the login continues, pinned when the request came in (Keycloak's root authentication
    # session takes the user session's id), and whether that session's cookie authenticated the user (True)
    # or the user must give credentials again (prompt=login, max_age): see login_flow.pinned.
    user_session_id: str | None = None
    sso_login: bool = False
    # The login pages' language (Keycloak's authentication-session notes): the client's ``ui_locales``
    # (locale_client_requested) and the user's pick on a page, ``kc_locale`` (locale_user_requested).
    ui_locales: str | None = None
    kc_locale: str | None = None
    # An application-initiated action (the ``kc_action`` client note) while it is pending, then its outcome for
    # the response: ``kc_action_status`` and the alias of the last required action the user submitted
    # (LAST_PROCESSED_EXECUTION), sent back as ``kc_action`` (OIDCLoginProtocol.authenticated).
    kc_action: str | None = None
    kc_action_status: str | None = None
    kc_action_done: str | None = None
    # Required actions of this login only (AuthenticationSessionModel.addRequiredAction: an e-mailed link's
    # actions, the reset-credentials flow's UPDATE_PASSWORD), run with the user's own by priority; the
    # END_AFTER_REQUIRED_ACTIONS note (the login ends on "Your account has been updated." instead of a code);
    # and the INVALIDATE_ACTION_TOKEN note: the single-use key of the link, spent when the login ends.
    session_actions: tuple[str, ...] = ()
    # The browser flow's gate the OTP form stands for (oauth/login_gates.py): the gates after it run once the
    # code is right.
    flow_gate: int = 0
    # The OTP form shown is the post broker login flow's (oauth/login_broker_post.py), not a browser flow gate.
    post_broker: bool = False
    # The provider alias of a broker login the browser flow continues after (its steps after the Identity Provider
    # Redirector, oauth/login_gates.py), whose post broker login flow runs once those steps are through.
    broker_continuation: str | None = None
    # The credential types the browser flow's steps after the password validated so far (the AUTHN_CREDENTIALS
    # note, AuthenticatorUtil.addAuthCredential on ``context.success(type)``), which conditional-credential reads.
    used_credentials: tuple[str, ...] = ()
    # The password form was answered with a passkey (UsernamePasswordForm handing the form to
    # WebAuthnAuthenticator: ``context.success(webauthn-passwordless)``): the password does not count as used.
    passkey_signed_in: bool = False
    end_after_actions: bool = False
    action_token: str | None = None
    # The part of ``kc_action`` after its ``:`` (the KC_ACTION_PARAMETER client note): delete_credential's id.
    kc_action_parameter: str | None = None
    # Whether the request sent ``redirect_uri`` (Keycloak's REDIRECT_URI_PARAM note): the code binds the token
    # request to it only then (RFC 6749 §4.1.3). True in authentication sessions from before this field.
    redirect_uri_sent: bool = True
    # The ``redirect_uri`` as sent (REDIRECT_URI_PARAM), which the token request must repeat: it differs from
    # ``redirect_uri`` for the installed-app URN and a relative URI. None in sessions from before this field.
    redirect_uri_param: str | None = None
    # The username as the login form took it, trimmed (the ATTEMPTED_USERNAME auth note): the user session's
    # login username (AuthenticationManager.createUserSession), so the LOGIN event's ``username`` and the
    # remember-me cookie keep the e-mail a user logged in with (LoginTest.loginUserWithEmailAsUsername).
    attempted_username: str | None = None
    # USERNAME_HIDDEN: the organization step passed the typed name on (OrganizationAuthenticator.attempted), so the
    # username and password form shows it fixed and asks for the password alone.
    username_hidden: bool = False
    # The ``claims`` and ``acr_values`` parameters as sent (the CLAIMS_PARAM and ACR_PARAM client notes): the
    # ACRs the client asks for, which the ``acr`` claim is named from (oauth/acr.py).
    claims: str | None = None
    acr_values: str | None = None
    # The APP_INITIATED_FLOW client note: "registration" for a login the application began on the registration
    # form (the registrations endpoint, ``prompt=create``), which "Restart login" begins there again.
    app_initiated_flow: str | None = None
    # ``kc_idp_hint`` (the identity provider the IdentityProviderAuthenticator sends the login to, web/broker.py);
    # "" when sent empty, which the redirectors read as "no provider, not even the default one".
    kc_idp_hint: str | None = None
    # A login through an identity provider: its alias and the user's name there (IDENTITY_PROVIDER and
    # IDENTITY_PROVIDER_USERNAME, the details of its LOGIN event).
    identity_provider: str | None = None
    identity_provider_identity: str | None = None
    identity_provider_id_token: str | None = None  # the provider's ID token, a note of the session for its logout
    # ``{alias}.{session_state}`` of the provider's token response: the session's brokerSessionId, which the
    # provider's logout token names by ``sid`` (broker/logout_tokens.py)
    identity_provider_session: str | None = None
    # Step-up authentication (oauth/loa.py), Keycloak's auth notes: the level this login has reached
    # (LEVEL_OF_AUTHENTICATION, -1: none yet), the levels of the SSO session and their times (LOA_MAP, JSON),
    # FORCED_REAUTHENTICATION (prompt=login or max_age over an SSO session), and whether a level sub-flow ran
    # (its callback registered: the flow's end then checks and saves the levels).
    # auth-flow-enforcer's choice (the REQUESTED_AUTHENTICATION_FLOW auth note: the browser flow's alias, run
    # instead of any binding) and the level a login through it reaches (AUTHENTICATION_FLOW_LEVEL_OF_AUTHENTICATION).
    requested_flow: str | None = None
    flow_loa: int | None = None
    loa_level: int = -1
    loa_map: str | None = None
    loa_forced_reauthentication: bool = False
    loa_recorded: bool = False
    # A registration from an organization invitation's link (its InviteOrgActionToken, the ``token`` parameter,
    # kept as sent, and the organization's name, the form's heading): RegistrationUserCreation checks the
    # e-mail against it and makes the new user a member.
    invitation: str | None = None
    invitation_org: str | None = None
    # The organization picked on select-organization.ftl (the ``kc.org`` client note): its id, noted on the client
    # session for the ``organization`` scope's claim (OrganizationScope.ANY).
    organization: str | None = None
    # The organization the Organization step resolved for the typed name and sent to a provider (the
    # ORGANIZATION_ATTRIBUTE auth note, OrganizationAuthenticator.action): the login's organization, which the
    # first broker login's review holds the e-mail to (OrganizationMemberValidator).
    organization_context: str | None = None
    # The request's other parameters (AuthzEndpointRequestParser.extractAdditionalReqParams, the
    # ``client_request_param_`` client notes), in the order sent: what an identity provider's ``forwardParameters``
    # passes on (broker/forwarding.py).
    additional_params: tuple[tuple[str, str], ...] = ()
    # The resource-indicators feature: the request's ``resource`` (RFC 8707), which the code's token request must
    # keep (oauth/resource_indicators.py). None: none named, or the feature off.
    resource: str | None = None
    # The pushed request the login began with (the REQUEST_URI auth note), as its store keeps it
    # (model.pushed_request_digest): used up when the login ends, so of the logins a request_uri began only the
    # first to end gets a code (Keycloak 26.8's OIDCLoginProtocol.authenticationComplete).
    pushed_request: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuthRequest:
        lists = {key: tuple(data.get(key) or ()) for key in ("session_actions", "used_credentials")}
        pairs = tuple((str(k), str(v)) for k, v in data.get("additional_params") or ())
        return cls(**{**data, **lists, "additional_params": pairs})

    def flow_reset(self) -> AuthRequest:
        """AuthenticationProcessor.resetFlow on the request: its auth notes go (ATTEMPTED_USERNAME, the organization
        picked, the credentials used, END_AFTER_REQUIRED_ACTIONS, INVALIDATE_ACTION_TOKEN, the post broker login
        flow's state, a broker login the flow continued), its user session notes (the identity provider the login
        came through) and its required actions; the client's request stays."""
        return dataclasses.replace(
            self,
            attempted_username=None,
            username_hidden=False,
            organization=None,
            organization_context=None,
            session_actions=(),
            used_credentials=(),
            flow_gate=0,
            passkey_signed_in=False,
            end_after_actions=False,
            action_token=None,
            post_broker=False,
            broker_continuation=None,
            identity_provider=None,
            identity_provider_identity=None,
            identity_provider_id_token=None,
            identity_provider_session=None,
        )


def has_prompt(request: AuthRequest, value: str) -> bool:
    """Keycloak's ``TokenUtil.hasPrompt``: ``prompt`` is a space-separated list (OIDC Core §3.1.2.1), so
    ``login consent`` asks for both."""
    return value in (request.prompt or "").split(" ")
