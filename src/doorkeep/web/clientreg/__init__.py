"""Keycloak's client registration service over HTTP: ``/realms/{realm}/clients-registrations/{provider}``."""
