"""Identity brokering: the realm's OpenID Connect identity providers ("Sign in with <IdP>").

``providers`` is the admin side (IdentityProviderRepresentation in, validated and masked out), ``oidc`` the
protocol with the provider (AbstractOAuth2IdentityProvider, OIDCIdentityProvider), ``first_login`` what
Keycloak's default first broker login flow does with the brokered identity.
"""
