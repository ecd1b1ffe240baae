"""User event metrics: Keycloak's ``--event-metrics-user-*`` options and the tags of ``keycloak_user_events_total``.

Keycloak 26 counts every user event, saved or not (its listener is global: a realm's ``eventsEnabled`` and
``enabledEventTypes`` govern the store alone), once the transaction that raised it has committed
(MicrometerUserEventMetricsEventListenerProvider, enlisted after completion). The ``event`` tag is the type in
lower case without its ``_ERROR`` suffix; ``error`` is the event's error, ``unknown`` for an ``*_ERROR`` event
without one, empty for a success. ``--event-metrics-user-tags`` adds ``realm`` (the default), ``idp`` and
``clientId`` (tag ``client.id``, ``client_id`` in Prometheus); ``--event-metrics-user-events`` counts only the
events it names. To keep the number of series bounded, a ``client_not_found`` event's client is ``unknown`` and an
``identity_provider`` detail names the ``idp`` only when the realm has an identity provider of that alias (a login
error may carry whatever alias a request sent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# EventOptions.USER_EVENT_METRICS_TAGS: the values --event-metrics-user-tags accepts, and its label in Prometheus
TAGS: dict[str, str] = {"realm": "realm", "idp": "idp", "clientId": "client_id"}
DEFAULT_TAGS = ("realm",)
# EventOptions.USER_EVENT_METRICS_EVENTS' expected values (Keycloak 26): the events --event-metrics-user-events names
EVENTS = frozenset(
    (
        "register",
        "login",
        "code_to_token",
        "logout",
        "client_login",
        "refresh_token",
        "introspect_token",
        "federated_identity_link",
        "remove_federated_identity",
        "update_email",
        "update_profile",
        "verify_email",
        "verify_profile",
        "grant_consent",
        "update_consent",
        "revoke_grant",
        "send_verify_email",
        "send_reset_password",
        "send_identity_provider_link",
        "reset_password",
        "restart_authentication",
        "invalid_signature",
        "register_node",
        "unregister_node",
        "user_info_request",
        "identity_provider_link_account",
        "identity_provider_login",
        "identity_provider_first_login",
        "identity_provider_post_login",
        "identity_provider_response",
        "identity_provider_retrieve_token",
        "impersonate",
        "custom_required_action",
        "execute_actions",
        "execute_action_token",
        "client_info",
        "client_register",
        "client_update",
        "client_delete",
        "client_initiated_account_linking",
        "federation_client_register",
        "federation_client_update",
        "token_exchange",
        "oauth2_device_auth",
        "oauth2_device_verify_user_code",
        "oauth2_device_code_to_token",
        "authreqid_to_token",
        "permission_token",
        "delete_account",
        "pushed_authorization_request",
        "user_disabled_by_permanent_lockout",
        "user_disabled_by_temporary_lockout",
        "oauth2_extension_grant",
        "federated_identity_override_link",
        "update_credential",
        "remove_credential",
        "invite_org",
        "remove_totp",
        "update_totp",
        "update_password",
    )
)
CLIENT_NOT_FOUND = "client_not_found"  # Errors.CLIENT_NOT_FOUND


@dataclass(frozen=True)
class UserEventMetrics:
    """What ``--event-metrics-user-tags`` and ``--event-metrics-user-events`` chose."""

    tags: tuple[str, ...] = DEFAULT_TAGS
    events: frozenset[str] | None = None  # None: every event

    @property
    def label_names(self) -> tuple[str, ...]:
        """The Prometheus labels of the counter: ``event``, ``error`` and the chosen tags, in TAGS' order."""
        return ("event", "error", *(TAGS[t] for t in TAGS if t in self.tags))

    def counts(self, type: str) -> bool:
        """Whether an event of this type is counted (--event-metrics-user-events names it, or names none)."""
        return self.events is None or event_tag(type) in self.events

    def labels(
        self,
        realm_name: str,
        idp_aliases: Iterable[str],
        type: str,
        *,
        error: str | None,
        client_id: str | None,
        details: Mapping[str, object] | None,
    ) -> tuple[str, ...] | None:
        """The label values of one event, in ``label_names``' order; None when the event is not counted."""
        if not self.counts(type):
            return None
        event = event_tag(type)
        if error is None and type.endswith("_ERROR"):
            error = "unknown"
        values = [event, error or ""]
        if "realm" in self.tags:
            values.append(realm_name)
        if "idp" in self.tags:
            alias = (details or {}).get("identity_provider")
            values.append(alias if isinstance(alias, str) and alias in set(idp_aliases) else "")
        if "clientId" in self.tags:
            values.append("unknown" if error == CLIENT_NOT_FOUND else (client_id or ""))
        return tuple(values)


def event_tag(type: str) -> str:
    """``LOGIN_ERROR`` → ``login``: errors and successes share the tag, the ``error`` tag tells them apart."""
    return type.removesuffix("_ERROR").lower()


def parse_tags(text: str | None) -> tuple[str, ...]:
    """``--event-metrics-user-tags``: comma-separated, each one of TAGS (ValueError names the first that is not)."""
    if text is None:
        return DEFAULT_TAGS
    found = tuple(part.strip() for part in text.split(",") if part.strip())
    for tag in found:
        if tag not in TAGS:
            raise ValueError(f"'{tag}' is not one of: {', '.join(TAGS)}")
    return found


def parse_events(text: str | None) -> frozenset[str] | None:
    """``--event-metrics-user-events``: comma-separated event names as EVENTS spells them; None (every event) when
    nothing is named."""
    found = frozenset(part.strip() for part in (text or "").split(",") if part.strip())
    unknown = sorted(found - EVENTS)
    if unknown:
        raise ValueError(f"'{unknown[0]}' is not a user event (expected e.g. login, refresh_token, code_to_token)")
    return found or None
