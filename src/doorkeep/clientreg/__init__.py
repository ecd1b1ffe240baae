"""Keycloak's client registration service: OpenID Connect Dynamic Client Registration 1.0 and RFC 7591/7592,
and Keycloak's own ClientRepresentation flavour of it (``/realms/{realm}/clients-registrations/{provider}``)."""
