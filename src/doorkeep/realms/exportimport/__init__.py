"""Keycloak's realm-export JSON in and out (Keycloak's own name: org.keycloak.exportimport)."""
