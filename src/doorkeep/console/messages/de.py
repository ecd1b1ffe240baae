"""German: Keycloak's base login theme wording (messages_de.properties) for every key it has; the few keys
only Doorkeep's pages use are marked."""

MESSAGES: dict[str, str] = {
    "loginTitle": "Anmeldung bei {0}",
    "loginAccountTitle": "Bei Ihrem Konto anmelden",
    "reauthenticate": "Zum Fortsetzen bitte erneut anmelden",
    "restartLoginTooltip": "Login neu starten",
    "usernameOrEmail": "Benutzername oder E-Mail",
    "password": "Passwort",
    "rememberMe": "Angemeldet bleiben",
    "doLogIn": "Anmelden",
    "invalidUserMessage": "Ungültiger Benutzername oder Passwort.",
    "invalidPasswordMessage": "Ungültiges Passwort.",
    "accountDisabledMessage": "Ihr Benutzerkonto ist gesperrt, bitte kontaktieren Sie den Admin.",
    "accountNotFullySetUp": "Das Benutzerkonto ist nicht vollständig eingerichtet",  # Doorkeep's
    "differentUserAuthenticated": (
        "Sie sind in dieser Session bereits mit einem anderen Benutzer '{0}' angemeldet. "
        "Bitte melden Sie sich zuerst ab."
    ),
    "loginOtpOneTime": "One-time code",
    "invalidTotpMessage": "Ungültiger One-time Code.",
    "missingTotpMessage": "Bitte geben Sie den One-time Code ein.",
    "missingTotpDeviceNameMessage": "Bitte geben Sie einen Gerätenamen ein.",
    "loginTotpTitle": "Mehrfachauthentifizierung konfigurieren",
    "configureTotpMessage": (
        "Sie müssen eine Mehrfachauthentifizierung einrichten, um das Benutzerkonto zu aktivieren."
    ),
    "loginTotpStep1": "Installieren Sie eine der folgenden Applikationen auf Ihrem Smartphone:",
    "loginTotpStep2": "Öffnen Sie die Applikation und scannen Sie den QR-Code:",
    "loginTotpStep3": ("Geben Sie den von der Applikation generierten One-time Code ein und klicken Sie auf Absenden."),
    "loginTotpStep3DeviceName": "Geben Sie einen Gerätenamen an, um die Verwaltung Ihrer OTP-Geräte zu erleichtern.",
    "loginTotpManualStep2": "Öffnen Sie die Applikation und geben Sie den folgenden Schlüssel ein:",
    "loginTotpManualStep3": (
        "Verwenden Sie die folgenden Konfigurationswerte, falls Sie diese für die Applikation anpassen können:"
    ),
    "loginTotpUnableToScan": "Sie können den QR-Code nicht scannen?",
    "loginTotpScanBarcode": "QR-Code scannen?",
    "loginTotpType": "Typ",
    "loginTotpAlgorithm": "Algorithmus",
    "loginTotpDigits": "Ziffern",
    "loginTotpInterval": "Intervall",
    "loginTotpCounter": "Zähler",
    "loginTotpDeviceName": "Gerätename",
    "loginTotp.totp": "zeitbasiert (time-based)",
    "loginTotp.hotp": "zählerbasiert (counter-based)",
    # the "Sign out from other devices" box (password-commons.ftl), delete_credential.html, delete_account.html
    "logoutOtherSessions": "Von anderen Geräten abmelden",
    "deleteCredentialTitle": "Lösche {0}",
    "deleteCredentialMessage": "Wollen Sie {0} löschen?",
    "doConfirmDelete": "Löschung bestätigen",
    "deleteAccountConfirm": "Löschung des Kontos bestätigen",
    "irreversibleAction": "Diese Aktion ist unwiderruflich",
    "deletingImplies": "Die Löschung Ihres Kontos bedeutet:",
    "loggingOutImmediately": "Sofortige Abmeldung",
    "errasingData": "Löschen aller Ihrer Daten",
    "finalDeletionConfirmation": (
        "Wenn Sie Ihr Konto löschen, kann es nicht wiederhergestellt werden. Um Ihr Konto zu behalten, klicken Sie "
        "auf Abbrechen."
    ),
    "deletingAccountForbidden": (
        "Sie haben nicht genügend Berechtigungen, um Ihr eigenes Konto zu löschen, wenden Sie sich an einen "
        "Administrator."
    ),
    "userDeletedSuccessfully": "Nutzer erfolgreich gelöscht",
    "authenticatorCode": "One-time Code",
    "updatePasswordTitle": "Passwort aktualisieren",
    "doCancel": "Abbrechen",
    "loginProfileTitle": "Benutzerkonto Informationen aktualisieren",
    "updateProfileMessage": "Sie müssen ihr Benutzerkonto aktualisieren, um das Benutzerkonto zu aktivieren.",
    "username": "Benutzername",
    "email": "E-Mail",
    "firstName": "Vorname",
    "lastName": "Nachname",
    "termsTitle": "Bedingungen und Konditionen",
    "termsPlainText": "Zu definierende Bedingungen und Konditionen.",  # not checked against Keycloak 26's file
    "doAccept": "Annehmen",
    "doDecline": "Ablehnen",
    "registerTitle": "Registrierung",
    "doRegister": "Registrieren",
    "noAccount": "Neuer Benutzer?",
    "backToLogin": "« Zurück zur Anmeldung",
    "registrationNotAllowedMessage": "Registrierung nicht erlaubt.",
    "missingUsernameMessage": "Bitte geben Sie einen Benutzernamen ein.",
    "missingEmailMessage": "Bitte geben Sie eine E-Mail Adresse ein.",
    "invalidEmailMessage": "Ungültige E-Mail Adresse.",
    "usernameExistsMessage": "Benutzername existiert bereits.",
    "emailExistsMessage": "E-Mail existiert bereits.",
    "invalidPasswordConfirmMessage": "Die Passwortbestätigung ist nicht identisch.",
    # The user profile's validator texts below are not checked against Keycloak 26's messages_de.properties.
    "readOnlyUsernameMessage": "Sie können Ihren Benutzernamen nicht ändern, da er schreibgeschützt ist.",
    "error-user-attribute-required": "Bitte füllen Sie dieses Feld aus.",
    "error-invalid-length": "Die Länge muss zwischen {1} und {2} liegen.",
    "error-invalid-length-too-long": "Die maximale Länge beträgt {2}.",
    "error-person-name-invalid-character": "{0} enthält ungültige Zeichen.",
    "resetPasswordMessage": "Sie müssen Ihr Passwort ändern.",
    "passwordNew": "Neues Passwort",
    "passwordConfirm": "Passwort bestätigen",
    "doSubmit": "Absenden",
    "missingPasswordMessage": "Bitte geben Sie ein Passwort ein.",
    "notMatchPasswordMessage": "Passwörter sind nicht identisch.",
    "invalidPasswordMinLengthMessage": "Ungültiges Passwort: Es muss mindestens {0} Zeichen lang sein.",
    "invalidPasswordMinLowerCaseCharsMessage": (
        "Ungültiges Passwort: Es muss mindestens {0} Kleinbuchstaben beinhalten."
    ),
    "invalidPasswordMinDigitsMessage": "Ungültiges Passwort: Es muss mindestens {0} Zahl(en) beinhalten.",
    "invalidPasswordMinUpperCaseCharsMessage": "Ungültiges Passwort: Es muss mindestens {0} Großbuchstaben beinhalten.",
    "invalidPasswordMinSpecialCharsMessage": "Ungültiges Passwort: Es muss mindestens {0} Sonderzeichen beinhalten.",
    "invalidPasswordNotUsernameMessage": "Ungültiges Passwort: Es darf nicht gleich sein wie der Benutzername.",
    "invalidPasswordNotEmailMessage": "Ungültiges Passwort: darf nicht identisch mit der E-Mail-Adresse sein.",
    "invalidPasswordRegexPatternMessage": "Ungültiges Passwort: Es entspricht nicht dem Regex-Muster.",
    "invalidPasswordHistoryMessage": "Ungültiges Passwort: Es darf nicht einem der letzten {0} Passwörter entsprechen.",
    "oauthGrantTitle": "Zugang zu {0} gewähren",
    "oauthGrantRequest": "Wollen Sie diese Zugriffsrechte gewähren?",
    "doYes": "Ja",
    "doNo": "Nein",
    "profileScopeConsentText": "Nutzerkonto",
    "emailScopeConsentText": "E-Mail Adresse",
    "addressScopeConsentText": "Adresse",
    "phoneScopeConsentText": "Telefonnummer",
    "offlineAccessScopeConsentText": "Offline Zugriff",
    "rolesScopeConsentText": "Nutzerrollen",
    "organizationScopeConsentText": "Organisation",
    "client_account": "Clientkonto",
    "client_account-console": "Accountkonsole",
    "client_admin-cli": "Admin CLI",
    "client_broker": "Broker",
    "client_realm-management": "Realm-Management",
    "client_security-admin-console": "Security Adminkonsole",
    "oauth2DeviceVerificationTitle": "Geräte-Login",
    "verifyOAuth2DeviceUserCode": "Geben Sie den Code von Ihrem Gerät ein und klicken Sie auf Senden",
    "oauth2DeviceInvalidUserCodeMessage": "Ungültiger Code, bitte probieren Sie es erneut.",
    "oauth2DeviceExpiredUserCodeMessage": (
        "Der Code ist abgelaufen. Bitte versuchen Sie, Ihr Gerät erneut zu verbinden."
    ),
    "oauth2DeviceVerificationCompleteHeader": "Geräte-Login erfolgreich",
    "oauth2DeviceVerificationCompleteMessage": (
        "Sie können dieses Browser-Fenster schließen und auf Ihrem Gerät weiterarbeiten."
    ),
    "oauth2DeviceVerificationFailedHeader": "Geräte-Login fehlgeschlagen",
    "oauth2DeviceVerificationFailedMessage": (
        "Sie können dieses Browser-Fenster schließen und versuchen, Ihr Gerät erneut zu verbinden."
    ),
    "oauth2DeviceConsentDeniedMessage": "Zustimmung für Verbindung mit dem Gerät verweigert.",
    "frontchannel-logout.title": "Abmelden",
    "frontchannel-logout.message": "Sie melden sich von folgenden Anwendungen ab",
    "doContinue": "Weiter",
    "logoutConfirmTitle": "Abmelden",
    "logoutConfirmHeader": "Wollen Sie sich abmelden?",
    "doLogout": "Abmelden",
    "successLogout": "Sie sind abgemeldet.",
    "successLogoutMessage": "Sie sind abgemeldet.",  # Doorkeep's
    "errorTitle": "Es ist ein Fehler aufgetreten.",
    "pageTitleError": "Fehler",  # Doorkeep's
    "expiredCodeMessage": "Zeitüberschreitung bei der Anmeldung. Bitte melden Sie sich erneut an.",
    "loginTimeout": "Ihr Anmeldeversuch wurde wegen Zeitüberschreitung abgebrochen. Die Anmeldung beginnt von vorne.",
    "staleFormMessage": "Ungültige Anfrage: Das Formular ist abgelaufen. Bitte versuchen Sie es erneut.",  # Doorkeep's
    "httpsRequiredMessage": "HTTPS erforderlich.",
    "realmNotEnabledMessage": "Realm nicht aktiviert.",
    "realmNotFoundMessage": "Realm existiert nicht.",  # Doorkeep's
    "invalidRequestMessage": "Ungültiger Request.",
    "loginRequesterNotEnabledMessage": "Login Requester nicht aktiviert",
    "invalidRedirectUriMessage": "Ungültige Redirect URI",
    "invalidParameterMessage": "Ungültiger Parameter: {0}",
    "missingParameterMessage": "Fehlender Parameter: {0}",
    "clientNotFoundMessage": "Client nicht gefunden.",
    "clientDisabledMessage": "Client deaktiviert.",
    "pageNotFound": "Seite nicht gefunden",
    "internalServerError": "Es ist ein interner Server-Fehler aufgetreten",
    # E-Mails (Keycloaks E-Mail-Theme, messages_de.properties)
    "emailTestSubject": "[KEYCLOAK] - SMTP Testnachricht",
    "emailTestBody": "Dies ist eine Testnachricht",
    "passwordResetSubject": "Passwort zurücksetzen",
    "passwordResetBody": (
        "Es wurde eine Änderung der Anmeldeinformationen für Ihren Account {2} angefordert. Wenn Sie diese "
        "Änderung beantragt haben, klicken Sie auf den unten stehenden Link.\n\n{0}\n\nDie Gültigkeit des Links "
        "wird in {3} ablaufen.\n\nFalls Sie Ihre Anmeldeinformationen nicht ändern möchten, ignorieren Sie diese "
        "Nachricht und es wird nichts geändert."
    ),
    # event-*.ftl (messages_de.properties; the credential and lockout texts are English there too)
    "eventLoginErrorSubject": "Fehlgeschlagene Anmeldung",
    "eventLoginErrorBody": (
        "Jemand hat um {0} von {1} versucht, sich mit ihrem Konto anzumelden. Falls das nicht Sie waren, dann "
        "kontaktieren Sie bitte Ihren Admin."
    ),
    "eventRemoveTotpSubject": "OTP Entfernt",
    "eventRemoveTotpBody": (
        "OTP wurde von ihrem Konto am {0} von {1} entfernt. Falls das nicht Sie waren, dann kontaktieren Sie "
        "bitte Ihren Admin."
    ),
    "eventUpdatePasswordSubject": "Passwort Aktualisiert",
    "eventUpdatePasswordBody": (
        "Ihr Passwort wurde am {0} von {1} geändert. Falls das nicht Sie waren, dann kontaktieren Sie bitte Ihren "
        "Admin."
    ),
    "eventUpdateTotpSubject": "OTP Aktualisiert",
    "eventUpdateTotpBody": (
        "OTP wurde am {0} von {1} geändert. Falls das nicht Sie waren, dann kontaktieren Sie bitte Ihren Admin."
    ),
    "executeActionsSubject": "Aktualisieren Sie Ihr Konto",
    "executeActionsBody": (
        "Ihr Administrator hat Sie aufgefordert, Ihren Account {2} zu aktualisieren, indem Sie folgende "
        "Aktion(en) durchführen: {3}. Klicken Sie auf den unten stehenden Link, um den Prozess zu "
        "starten.\n\n{0}\n\nDie Gültigkeit des Links wird in {4} ablaufen.\n\nFalls Sie sich dieser Aufforderung "
        "nicht bewusst sind, ignorieren Sie diese Nachricht und es wird nichts geändert."
    ),
    "emailVerificationSubject": "E-Mail verifizieren",
    "emailVerificationBody": (
        "Jemand hat ein {2} Konto mit dieser E-Mail-Adresse erstellt. Falls Sie das waren, klicken Sie auf den "
        "Link, um die E-Mail-Adresse zu verifizieren.\n\n{0}\n\nDieser Link wird in {3} ablaufen.\n\nFalls Sie "
        "dieses Konto nicht erstellt haben, ignorieren Sie diese Nachricht."
    ),
    "requiredAction.CONFIGURE_TOTP": "OTP konfigurieren",
    "requiredAction.TERMS_AND_CONDITIONS": "Bedingungen und Konditionen",
    "requiredAction.UPDATE_PASSWORD": "Passwort aktualisieren",
    "requiredAction.UPDATE_PROFILE": "Profil aktualisieren",
    "requiredAction.VERIFY_EMAIL": "E-Mail-Adresse verifizieren",
    "linkExpirationFormatter.timePeriodUnit.minutes": "{0,choice,0#Minuten|1#Minute|1<Minuten}",
    "linkExpirationFormatter.timePeriodUnit.hours": "{0,choice,0#Stunden|1#Stunde|1<Stunden}",
    "linkExpirationFormatter.timePeriodUnit.days": "{0,choice,0#Tage|1#Tag|1<Tage}",
    "expiredActionMessage": "Die Aktion ist nicht mehr gültig. Bitte fahren Sie nun mit der Anmeldung fort.",
    "expiredActionTokenNoSessionMessage": "Die Aktion ist nicht mehr gültig.",
    "expiredActionTokenSessionExistsMessage": "Die Aktion ist nicht mehr gültig. Bitte fangen Sie noch einmal an.",
    "accountUpdatedMessage": "Ihr Benutzerkonto wurde aktualisiert.",
    "backToApplication": "« Zurück zur Anwendung",
    "emailVerifiedMessage": "Ihre E-Mail-Adresse wurde verifiziert.",
    "emailSentMessage": "Sie sollten in Kürze eine E-Mail mit weiteren Instruktionen erhalten.",
    "emailSendErrorMessage": "Die E-Mail konnte nicht versendet werden. Bitte versuchen Sie es später noch einmal.",
    "doForgotPassword": "Passwort vergessen?",
    "emailForgotTitle": "Passwort vergessen?",
    "emailInstruction": (
        "Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein und klicken Sie auf Absenden. Danach werden "
        "wir Ihnen eine E-Mail mit weiteren Instruktionen zusenden."
    ),
    "pageExpiredTitle": "Diese Seite ist nicht mehr gültig.",
    "pageExpiredMsg1": "Um den Anmeldevorgang neu zu starten",
    "pageExpiredMsg2": "Um den Anmeldevorgang fortzusetzen",
    "alreadyLoggedIn": "Sie sind bereits angemeldet.",
    # login-verify-email.ftl and the pages around it
    "emailVerifyTitle": "E-Mail verifizieren",
    "verifyEmailMessage": "Sie müssen Ihre E-Mail-Adresse verifizieren, um das Benutzerkonto zu aktivieren.",
    "emailVerifyInstruction1": (
        "Eine E-Mail mit Anweisungen, um Ihre E-Mail-Adresse zu überprüfen, wurde an Ihre Adresse geschickt {0}."
    ),
    "emailVerifyInstruction2": "Sie haben keinen Verifizierungs-Code in Ihrer E-Mail erhalten?",
    "doClickHere": "Hier klicken",
    "emailVerifyInstruction3": "um eine neue E-Mail versenden zu lassen.",
    "emailVerifyInstruction4": (
        "Um Ihre E-Mail-Adresse zu verifizieren werden wir eine E-Mail mit weiteren Hinweisen an {0} senden."
    ),
    "emailVerifySend": "Verifizierungs-E-Mail senden",
    "emailVerifyResend": "Verifizierungs-E-Mail erneut senden",
    "emailVerifiedAlreadyMessage": "Ihre E-Mail-Adresse wurde bereits verifiziert.",
    "confirmEmailAddressVerification": "Bestätigen Sie, dass die E-Mail-Adresse {0} gültig ist.",
    "confirmExecutionOfActions": "Führen Sie die folgende(n) Aktion(en) aus",
    "proceedWithAction": "» Klicken Sie hier um fortzufahren",
    "invalidTokenRequiredActions": "Die im Link angegebenen erforderlichen Aktionen sind nicht bekannt",
    "emailInstructionUsername": (
        "Geben Sie Ihren Benutzernamen ein und klicken Sie auf Absenden. Danach werden wir Ihnen eine E-Mail mit "
        "weiteren Instruktionen zusenden."
    ),
    "resetCredentialNotAllowedMessage": "Zurücksetzen der Zugangsdaten nicht erlaubt",
    "invalidCodeMessage": "Ungültiger Code, bitte melden Sie sich erneut über die Applikation an.",
    "invalidPasswordNotContainsUsernameMessage": "Ungültiges Passwort: darf nicht den Benutzernamen enthalten.",
    # code.ftl (out-of-band codes)
    "codeSuccessTitle": "Erfolgreicher Code",
    "codeErrorTitle": "Fehlercode: {0}",
    "copyCodeInstruction": "Bitte kopieren Sie den folgenden Code und fügen ihn in die Applikation ein:",
    # login-oauth-grant.ftl
    "oauthGrantInformation": (
        "Stellen Sie sicher, dass Sie {0} vertrauen können und informieren Sie sich darüber, wie {0} mit Ihren "
        "Daten umgeht."
    ),
    "oauthGrantReview": "Prüfen Sie gerne die",
    "oauthGrantTos": "Nutzungsbedingungen.",
    "oauthGrantPolicy": "Datenschutzrichtlinie.",
    # login-config-totp.ftl
    "totpAppFreeOTPName": "FreeOTP",
    "totpAppGoogleName": "Google Authenticator",
    "totpAppMicrosoftAuthenticatorName": "Microsoft Authenticator",
    # try_another_way.html, select_authenticator.html, login_recovery_code.html, recovery_codes_setup.html
    "doTryAnotherWay": "Einen anderen Weg versuchen",
    "loginChooseAuthenticator": "Login Methode auswählen",
    "organization.select": "Wählen Sie eine Organisation, um fortzufahren:",
    "otp-display-name": "Authenticator-Anwendung",
    "otp-help-text": "Eingabe eines Verifizierungscodes aus der Authenticator-Anwendung.",
    "webauthn-display-name": "Passkey",
    "webauthn-help-text": "Verwenden Sie Ihren Passkey zur Anmeldung.",
    "auth-recovery-authn-code-form-display-name": "Wiederherstellungscode",
    "auth-recovery-authn-code-form-help-text": (
        "Geben Sie einen Wiederherstellungscode aus einer zuvor erstellten Liste ein."
    ),
    "password-display-name": "Passwort",
    "password-help-text": "Melden Sie sich an, indem Sie Ihr Passwort eingeben.",
    "webauthn-passwordless-display-name": "Passkey",
    "webauthn-passwordless-help-text": "Verwenden Sie Ihren Passkey zur kennwortlosen Anmeldung.",
    "idp-email-verification-display-name": "E-Mail Verifizierung",
    "idp-email-verification-help-text": "Verknüpfen Sie Ihr Benutzerkonto durch die Bestätigung ihre E-Mail-Adresse.",
    "idp-username-password-form-display-name": "Passwort Verifizierung",
    "idp-username-password-form-help-text": "Verknüpfen Sie Ihr Benutzerkonto indem sie sich anmelden.",
    "auth-recovery-code-info-message": "Geben Sie den angegebenen Wiederherstellungscode ein.",
    "auth-recovery-code-prompt": "Wiederherstellungscode #{0}",
    "auth-recovery-code-header": "Anmeldung mit einem Wiederherstellungscode",
    "recovery-codes-error-invalid": "Ungültiger Wiederherstellungscode",
    "recovery-code-config-header": "Wiederherstellungscode",
    "recovery-code-config-warning-title": (
        "Diese Wiederherstellungscodes werden nach Verlassen dieser Seite nicht mehr angezeigt"
    ),
    "recovery-code-config-warning-message": (
        "Drucken Sie sie aus, laden Sie sie herunter oder kopieren Sie sie in einen Passwort-Manager und speichern"
        " Sie sie. Wenn Sie diese Einrichtung abbrechen, werden die Wiederherstellungscodes von Ihrem Konto entfernt."
    ),
    "recovery-codes-confirmation-message": "Ich habe diese Codes an einem sicheren Ort gespeichert",
    "recovery-codes-action-complete": "Fertigstellen",
    "recovery-codes-action-cancel": "Abbrechen",
    "recovery-codes-label-default": "Wiederherstellungscodes",
    # webauthn_register.html, webauthn_authenticate.html, webauthn_error.html (Keycloak 26's Passkey wording;
    # Doorkeep shows the errors' detail after a space where Keycloak breaks the line)
    "webauthn-registration-title": "Passkey registrieren",
    "webauthn-login-title": "Anmeldung mit Passkey",
    "webauthn-doAuthenticate": "Anmelden mit Passkey",
    "passkey-doAuthenticate": "Anmelden mit Passkey",
    "webauthn-available-authenticators": "Verfügbare Passkeys",
    "webauthn-createdAt-label": "Erstellt",
    "usb": "USB",
    "nfc": "NFC",
    "bluetooth": "Bluetooth",
    "internal": "Intern",
    "unknown": "Unbekannt",
    "webauthn-unsupported-browser-text": (
        "WebAuthn wird von diesem Browser nicht unterstützt. Versuchen Sie es mit einem anderen oder wenden Sie sich"
        " an Ihren Administrator."
    ),
    "webauthn-registration-init-label": "Passkey (Standard Bezeichnung)",
    "webauthn-registration-init-label-prompt": "Bitte geben Sie die Bezeichnung Ihres registrierten Passkeys ein",
    "webauthn-error-title": "Passkey Fehler",
    "webauthn-error-registration": "Fehler beim Registrieren Ihres Passkeys. {0}",
    "webauthn-error-api-get": "Fehler beim Authentifizieren mit dem Passkey. {0}",
    "webauthn-error-different-user": (
        "Der erste authentifizierte Benutzer ist nicht derjenige, der durch den Passkey authentifiziert wurde."
    ),
    "webauthn-error-auth-verification": "Das Ergebnis der Passkey-Authentifizierung ist ungültig. {0}",
    "webauthn-error-register-verification": "Das Ergebnis der Passkey-Registrierung ist ungültig. {0}",
    "webauthn-error-user-not-found": "Unbekannter Benutzer, der mit dem Passkey authentifiziert wurde.",
    "doTryAgain": "Erneut versuchen",
    # broker pages, identity-first and e-mail update pages (messages_de.properties)
    "authenticateStrong": "Um fortzufahren wird ein stärkeres Authentifizierungsverfahren benötigt",
    "identity-provider-login-label": "Oder anmelden mit",
    "loginIdpReviewProfileTitle": "Benutzerkonto Informationen aktualisieren",
    "confirmLinkIdpTitle": "Das Benutzerkonto existiert bereits.",
    "federatedIdentityConfirmLinkMessage": "Ein Benutzer mit {0} {1} existiert bereits. Wie möchten Sie fortfahren?",
    "federatedIdentityConfirmReauthenticateMessage": "Anmelden um das Benutzerkonto mit {0} zu verknüpfen",
    "confirmLinkIdpReviewProfile": "Benutzerkonto überprüfen",
    "confirmLinkIdpContinue": "Zu einem bestehenden Benutzerkonto hinzufügen",
    "emailLinkIdpTitle": "{0} verknüpfen",
    "emailLinkIdp1": (
        "Eine E-Mail mit weiteren Anweisungen um {0} Konto {1} mit Ihrem {2} Konto zu verknüpfen wurde an Sie "
        "versendet."
    ),
    "emailLinkIdp2": "Sie haben keinen Code in Ihrer E-Mail erhalten?",
    "emailLinkIdp3": "um eine neue E-Mail versenden zu lassen.",
    "emailLinkIdp4": "Wenn Sie die E-Mail bereits in einem anderen Browser verifiziert haben",
    "emailLinkIdp5": "um fortzufahren.",
    "identityProviderLinkSuccess": (
        "Sie haben Ihre E-Mail-Adresse erfolgreich verifiziert. Bitte kehren Sie zu Ihrem ursprünglichen Browser "
        "zurück und fahren Sie dort mit der Anmeldung fort."
    ),
    "confirmAccountLinking": (
        "Bestätigen Sie den Account {0} des Identity Provider {1} mit Ihrem Account zu verknüpfen."
    ),
    "linkIdpActionTitle": "Verknüpfe {0}",
    "linkIdpActionMessage": "Möchten Sie Ihren Account mit {0} verlinken?",
    "staleCodeMessage": (
        "Diese Seite ist nicht mehr gültig, bitte kehren Sie zu Ihrer Applikation zurück und melden Sie sich erneut an."
    ),
    "couldNotProceedWithAuthenticationRequestMessage": "Konnte die Authentifizierungsanfrage nicht weiter verarbeiten.",
    "identityProviderUnexpectedErrorMessage": (
        "Unerwarteter Fehler während der Authentifizierung mit dem Identity Provider."
    ),
    "identityProviderMissingStateMessage": "Fehlender state-Parameter in der Antwort vom Identitätsanbieter.",
    "organization.confirm-membership.title": "Sie sind dabei, der Organization {0} beizutreten",
    "organization.confirm-membership": (
        "Durch Anklicken des unten stehenden Links werden Sie Mitglied der {0} Organization:"
    ),
    "organization.member.register.title": "Erstellen Sie ein Konto, um der Organization {0} beizutreten",
    "updateEmailTitle": "E-Mail aktualisieren",
    "emailUpdateConfirmationSentTitle": "E-Mail Sendebestätigung",
    "emailUpdateConfirmationSent": (
        "Eine Bestätigungs-E-Mail wurde an {0} versendet. Bitte folgen Sie den Anweisungen, um die Aktualisierung "
        "der E-Mail abzuschließen."
    ),
    "emailUpdatedTitle": "E-Mail aktualisiert",
    "emailUpdated": "Die E-Mail wurde erfolgreich zu {0} aktualisiert.",
    # the e-mail theme's (its link lifetime is the formatted {5}, as the English text's)
    "identityProviderLinkSubject": "Link {0}",
    "identityProviderLinkBody": (
        "Es wurde beantragt Ihren Account {1} mit dem Account {0} von Benutzer {2} zu verlinken. Sollten Sie dies "
        "beantragt haben, klicken Sie auf den unten stehenden Link.\n\n{3}\n\nDie Gültigkeit des Links wird in "
        "{5} verfallen.\n\nSollten Sie Ihren Account nicht verlinken wollen, ignorieren Sie diese Nachricht. Wenn "
        "Sie die Accounts verlinken wird ein Login auf {1} über {0} ermöglicht."
    ),
}
