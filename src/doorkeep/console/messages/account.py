"""The Account Console's texts, keyed as Keycloak 26's account UI (account-ui ``messages_xx.properties``).

English is Doorkeep's wording of each page (the account UI's where the page says the same thing); German is
Keycloak's ``messages_de.properties`` of the account UI for every key it has, ``{{0}}`` written ``{0}``. A
key Keycloak's German file lacks (a sentence only Doorkeep's pages say) is marked ``# Doorkeep's``.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # the layout and the navigation
    "accountConsole": "Account Console",  # Doorkeep's
    "skipToContent": "Skip to content",  # Doorkeep's
    "signedInAs": "Signed in as",  # Doorkeep's
    "signOut": "Sign out",
    "personalInfo": "Personal info",
    "applications": "Applications",
    "signingIn": "Signing in",
    "deviceActivity": "Devices",
    "error": "Error",  # Doorkeep's
    "backToStart": "Back to the start page",  # Doorkeep's
    "cancel": "Cancel",
    "actionFailed": "The sign-in server could not carry out this action.",  # Doorkeep's
    "csrfRefused": (  # Doorkeep's
        "This form has expired or did not come from this page. Reload the page and try again."
    ),
    "passwordUpdated": "Your password has been updated.",  # Doorkeep's
    "totpSetUp": "Your authenticator application has been set up.",  # Doorkeep's
    "credentialRemoved": "The credential has been removed.",  # Doorkeep's
    # Personal info
    "backTo": "Back to {0}",
    "username": "Username",
    "email": "Email",
    "firstName": "First name",
    "lastName": "Last name",
    "selectALocale": "Select a locale",
    "notVerified": "Not verified.",  # Doorkeep's
    "save": "Save",
    "updateEmail": "Update email",
    "deleteAccount": "Delete account",
    "deleteAccountWarning": "This is irreversible. All your data will be permanently destroyed, and irretrievable.",
    "delete": "Delete",
    "accountUpdatedMessage": "Your account has been updated.",
    "unsupportedLocale": "This language is not offered here.",  # Doorkeep's
    "notAllowed": "You are not allowed to do this: your account lacks the role it needs.",  # Doorkeep's
    # profile errors (account-ui's messages; {0} the attribute's display name)
    "error-invalid-email": "Invalid email address.",
    "error-invalid-length": "Attribute {0} must have a length between {1} and {2}.",
    "error-invalid-length-too-long": "Attribute {0} must have a maximum length of {2}.",
    "error-person-name-invalid-character": "{0} contains invalid character.",
    "error-username-invalid-character": "{0} contains invalid character.",
    "emailExistsMessage": "Email already exists.",
    "error-user-attribute-required": "Please specify attribute {0}.",
    "missingEmailMessage": "Please specify email.",
    "readOnlyUsernameMessage": "You can't update your username as it is read-only.",
    "usernameExistsMessage": "Username already exists.",
    # Applications
    "noApplications": "No application has access to your account.",  # Doorkeep's
    "offlineAccess": "Offline access",
    "inUse": "In use",
    "client": "Client",
    "url": "URL",  # Doorkeep's
    "yes": "Yes",  # Doorkeep's
    "no": "No",  # Doorkeep's
    "consentGiven": "Consent given",  # Doorkeep's
    "consentedTo": "Consented to",  # Doorkeep's
    "offlineToken": "Offline token {0}",  # Doorkeep's
    "offlineTokens": "Offline tokens ({0})",  # Doorkeep's
    "granted": "Granted",  # Doorkeep's
    "lastUsed": "Last used",  # Doorkeep's
    "device": "Device",  # Doorkeep's
    "ipAddress": "IP address",
    "scopes": "Scopes",  # Doorkeep's
    "removeAccess": "Remove access",
    "removeAccessOf": "Remove access of {0}",  # Doorkeep's
    "removeAccessQuestion": (  # Doorkeep's
        "Remove the access of {0}? It will have to ask you again, and its offline tokens stop working at once."
    ),
    "accessRemoved": "Access of {0} removed.",  # Doorkeep's
    # Signing in
    "signingInDescription": "Configure ways to sign in.",
    "setUpNew": "Set up {0}",
    "notSetUp": "{0} is not set up.",
    "created": "Created",  # credentialCreatedAt's <0>Created</0>
    "update": "Update",
    "updateCred": "Update {0}",  # Doorkeep's
    "removeCred": "Delete {0}",  # Doorkeep's wording of removeCred
    "noSuchAction": "There is no such action.",  # Doorkeep's
    "basic-authentication": "Basic authentication",
    "two-factor": "Two-factor authentication",
    "passwordless": "Passwordless",
    "password-display-name": "Password",
    "password-help-text": "Sign in by entering your password.",
    "otp-display-name": "Authenticator application",
    "otp-help-text": "Enter a verification code from authenticator application.",
    "webauthn-display-name": "Passkey",
    "webauthn-help-text": "Use your Passkey to sign in.",
    "webauthn-passwordless-display-name": "Passkey",
    "webauthn-passwordless-help-text": "Use your Passkey for passwordless sign in.",
    "recovery-authn-codes-display-name": "Recovery authentication codes",
    "recovery-authn-codes-help-text": (
        "These codes can be used to regain your access in case your other 2FA means are not available."
    ),
    "password": "My password",
    # Devices
    "signedInSessions": "Signed-in sessions",  # Doorkeep's
    "noBrowserSession": "No browser session.",  # Doorkeep's
    "started": "Started",
    "lastAccess": "Last access",  # Doorkeep's
    "action": "Action",  # Doorkeep's
    "currentSession": "This session",
    "signOutEverywhereElse": "Sign out everywhere else",  # Doorkeep's
    "offlineSessions": "Offline sessions",  # Doorkeep's
    "offlineSessionsHelp": "Applications with offline access keep working while you are signed out.",  # Doorkeep's
    "noOfflineSession": "No offline session.",  # Doorkeep's
    "revoke": "Revoke",  # Doorkeep's
    "removeOtherDevices": "Remove all other devices",  # Doorkeep's
    "signOutWarning": "Sign out this session?",
    "revokeOfflineQuestion": (  # Doorkeep's
        "Revoke this offline session? The applications holding its offline tokens lose access."
    ),
    "sessionEnded": "That session has already ended.",  # Doorkeep's
    "signedOut": "Signed out.",  # Doorkeep's
    "offlineRevoked": "Offline session revoked.",  # Doorkeep's
    "signOutOthersOfflineQuestion": (  # Doorkeep's
        "Sign out every other session, offline access of applications included? This one stays signed in."
    ),
    "signOutOthersQuestion": (  # Doorkeep's
        "Sign out every other browser session? This one stays signed in; "
        "offline access of applications is kept (remove it under Applications)."
    ),
    "signedOutOthers": "Signed out of every other session.",  # Doorkeep's
    "keepOnlyQuestion": (  # Doorkeep's
        "Revoke every other offline session? The applications on those devices lose offline access."
    ),
    "revokedOthers": "Revoked {0} other offline session(s).",  # Doorkeep's
    # Linked accounts
    "linkedAccounts": "Linked accounts",
    "linkedAccountsIntroMessage": "Manage logins through third-party accounts.",
    "linkedLoginProviders": "Linked login providers",
    "unlinkedLoginProviders": "Unlinked login providers",
    "linkedEmpty": "No linked providers",
    "unlinkedEmpty": "No unlinked providers",
    "systemDefined": "System defined",
    "link": "Link account",
    "unLink": "Unlink account",
    "unLinkSuccess": "Successfully unlinked account",
    "linkSuccess": "Account linked.",  # Doorkeep's
    "unLinkQuestion": "Unlink your account from {0}? You can no longer sign in with it.",  # Doorkeep's
    "federatedIdentityRemovingLastProviderMessage": (
        "You can't remove last federated identity as you don't have a password."
    ),
    "federatedIdentityNotActiveMessage": "This identity is not active anymore.",
    "identityProviderNotFoundMessage": "Could not find an identity provider with the identifier.",
    # Organizations (Keycloak 26's Organizations.tsx, OrganizationTable)
    "organizations": "Organizations",
    "organizationDescription": "View organizations that you are a member of.",
    "emptyUserOrganizations": "No organizations",
    "emptyUserOrganizationsInstructions": "You have not joined any organizations yet.",
    "orgName": "Name",
    "orgDomains": "Domains",
    "orgDescription": "Description",
}

DE: dict[str, str] = {
    "accountConsole": "Account verwalten",  # manageAccount
    "skipToContent": "Zum Inhalt springen",  # Doorkeep's
    "signedInAs": "Angemeldet als",  # Doorkeep's
    "signOut": "Abmelden",
    "personalInfo": "Persönliche Angaben",
    "applications": "Anwendungen",
    "signingIn": "Anmeldung",
    "deviceActivity": "Geräteaktivität",
    "error": "Fehler",  # Doorkeep's
    "backToStart": "Zurück zur Startseite",  # Doorkeep's
    "cancel": "Abbrechen",
    "actionFailed": "Der Anmeldeserver konnte diese Aktion nicht ausführen.",  # Doorkeep's
    "csrfRefused": (  # Doorkeep's
        "Dieses Formular ist abgelaufen oder stammt nicht von dieser Seite. Laden Sie die Seite neu und versuchen "
        "Sie es erneut."
    ),
    "passwordUpdated": "Ihr Passwort wurde aktualisiert.",  # Doorkeep's
    "totpSetUp": "Ihre Authenticator-Anwendung wurde eingerichtet.",  # Doorkeep's
    "credentialRemoved": "Die Anmeldedaten wurden entfernt.",  # Doorkeep's
    "backTo": "Zurück zu {0}",
    "username": "Benutzername",
    "email": "E-Mail",
    "firstName": "Vorname",
    "lastName": "Nachname",
    "selectALocale": "Wählen Sie eine Sprache",
    "notVerified": "Nicht verifiziert.",  # Doorkeep's
    "save": "Speichern",
    "updateEmail": "E-Mail bearbeiten",
    "deleteAccount": "Benutzerkonto löschen",
    "deleteAccountWarning": (
        "Dieser Vorgang ist unwiderruflich. Alle Ihre Daten werden dauerhaft gelöscht und können nicht "
        "wiederhergestellt werden."
    ),
    "delete": "Löschen",
    "accountUpdatedMessage": "Ihr Benutzerkonto wurde aktualisiert.",
    "unsupportedLocale": "Diese Sprache wird hier nicht angeboten.",  # Doorkeep's
    "notAllowed": "Das ist Ihnen nicht erlaubt: Ihrem Konto fehlt die nötige Rolle.",  # Doorkeep's
    "error-invalid-email": "Ungültige E-Mail.",
    "error-invalid-length": "'{0}' muss eine Länge zwischen {1} und {2} haben.",
    "error-invalid-length-too-long": "'{0}' darf maximal eine Länge von nur {2} haben.",
    "error-person-name-invalid-character": "'{0}' enthält ungültige Zeichen.",
    "error-username-invalid-character": "'{0}' enthält ungültige Zeichen.",
    "emailExistsMessage": "E-Mail existiert bereits.",  # the login theme's German
    "error-user-attribute-required": "Bitte geben Sie '{0}' an.",
    "missingEmailMessage": "'{0}': Bitte geben Sie eine E-Mail-Adresse ein.",
    "readOnlyUsernameMessage": (  # the login theme's German
        "Sie können Ihren Benutzernamen nicht ändern, da er schreibgeschützt ist."
    ),
    "usernameExistsMessage": "Benutzername existiert bereits.",  # the login theme's German
    "noApplications": "Keine Anwendung hat Zugriff auf Ihr Konto.",  # Doorkeep's
    "offlineAccess": "Offline-Zugriff",
    "inUse": "In Benutzung",
    "client": "Client",
    "url": "URL",  # Doorkeep's
    "yes": "Ja",  # Doorkeep's
    "no": "Nein",  # Doorkeep's
    "consentGiven": "Zugriff gewährt am",  # accessGrantedOn, without its colon
    "consentedTo": "Hat Zugriff auf",  # hasAccessTo
    "offlineToken": "Offline-Token {0}",  # Doorkeep's
    "offlineTokens": "Offline-Tokens ({0})",  # Doorkeep's
    "granted": "Gewährt",  # Doorkeep's
    "lastUsed": "Zuletzt verwendet",  # Doorkeep's
    "device": "Gerät",  # Doorkeep's
    "ipAddress": "IP-Adresse",
    "scopes": "Scopes",  # Doorkeep's
    "removeAccess": "Zugriff entfernen",
    "removeAccessOf": "Zugriff von {0} entfernen",  # Doorkeep's
    "removeAccessQuestion": (  # Doorkeep's, after removeModalMessage
        "Den Zugriff von {0} entfernen? Die Anwendung muss Sie erneut fragen, und ihre Offline-Tokens "
        "funktionieren sofort nicht mehr."
    ),
    "accessRemoved": "Zugriff von {0} entfernt.",  # Doorkeep's
    "signingInDescription": "Konfigurieren Sie die Anmeldemöglichkeiten.",
    "setUpNew": "{0} einrichten",
    "notSetUp": "{0} ist nicht eingerichtet.",
    "created": "Erstellt",
    "update": "Aktualisieren",
    "updateCred": "{0} aktualisieren",  # Doorkeep's
    "removeCred": "{0} entfernen",
    "noSuchAction": "Diese Aktion gibt es nicht.",  # Doorkeep's
    "basic-authentication": "Standardauthentifizierung",
    "two-factor": "Zwei-Faktor-Authentifizierung",
    "passwordless": "Passwortlos",  # Doorkeep's
    "password-display-name": "Passwort",
    "password-help-text": "Melden Sie sich mit Ihrem Passwort an.",
    "otp-display-name": "Authenticator-Anwendung",
    "otp-help-text": "Geben Sie bei der Anmeldung einen Verifizierungscode aus der Authenticator-Anwendung ein.",
    "webauthn-display-name": "Passkey",  # the login theme's German
    "webauthn-help-text": "Verwenden Sie Ihren Passkey zur Anmeldung.",  # the login theme's German
    "webauthn-passwordless-display-name": "Passkey",  # the login theme's German
    "webauthn-passwordless-help-text": "Verwenden Sie Ihren Passkey zur kennwortlosen Anmeldung.",  # the login theme's
    "recovery-authn-codes-display-name": "Wiederherstellungscodes",  # the login theme's recovery-codes-label-default
    "recovery-authn-codes-help-text": (  # Doorkeep's
        "Mit diesen Codes erhalten Sie wieder Zugang, falls Ihre anderen Mittel der Zwei-Faktor-Authentifizierung "
        "nicht verfügbar sind."
    ),
    "password": "Mein Passwort",
    "signedInSessions": "Angemeldete Geräte",  # signedInDevices
    "noBrowserSession": "Keine Browser-Sitzung.",  # Doorkeep's
    "started": "Gestartet",
    "lastAccess": "Letzter Zugriff",  # lastAccessedOn
    "action": "Aktion",  # Doorkeep's
    "currentSession": "Aktuelle Sitzung",
    "signOutEverywhereElse": "Überall sonst abmelden",  # Doorkeep's
    "offlineSessions": "Offline-Sitzungen",  # Doorkeep's
    "offlineSessionsHelp": (  # Doorkeep's
        "Anwendungen mit Offline-Zugriff arbeiten weiter, während Sie abgemeldet sind."
    ),
    "noOfflineSession": "Keine Offline-Sitzung.",  # Doorkeep's
    "revoke": "Widerrufen",  # Doorkeep's
    "removeOtherDevices": "Alle anderen Geräte entfernen",  # Doorkeep's
    "signOutWarning": "Sitzung abmelden?",
    "revokeOfflineQuestion": (  # Doorkeep's
        "Diese Offline-Sitzung widerrufen? Die Anwendungen mit ihren Offline-Tokens verlieren den Zugriff."
    ),
    "sessionEnded": "Diese Sitzung ist bereits beendet.",  # Doorkeep's
    "signedOut": "Abgemeldet.",  # Doorkeep's
    "offlineRevoked": "Offline-Sitzung widerrufen.",  # Doorkeep's
    "signOutOthersOfflineQuestion": (  # Doorkeep's
        "Alle anderen Sitzungen abmelden, den Offline-Zugriff von Anwendungen eingeschlossen? "
        "Diese Sitzung bleibt angemeldet."
    ),
    "signOutOthersQuestion": (  # Doorkeep's
        "Alle anderen Browser-Sitzungen abmelden? Diese Sitzung bleibt angemeldet; der Offline-Zugriff von "
        "Anwendungen bleibt erhalten (entfernen Sie ihn unter Anwendungen)."
    ),
    "signedOutOthers": "Von allen anderen Sitzungen abgemeldet.",  # Doorkeep's
    "keepOnlyQuestion": (  # Doorkeep's
        "Alle anderen Offline-Sitzungen widerrufen? Die Anwendungen auf diesen Geräten verlieren den Offline-Zugriff."
    ),
    "revokedOthers": "{0} andere Offline-Sitzung(en) widerrufen.",  # Doorkeep's
    # Linked accounts
    "linkedAccounts": "Verknüpfte Konten",
    "linkedAccountsIntroMessage": "Verwalten Sie Anmeldungen über Konten von Drittanbietern.",
    "linkedLoginProviders": "Verknüpfte Login-Anbieter",
    "unlinkedLoginProviders": "Nicht verknüpfte Login-Anbieter",
    "linkedEmpty": "Keine verknüpften Anbieter",
    "unlinkedEmpty": "Keine verknüpften Login-Anbieter",  # sic, Keycloak's German
    "systemDefined": "Systemdefiniert",
    "link": "Account verknüpfen",
    "unLink": "Konto trennen",
    "unLinkSuccess": "Verknüpftes Konto erfolgreich getrennt",
    "linkSuccess": "Konto verknüpft.",  # Doorkeep's
    "unLinkQuestion": "Ihr Konto von {0} trennen? Sie können sich dann nicht mehr damit anmelden.",  # Doorkeep's
    "federatedIdentityRemovingLastProviderMessage": (  # Doorkeep's
        "Sie können die letzte Verknüpfung nicht entfernen, da Sie kein Passwort haben."
    ),
    "federatedIdentityNotActiveMessage": "Diese Identität ist nicht mehr aktiv.",  # Doorkeep's
    "identityProviderNotFoundMessage": "Es wurde kein Identity Provider mit diesem Namen gefunden.",  # Doorkeep's
    "organizations": "Organisationen",
    "organizationDescription": "Organisationen anzeigen, in denen Sie Mitglied sind.",
    "emptyUserOrganizations": "Keine Organisationen",
    "emptyUserOrganizationsInstructions": "Sie sind noch keiner Organisation beigetreten.",
    "orgName": "Name",
    "orgDomains": "Domains",
    "orgDescription": "Beschreibung",
}

CATALOGS: dict[str, dict[str, str]] = {"en": EN, "de": DE}
