"""Migration from a Keycloak 24–26 database: configuration, users, keys and offline sessions."""
