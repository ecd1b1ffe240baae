"""Admin events: what Keycloak's AdminEventBuilder records for each change made through the admin API."""
