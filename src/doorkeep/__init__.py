"""Doorkeep: an OpenID Connect server that speaks Keycloak's wire protocol, built around offline access."""

__version__ = "0.1.0"
