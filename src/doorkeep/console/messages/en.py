"""English: the texts Doorkeep's pages show; Keycloak's messages_en.properties wording where Doorkeep has one."""

MESSAGES: dict[str, str] = {
    # login.html
    "loginTitle": "Sign in to {0}",
    "loginAccountTitle": "Sign in to your account",
    "reauthenticate": "Please re-authenticate to continue.",
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
    "invalidPasswordNotEmailMessage": "Invalid password: must not be equal to the email.",
    "invalidPasswordRegexPatternMessage": "Invalid password: fails to match regex pattern(s).",
    "invalidPasswordHistoryMessage": "Invalid password: must not be equal to any of last {0} passwords.",
    # consent.html
    "oauthGrantTitle": "Grant access to {0}",
    "oauthGrantRequest": "Do you grant these access privileges?",
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
}

# Other English texts of the same message (Doorkeep's pages and Keycloak's spell some twice).
ALIASES: dict[str, str] = {
    "Missing parameter: {0}": "missingParameterMessage",
    "Invalid Request": "invalidRequestMessage",
    "Realm not enabled": "realmNotEnabledMessage",
    "Your login attempt timed out.  Login will start from the beginning.": "loginTimeout",
}
