"""Every option: its flag, its ``DOORKEEP_*`` environment name, its default, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    """Server settings. Flag names follow Keycloak's (``--http-port`` ⇔ ``DOORKEEP_HTTP_PORT``)."""

    db_url: str = "sqlite:///data/doorkeep.db"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    http_enabled: bool = True
    hostname: str | None = None  # fixed issuer base, e.g. https://id.example.com
    proxy_headers: str | None = None  # "forwarded" or "xforwarded"
    proxy_trusted_addresses: tuple[str, ...] = ()  # peers whose proxy headers count (IPs or CIDRs); empty = all
    https_certificate_file: str | None = None
    https_certificate_key_file: str | None = None
    workers: int = 1
    import_realms: tuple[str, ...] = ()
    bootstrap_admin_username: str | None = None
    bootstrap_admin_password: str | None = None
    dev_mode: bool = False
    max_body_bytes: int = 1_048_576
    cache_sessions_max_count: int = 10000
    cache_client_sessions_max_count: int = 10000
    cache_offline_sessions_max_count: int = 10000
    cache_offline_client_sessions_max_count: int = 10000
    offline_session_cache_lifespan_override: int | None = None
    offline_client_session_cache_lifespan_override: int | None = None
    session_cleaner_interval: int = 900
    log_level: str = "info"
    log_format: str = "text"  # --log-format / Keycloak's --log-console-output: text (Keycloak: default) or json
    http_access_log_enabled: bool = False  # --http-access-log-enabled: one log line per request, as Keycloak's
    metrics_enabled: bool = False  # --metrics-enabled: Prometheus exposition at /metrics
    shutdown_delay: float = 1.0  # --shutdown-delay: seconds between SIGTERM and closing the listener
    shutdown_timeout: float = 1.0  # --shutdown-timeout: seconds in-flight requests get to finish
    extra: dict[str, str] = field(default_factory=dict)
