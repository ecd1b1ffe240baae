"""What a step of the browser login answers: a page to show (``Need*``), or the end of the login (``Done``,
``DeviceDone``, ``AccountUpdated``, ``AccountDeleted``, a ``Failed`` redirect, a ``Refused`` error page).

The web layer renders each; the authentication session keeps the request a step hands back (``request``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from doorkeep.model import UserSession
from doorkeep.oauth import front_channel
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.conditional_otp import NO_HEADERS, RequestHeaders
from doorkeep.oauth.consent import ConsentItem


@dataclass(frozen=True)
class Browser:
    """Where the login comes from: recorded on the session (device notes) and in events."""

    ip_address: str
    user_agent: str = ""
    # The root authentication session the posted step belongs to (the AUTH_SESSION_ID cookie's): Keycloak's
    # SessionCodeChecks puts its id on the event as ``code_id`` before any step, and a login that ends without
    # an SSO session ends in the user session of that id (AuthenticationProcessor.attachSession).
    auth_session_id: str | None = None
    # The server's base URL as the browser reached it: WebAuthn's origin and default Relying Party id.
    base_url: str = ""
    # The request's headers and whether its proxy headers count, for the Conditional OTP Form's patterns.
    headers: RequestHeaders = NO_HEADERS


@dataclass(frozen=True)
class Done:
    session: UserSession
    response: front_channel.AuthorizationResponse  # the code and the implicit or hybrid flow's tokens
    redirect_uri: str | None = None  # where the response goes instead of the request's redirect URI


@dataclass(frozen=True)
class DeviceDone:
    """A device-flow login finished: the device authorization approved, or found gone (``approved`` False)."""

    session: UserSession
    approved: bool


@dataclass(frozen=True)
class NeedLogin:
    error: str | None = None
    username: str = ""
    remember_me: bool = False  # the form's Remember me box checked
    # A re-authentication: the SSO session's user, whose password alone the form asks for (Keycloak's
    # UsernamePasswordForm with the user set before it: USERNAME_HIDDEN, USER_SET_BEFORE_USERNAME_PASSWORD_AUTH).
    user_id: str | None = None
    success: str | None = None  # the page's success message (ResetCredentialEmail's forkWithSuccessMessage)
    request: AuthRequest | None = None  # the login request as it now stands, when a step changed it (step-up)
    # the info message's key (a forwarded info message); None: "reauthenticate" for a known user, "": none
    info: str | None = None
    # the organization whose providers the username page offers (OrganizationAuthenticator.unknownUserChallenge)
    organization: str | None = None


@dataclass(frozen=True)
class NeedPasswordUpdate:
    user_id: str
    error: str | None = None
    cancel: bool = False  # asked for by the client (kc_action): the page offers ``cancel-aia``
    request: AuthRequest | None = None  # the login request as it now stands, when a step changed it


@dataclass(frozen=True)
class NeedProfileUpdate:
    """Keycloak's login-update-profile.ftl: the form's values and an error per field (login-theme texts)."""

    user_id: str
    values: dict[str, str]
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    cancel: bool = False
    request: AuthRequest | None = None
    lists: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """Every value of the attributes, for a multivalued one's inputs (one per value)."""
    no_email: bool = False
    """The user has no e-mail, which the page then asks for though UPDATE_EMAIL is enabled
    (``account_profile.email_settable``)."""
    action: str = "UPDATE_PROFILE"
    """The required action the form completes: UPDATE_PROFILE, or VERIFY_PROFILE (VerifyUserProfile's page)."""


@dataclass(frozen=True)
class NeedTerms:
    """Keycloak's terms.ftl: accept or decline."""

    user_id: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedRegistration:
    """Keycloak's register.ftl: the values typed (never the passwords) and an error per field."""

    values: dict[str, str] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    user_id: None = None  # no user yet: the authentication session has none


@dataclass(frozen=True)
class NeedOtp:
    """The OTP Form (login-otp.ftl) for a user whose password was right and who has an OTP credential; the
    form's Remember me box is kept until the login ends."""

    user_id: str
    error: str | None = None
    selected: str | None = None  # the credential the form's radio buttons select (its ``selectedCredentialId``)
    remember_me: bool = False
    request: AuthRequest | None = None  # the request with the attempted username noted, to be kept
    info: str | None = None  # the info message's key (a forwarded info message: a step-up's)


@dataclass(frozen=True)
class NeedTotpSetup:
    """The CONFIGURE_TOTP required action's page (login-config-totp.ftl); ``secret`` None: the authentication
    session's, or a new one; ``cancel``: asked for by the client, so the page offers ``cancel-aia``; ``mode``: the
    view the form was posted from (``manual``: the key as text), kept on an error (UpdateTotp.processAction)."""

    user_id: str
    error: str | None = None
    secret: str | None = None
    cancel: bool = False
    request: AuthRequest | None = None
    mode: str | None = None


@dataclass(frozen=True)
class NeedWebAuthnRegister:
    """WebAuthnRegister's page (webauthn-register.ftl), or its error page (webauthn-error.ftl: ``error``, the
    message key, with ``detail``); ``cancel``: asked for by the client, the page offers ``cancel-aia``."""

    user_id: str
    error: str | None = None
    detail: str | None = None
    cancel: bool = False
    request: AuthRequest | None = None
    passwordless: bool = False  # WebAuthnPasswordlessRegister: a passkey, under the passwordless policy


@dataclass(frozen=True)
class NeedWebAuthn:
    """WebAuthnAuthenticator's page (webauthn-authenticate.ftl) for a user who has a security key, or its error
    page (``error``: the message key); the Remember me box of the password form kept until the login ends."""

    user_id: str
    error: str | None = None
    remember_me: bool = False
    request: AuthRequest | None = None
    passwordless: bool = False  # WebAuthnPasswordlessAuthenticator: the user's passkeys, the passwordless policy


@dataclass(frozen=True)
class NeedRecoveryCode:
    """RecoveryAuthnCodesFormAuthenticator's page (login-recovery-authn-code-input.ftl): the code number ``number``
    asked for; ``error``: its message key, on the ``recoveryCodeInput`` field unless ``on_username``."""

    user_id: str
    number: int
    error: str | None = None
    remember_me: bool = False
    request: AuthRequest | None = None
    on_username: bool = False  # the brute-force lock's "Invalid username or password." (FIELD_USERNAME)


@dataclass(frozen=True)
class NeedSelection:
    """select-authenticator.ftl: the steps the user may take at the gate the login waits on (``request.flow_gate``;
    oauth/login_choices.py lists them)."""

    user_id: str
    remember_me: bool = False
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedOrganization:
    """select-organization.ftl (OrganizationAuthenticator.shouldUserSelectOrganization): the organizations of a
    member of several who asked for the ``organization`` scope, one of which the page posts as ``kc.org``."""

    user_id: str
    remember_me: bool = False
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedRecoverySetup:
    """RecoveryAuthnCodesAction's page (login-recovery-authn-code-config.ftl): the codes the authentication session
    keeps for it, shown once; ``cancel``: asked for by the client (``kc_action``), the page offers ``cancel-aia``."""

    user_id: str
    cancel: bool = False
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedEmailVerification:
    """The VERIFY_EMAIL required action's page (login-verify-email.ftl); the web layer sends the e-mail.
    ``resend``: asked for again (VerifyEmail.processAction), so sent even if this session mailed the address;
    ``cooldown``: the resend refused, the seconds left shown on the page (oauth/email_cooldown.py); ``cancel``:
    asked for by the client, so the page's form sends the e-mail and offers ``cancel-aia``."""

    user_id: str
    request: AuthRequest | None = None
    resend: bool = False
    cooldown: int | None = None
    cancel: bool = False


@dataclass(frozen=True)
class NeedEmailUpdate:
    """UPDATE_EMAIL's page (update-email.ftl): the address typed (or awaiting its link: ``pending``, then shown
    with "A verification email was sent to …"), its error, and ``cancel-aia`` when the client asked for it."""

    user_id: str
    email: str
    error: str | None = None
    cancel: bool = False
    request: AuthRequest | None = None
    pending: str | None = None
    cooldown: int | None = None  # the resend refused: the seconds left (emailVerifySendCooldown)


@dataclass(frozen=True)
class EmailUpdateSent:
    """UpdateEmail.sendEmailUpdateConfirmation's info page: the link to confirm ``email`` is mailed (the web
    layer sends it, naming this authentication session); ``logout_sessions``: the page's box, acted on by the
    link."""

    user_id: str
    email: str
    logout_sessions: bool = False
    request: AuthRequest | None = None
    previous: str | None = None  # the pending address before this one, kept should the link not go


@dataclass(frozen=True)
class NeedDeleteCredential:
    """DeleteCredentialAction's page (delete-credential.ftl): "Delete {label}", accept or ``cancel-aia``."""

    user_id: str
    label: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class NeedIdpLink:
    """IdpLinkAction's page (link-idp-action.ftl): "Do you want to link your account with {0}?", continue or
    ``cancel-aia``."""

    user_id: str
    display_name: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class ToIdpLink:
    """IdpLinkAction.processAction: the browser goes to the provider ``alias`` to link its identity."""

    user_id: str
    alias: str
    request: AuthRequest | None = None


@dataclass(frozen=True)
class ToProvider:
    """IdentityProviderAuthenticator.redirect from the organization step: the browser goes to the provider
    ``alias`` to sign in, the login's ``login_hint`` being the address typed (or the managed member's)."""

    alias: str
    request: AuthRequest


@dataclass(frozen=True)
class AccountUpdated:
    """END_AFTER_REQUIRED_ACTIONS: the actions of an e-mailed link are done, the login ends on "Your account
    has been updated." with a link back to ``back_uri`` (AuthenticationManager.finishedRequiredActions)."""

    user_id: str
    back_uri: str | None


@dataclass(frozen=True)
class NeedDeleteAccount:
    """DeleteAccount's page (delete-account-confirm.ftl); ``cancel``: ``triggered_from_aia``."""

    user_id: str
    cancel: bool = False
    error: str | None = None
    request: AuthRequest | None = None


@dataclass(frozen=True)
class AccountDeleted:
    """DeleteAccount done: info.ftl's "User deleted successfully"; the login and the user are gone."""


@dataclass(frozen=True)
class NeedConsent:
    """The consent screen: the ``items`` still to grant; ``offered`` is every id the screen stands for, the
    client scopes the login resolved when it got there (the authentication session's client scopes)."""

    user_id: str
    items: tuple[ConsentItem, ...]
    request: AuthRequest | None = None
    offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """An error that goes back to the client's redirect URI. ``no_session``: ``prompt=none`` found no SSO session,
    which the Identity Provider Redirector may still forward to a provider that accepts it (web/broker.py)."""

    error: str
    description: str
    no_session: bool = False


@dataclass(frozen=True)
class Refused:
    """An error page (400 unless a required action's challenge drew error.ftl: 200) that ends the login."""

    text: str
    status: int = 400


Outcome = (
    Done
    | DeviceDone
    | NeedLogin
    | NeedOtp
    | NeedPasswordUpdate
    | NeedTotpSetup
    | NeedWebAuthnRegister
    | NeedWebAuthn
    | NeedRecoveryCode
    | NeedSelection
    | NeedOrganization
    | NeedRecoverySetup
    | NeedProfileUpdate
    | NeedEmailUpdate
    | EmailUpdateSent
    | NeedTerms
    | NeedEmailVerification
    | NeedRegistration
    | NeedDeleteCredential
    | NeedDeleteAccount
    | NeedIdpLink
    | ToIdpLink
    | ToProvider
    | AccountDeleted
    | NeedConsent
    | AccountUpdated
    | Failed
    | Refused
)
