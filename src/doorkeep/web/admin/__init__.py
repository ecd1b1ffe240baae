"""Keycloak's Admin REST API (the subset Doorkeep serves), under /admin/realms."""
