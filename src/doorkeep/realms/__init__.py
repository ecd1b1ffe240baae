"""Realm lifecycle outside the APIs: Keycloak's built-in defaults, first-start bootstrap, export and import."""
