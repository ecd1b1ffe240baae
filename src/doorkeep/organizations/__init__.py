"""Organizations (Keycloak 26): a realm's organizations, their domains and members, without HTTP or SQL."""
