"""English: the texts Doorkeep's pages show; Keycloak's messages_en.properties wording where Doorkeep has one."""

MESSAGES: dict[str, str] = {
    # login.html
    "loginTitle": "Sign in to {0}",
    "loginAccountTitle": "Sign in to your account",
    "reauthenticate": "Please re-authenticate to continue",
    "authenticateStrong": "Strong authentication required to continue",
    "restartLoginTooltip": "Restart login",
    "usernameOrEmail": "Username or email",
    "password": "Password",
    "rememberMe": "Remember me",
    "doLogIn": "Sign In",
    "invalidUserMessage": "Invalid username or password.",
    "invalidPasswordMessage": "Invalid password.",
    "accountDisabledMessage": "Account is disabled, contact your administrator.",
    "accountNotFullySetUp": "Account is not fully set up",
    "differentUserAuthenticated": (
        "You are already authenticated as different user '{0}' in this session. Please log out first."
    ),
    # webauthn_register.html, webauthn_authenticate.html, webauthn_error.html (Keycloak 26's Passkey wording)
    "webauthn-registration-title": "Passkey Registration",
    "webauthn-login-title": "Passkey login",
    "webauthn-doAuthenticate": "Sign in with Passkey",
    "webauthn-available-authenticators": "Available Passkeys",
    "webauthn-createdAt-label": "Created",
    # the transports of a listed key (WebAuthnAuthenticatorsBean.TransportsBean)
    "usb": "USB",
    "nfc": "NFC",
    "bluetooth": "Bluetooth",
    "internal": "Internal",
    "unknown": "Unknown",
    "webauthn-unsupported-browser-text": (
        "WebAuthn is not supported by this browser. Try another one or contact your administrator."
    ),
    "webauthn-registration-init-label": "Passkey",  # Doorkeep's default label (Keycloak: "Passkey (Default Label)")
    "webauthn-registration-init-label-prompt": "Please input your registered passkey's label",
    "webauthn-error-title": "Passkey Error",
    "webauthn-error-registration": "Failed to register your Passkey. {0}",
    "webauthn-error-api-get": "Failed to authenticate by the Passkey. {0}",
    "webauthn-error-different-user": "First authenticated user is not the one authenticated by the Passkey.",
    "webauthn-error-auth-verification": "Passkey authentication result is invalid. {0}",
    "webauthn-error-register-verification": "Passkey registration result is invalid. {0}",
    "webauthn-error-user-not-found": "Unknown user authenticated by the Passkey.",
    # login.html's passkeys (Keycloak 26.4's passkeys.ftl: conditional UI and its button)
    "passkey-doAuthenticate": "Sign in with Passkey",
    "doTryAgain": "Try again",
    # try_another_way.html, select_authenticator.html (template.ftl, select-authenticator.ftl)
    "doTryAnotherWay": "Try Another Way",
    "loginChooseAuthenticator": "Select login method",
    "organization.select": "Select an organization to proceed:",  # select-organization.ftl
    "otp-display-name": "Authenticator Application",
    "otp-help-text": "Enter a verification code from authenticator application.",
    "webauthn-display-name": "Passkey",
    "webauthn-help-text": "Use your Passkey to sign in.",
    "auth-recovery-authn-code-form-display-name": "Recovery Authentication Code",
    "auth-recovery-authn-code-form-help-text": "Enter a recovery authentication code from a previously generated list.",
    "password-display-name": "Password",
    "password-help-text": "Sign in by entering your password.",
    "webauthn-passwordless-display-name": "Passkey",
    "webauthn-passwordless-help-text": "Use your Passkey for passwordless sign in.",
    "idp-email-verification-display-name": "Email Verification",
    "idp-email-verification-help-text": "Link your account by validating your email.",
    "idp-username-password-form-display-name": "Username and password",
    "idp-username-password-form-help-text": "Link your account by logging in.",
    # login_recovery_code.html, recovery_codes_setup.html (login-recovery-authn-code-input.ftl and -config.ftl)
    "auth-recovery-code-info-message": "Enter the specified recovery code.",
    "auth-recovery-code-prompt": "Recovery code #{0}",
    "auth-recovery-code-header": "Login with a recovery authentication code",
    "recovery-codes-error-invalid": "Invalid recovery authentication code",
    "recovery-code-config-header": "Recovery Authentication Codes",
    "recovery-code-config-warning-title": "These recovery codes won't appear again after leaving this page",
    "recovery-code-config-warning-message": (
        "Make sure to print, download, or copy them to a password manager and keep them save. Canceling this setup"
        " will remove these recovery codes from your account."
    ),
    "recovery-codes-confirmation-message": "I have saved these codes somewhere safe",
    "recovery-codes-action-complete": "Complete setup",
    "recovery-codes-action-cancel": "Cancel setup",
    "recovery-codes-label-default": "Recovery codes",
    # update_password.html
    "updatePasswordTitle": "Update password",
    "resetPasswordMessage": "You need to change your password.",
    "passwordNew": "New password",
    "passwordConfirm": "Confirm password",
    "doSubmit": "Submit",
    "missingPasswordMessage": "Please specify password.",
    "notMatchPasswordMessage": "Passwords don't match.",
    "invalidPasswordMinLengthMessage": "Invalid password: minimum length {0}.",
    "invalidPasswordMinLowerCaseCharsMessage": "Invalid password: must contain at least {0} lower case characters.",
    "invalidPasswordMinDigitsMessage": "Invalid password: must contain at least {0} numerical digits.",
    "invalidPasswordMinUpperCaseCharsMessage": "Invalid password: must contain at least {0} upper case characters.",
    "invalidPasswordMinSpecialCharsMessage": "Invalid password: must contain at least {0} special characters.",
    "invalidPasswordNotUsernameMessage": "Invalid password: must not be equal to the username.",
    "invalidPasswordNotContainsUsernameMessage": "Invalid password: Can not contain the username.",
    "invalidPasswordNotEmailMessage": "Invalid password: must not be equal to the email.",
    "invalidPasswordRegexPatternMessage": "Invalid password: fails to match regex pattern(s).",
    "invalidPasswordHistoryMessage": "Invalid password: must not be equal to any of last {0} passwords.",
    # login_otp.html and config_totp.html (login-otp.ftl, login-config-totp.ftl)
    "loginOtpOneTime": "One-time code",
    "invalidTotpMessage": "Invalid authenticator code.",
    "missingTotpMessage": "Please specify authenticator code.",
    "missingTotpDeviceNameMessage": "Please specify device name.",
    "loginTotpTitle": "Mobile Authenticator Setup",
    "configureTotpMessage": "You need to set up Mobile Authenticator to activate your account.",
    "loginTotpStep1": "Install one of the following applications on your mobile:",
    "loginTotpStep2": "Open the application and scan this QR-Code:",
    "loginTotpStep3": "Enter the one-time code provided by the application and click Submit to finish the setup.",
    "loginTotpStep3DeviceName": "Provide a Device Name to help you manage your OTP devices.",
    "loginTotpManualStep2": "Open the application and enter the key:",
    "loginTotpManualStep3": "Use the following configuration values if the application allows setting them:",
    "loginTotpUnableToScan": "Unable to scan?",
    "loginTotpScanBarcode": "Scan QR-Code?",
    "loginTotpType": "Type",
    "loginTotpAlgorithm": "Algorithm",
    "loginTotpDigits": "Digits",
    "loginTotpInterval": "Interval",
    "loginTotpCounter": "Counter",
    "loginTotpDeviceName": "Device Name",
    "loginTotp.totp": "Time-based",
    "loginTotp.hotp": "Counter-based",
    # the "Sign out from other devices" box (password-commons.ftl), delete_credential.html, delete_account.html
    "logoutOtherSessions": "Sign out from other devices",
    "deleteCredentialTitle": "Delete {0}",
    "linkIdpActionTitle": "Linking {0}",
    "linkIdpActionMessage": "Do you want to link your account with {0}?",
    "deleteCredentialMessage": "Do you want to delete {0}?",
    "doConfirmDelete": "Confirm deletion",
    "deleteAccountConfirm": "Delete account confirmation",
    "irreversibleAction": "This action is irreversible",
    "deletingImplies": "Deleting your account implies:",
    "loggingOutImmediately": "Logging you out immediately",
    "errasingData": "Erasing all your data",
    "finalDeletionConfirmation": (
        "If you delete your account, it cannot be restored. To keep your account, click Cancel."
    ),
    "deletingAccountForbidden": "You do not have enough permissions to delete your own account, contact admin.",
    "userDeletedSuccessfully": "User deleted successfully",
    "authenticatorCode": "One-time code",
    "totpAppFreeOTPName": "FreeOTP",
    "totpAppGoogleName": "Google Authenticator",
    "totpAppMicrosoftAuthenticatorName": "Microsoft Authenticator",
    "doCancel": "Cancel",
    # update_profile.html, terms.html, register.html (and the field errors they show)
    "loginProfileTitle": "Update Account Information",
    "updateProfileMessage": "You need to update your user profile to activate your account.",
    "username": "Username",
    "email": "Email",
    "firstName": "First name",
    "lastName": "Last name",
    "termsTitle": "Terms and Conditions",
    "termsPlainText": "Terms and conditions to be defined.",
    "termsAcceptanceRequired": "You must agree to our terms and conditions.",
    "acceptTerms": "I agree to the terms and conditions",
    "doAccept": "Accept",
    "doDecline": "Decline",
    "registerTitle": "Register",
    "doRegister": "Register",
    "noAccount": "New user?",
    "backToLogin": "« Back to Login",
    "registrationNotAllowedMessage": "Registration not allowed",
    "missingUsernameMessage": "Please specify username.",
    "missingEmailMessage": "Please specify email.",
    "invalidEmailMessage": "Invalid email address.",
    "usernameExistsMessage": "Username already exists.",
    "emailExistsMessage": "Email already exists.",
    "invalidPasswordConfirmMessage": "Password confirmation doesn't match.",
    "readOnlyUsernameMessage": "You can't update your username as it is read-only.",
    "error-user-attribute-required": "Please specify this field.",
    "error-invalid-length": "Length must be between {1} and {2}.",
    "error-invalid-length-too-long": "Maximum length is {2}.",
    "error-person-name-invalid-character": "{0} contains invalid character.",
    # the user profile's other validator keys (Validation.getFormErrorsFromValidation), as the login theme words them
    "error-invalid-email": "Invalid email address.",
    "error-username-invalid-character": "{0} contains invalid character.",
    "error-invalid-length-too-short": "Minimal length is {1}.",
    "error-invalid-value": "Invalid value.",
    "error-pattern-no-match": "Invalid value.",
    "error-invalid-number": "Invalid number.",
    "error-number-out-of-range": "Number must be between {1} and {2}.",
    "error-invalid-uri": "Invalid URL.",
    "error-invalid-uri-scheme": "Invalid URL scheme.",
    "error-invalid-uri-fragment": "Invalid URL fragment.",
    "error-invalid-date": "Invalid date.",
    "error-user-attribute-read-only": "This field is read only.",
    "updateReadOnlyAttributesRejectedMessage": "Update of read-only attribute rejected",
    # consent.html
    "oauthGrantTitle": "Grant Access to {0}",
    "oauthGrantRequest": "Do you grant these access privileges?",
    "oauthGrantInformation": "Make sure you trust {0} by learning how {0} will handle your data.",
    "oauthGrantReview": "You could review the",
    "oauthGrantTos": "terms of service.",
    "oauthGrantPolicy": "privacy policy.",
    "doYes": "Yes",
    "doNo": "No",
    "profileScopeConsentText": "User profile",
    "emailScopeConsentText": "Email address",
    "addressScopeConsentText": "Address",
    "phoneScopeConsentText": "Phone number",
    "offlineAccessScopeConsentText": "Offline Access",
    "rolesScopeConsentText": "User roles",
    "organizationScopeConsentText": "Organization",
    "client_account": "Account",
    "client_account-console": "Account Console",
    "client_admin-cli": "Admin CLI",
    "client_broker": "Broker",
    "client_realm-management": "Realm Management",
    "client_security-admin-console": "Security Admin Console",
    # device_code.html and the device status pages
    "oauth2DeviceVerificationTitle": "Device Login",
    "verifyOAuth2DeviceUserCode": "Enter the code provided by your device and click Submit",
    "oauth2DeviceInvalidUserCodeMessage": "Invalid code, please try again.",
    "oauth2DeviceExpiredUserCodeMessage": (
        "The code has expired. Please go back to your device and try connecting again."
    ),
    "oauth2DeviceVerificationCompleteHeader": "Device Login Successful",
    "oauth2DeviceVerificationCompleteMessage": "You may close this browser window and go back to your device.",
    "oauth2DeviceVerificationFailedHeader": "Device Login Failed",
    "oauth2DeviceVerificationFailedMessage": (
        "You may close this browser window and go back to your device and try connecting again."
    ),
    "oauth2DeviceConsentDeniedMessage": "Consent denied for connecting the device.",
    # logout_confirm.html, info.html
    "frontchannel-logout.title": "Logging out",
    "frontchannel-logout.message": "You are logging out from following apps",
    "doContinue": "Continue",
    "logoutConfirmTitle": "Logging out",
    "logoutConfirmHeader": "Do you want to log out?",
    "doLogout": "Logout",
    "successLogout": "You are logged out",
    "successLogoutMessage": "You are logged out.",
    # error.html and the texts it shows
    "errorTitle": "We are sorry...",
    "codeSuccessTitle": "Success code",
    "codeErrorTitle": "Error code: {0}",
    "copyCodeInstruction": "Please copy this code and paste it into your application:",
    "pageTitleError": "Error",
    "expiredCodeMessage": "Login timeout. Please sign in again.",
    "loginTimeout": "Your login attempt timed out. Login will start from the beginning.",
    "staleFormMessage": "Invalid request: the form has expired. Please try again.",
    "httpsRequiredMessage": "HTTPS required",
    "realmNotEnabledMessage": "Realm not enabled.",
    "realmNotFoundMessage": "Realm does not exist.",
    "invalidRequestMessage": "Invalid request",
    "loginRequesterNotEnabledMessage": "Login requester not enabled",
    "invalidRedirectUriMessage": "Invalid redirect uri",
    "invalidParameterMessage": "Invalid parameter: {0}",
    "missingParameterMessage": "Missing parameters: {0}",
    "clientNotFoundMessage": "Client not found.",
    "clientDisabledMessage": "Client disabled.",
    "pageNotFound": "Page not found",  # KeycloakErrorHandler's page for a 404
    "internalServerError": "An internal server error has occurred",  # and for any other status
    # e-mails (Keycloak's email theme, messages_en.properties; email/messages.py)
    "emailTestSubject": "[KEYCLOAK] - SMTP test message",
    "emailTestBody": "This is a test message",
    "passwordResetSubject": "Reset password",
    "passwordResetBody": (
        "Someone just requested to change your {2} account's credentials. If this was you, click on the link "
        "below to reset them.\n\n{0}\n\nThis link and code will expire within {3}.\n\nIf you don't want to "
        "reset your credentials, just ignore this message and nothing will be changed."
    ),
    "executeActionsSubject": "Update Your Account",
    "executeActionsBody": (
        "Your administrator has just requested that you update your {2} account by performing the following "
        "action(s): {3}. Click on the link below to start this process.\n\n{0}\n\nThis link will expire within "
        "{4}.\n\nIf you are unaware that your administrator has requested this, just ignore this message and "
        "nothing will be changed."
    ),
    "emailVerificationSubject": "Verify email",
    "emailVerificationBody": (
        "Someone has created a {2} account with this email address. If this was you, click the link below to "
        "verify your email address\n\n{0}\n\nThis link will expire within {3}.\n\nIf you didn't create this "
        "account, just ignore this message."
    ),
    # event-*.ftl, the ``email`` event listener's mails (FreeMarkerEmailTemplateProvider.sendEvent; email/event_mail.py)
    "eventLoginErrorSubject": "Login error",
    "eventLoginErrorBody": (
        "A failed login attempt was detected to your account on {0} from {1}. If this was not you, please contact "
        "an administrator."
    ),
    "eventRemoveTotpSubject": "Remove OTP",
    "eventRemoveTotpBody": (
        "OTP was removed from your account on {0} from {1}. If this was not you, please contact an administrator."
    ),
    "eventUpdatePasswordSubject": "Update password",
    "eventUpdatePasswordBody": (
        "Your password was changed on {0} from {1}. If this was not you, please contact an administrator."
    ),
    "eventUpdateTotpSubject": "Update OTP",
    "eventUpdateTotpBody": (
        "OTP was updated for your account on {0} from {1}. If this was not you, please contact an administrator."
    ),
    "eventUpdateCredentialSubject": "Update credential",
    "eventUpdateCredentialBody": (
        "Your {0} credential was changed on {1} from {2}. If this was not you, please contact an administrator."
    ),
    "eventRemoveCredentialSubject": "Remove credential",
    "eventRemoveCredentialBody": (
        "Credential {0} was removed from your account on {1} from {2}. If this was not you, please contact an "
        "administrator."
    ),
    "eventUserDisabledByTemporaryLockoutSubject": "User disabled by temporary lockout",
    "eventUserDisabledByTemporaryLockoutBody": (
        "Your user has been disabled temporarily because of multiple failed attempts on {0}. Please contact an "
        "administrator if needed."
    ),
    "eventUserDisabledByPermanentLockoutSubject": "User disabled by permanent lockout",
    "eventUserDisabledByPermanentLockoutBody": (
        "Your user has been disabled permanently because of multiple failed attempts on {0}. Please contact an "
        "administrator."
    ),
    # org-invite.ftl (FreeMarkerEmailTemplateProvider.sendOrgInviteEmail)
    "orgInviteSubject": "Invitation to join the {0} organization",
    "orgInviteBody": (
        'You were invited to join the "{3}" organization. Click the link below to join.\n\n{0}\n\nThis link will '
        "expire within {4}.\n\nIf you don't want to join the organization, just ignore this message."
    ),
    "orgInviteBodyPersonalized": (
        'Hi, "{5}" "{6}".\n\n You were invited to join the "{3}" organization. Click the link below to join.\n\n'
        "{0}\n\nThis link will expire within {4}.\n\nIf you don't want to join the organization, just ignore "
        "this message."
    ),
    "requiredAction.CONFIGURE_TOTP": "Configure OTP",
    "requiredAction.TERMS_AND_CONDITIONS": "Terms and Conditions",
    "requiredAction.UPDATE_PASSWORD": "Update Password",
    "requiredAction.UPDATE_PROFILE": "Update Profile",
    "requiredAction.VERIFY_EMAIL": "Verify Email",
    "requiredAction.UPDATE_EMAIL": "Update Email",
    "linkExpirationFormatter.timePeriodUnit.minutes": "{0,choice,0#minutes|1#minute|1<minutes}",
    "linkExpirationFormatter.timePeriodUnit.hours": "{0,choice,0#hours|1#hour|1<hours}",
    "linkExpirationFormatter.timePeriodUnit.days": "{0,choice,0#days|1#day|1<days}",
    # action-token pages (login theme, messages_en.properties)
    "expiredActionMessage": "Action expired. Please continue with login now.",
    "expiredActionTokenNoSessionMessage": "Action expired.",
    "expiredActionTokenSessionExistsMessage": "Action expired. Please start again.",
    "invalidCodeMessage": "An error occurred, please login again through your application.",
    "staleVerifyEmailLinkMessage": (
        "The link you clicked is an old stale link and is no longer valid. Maybe you have already verified your email."
    ),
    "confirmExecutionOfActions": "Perform the following action(s)",
    # organization invitations (InviteOrgActionTokenHandler, RegistrationPage, RegistrationUserCreation)
    "organization.confirm-membership.title": "You are about to join organization {0}",
    "organization.confirm-membership": (
        "By clicking on the link below, you will become a member of the {0} organization:"
    ),
    "organization.member.register.title": "Create an account to join the {0} organization",
    "orgMemberAlready": "You are already a member of the {1} organization.",
    "orgNotFoundMessage": "Organization not found.",
    "invalidOrgInviteMessage": "Email does not match the invitation",
    "staleInviteOrgLink": "The link you clicked is no longer valid. Contact your organization administrator.",
    "proceedWithAction": "» Click here to proceed",
    "accountUpdatedMessage": "Your account has been updated.",
    "confirmEmailAddressVerification": "Confirm validity of e-mail address {0}.",
    "emailVerifiedAlreadyMessage": "Your email address has been verified already.",
    "backToApplication": "« Back to Application",
    "emailVerifiedMessage": "Your email address has been verified.",
    "emailSentMessage": "You should receive an email shortly with further instructions.",
    "emailSendErrorMessage": "Failed to send email, please try again later.",
    "resetCredentialNotAllowedMessage": "Reset Credential not allowed",
    "invalidTokenRequiredActions": "Required actions included in the link are not valid",
    # reset-credentials (login-reset-password.ftl)
    "doForgotPassword": "Forgot Password?",
    "emailForgotTitle": "Forgot Your Password?",
    "emailInstruction": (
        "Enter your username or email address and we will send you instructions on how to create a new password."
    ),
    "emailInstructionUsername": (
        "Enter your username and we will send you instructions on how to create a new password."
    ),
    # login-verify-email.ftl
    # UPDATE_EMAIL (update-email.ftl, UpdateEmail and UpdateEmailActionTokenHandler)
    "updateEmailTitle": "Update email",
    "emailVerificationPending": "A verification email was sent to {0}. Follow its link to confirm the new address.",
    "emailUpdateConfirmationSentTitle": "Confirmation email sent",
    "emailUpdateConfirmationSent": (
        "A confirmation email has been sent to {0}. You must follow the instructions of the former to complete "
        "the email update."
    ),
    "emailUpdatedTitle": "Email updated",
    "emailUpdated": "The account email has been successfully updated to {0}.",
    "emailVerificationCancelled": "This email verification has been cancelled by an administrator.",
    "emailUpdateConfirmationSubject": "Verify new email",
    "emailUpdateConfirmationBody": (
        "To update your {2} account with email address {1}, click the link below\n\n{0}\n\nThis link will "
        "expire within {3}.\n\nIf you don't want to proceed with this modification, just ignore this message."
    ),
    "emailVerifyTitle": "Email verification",
    # its warning unless it shows an error (LoginFormsProvider.createResponse(VERIFY_EMAIL): Messages.VERIFY_EMAIL)
    "verifyEmailMessage": "You need to verify your email address to activate your account.",
    "emailVerifyInstruction1": (
        "An email with instructions to verify your email address has been sent to your address {0}."
    ),
    "emailVerifyInstruction2": "Haven't received a verification code in your email?",
    "doClickHere": "Click here",
    "emailVerifyInstruction3": "to re-send the email.",
    "emailVerifyInstruction4": (
        "To verify your email address, we are about to send you an email with instructions to the address {0}."
    ),
    "emailVerifySend": "Send verification email",
    "emailVerifyResend": "Resend verification email",
    "emailVerifySendCooldown": "You must wait {0} second(s) before sending another verification email.",
    "pageExpiredTitle": "Page has expired",
    "pageExpiredMsg1": "To restart the login process",
    "pageExpiredMsg2": "To continue the login process",
    "alreadyLoggedIn": "You are already logged in.",
    # identity brokering (login.ftl's social providers, login-idp-link-confirm.ftl, the broker's messages)
    "identity-provider-login-label": "Or sign in with",
    "confirmLinkIdpTitle": "Account already exists",
    "federatedIdentityConfirmLinkMessage": "User with {0} {1} already exists. How do you want to continue?",
    "confirmLinkIdpContinue": "Add to existing account",
    "confirmLinkIdpReviewProfile": "Review profile",
    "loginIdpReviewProfileTitle": "Update Account Information",
    "federatedIdentityConfirmReauthenticateMessage": "Authenticate to link your account with {0}",
    # login-idp-link-email.ftl (IdpEmailVerificationAuthenticator), its e-mail and its link's pages
    "emailLinkIdpTitle": "Link {0}",
    "emailLinkIdp1": "An email with instructions to link {0} account {1} with your {2} account has been sent to you.",
    "emailLinkIdp2": "Haven't received a verification code in your email?",
    "emailLinkIdp3": "to re-send the email.",
    "emailLinkIdp4": "If you already verified the email in different browser",
    "emailLinkIdp5": "to continue.",
    "identityProviderLinkSubject": "Link {0}",
    "identityProviderLinkBody": (
        'Someone wants to link your "{1}" account with "{0}" account of user {2} . If this was you, click the link '
        "below to link accounts\n\n{3}\n\nThis link will expire within {5}.\n\nIf you didn't initiate this process "
        "or don't want to link account, just ignore this message. If you link accounts, you will be able to login "
        "to {1} through {0}."
    ),
    "confirmAccountLinking": "Confirm linking the account {0} of identity provider {1} with your account.",
    "identityProviderLinkSuccess": (
        "You successfully verified your email. Please go back to your original browser and continue there with the "
        "login."
    ),
    "staleCodeMessage": "This page is no longer valid, please go back to your application and sign in again",
    "brokerLinkingSessionExpired": "Requested broker account linking, but current session is no longer valid.",
    "identityProviderUnexpectedErrorMessage": "Unexpected error when authenticating with identity provider",
    "identityProviderUnmatchedEssentialClaimMessage": (
        "The ID token issued by the identity provider does not match the configured essential claim. Please contact "
        "your administrator."
    ),
    "identityProviderMissingStateMessage": "Missing state parameter in response from identity provider.",
    "couldNotProceedWithAuthenticationRequestMessage": (
        "Could not proceed with authentication request to identity provider."
    ),
}

# Other English texts of the same message (Doorkeep's pages and Keycloak's spell some twice).
ALIASES: dict[str, str] = {
    "Missing parameter: {0}": "missingParameterMessage",
    "Invalid Request": "invalidRequestMessage",
    "Realm not enabled": "realmNotEnabledMessage",
    "Your login attempt timed out.  Login will start from the beginning.": "loginTimeout",
}
