"""The settings of a small Django project that signs its users in through Doorkeep with three relying-party
libraries nobody here wrote, each set up as its documentation has it against a Keycloak realm: mozilla-django-oidc
(``/oidc/``), django-allauth's ``openid_connect`` provider (``/accounts/``) and python-social-auth's
``KeycloakOAuth2`` and ``OpenIdConnectAuth`` backends (``/social/``); its URLconf is ``django_rp_site``. Served by
Django's test ``Client`` (host ``testserver``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HOST = "http://testserver"
APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "mozilla_django_oidc",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "social_django",
]


def settings_for(issuer: str, database: Path, clients: dict[str, tuple[str, str]], public_key: str) -> dict[str, Any]:
    """Django's settings for the realm at ``issuer``: ``clients`` maps ``mozilla``, ``allauth``, ``allauth-es``,
    ``oidc`` and ``keycloak`` to a (client id, secret); ``public_key`` is the realm's (``GET /realms/<realm>``)."""
    endpoints = f"{issuer}/protocol/openid-connect"
    return {
        "DEBUG": False,
        "SECRET_KEY": "django-rp-site-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": ["testserver"],
        "ROOT_URLCONF": "interop.django_rp_site",
        "USE_TZ": True,
        "LOGGING_CONFIG": None,  # the test process's logging stays pytest's (other modules share the worker)
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}},
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "INSTALLED_APPS": APPS,
        # the tables made straight from the models (``migrate --run-syncdb``): 1 s instead of the migrations' 8 s
        "MIGRATION_MODULES": {app.rsplit(".", 1)[-1]: None for app in APPS},
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "allauth.account.middleware.AccountMiddleware",
            "mozilla_django_oidc.middleware.SessionRefresh",
        ],
        "TEMPLATES": [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        # social-auth's first: Django offers every sign-in to each backend in turn, and mozilla-django-oidc's
        # takes any request with ``code`` and ``state``, social-auth's callbacks' too
        "AUTHENTICATION_BACKENDS": [
            "social_core.backends.keycloak.KeycloakOAuth2",
            "social_core.backends.open_id_connect.OpenIdConnectAuth",
            "allauth.account.auth_backends.AuthenticationBackend",
            "interop.django_rp_site.DoorkeepOIDCBackend",
        ],
        "LOGIN_REDIRECT_URL": "/whoami/",
        "LOGOUT_REDIRECT_URL": "/",
        # mozilla-django-oidc
        "OIDC_RP_CLIENT_ID": clients["mozilla"][0],
        "OIDC_RP_CLIENT_SECRET": clients["mozilla"][1],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{endpoints}/auth",
        "OIDC_OP_TOKEN_ENDPOINT": f"{endpoints}/token",
        "OIDC_OP_USER_ENDPOINT": f"{endpoints}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{endpoints}/certs",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{endpoints}/logout",  # read by end_session_url below
        "OIDC_OP_LOGOUT_URL_METHOD": "interop.django_rp_site.end_session_url",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_USE_PKCE": True,
        "OIDC_STORE_ACCESS_TOKEN": True,
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_TIMEOUT": 20,
        # django-allauth
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "SOCIALACCOUNT_LOGIN_ON_GET": True,
        "SOCIALACCOUNT_STORE_TOKENS": True,
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {
                "APPS": [
                    allauth_app("doorkeep", issuer, clients["allauth"]),
                    allauth_app("doorkeep-es", issuer, clients["allauth-es"]),
                ]
            }
        },
        # python-social-auth: KeycloakOAuth2 (the access token's claims, verified with the realm's public key)
        "SOCIAL_AUTH_KEYCLOAK_KEY": clients["keycloak"][0],
        "SOCIAL_AUTH_KEYCLOAK_SECRET": clients["keycloak"][1],
        "SOCIAL_AUTH_KEYCLOAK_PUBLIC_KEY": public_key,
        "SOCIAL_AUTH_KEYCLOAK_AUTHORIZATION_URL": f"{endpoints}/auth",
        "SOCIAL_AUTH_KEYCLOAK_ACCESS_TOKEN_URL": f"{endpoints}/token",
        "SOCIAL_AUTH_KEYCLOAK_ID_KEY": "email",
        "SOCIAL_AUTH_KEYCLOAK_EXTRA_DATA": ["refresh_token", "refresh_expires_in"],
        # python-social-auth: OpenIdConnectAuth (discovery, PKCE, the ID token against the JWKS, userinfo)
        "SOCIAL_AUTH_OIDC_OIDC_ENDPOINT": issuer,
        "SOCIAL_AUTH_OIDC_KEY": clients["oidc"][0],
        "SOCIAL_AUTH_OIDC_SECRET": clients["oidc"][1],
        "SOCIAL_AUTH_OIDC_USE_PKCE": True,
        "SOCIAL_AUTH_OIDC_SCOPE": ["offline_access"],
        "SOCIAL_AUTH_LOGIN_REDIRECT_URL": "/whoami/",
    }


def allauth_app(provider_id: str, issuer: str, client: tuple[str, str]) -> dict[str, Any]:
    """An ``openid_connect`` app of allauth's settings: discovery from the issuer, PKCE, offline access."""
    return {
        "provider_id": provider_id,
        "name": provider_id,
        "client_id": client[0],
        "secret": client[1],
        "settings": {
            "server_url": issuer,
            "oauth_pkce_enabled": True,
            "scope": ["openid", "profile", "email", "offline_access"],
        },
    }
