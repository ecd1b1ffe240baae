"""Keycloak's registered required actions as the realm-export JSON holds them (``requiredActions``).

``REQUIRED_ACTION_PROVIDER`` gives each action (alias, name, provider, enabled, default action, priority) and
``REQUIRED_ACTION_CONFIG`` its configuration (RequiredActionProviderEntity's ``config`` map: ``max_auth_age``,
``warning_threshold`` ...). The import path then keeps them as a realm file's ``requiredActions`` (the actions
as they are, configurations unchecked, as Keycloak's import). A realm with no rows keeps Doorkeep's defaults.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Rows = list[dict[str, Any]]


def required_actions(t: dict[str, Rows]) -> list[dict[str, Any]] | None:
    """RequiredActionProviderRepresentation per row, ordered by priority then alias; None without rows."""
    if not t["required_action_provider"]:
        return None
    config: dict[str, dict[str, str]] = defaultdict(dict)
    for row in t["required_action_config"]:
        if row.get("value") is not None:
            config[row["required_action_id"]][row["name"]] = row["value"]
    out = []
    for a in sorted(t["required_action_provider"], key=lambda a: (a.get("priority") or 0, a["alias"] or "")):
        out.append(
            {
                "alias": a["alias"],
                "name": a.get("name"),
                "providerId": a.get("provider_id") or a["alias"],
                "enabled": bool(a.get("enabled")),
                "defaultAction": bool(a.get("default_action")),
                "priority": a.get("priority") or 0,
                "config": dict(sorted(config.get(a["id"], {}).items())),
            }
        )
    return out
