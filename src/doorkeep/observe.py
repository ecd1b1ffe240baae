"""The metrics seam: the core reports what happened here; the web layer decides whether anyone listens.

Nothing here imports a metrics library. By default every hook does nothing; ``doorkeep.web.metrics``
installs a Prometheus-backed observer when ``--metrics-enabled true``.
"""

from __future__ import annotations

from doorkeep.event_metrics import UserEventMetrics


class Observer:
    """No-op hooks. Subclasses record; each call must stay cheap (a counter or histogram update)."""

    # What keycloak_user_events_total counts (--event-metrics-user-*), None when nobody counts user events.
    user_events: UserEventMetrics | None = None

    def user_event(self, labels: tuple[str, ...]) -> None:
        """A committed user event, its label values in ``user_events.label_names``' order."""

    def password_hashed(self, algorithm: str, seconds: float) -> None:
        """A password hash (or verification) took ``seconds`` of CPU-bound work."""

    def transaction(self, write: bool, seconds: float) -> None:
        """A unit of work (one database transaction) lasted ``seconds``."""

    def connections_in_use(self, change: int) -> None:
        """A transaction took a database connection (+1) or gave it back (-1)."""

    def token_answer(self, form_body: bytes, status: int, body: bytes | memoryview) -> None:
        """The token endpoint answered ``status`` with ``body`` to the form ``form_body``."""


_current: list[Observer] = [Observer()]


def current() -> Observer:
    return _current[0]


def install(observer: Observer) -> None:
    """Make ``observer`` the process's observer (the composition root does this once)."""
    _current[0] = observer
