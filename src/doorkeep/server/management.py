"""Keycloak 26's management interface: health and metrics on a port of their own (``--http-management-port``,
9000 by default), so a deployment can keep them off the public port.

Keycloak's rule (ManagementPropertyMappers.isManagementEnabled): the interface is open when something is exposed
on it, metrics (``--metrics-enabled``) or health (``--health-enabled`` with ``--http-management-health-enabled``,
true by default), unless ``--legacy-observability-interface`` keeps both on the main port. Its path and address
are the main server's unless ``--http-management-relative-path`` / ``--http-management-host`` say otherwise; its
TLS is always the main server's (Keycloak's ``http-management-scheme=inherited``).
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.hostname import relative_path
from doorkeep.settings import Settings

ROOT_BODY = b"Keycloak Management Interface"  # what Keycloak's management root answers (KeycloakRecorder)


@dataclass(frozen=True)
class Interface:
    """Where the management interface listens and what it serves there."""

    host: str
    port: int
    prefix: str  # "" or "/management": the endpoints' path prefix
    health: bool
    metrics: bool


def interface(settings: Settings) -> Interface | None:
    """The management interface the settings open, or None when nothing is exposed on it."""
    if settings.legacy_observability_interface:
        return None
    health = settings.health_enabled and settings.http_management_health_enabled
    if not (health or settings.metrics_enabled):
        return None
    path = settings.http_management_relative_path
    return Interface(
        host=settings.http_management_host or settings.http_host,
        port=settings.http_management_port,
        prefix=relative_path(settings.http_relative_path if path is None else path),
        health=health,
        metrics=settings.metrics_enabled,
    )
